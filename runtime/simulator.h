// The simulator: every resource of a compiled program alive on this machine
// (buckets as files, queues journaled, APIs as HTTP servers on 127.0.0.1),
// with inflight code run by the shared IR evaluator (ir/eval.h), for which
// the simulator is the Host. `wdsl run --sim` runs one until interrupted;
// `wdsl test` runs one per test block, each with a fresh state directory.
// docs/simulator.md describes the state layout, logs and ports.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "ir/eval.h"
#include "ir/ir.h"

namespace wdsl::docker {
class Runner;
}

namespace wdsl::runtime {

// Where `log(...)` lines and the simulator's own messages go, each with the
// path of the resource whose code wrote it. Must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const std::string& source, const std::string& text) = 0;
};

// "[root/Default/changes/Consumer0] audited create-1", one line per write.
class StreamLogSink : public LogSink {
 public:
  StreamLogSink(std::ostream& out, bool color) : out_(out), color_(color) {}
  void Write(const std::string& source, const std::string& text) override;

 private:
  std::mutex mutex_;
  std::ostream& out_;
  bool color_;
};

// Keeps the lines (tests print them under their result).
class BufferLogSink : public LogSink {
 public:
  void Write(const std::string& source, const std::string& text) override;
  auto Lines() -> std::vector<std::pair<std::string, std::string>>;

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> lines_;
};

struct SimOptions {
  std::filesystem::path state_dir;     // <app>/.wdsl/state, or a fresh directory per test
  std::filesystem::path secrets_file;  // <app>/.wdsl/secrets.json (may be missing)
  int first_port = 0;                  // Apis listen from here upward; 0: any free port
  LogSink* log = nullptr;              // default: standard output
  // Notes for the person running the app (a busy port that was skipped).
  std::function<void(const std::string&)> note;
  // Serve the Resource API (resource_api.h) for code outside the interpreter.
  // Always on when the app runs containers (their bindings call it).
  bool resource_api = false;
  // ---- containers (container_host.h)
  std::filesystem::path app_dir;                 // image contexts and volume sources are relative to it
  std::map<std::string, nlohmann::json> images;  // ir::DescribeImages's descriptions, by resource path
  // "" for `wdsl run`; a unique word per simulator when several run at once
  // (`wdsl test`), which keeps their container and network names apart.
  std::string instance;
  docker::Runner* docker = nullptr;  // default: the docker CLI (tests pass a fake)
  double ready_timeout_seconds = 120;  // how long Start() waits for containers to become ready
  // `wdsl run --trace`: log every inflight call of a resource operation and
  // every handler run, with arguments, result (or error) and duration.
  bool trace = false;
  // `wdsl run --services-in-containers`: every cloud.Service runs in its
  // image (SimOptions::images has it), as `runtime: "container"` asks for one.
  bool services_in_containers = false;
  // `wdsl run --debug NAME`: workloads (by name or path) started with their
  // `debug` command and with the debug port published on 127.0.0.1.
  std::vector<std::string> debug;
};

// A file that changed on disk while the app runs (`wdsl run --watch`).
struct FileChange {
  std::filesystem::path path;  // absolute
  bool deleted = false;
};

// A resource that is listed with a URL (Api, Endpoint, a public Workload).
struct EndpointInfo {
  std::string path;
  std::string type;
  std::string url;
  nlohmann::json details;  // extra facts for endpoints.json (a workload's routes and replica URLs), or null
};

class LiveResource;
class ResourceApi;
class ContainerHost;

// What Simulator::Update did with a recompiled program.
struct UpdateResult {
  // Set when this change cannot be applied to the running app (the app
  // starts running containers, or the update failed part way); the caller
  // restarts the whole app. Says why.
  std::string restart;
  // One line per resource that was started, stopped, replaced or reloaded.
  std::vector<std::string> lines;
  int kept = 0;  // resources left running as they were
};

