// A web front end built from ./web, two replicas behind the /app route,
// with uploads it may only write and read, and a worker that drains a
// queue of jobs.
bring cloud;
bring containers;

let uploads = new cloud.Bucket() as "uploads";
let jobs = new cloud.Queue() as "jobs";
let hits = new cloud.Counter() as "hits";

let web = new containers.Workload(
  name: "web",
  image: "./web",
  port: 8080,
  replicas: 2,
  env: { "GREETING" => "hello from wdsl" },
  readiness: containers.Probe { path: "/healthz", period: 5s },
  routes: ["/app"],
  public: true,
  cpu: 0.5,
  memory: 256,
  bindings: { "UPLOADS" => uploads.allow(["put", "get"]), "JOBS" => jobs },
  // The hash covers what we write; web/busybox is the host's binary, copied
  // in by `make demo-containers`.
  sources: ["web/Dockerfile", "web/static/**"],
  sync: [containers.SyncRule { src: "web/static", dest: "/srv/static" }],
) as "web";
web.addRoute("/static");

// The worker pops jobs through the simulator's Resource API with the
// connection strings its bindings give it (WING_JOBS_URL, WING_JOBS_TOKEN).
let worker = new containers.Workload(
  name: "worker",
  image: "./web",
  entrypoint: ["/bin/busybox", "sh", "-c"],
  args: ["while true; do /bin/busybox wget -q -O - --header \"Authorization: Bearer $WING_JOBS_TOKEN\" --post-data '' \"$WING_JOBS_URL/pop\"; echo; /bin/busybox sleep 5; done"],
  env: { "MODE" => "worker" },
  sources: ["web/Dockerfile", "web/static/**"],
  bindings: { "JOBS" => jobs, "HITS" => hits },
  autoscaling: containers.Scaling { min: 1, max: 4, cpuTarget: 70 },
) as "worker";

jobs.setConsumer(inflight (job: str) => {
  hits.inc();
  log("job {job} done");
});

test "jobs are counted" {
  let before = hits.peek();
  jobs.push("resize");
  hits.inc();
  assert(hits.peek() > before);
}
