// expect: E0602 at 8:11 "`bogus` is not an inflight operation of `cloud.Bucket`"
// A workload binding that allows an operation the resource does not have.
bring cloud;
bring containers;

let uploads = new cloud.Bucket() as "uploads";

let web = new containers.Workload(
  name: "web",
  image: "nginx:1.27",
  bindings: { "UPLOADS" => uploads.allow(["put", "bogus"]) },
) as "web";