class Simulator : private ir::Host {
 public:
  Simulator(ir::Program program, SimOptions options);
  ~Simulator() override;
  Simulator(const Simulator&) = delete;
  auto operator=(const Simulator&) -> Simulator& = delete;

  // Creates every resource, gets Docker ready when the app runs containers
  // (images, network), binds the APIs' ports, resolves `${wdsl#...}`
  // tokens, then starts consumers, schedules, services and containers and
  // waits until the containers are ready. Returns an error message (the
  // simulator is stopped again: no container is left), or "".
  auto Start() -> std::string;
  // After Start() failed: whether the machine was the problem (no Docker
  // engine, a network that cannot be made), not the program.
  auto EnvironmentError() const -> bool { return environment_error_; }
  // Stops services (their stop handlers run), schedules, consumers and
  // servers, and waits for them. Safe to call twice.
  void Stop();

  // Runs an inflight closure in its IR form (`{"$closure": ...}`) on the
  // calling thread, with a fresh interpreter; log lines are attributed to
  // `source`. Throws ir::ThrownError / ir::LimitExceeded as the code does.
  auto RunClosure(const nlohmann::json& closure, std::vector<ir::Value> args, const std::string& source)
      -> ir::Value;

  // Live update: hands changed files to every resource; workloads copy
  // files their `sync` rules match into their replicas, and rebuild and
  // replace them for other changes in their build context. Blocks until done.
  void FilesChanged(const std::vector<FileChange>& changes);
  // Live update of a recompiled program (`wdsl run --watch`): starts added
  // resources, stops removed ones, replaces those whose props changed,
  // reloads the inflight code of those whose handlers changed (an Api keeps
  // its port, a Function takes the new code on its next call, a Service,
  // queue consumer or schedule restarts), and leaves the others running
  // with their state. `images`: ir::DescribeImages of `next`, already built.
  // Blocks until the started resources are ready (simulator_update.cpp).
  auto Update(ir::Program next, std::map<std::string, nlohmann::json> images) -> UpdateResult;

  auto Endpoints() const -> std::vector<EndpointInfo>;
  // With SimOptions::resource_api: its URL, and the token of each host
  // (resource path -> token). Empty otherwise.
  auto ResourceApiUrl() const -> std::string;
  // The Resource API as containers reach it (the app network's gateway), or "".
  auto ResourceApiContainerUrl() const -> std::string;
  // The router that serves the workloads' routes (`ingress` in endpoints.json), or "".
  auto IngressUrl() const -> std::string;
  auto ResourceApiTokens() const -> std::map<std::string, std::string>;
  // The program as last started or updated. A resource keeps the program it
  // was made from (LiveResource::Program()); earlier programs stay alive
  // until the simulator is destroyed, so code still running from one never
  // reads freed data.
  auto GetProgram() const -> const ir::Program& { return *program_.load(); }
  auto Options() const -> const SimOptions& { return options_; }

  // ---- for resources (runtime/*.cpp)
  auto Find(const std::string& path) -> LiveResource*;
  // Calls `closure` (IR form) with `interp`, attributing logs to `source`.
  auto CallHandler(ir::Interpreter& interp, const nlohmann::json& closure, std::vector<ir::Value> args,
                   const std::string& source) -> ir::Value;
  // An interpreter owned by the calling thread, for threads the simulator
  // owns (consumers, schedules, server workers); it lives until the thread
  // ends. One per program: a closure runs in the program it comes from.
  auto ThreadInterpreter(const ir::Program& program) -> ir::Interpreter&;
  auto ThreadInterpreter() -> ir::Interpreter& { return ThreadInterpreter(GetProgram()); }
  auto NewInterpreter(const ir::Program& program) -> std::unique_ptr<ir::Interpreter>;
  auto NewInterpreter() -> std::unique_ptr<ir::Interpreter> { return NewInterpreter(GetProgram()); }
  void Log(const std::string& source, const std::string& text);
  // The next port an Api should try: `first_port` upward, one step per
  // call, so each Api gets its own (0 when any free port will do).
  auto NextPort() -> int { return options_.first_port == 0 ? 0 : next_port_++; }
  // The port `path` had before a live update replaced it (it tries that
  // one first, so its URL stays the same), or 0.
  auto PreviousPort(const std::string& path) const -> int;
  void Note(const std::string& text);
  auto StateDir(const std::string& resource_path) const -> std::filesystem::path;
  // Docker, the app network, the router (nullptr when the app runs no container).
  auto Containers() -> ContainerHost* { return containers_.get(); }

