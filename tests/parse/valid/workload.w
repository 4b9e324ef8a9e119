// A containerized web service with a queue worker and a Redis cache.
bring cloud;
bring containers;
bring ex;
bring http;
bring util;
bring expect;

let uploads = new cloud.Bucket(public: false) as "uploads";
let orders = new cloud.Queue(timeout: 30s, retention: 1d) as "orders";
let processed = new cloud.Counter(initial: 0);
let cache = new ex.Redis();

let web = new containers.Workload(
  name: "web",
  image: "./web",
  port: 8080,
  env: {
    "LOG_LEVEL" => "debug",
    "REGION" => "local",
  },
  cpu: 0.5,
  memory: 512,
  replicas: 2,
  readiness: { path: "/healthz", initialDelay: 5, period: 10 },
  autoscaling: { min: 1, max: 4, cpuTarget: 70 },
  public: true,
  routes: ["/api", "/static"],
  bindings: {
    "ORDERS" => orders,
    "UPLOADS" => uploads,
  },
  sources: ["web/**/*.ts", "web/Dockerfile"],
  sync: [{ src: "web/src", dest: "/app/src", run: "npm run build" }],
  debug: { port: 9229 },
) as "web";

web.addRoute("/admin");

orders.setConsumer(inflight (message: str) => {
  let order = Json.parse(message);
  let id = order.get("id").asStr();
  uploads.put("orders/{id}.json", message);
  processed.inc();
  cache.set("last", id);
}, batchSize: 5);

let api = new cloud.Api(cors: true);

api.get("/orders/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let id = req.vars.get("id");
  if let body = uploads.tryGet("orders/{id}.json") {
    return cloud.ApiResponse { status: 200, body: body };
  }
  return cloud.ApiResponse { status: 404, body: "order {id} not found" };
});

api.post("/orders", inflight (req) => {
  orders.push(req.body ?? "\{}");
  return { status: 202 };
});

let schedule = new cloud.Schedule(rate: 5m);
schedule.onTick(inflight () => {
  log("processed so far: {processed.peek()}");
});

test "web answers on its public url" {
  let response = http.get("{web.publicUrl}/healthz");
  expect.equal(response.status, 200);
}

test "orders are stored" {
  orders.push(Json.stringify({ id: "42", items: ["a", "b"] }));
  util.waitUntil(() => {
    return uploads.exists("orders/42.json");
  }, timeout: 10s);
  assert(processed.peek() >= 1);
}
