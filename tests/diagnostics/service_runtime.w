// expect: E0600 at 7:67 "unknown service runtime `vm`: expected `process` (in the simulator) or `container` (the service's image in Docker)"
// expect: E0600 at 10:71 "`autoscaling.min` of a service must be at least 1"
// expect: E0600 at 11:71 "`autoscaling.min` must not exceed `autoscaling.max`"
// A cloud.Service's `runtime` is `process` or `container`.
bring cloud;

let s = new cloud.Service(inflight () => { log("hi"); }, runtime: "vm") as "s";
let ok = new cloud.Service(inflight () => { log("hi"); }, runtime: "container") as "ok";
// A deployed service scales as a workload does: at least one replica, `min` at most `max`.
let a = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 0, max: 2 }) as "a";
let b = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 3, max: 2 }) as "b";
let c = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 1, max: 4, cpuTarget: 60 }) as "c";
