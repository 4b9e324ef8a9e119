bring cloud;

// An order service: the API queues orders, a consumer stores them.
class Store {
  data: cloud.Bucket;
  seq: cloud.Counter;
  new() {
    this.data = new cloud.Bucket();
    this.seq = new cloud.Counter(initial: 1);
  }
  pub inflight save(body: str): str {
    let id = "order-{this.seq.inc()}";
    this.data.put(id, body);
    return id;
  }
}

let store = new Store();
let orders = new cloud.Queue() as "orders";
let api = new cloud.Api();

orders.setConsumer(inflight (msg: str) => {
  let id = store.save(msg);
  log("stored {id}");
});

api.post("/orders", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  orders.push(req.body ?? "");
  return cloud.ApiResponse { status: 202, body: "queued" };
});
