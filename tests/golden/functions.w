// cloud.Function, a queue consumer and cloud.Api routes on tf-aws
// (backends/tfaws/lambda.h): each function is a Lambda function of its
// runtime image (tagged with the content hash of wdsl-runtime and its
// bundle, compared as a placeholder by tests/golden_test.cpp) whose role has
// exactly the permissions of its lifts; the consumer gets an event source
// mapping, the Api an HTTP API with a route per handler, the schedule an
// EventBridge rule (its UNIX cron turned into EventBridge's).
bring cloud;

let store = new cloud.Bucket() as "store";
let tasks = new cloud.Queue(timeout: 2m) as "tasks";
let api = new cloud.Api(cors: true) as "api";

new cloud.Function(inflight (event: Json?): Json? => {
  tasks.push(Json.stringify(event ?? "none"));
  return { queued: true };
}, env: { "MODE" => "fast" }, memory: 512, timeout: 30s) as "enqueue";

tasks.setConsumer(inflight (message: str) => {
  store.put("task-{message.length}", message);
}, batchSize: 5);

api.get("/items/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: store.tryGet(req.vars.get("id")) ?? "" };
});

api.post("/items", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  tasks.push(req.body ?? "");
  return cloud.ApiResponse { status: 202 };
});

let nightly = new cloud.Schedule(cron: "0 3 * * 1-5") as "nightly";
nightly.onTick(inflight () => {
  store.put("last-run", "weekday");
});
