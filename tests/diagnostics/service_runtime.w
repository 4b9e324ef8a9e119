// expect: E0600 at 5:67 "unknown service runtime `vm`: expected `process` (in the simulator) or `container` (the service's image in Docker)"
// A cloud.Service's `runtime` is `process` or `container`.
bring cloud;

let s = new cloud.Service(inflight () => { log("hi"); }, runtime: "vm") as "s";
let ok = new cloud.Service(inflight () => { log("hi"); }, runtime: "container") as "ok";
