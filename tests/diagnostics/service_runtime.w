// expect: E0600 at 10:67 "unknown service runtime `vm`: expected `process` (in the simulator) or `container` (the service's image in Docker)"
// expect: E0600 at 13:71 "`autoscaling.min` of a service must be at least 1"
// expect: E0600 at 14:71 "`autoscaling.min` must not exceed `autoscaling.max`"
// expect: E0600 at 17:68 "`replicas` must be a whole number, not 1.5"
// expect: E0600 at 18:71 "`autoscaling.max` must be a whole number, not 2.5"
// expect: E0600 at 19:71 "`autoscaling.cpuTarget` is a percentage of the CPU the service asks for, at least 1, not 0"
// A cloud.Service's `runtime` is `process` or `container`.
bring cloud;

let s = new cloud.Service(inflight () => { log("hi"); }, runtime: "vm") as "s";
let ok = new cloud.Service(inflight () => { log("hi"); }, runtime: "container") as "ok";
// A deployed service scales as a workload does: at least one replica, `min` at most `max`.
let a = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 0, max: 2 }) as "a";
let b = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 3, max: 2 }) as "b";
let c = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 1, max: 4, cpuTarget: 60 }) as "c";
// Replica counts are whole numbers; targets are percentages of what the service asks for.
let d = new cloud.Service(inflight () => { log("hi"); }, replicas: 1.5) as "d";
let e = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 1, max: 2.5 }) as "e";
let f = new cloud.Service(inflight () => { log("hi"); }, autoscaling: cloud.ServiceScaling { min: 1, max: 2, cpuTarget: 0 }) as "f";
