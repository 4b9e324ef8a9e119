// The simulator's HTTP entry point for workloads (c:endpoints): a server
// on 127.0.0.1 (and, when the app runs containers, one on the app network's
// gateway with the same port, for code in containers) that sends each request to the workload with the longest
// matching route prefix, round robin over its ready replicas, forwarding the
// path unchanged (as a Kubernetes Ingress with `pathType: Prefix` does).
// No ready replica: 502 with a body that says which workload and why.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wdsl::runtime {

class Simulator;

// A workload as the router sees it.
class RouteTarget {
 public:
  virtual ~RouteTarget() = default;
  // The host port of the next ready replica (round robin), or nullopt.
  virtual auto PickReplica() -> std::optional<int> = 0;
  virtual auto TargetName() const -> std::string = 0;
};

class Router {
 public:
  explicit Router(Simulator& sim);
  ~Router();
  // `prefix` "/" matches every path; "/api" matches "/api" and "/api/...", not "/apis".
  void AddRoute(const std::string& prefix, RouteTarget* target);
  // Takes every route of `target` away (a live update removed its workload).
  void RemoveTarget(RouteTarget* target);
  auto HasRoutes() const -> bool;
  // Takes the next port of the simulator (like an Api). Returns an error or "".
  auto Bind() -> std::string;
  void Start();
  void Stop();
  auto Url() const -> std::string;
  // The same routes as code in a container reaches them: the app network's
  // gateway on the same port, or "" (no containers, or it could not listen).
  auto ContainerUrl() const -> std::string;
  // The target of `path`, or nullptr (exposed for tests).
  auto Match(const std::string& path) const -> RouteTarget*;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wdsl::runtime
