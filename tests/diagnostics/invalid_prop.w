// expect: E0600 at 10:39 "workload name `Web_1` must be a DNS label"
// expect: E0600 at 10:75 "port `70000` must be a whole number from 1 to 65535"
// expect: E0600 at 12:39 "workload name `api` is already used by `root/Default/b`"
// expect: E0600 at 12:80 "`autoscaling.min` must not exceed `autoscaling.max`"
// expect: E0600 at 13:85 "probe path `healthz` must start with `/`"
// expect: E0600 at 14:75 "`replicas` must be a whole number, not 2.5"
// Props that break the constraints of resources.json and the app-wide rules.
bring containers;

let a = new containers.Workload(name: "Web_1", image: "nginx:1.27", port: 70000) as "a";
let b = new containers.Workload(name: "api", image: "nginx:1.27") as "b";
let c = new containers.Workload(name: "api", image: "nginx:1.27", autoscaling: containers.Scaling { min: 3, max: 2 }) as "c";
let d = new containers.Workload(name: "d", image: "nginx:1.27", port: 80, liveness: containers.Probe { path: "healthz" }) as "d";
let e = new containers.Workload(name: "e", image: "nginx:1.27", replicas: 2.5) as "e";
