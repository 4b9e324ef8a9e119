// cloud.Service on the deployment targets (backends/services.h): each becomes
// a workload of its image with its replicas, env, a binding per lifted
// resource, exactly the permissions of its lifts, `autoscaling` as a
// workload's, and readiness and liveness probes that run `wdsl-runtime
// --ready-check`. The image's tag is the content hash of wdsl-runtime and
// the bundle, so tests/golden_test.cpp compares it as a placeholder.
bring cloud;

let uploads = new cloud.Bucket() as "uploads";
let jobs = new cloud.Queue() as "jobs";

new cloud.Service(inflight () => {
  uploads.put("ingest/started", "yes");
  jobs.push("scan");
  return () => {
    uploads.delete("ingest/started");
  };
}, env: { "LOG_LEVEL" => "info" }, replicas: 3) as "ingest";

new cloud.Service(inflight () => {
  log("reporter has {uploads.list().length} objects");
}, env: { "REPORT_EVERY" => "60" }, autoscaling: cloud.ServiceScaling { min: 1, max: 4, cpuTarget: 60 }) as "reporter";