 private:
  auto NewResource(ir::Interpreter&, const std::string& type, std::vector<ir::Value>, const ir::Value&,
                   const ir::Value&, const ir::SourcePos&) -> ir::Value override;
  auto BeginInstance(ir::Interpreter&, const std::string& type, const ir::Value&, const ir::Value&,
                     const ir::SourcePos&) -> std::shared_ptr<const ir::ResourceRef> override;
  void EndInstance(ir::Interpreter&, const std::shared_ptr<const ir::ResourceRef>&) override {}
  auto CallResource(ir::Interpreter& interp, const ir::Value& resource, const std::string& method,
                    std::vector<ir::Value> args, const ir::SourcePos& pos) -> ir::Value override;
  auto GetResourceField(ir::Interpreter& interp, const ir::Value& resource, const std::string& name,
                        const ir::SourcePos& pos) -> ir::Value override;
  auto CallBuiltin(ir::Interpreter& interp, const std::string& name, std::vector<ir::Value>& args,
                   const ir::SourcePos& pos) -> std::optional<ir::Value> override;
  auto StartResources() -> std::string;
  // Runs `call` and logs it as a trace line (SimOptions::trace).
  auto Traced(const std::string& source, const std::string& what, const std::vector<ir::Value>& args,
              const std::function<ir::Value()>& call) -> ir::Value;
  void ResolveTokens(ir::Program& program);
  auto StartAll(const std::vector<LiveResource*>& resources) -> std::string;
  auto MakeResources(const ir::Program& program, const std::set<std::string>& paths, bool& containers)
      -> std::vector<LiveResource*>;

  // Every program this simulator has run (the first, then one per Update);
  // `program_` is the newest.
  std::vector<std::unique_ptr<ir::Program>> programs_;
  std::atomic<ir::Program*> program_{nullptr};
  // The newest program as it was given, before `${wdsl#...}` tokens were
  // resolved: what a recompiled program is compared with.
  ir::Program as_given_;
  SimOptions options_;
  uint64_t generation_;  // tells this simulator's thread-local interpreters from earlier ones
  // Readers (Find, from any thread) share; Update and Stop change it.
  mutable std::shared_mutex live_mutex_;
  std::map<std::string, std::unique_ptr<LiveResource>> live_;
  std::vector<LiveResource*> order_;  // creation order
  // Resources a live update stopped. Kept (stopped) until the simulator is
  // destroyed: a call that found one just before still completes.
  std::vector<std::unique_ptr<LiveResource>> retired_;
  std::map<std::string, int> previous_ports_;
  std::set<LiveResource*> in_containers_;  // those that run in containers (started in parallel)
  std::unique_ptr<ResourceApi> resource_api_;
  std::unique_ptr<ContainerHost> containers_;
  std::atomic<int> next_port_{0};
  bool started_ = false;
  bool environment_error_ = false;
  int lock_fd_ = -1;  // flock on <state_dir>.lock while this simulator runs
  std::mutex stop_mutex_;
};

// Which resource's code is running on this thread (for log prefixes).
class SourceScope {
 public:
  explicit SourceScope(const std::string& source);
  ~SourceScope();
  SourceScope(const SourceScope&) = delete;
  auto operator=(const SourceScope&) -> SourceScope& = delete;
  static auto Current() -> const std::string&;

 private:
  const std::string* previous_;
};

}  // namespace wdsl::runtime
