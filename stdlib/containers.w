// The `containers` module (`bring containers;`): containerized workloads
// (reqtags c:workload, c:environment, c:endpoints, c:autoscaling,
// c:bindings, c:hot-reloading, c:debugging). Declarations only; defaults and
// preflight effects are in resources.json. Conventions: docs/stdlib.md.

/// A network port a container listens on.
pub struct Port {
  /// The port number inside the container.
  port: num;
  /// The protocol: "http", "http2", "grpc" or "tcp" (default "http").
  protocol: str?;
}

/// A health check of a container: an HTTP GET of `path`, or else running `command`.
pub struct Probe {
  /// The HTTP path to GET; a 2xx or 3xx status means healthy.
  path: str?;
  /// A command run inside the container; exit status 0 means healthy.
  command: Array<str>?;
  /// The port of the HTTP check (default: the workload's first port).
  port: num?;
  /// How long to wait after the container starts before the first check (default 0s).
  initialDelay: duration?;
  /// The time between two checks (default 10s).
  period: duration?;
}

/// Autoscaling limits and targets of a workload.
pub struct Scaling {
  /// The fewest replicas.
  min: num;
  /// The most replicas.
  max: num;
  /// The average CPU use to aim for, in percent (default 70).
  cpuTarget: num?;
  /// The average memory use to aim for, in percent (default: not used).
  memoryTarget: num?;
}

/// A container that runs beside the main one, sharing its network.
pub struct ContainerSpec {
  /// The sidecar's name, unique within the workload.
  name: str;
  /// An image to pull, or "./dir" to build from that directory's Dockerfile.
  image: str;
  /// A port the sidecar listens on.
  port: num?;
  /// Arguments passed to the entrypoint (default: the image's command).
  args: Array<str>?;
  /// A command that replaces the image's entrypoint.
  entrypoint: Array<str>?;
  /// Environment variables.
  env: Map<str>?;
  /// vCPUs reserved for the sidecar.
  cpu: num?;
  /// Memory reserved for the sidecar, in MiB.
  memory: num?;
  /// The check that the sidecar is ready.
  readiness: Probe?;
  /// The check that the sidecar is alive.
  liveness: Probe?;
}

/// A directory mounted into a workload's containers.
pub struct Volume {
  /// Where the volume is mounted inside the container.
  path: str;
  /// A host directory ("./data") or a named volume; default an empty scratch directory.
  source: str?;
  /// Whether the container may only read the volume (default false).
  readOnly: bool?;
}

/// A live-update rule: copy changed local files into the running container.
pub struct SyncRule {
  /// Local files to watch and copy: a path or glob relative to the app's directory.
  src: str;
  /// The directory inside the container to copy them to.
  dest: str;
  /// A shell command run in the container after copying (default none).
  run: str?;
}

/// How to run a workload under a debugger.
pub struct DebugSpec {
  /// The debugger's port inside the container, forwarded to the host.
  port: num;
  /// A command that replaces entrypoint and args when debugging (default: unchanged).
  command: Array<str>?;
}

/// Options of a Workload.
pub struct WorkloadProps {
  /// The workload's name: a DNS label unique within the app.
  name: str;
  /// An image to pull, or "./dir" to build from that directory's Dockerfile.
  image: str;
  /// The port the container listens on for HTTP.
  port: num?;
  /// Ports the container listens on, with their protocols (instead of `port`).
  ports: Array<Port>?;
  /// Arguments passed to the entrypoint (default: the image's command).
  args: Array<str>?;
  /// A command that replaces the image's entrypoint.
  entrypoint: Array<str>?;
  /// Environment variables.
  env: Map<str>?;
  /// vCPUs reserved for each replica.
  cpu: num?;
  /// Memory reserved for each replica, in MiB.
  memory: num?;
  /// GPUs reserved for each replica (default 0).
  gpu: num?;
  /// The check that a replica is ready for traffic.
  readiness: Probe?;
  /// The check that a replica is alive; failing replicas are restarted.
  liveness: Probe?;
  /// The number of replicas when there is no autoscaling (default 1).
  replicas: num?;
  /// Scale the number of replicas with load.
  autoscaling: Scaling?;
  /// Whether the workload is reachable from outside the app (default false).
  public: bool?;
  /// Path prefixes routed to the workload (default: all paths when public).
  routes: Array<str>?;
  /// Containers run beside the main one.
  sidecars: Array<ContainerSpec>?;
  /// Directories mounted into the containers.
  volumes: Array<Volume>?;
  /// Resources the container may use, by the name of their environment variable prefix.
  bindings: Map<IBindable>?;
  /// Globs of the files that make up the image's content hash, relative to the app's directory like `sync` sources (`web/src/**` for `image: "./web"`; default: the whole build context).
  sources: Array<str>?;
  /// Live-update rules applied instead of a rebuild when matching files change.
  sync: Array<SyncRule>?;
  /// How to run the workload under a debugger.
  debug: DebugSpec?;
}

/// A scalable containerized service.
pub class Workload extends Resource {
  /// Creates a workload.
  new(props: WorkloadProps);
  /// The URL other workloads and functions in the app reach it at; nil without a port.
  pub internalUrl: str?;
  /// The URL it is reached at from outside; nil unless public with a port.
  pub publicUrl: str?;
  /// Routes requests whose path starts with a prefix to the workload.
  pub addRoute(path: str): void;
}
