// expect: E0601 at 6:11 "the build context `./no-such-dir` of workload `web` does not exist"
// A local image whose build context is missing.
bring containers;

// There is no tests/diagnostics/no-such-dir.
let web = new containers.Workload(name: "web", image: "./no-such-dir", port: 8080) as "web";
