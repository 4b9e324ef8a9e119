// Every WorkloadProps field with a Kubernetes form (tests/kubernetes_test.cpp
// checks where each lands; the goldens pin the whole output).
bring cloud;
bring containers;
bring ex;

let uploads = new cloud.Bucket() as "uploads";
let token = new cloud.Secret(name: "api-token") as "token";
let cache = new ex.Redis() as "cache";

let api = new containers.Workload(
  name: "api",
  image: "ghcr.io/example/api:1.4.2",
  ports: [containers.Port { port: 8080 }, containers.Port { port: 9090, protocol: "grpc" }],
  entrypoint: ["/app/server"],
  args: ["--listen", ":8080"],
  env: { "LOG_LEVEL" => "debug" },
  cpu: 0.25,
  memory: 512,
  gpu: 1,
  readiness: containers.Probe { path: "/ready", initialDelay: 2s, period: 5s },
  liveness: containers.Probe { command: ["/app/health"], period: 20s },
  autoscaling: containers.Scaling { min: 2, max: 10, cpuTarget: 60, memoryTarget: 80 },
  public: true,
  routes: ["/api", "/api/v2"],
  sidecars: [containers.ContainerSpec {
    name: "proxy",
    image: "envoyproxy/envoy:v1.31",
    port: 9901,
    env: { "ENVOY_UID" => "0" },
    memory: 64,
  }],
  volumes: [containers.Volume { path: "/cache" }],
  bindings: { "UPLOADS" => uploads.allow(["put"]), "TOKEN" => token, "CACHE" => cache },
) as "api";

let site = new containers.Workload(
  name: "site",
  image: "nginx:1.27",
  port: 80,
  replicas: 3,
  public: true,
) as "site";
