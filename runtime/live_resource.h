// One live resource of the simulator, and the helpers its inflight
// operations share. Each resource type has its own file (bucket.cpp,
// queue.cpp, ...) and a factory declared here.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/eval.h"
#include "runtime/simulator.h"

namespace wdsl::runtime {

class LiveResource {
 public:
  // `resource` belongs to the simulator's current program, which the
  // resource keeps for its lifetime (a live update makes a new one).
  LiveResource(Simulator& sim, const ir::Resource& resource)
      : sim_(sim), resource_(resource), program_(sim.GetProgram()) {}
  virtual ~LiveResource() = default;

  // Binds ports (Apis) before tokens are resolved. Returns an error or "".
  virtual auto Bind() -> std::string { return ""; }
  // Starts background work (consumers, timers, services). Returns an error or "".
  virtual auto Start() -> std::string { return ""; }
  // Waits until the resource serves (containers pass their readiness
  // checks), after every resource has started. Returns an error or "".
  virtual auto WaitReady() -> std::string { return ""; }
  // Stops code that runs outside the simulator and calls resources through
  // the Resource API (a service in a container), while that API still serves.
  virtual void StopOutsideCode() {}
  // Stops background work and waits for it.
  virtual void Stop() {}
  // A live update removed this resource or replaces it: Stop(), and also
  // remove what it runs outside this process (containers, routes), which
  // otherwise stays until the whole simulator stops.
  virtual void Remove() { Stop(); }
  // A live update changed only the inflight code of this resource's
  // handlers (`next`, in the simulator's new program). Returns true when
  // the resource now runs the new code without a restart; false (the
  // default) has the simulator replace it.
  virtual auto Reload(const ir::Resource& /*next*/) -> bool { return false; }
  // Files changed on disk (Simulator::FilesChanged); most resources ignore them.
  virtual void FilesChanged(const std::vector<FileChange>& /*changes*/) {}
  // Facts for endpoints.json beyond the URL (null: none).
  virtual auto Details() -> nlohmann::json { return nullptr; }
  // An inflight operation; errors are thrown as ir::ThrownError.
  virtual auto Call(ir::Interpreter& interp, const std::string& method, std::vector<ir::Value>& args) -> ir::Value;
  // An attribute known only at run time (`api.url`), or nullopt.
  virtual auto Attribute(const std::string& name) -> std::optional<std::string> { return std::nullopt; }
  // The same attribute as a container on the app network reaches it (an
  // Api's URL at the network's gateway); by default Attribute(name).
  virtual auto ContainerAttribute(const std::string& name) -> std::optional<std::string> { return Attribute(name); }

  auto Path() const -> const std::string& { return resource_.path; }
  auto Type() const -> const std::string& { return resource_.type; }
  auto Props() const -> const nlohmann::json& { return resource_.props; }
  // The program this resource's props (and the closures in them) belong to.
  auto Program() const -> const ir::Program& { return program_; }

 protected:
  [[noreturn]] void Unknown(const std::string& method) const;

  Simulator& sim_;
  const ir::Resource& resource_;
  const ir::Program& program_;
};

// nullptr for types the simulator does not run (user classes, containers).
auto MakeLiveResource(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;

auto MakeBucket(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeCounter(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeQueue(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeApi(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeFunction(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeService(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeSecret(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeSchedule(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeWorkload(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeContainer(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeRedis(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;
auto MakeContainerService(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource>;

// Whether resources of `type` run in containers (the simulator then needs Docker).
auto RunsInContainers(const std::string& type) -> bool;
// Whether this cloud.Service runs in its image (`runtime: "container"`, or
// SimOptions::services_in_containers).
auto ServiceInContainer(const ir::Resource& resource, const SimOptions& options) -> bool;

// ---- arguments of inflight operations

[[noreturn]] void Fail(const std::string& message);
auto Arg(const std::vector<ir::Value>& args, size_t i) -> const ir::Value&;
// A required string argument; `what` names it in the error ("key").
auto StrArg(const std::vector<ir::Value>& args, size_t i, const char* what) -> std::string;
auto OptNumArg(const std::vector<ir::Value>& args, size_t i, double fallback) -> double;
auto OptStrArg(const std::vector<ir::Value>& args, size_t i, const std::string& fallback) -> std::string;
// A field of a struct argument (nil when absent).
auto FieldOf(const ir::Value& value, const char* name) -> ir::Value;
// A `{"$duration": s}` prop in seconds, or `fallback`.
auto DurationProp(const nlohmann::json& props, const char* name, double fallback) -> double;

}  // namespace wdsl::runtime
