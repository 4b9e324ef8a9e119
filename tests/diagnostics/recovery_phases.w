// expect: E0400 at 9:1 "`bucket.put` is an inflight method and cannot be called from preflight code"
// expect: E0401 at 11:3 "`queue.setConsumer` is a preflight method and cannot be called from inflight code"
// expect: E0402 at 12:3 "cannot create the preflight class `cloud.Counter` in inflight code"
// expect: E0407 at 15:1 "cannot call the inflight function `f` from preflight code"
// Phase errors in several places of one program.
bring cloud;
let bucket = new cloud.Bucket();
let queue = new cloud.Queue();
bucket.put("k", "v");
test "t" {
  queue.setConsumer(inflight (m) => { });
  new cloud.Counter();
}
let f = inflight () => { bucket.put("a", "b"); };
f();
