// expect: E0401 at 5:3 "`queue.setConsumer` is a preflight method and cannot be called from inflight code"
bring cloud;
let queue = new cloud.Queue();
test "adds a consumer too late" {
  queue.setConsumer(inflight (message) => { log(message); });
}
