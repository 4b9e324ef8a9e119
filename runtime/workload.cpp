// Resources that run as Docker containers in the simulator:
// `containers.Workload` (replicas, sidecars, probes, routes, bindings) and
// `sim.Container` (one container, Wing's simulator-only resource).
// docs/simulator.md#containers says what each prop becomes.
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <set>
#include <sstream>
#include <variant>
#include <thread>

#include "ir/hash.h"
#include "runtime/container_host.h"
#include "runtime/docker/copy.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

auto Strings(const Json& props, const char* name) -> std::vector<std::string> {
  std::vector<std::string> out;
  auto it = props.find(name);
  if (it == props.end() || !it->is_array()) return out;
  for (const Json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

auto StringMap(const Json& props, const char* name) -> std::map<std::string, std::string> {
  std::map<std::string, std::string> out;
  auto it = props.find(name);
  if (it == props.end() || !it->is_object()) return out;
  for (const auto& [key, value] : it->items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

auto Num(const Json& props, const char* name, double fallback) -> double {
  auto it = props.find(name);
  return it != props.end() && it->is_number() ? it->get<double>() : fallback;
}

auto TcpOpen(int port) -> bool {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  if (open) {
    // Docker's port proxy accepts for a container that is not listening
    // yet, then closes at once; a real server keeps the connection open
    // (or greets). Closed within 150 ms means nothing listens behind it.
    pollfd poll_fd{fd, POLLIN, 0};
    if (::poll(&poll_fd, 1, 150) > 0 && (poll_fd.revents & (POLLIN | POLLHUP)) != 0) {
      char byte = 0;
      open = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
    }
  }
  ::close(fd);
  return open;
}

// A 2xx or 3xx answer to GET http://127.0.0.1:<port><path> within a second.
auto HttpHealthy(int port, const std::string& path) -> bool {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  client.set_read_timeout(1);
  httplib::Result result = client.Get(path.empty() ? "/" : path);
  return result && result->status >= 200 && result->status < 400;
}

// The environment a container gets for its bindings (c:bindings, case 1):
// `WING_<NAME>_URL` (the Resource API URL of the bound resource, or a Redis
// URL) and `WING_<NAME>_TOKEN` (this host's token), plus REDIS_URL.
auto BindingEnv(Simulator& sim, const std::string& host, const Json& bindings) -> std::map<std::string, std::string> {
  std::map<std::string, std::string> env;
  if (!bindings.is_object()) return env;
  ContainerHost* containers = sim.Containers();
  std::string api = sim.ResourceApiContainerUrl();
  std::map<std::string, std::string> tokens = sim.ResourceApiTokens();
  for (const auto& [name, binding] : bindings.items()) {
    const Json* ref = binding.contains("$resource") ? &binding : nullptr;
    if (ref == nullptr && binding.contains("resource") && binding["resource"].contains("$resource")) {
      ref = &binding["resource"];
    }
    if (ref == nullptr || !(*ref)["$resource"].is_string()) continue;
    std::string path = (*ref)["$resource"].get<std::string>();
    LiveResource* target = sim.Find(path);
    std::string prefix = "WING_" + name;
    if (target != nullptr && target->Type() == "ex.Redis" && containers != nullptr) {
      std::string url = target->Attribute("internalUrl").value_or("");
      env[prefix + "_URL"] = url;
      env["REDIS_URL"] = url;
      continue;
    }
    env[prefix + "_URL"] = api + "/v1/" + path;
    if (auto token = tokens.find(host); token != tokens.end()) env[prefix + "_TOKEN"] = token->second;
  }
  return env;
}

struct ProbeSpec {
  bool defined = false;
  std::string path;
  std::vector<std::string> command;
  int port = 0;  // container port of an HTTP check
  double initial_delay = 0;
  double period = 10;
};

auto ProbeOf(const Json& props, const char* name, int default_port) -> ProbeSpec {
  ProbeSpec probe;
  auto it = props.find(name);
  if (it == props.end() || !it->is_object()) return probe;
  probe.defined = true;
  probe.path = it->value("path", "");
  probe.command = Strings(*it, "command");
  probe.port = static_cast<int>(Num(*it, "port", default_port));
  probe.initial_delay = DurationProp(*it, "initialDelay", 0);
  probe.period = std::max(0.1, DurationProp(*it, "period", 10));
  return probe;
}

// Three failed liveness checks in a row restart the replica (Kubernetes' failureThreshold).
constexpr int kLivenessFailures = 3;

class Workload : public LiveResource, public RouteTarget {
  struct Replica;

 public:
  using LiveResource::LiveResource;

  ~Workload() override { Stop(); }

  auto Bind() -> std::string override {
    name_ = Props().value("name", resource_.id);
    for (const Json& port : Props().value("ports", Json::array())) {
      if (port.contains("port") && port["port"].is_number()) ports_.push_back(port["port"].get<int>());
    }
    if (ports_.empty() && Props().contains("port") && Props()["port"].is_number()) {
      ports_.push_back(Props()["port"].get<int>());
    }
    int first = ports_.empty() ? 0 : ports_.front();
    readiness_ = ProbeOf(Props(), "readiness", first);
    liveness_ = ProbeOf(Props(), "liveness", first);
    routes_ = Strings(Props(), "routes");
    ReadSyncRules();
    if (Props().value("public", false) && first > 0) {
      if (routes_.empty()) routes_.push_back("/");
      for (const std::string& route : routes_) sim_.Containers()->GetRouter().AddRoute(route, this);
    }
    return "";
  }

  auto Start() -> std::string override {
    count_ = static_cast<int>(Num(Props(), "replicas", 1));
    if (Props().contains("autoscaling") && Props()["autoscaling"].is_object()) {
      // One machine has no load to scale on: the minimum (at least one) runs.
      count_ = std::max(1, static_cast<int>(Num(Props()["autoscaling"], "min", 1)));
    }
    env_ = StringMap(Props(), "env");
    for (const auto& [key, value] : BindingEnv(sim_, Path(), Props().value("bindings", Json::object()))) {
      env_.emplace(key, value);
    }
    published_ = ports_;
    for (const Json& sidecar : Props().value("sidecars", Json::array())) {
      if (sidecar.contains("port") && sidecar["port"].is_number()) published_.push_back(sidecar["port"].get<int>());
    }
    for (int i = 0; i < count_; ++i) {
      std::shared_ptr<Replica> replica;
      if (std::string error = StartReplica(i, std::to_string(i), replica); !error.empty()) return error;
      std::lock_guard lock(mutex_);
      replicas_.push_back(std::move(replica));
    }
    prober_ = std::thread([this] { ProbeLoop(); });
    return "";
  }

  // Runs replica `index` (and its sidecars) as containers named with `suffix`.
  auto StartReplica(int index, const std::string& suffix, std::shared_ptr<Replica>& started) -> std::string {
    ContainerHost& host = *sim_.Containers();
    auto replica = std::make_shared<Replica>();
    replica->name = host.ContainerName(name_, suffix);
    docker::RunSpec spec;
    spec.name = replica->name;
    spec.image = host.ImageOf(Path(), Props().value("image", ""));
    spec.entrypoint = Strings(Props(), "entrypoint");
    spec.args = Strings(Props(), "args");
    spec.env = env_;
    spec.publish = published_;
    spec.cpus = Num(Props(), "cpu", 0);
    spec.memory_mib = Num(Props(), "memory", 0);
    spec.gpus = static_cast<int>(Num(Props(), "gpu", 0));
    spec.aliases = {name_};
    spec.volumes = Volumes(Props());
    // `wdsl run --debug`: the debug command, and the debugger's port published.
    int debug_port = 0;
    if (Debugging()) {
      const Json& debug = Props()["debug"];
      debug_port = static_cast<int>(Num(debug, "port", 0));
      if (std::vector<std::string> command = Strings(debug, "command"); !command.empty()) {
        spec.entrypoint = command;
        spec.args.clear();
      }
      if (debug_port > 0) spec.publish.push_back(debug_port);
    }
    std::string source = count_ == 1 ? Path() : fmt::format("{}#{}", Path(), index);
    if (std::string error = host.Run(spec, source); !error.empty()) return fmt::format("`{}`: {}", Path(), error);
    if (std::string error = InitialSync(*replica); !error.empty()) return error;
    for (const Json& sidecar : Props().value("sidecars", Json::array())) {
      docker::RunSpec side;
      std::string side_name = sidecar.value("name", "sidecar");
      side.name = host.ContainerName(name_, fmt::format("{}-{}", suffix, side_name));
      side.image = host.ImageOf(Path() + "#sidecar:" + side_name, sidecar.value("image", ""));
      side.entrypoint = Strings(sidecar, "entrypoint");
      side.args = Strings(sidecar, "args");
      side.env = StringMap(sidecar, "env");
      side.cpus = Num(sidecar, "cpu", 0);
      side.memory_mib = Num(sidecar, "memory", 0);
      side.network = "container:" + replica->name;  // shares the replica's network namespace
      side.volumes = Volumes(Props());
      if (std::string error = host.Run(side, fmt::format("{}/{}", source, side_name)); !error.empty()) {
        return fmt::format("`{}` sidecar `{}`: {}", Path(), side_name, error);
      }
      replica->sidecars.push_back(side.name);
    }
    for (int port : ports_) {
      std::string why;
      std::optional<int> host_port = docker::HostPort(host.Docker(), replica->name, port, &why);
      if (!host_port) {
        return fmt::format("`{}`: port {} of `{}` was not published ({})", Path(), port, replica->name, why);
      }
      replica->host_ports[port] = *host_port;
    }
    if (debug_port > 0) {
      std::optional<int> host_port = docker::HostPort(host.Docker(), replica->name, debug_port);
      if (host_port) {
        replica->debug_port = *host_port;
        sim_.Log(Path(), fmt::format("debug: attach your debugger to 127.0.0.1:{} (port {} of {}; for example "
                                     "`node --inspect`: chrome://inspect, `dlv connect 127.0.0.1:{}`, gdb: "
                                     "`target remote 127.0.0.1:{}`)",
                                     *host_port, debug_port, replica->name, *host_port, *host_port));
      }
    }
    replica->started = Clock::now();
    started = std::move(replica);
    return "";
  }

  auto Debugging() const -> bool {
    const std::vector<std::string>& names = sim_.Options().debug;
    return Props().contains("debug") && Props()["debug"].is_object() &&
           std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n == name_ || n == Path(); });
  }

  auto WaitReady() -> std::string override {
    auto deadline = Clock::now() + std::chrono::duration<double>(sim_.Options().ready_timeout_seconds);
    std::unique_lock lock(mutex_);
    bool ready = changed_.wait_until(lock, deadline, [&] {
      if (stopping_) return true;
      for (const auto& replica : replicas_) {
        if (!replica->ready) return false;
      }
      return true;
    });
    if (ready) return "";
    std::string waiting;
    for (const auto& replica : replicas_) {
      if (!replica->ready) waiting = replica->name;
    }
    lock.unlock();
    std::string logs = sim_.Containers()->LastLogs(waiting, 15);
    return fmt::format(
        "`{}`: replica `{}` was not ready after {:.0f} s ({}); its last output:\n{}", Path(), waiting,
        sim_.Options().ready_timeout_seconds,
        readiness_.defined ? "its readiness check keeps failing"
                           : (ports_.empty() ? "the container is not running" : "nothing listens on its port"),
        logs.empty() ? "  (none)" : logs);
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    changed_.notify_all();
    if (prober_.joinable()) prober_.join();
  }

  void Remove() override {
    Stop();
    sim_.Containers()->GetRouter().RemoveTarget(this);
    std::vector<std::shared_ptr<Replica>> replicas;
    {
      std::lock_guard lock(mutex_);
      replicas = replicas_;
    }
    for (const auto& replica : replicas) Discard(replica);
  }

  // In a container 127.0.0.1 is the container itself: its publicUrl goes
  // through the router's listener on the app network's gateway.
  auto ContainerAttribute(const std::string& name) -> std::optional<std::string> override {
    if ((name == "publicUrl" || name == "url") && !ports_.empty() && !routes_.empty()) {
      ContainerHost* host = sim_.Containers();
      std::string router = host != nullptr ? host->GetRouter().ContainerUrl() : "";
      if (router.empty()) return std::nullopt;
      return router + (routes_.front() == "/" ? "" : routes_.front());
    }
    return Attribute(name);
  }

  auto Attribute(const std::string& name) -> std::optional<std::string> override {
    if (ports_.empty()) return std::nullopt;
    if (name == "internalUrl") return fmt::format("http://{}:{}", name_, ports_.front());
    if ((name == "publicUrl" || name == "url") && !routes_.empty()) {
      std::string router = sim_.IngressUrl();
      if (router.empty()) return std::nullopt;
      return router + (routes_.front() == "/" ? "" : routes_.front());
    }
    return std::nullopt;
  }

  auto Details() -> Json override {
    Json replicas = Json::array();
    std::lock_guard lock(mutex_);
    for (const auto& replica : replicas_) {
      Json entry = {{"container", replica->name}, {"ready", replica->ready.load()}};
      if (!replica->host_ports.empty()) entry["url"] = fmt::format("http://127.0.0.1:{}", replica->host_ports.begin()->second);
      Json ports = Json::object();
      for (const auto& [port, host_port] : replica->host_ports) ports[std::to_string(port)] = host_port;
      entry["ports"] = std::move(ports);
      if (replica->debug_port > 0) entry["debug"] = fmt::format("127.0.0.1:{}", replica->debug_port);
      replicas.push_back(std::move(entry));
    }
    return {{"name", name_}, {"routes", routes_}, {"replicas", std::move(replicas)}};
  }

  // ---- live update
  void FilesChanged(const std::vector<FileChange>& changes) override {
    auto image = sim_.Options().images.find(Path());
    if (image == sim_.Options().images.end() || !image->second.contains("context")) return;  // not built here
    namespace fs = std::filesystem;
    fs::path app = fs::absolute(sim_.Options().app_dir).lexically_normal();
    fs::path context = (app / image->second["context"].get<std::string>()).lexically_normal();
    std::map<size_t, std::vector<docker::CopyFile>> copies;  // by rule
    std::map<size_t, std::vector<std::string>> deletions;    // container paths, by rule
    std::string rebuild_because;
    for (const FileChange& change : changes) {
      std::string relative = change.path.lexically_normal().lexically_relative(app).generic_string();
      if (relative.empty() || relative.starts_with("..")) continue;
      std::optional<SyncTarget> target = SyncTargetOf(relative);
      if (target) {
        if (change.deleted) {
          deletions[target->rule].push_back(target->dest_dir + "/" + target->relative);
        } else {
          copies[target->rule].push_back({change.path, target->relative});
        }
        continue;
      }
      std::string in_context = change.path.lexically_normal().lexically_relative(context).generic_string();
      if (!in_context.empty() && !in_context.starts_with("..") && rebuild_because.empty()) rebuild_because = relative;
    }
    if (!rebuild_because.empty()) {
      return RebuildAndReplace(fmt::format("`{}` changed and no sync rule covers it", rebuild_because));
    }
    if (copies.empty() && deletions.empty()) return;
    auto began = Clock::now();
    std::vector<std::shared_ptr<Replica>> replicas;
    {
      std::lock_guard lock(mutex_);
      replicas = replicas_;
    }
    docker::Runner& docker = sim_.Containers()->Docker();
    size_t files = 0;
    std::set<size_t> rules;
    for (const auto& [rule, list] : copies) {
      files += list.size();
      rules.insert(rule);
    }
    for (const auto& [rule, list] : deletions) {
      files += list.size();
      rules.insert(rule);
    }
    ContainerHost& host = *sim_.Containers();
    for (const auto& [rule, list] : copies) {
      for (const docker::CopyFile& file : list) host.NoteSynced(Path(), sync_[rule].dest, file);
    }
    for (const auto& [rule, list] : deletions) {
      for (const std::string& path : list) host.NoteUnsynced(Path(), path);
    }
    for (const auto& replica : replicas) {
      if (!replica->user) replica->user = docker::ContainerUser(docker, replica->name);
      docker::UserIds owner = *replica->user;
      for (const auto& [rule, list] : copies) {
        std::string error = docker::CopyIntoContainer(docker, replica->name, sync_[rule].dest, list, owner);
        if (!error.empty()) return RebuildAndReplace("error: " + error);
      }
      for (const auto& [rule, list] : deletions) {
        std::vector<std::string> command = {"rm", "-rf"};
        command.insert(command.end(), list.begin(), list.end());
        if (docker::Exec(docker, replica->name, command, std::chrono::seconds(30)) != 0) {
          // No `rm` in the image (FROM scratch): only a new image drops the file.
          return RebuildAndReplace(
              fmt::format("`{}` was deleted, and `{}` has no `rm` to delete it", list.front(), replica->name));
        }
      }
      for (size_t rule : rules) {
        if (sync_[rule].run.empty()) continue;
        docker::Result ran = docker.Run({"exec", replica->name, "sh", "-c", sync_[rule].run}, std::chrono::minutes(5));
        for (const std::string& line : SplitLines(ran.out + ran.err)) sim_.Log(Path(), line);
        if (!ran.Ok()) {
          sim_.Log(Path(), fmt::format("error: live update: `{}` failed in {} (exit {})", sync_[rule].run,
                                       replica->name, ran.exit_code));
        }
      }
    }
    sim_.Log(Path(), fmt::format("live update: synced {} file{} into {} replica{} in {:.0f} ms (no rebuild, no restart)",
                                 files, files == 1 ? "" : "s", replicas.size(), replicas.size() == 1 ? "" : "s",
                                 std::chrono::duration<double, std::milli>(Clock::now() - began).count()));
  }

  // ---- RouteTarget
  auto PickReplica() -> std::optional<int> override {
    std::lock_guard lock(mutex_);
    if (ports_.empty()) return std::nullopt;
    for (size_t tries = 0; tries < replicas_.size(); ++tries) {
      Replica& replica = *replicas_[next_++ % replicas_.size()];
      if (replica.ready) return replica.host_ports[ports_.front()];
    }
    return std::nullopt;
  }
  auto TargetName() const -> std::string override { return name_; }

 private:
  struct Replica {
    std::string name;
    std::vector<std::string> sidecars;  // container names
    std::optional<docker::UserIds> user;  // who synced files belong to (looked up at the first sync)
    int debug_port = 0;                   // 127.0.0.1 port of the debugger (`wdsl run --debug`)
    std::map<int, int> host_ports;  // container port -> 127.0.0.1 port
    std::atomic<bool> ready{false};
    int liveness_failures = 0;
    Clock::time_point started;
    Clock::time_point next_readiness;
    Clock::time_point next_liveness;
  };

  // A `sync` rule; `base` is the part of `src` before any glob (a directory
  // or, for a rule that names one file, that file).
  struct SyncRule {
    std::string src, dest, run, base;
    bool glob = false;
  };
  struct SyncTarget {
    size_t rule = 0;
    std::string dest_dir;  // in the container
    std::string relative;  // below dest_dir
  };

  static auto HasGlob(const std::string& text) -> bool { return text.find_first_of("*?[") != std::string::npos; }

  void ReadSyncRules() {
    for (const Json& rule : Props().value("sync", Json::array())) {
      SyncRule parsed;
      parsed.src = rule.value("src", "");
      parsed.dest = rule.value("dest", "");
      parsed.run = rule.value("run", "");
      while (parsed.src.starts_with("./")) parsed.src = parsed.src.substr(2);
      while (parsed.src.size() > 1 && parsed.src.back() == '/') parsed.src.pop_back();
      if (parsed.src.empty() || parsed.dest.empty()) continue;
      parsed.glob = HasGlob(parsed.src);
      parsed.base = parsed.src;
      if (parsed.glob) {
        std::string base;
        std::stringstream parts(parsed.src);
        for (std::string part; std::getline(parts, part, '/');) {
          if (HasGlob(part)) break;
          base += (base.empty() ? "" : "/") + part;
        }
        parsed.base = base;
      }
      sync_.push_back(parsed);
    }
  }

  // Where a file (relative to the app's directory) goes, by the first rule that matches it.
  auto SyncTargetOf(const std::string& relative) const -> std::optional<SyncTarget> {
    for (size_t i = 0; i < sync_.size(); ++i) {
      const SyncRule& rule = sync_[i];
      std::string below;
      if (rule.glob) {
        auto matched = ir::DockerignoreExcludes(rule.src, relative);
        if (!std::holds_alternative<bool>(matched) || !std::get<bool>(matched)) continue;
        below = rule.base.empty() ? relative : relative.substr(rule.base.size() + 1);
      } else if (relative == rule.base) {
        // A rule for one file: `dest` is the file's path in the container
        // (or the directory it goes into, when it ends with `/`).
        if (rule.dest.ends_with("/")) return SyncTarget{i, rule.dest.substr(0, rule.dest.size() - 1), Filename(relative)};
        size_t slash = rule.dest.rfind('/');
        std::string dir = slash == std::string::npos || slash == 0 ? "/" : rule.dest.substr(0, slash);
        return SyncTarget{i, dir, rule.dest.substr(slash + 1)};
      } else if (relative.starts_with(rule.base + "/")) {
        below = relative.substr(rule.base.size() + 1);
      } else {
        continue;
      }
      std::string dest = rule.dest;
      while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
      return SyncTarget{i, dest, below};
    }
    return std::nullopt;
  }

  static auto Filename(const std::string& path) -> std::string {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  }

  static auto SplitLines(const std::string& text) -> std::vector<std::string> {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }

  // A change that no sync rule covers: build the image again and replace the
  // replicas one at a time (start the new one, wait until it is ready and
  // routed to, then remove the old), so the app keeps serving throughout.
  // `why` says what made it necessary, for the log.
  void RebuildAndReplace(const std::string& why) {
    auto began = Clock::now();
    sim_.Log(Path(), fmt::format("live update: {}; rebuilding the image", why));
    std::map<std::string, std::string> tags;
    if (std::string error = sim_.Containers()->Rebuild(Path(), tags); !error.empty()) {
      sim_.Log(Path(), "error: live update: the build failed; the running replicas stay as they are:\n" + error);
      return;
    }
    if (tags.empty()) {
      sim_.Log(Path(), "live update: the image did not change (same content hash); nothing to replace");
      return;
    }
    ++generation_;
    std::vector<std::shared_ptr<Replica>> old;
    {
      std::lock_guard lock(mutex_);
      old = replicas_;
    }
    for (size_t i = 0; i < old.size(); ++i) {
      std::shared_ptr<Replica> fresh;
      std::string error = StartReplica(static_cast<int>(i), fmt::format("{}-{}", i, generation_), fresh);
      if (error.empty()) {
        {
          std::lock_guard lock(mutex_);
          replicas_.push_back(fresh);
        }
        std::unique_lock lock(mutex_);
        auto deadline = Clock::now() + std::chrono::duration<double>(sim_.Options().ready_timeout_seconds);
        changed_.wait_until(lock, deadline, [&] { return stopping_ || fresh->ready.load(); });
        if (!fresh->ready) error = fmt::format("`{}` was not ready in time", fresh->name);
      }
      if (!error.empty()) {
        sim_.Log(Path(), "error: live update: " + error + "; the old replicas keep serving");
        if (fresh) Discard(fresh);
        return;
      }
      Discard(old[i]);
    }
    sim_.Log(Path(), fmt::format("live update: replaced {} replica{} with image {} in {:.1f} s", old.size(),
                                 old.size() == 1 ? "" : "s", tags.begin()->second,
                                 std::chrono::duration<double>(Clock::now() - began).count()));
  }

  // Copies the files live updates synced into earlier replicas into a new
  // one, whose image may predate them (a `sources` glob that leaves them
  // out keeps the image's hash). "" or the error.
  auto InitialSync(Replica& replica) -> std::string {
    std::map<std::string, std::vector<docker::CopyFile>> synced = sim_.Containers()->SyncedFiles(Path());
    if (synced.empty()) return "";
    docker::Runner& docker = sim_.Containers()->Docker();
    replica.user = docker::ContainerUser(docker, replica.name);
    size_t files = 0;
    for (auto& [dest, list] : synced) {
      std::erase_if(list, [](const docker::CopyFile& file) { return !std::filesystem::is_regular_file(file.host); });
      if (list.empty()) continue;
      files += list.size();
      std::string error = docker::CopyIntoContainer(docker, replica.name, dest, list, *replica.user);
      if (!error.empty()) return fmt::format("`{}`: initial sync into `{}`: {}", Path(), replica.name, error);
    }
    sim_.Log(Path(), fmt::format("live update: initial sync of {} file{} synced earlier into {}", files,
                                 files == 1 ? "" : "s", replica.name));
    return "";
  }

  // Takes a replica out of routing, then removes its containers.
  void Discard(const std::shared_ptr<Replica>& replica) {
    {
      std::lock_guard lock(mutex_);
      std::erase(replicas_, replica);
    }
    replica->ready = false;
    for (const std::string& sidecar : replica->sidecars) sim_.Containers()->Remove(sidecar);
    sim_.Containers()->Remove(replica->name);
  }

  auto Volumes(const Json& props) const -> std::vector<std::string> {
    std::vector<std::string> out;
    for (const Json& volume : props.value("volumes", Json::array())) {
      std::string path = volume.value("path", "");
      if (path.empty()) continue;
      std::string source = volume.value("source", "");
      std::string spec = path;  // no source: an anonymous volume, removed with the container
      if (!source.empty()) {
        bool host_dir = source.starts_with(".") || source.starts_with("/");
        spec = (host_dir ? sim_.Containers()->HostPath(source) : source) + ":" + path;
      }
      if (volume.value("readOnly", false)) spec += source.empty() ? "" : ":ro";
      out.push_back(spec);
    }
    return out;
  }

  auto Check(const ProbeSpec& probe, Replica& replica) -> bool {
    if (!probe.command.empty()) {
      return docker::Exec(sim_.Containers()->Docker(), replica.name, probe.command, std::chrono::seconds(10)) == 0;
    }
    auto it = replica.host_ports.find(probe.port);
    if (it == replica.host_ports.end()) return false;
    return HttpHealthy(it->second, probe.path);
  }

  // Without a readiness check a replica is ready when its first port
  // accepts connections (or, with no port, once it runs).
  auto DefaultReady(Replica& replica) -> bool {
    if (ports_.empty()) return docker::IsRunning(sim_.Containers()->Docker(), replica.name);
    return TcpOpen(replica.host_ports[ports_.front()]);
  }

  void SetReady(Replica& replica, bool ready) {
    bool was = replica.ready.exchange(ready);
    if (was != ready) {
      if (ready) sim_.Log(Path(), fmt::format("{} is ready", replica.name));
      else sim_.Log(Path(), fmt::format("{} is not ready; no traffic is routed to it", replica.name));
      changed_.notify_all();
    }
  }

  // Until a replica is first ready it is checked every 100 ms (so a run
  // starts, and a live update replaces, fast); then every `period`, like
  // Kubernetes.
  void ProbeLoop() {
    while (true) {
      {
        std::unique_lock lock(mutex_);
        bool waiting = std::any_of(replicas_.begin(), replicas_.end(), [](const auto& r) { return !r->ready; });
        auto tick = std::chrono::milliseconds(waiting ? 100 : 250);
        if (changed_.wait_for(lock, tick, [&] { return stopping_; })) return;
      }
      std::vector<std::shared_ptr<Replica>> replicas;
      {
        std::lock_guard lock(mutex_);
        replicas = replicas_;
      }
      for (auto& replica_ptr : replicas) {
        Replica& replica = *replica_ptr;
        auto now = Clock::now();
        double age = std::chrono::duration<double>(now - replica.started).count();
        if (now >= replica.next_readiness) {
          if (!readiness_.defined) {
            SetReady(replica, DefaultReady(replica));
            replica.next_readiness = now + std::chrono::seconds(replica.ready ? 2 : 0);
          } else if (age >= readiness_.initial_delay) {
            SetReady(replica, Check(readiness_, replica));
            auto period = std::chrono::duration<double>(replica.ready ? readiness_.period : 0.1);
            replica.next_readiness = now + std::chrono::duration_cast<Clock::duration>(period);
          }
        }
        if (liveness_.defined && age >= liveness_.initial_delay && now >= replica.next_liveness) {
          replica.next_liveness = now + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(liveness_.period));
          if (Check(liveness_, replica)) {
            replica.liveness_failures = 0;
          } else if (++replica.liveness_failures >= kLivenessFailures) {
            sim_.Log(Path(), fmt::format("{} failed its liveness check {} times in a row; restarting it",
                                         replica.name, kLivenessFailures));
            SetReady(replica, false);
            if (std::string error = sim_.Containers()->Restart(replica.name); !error.empty()) {
              sim_.Log(Path(), "error: " + error);
            }
            // A restarted container may get other host ports.
            for (int port : ports_) {
              std::optional<int> host_port = docker::HostPort(sim_.Containers()->Docker(), replica.name, port);
              std::lock_guard lock(mutex_);
              if (host_port) replica.host_ports[port] = *host_port;
            }
            replica.liveness_failures = 0;
            replica.started = Clock::now();
            replica.next_readiness = replica.started;
            replica.next_liveness = replica.started;
          }
        }
      }
    }
  }

  std::string name_;
  std::vector<int> ports_;
  std::vector<std::string> routes_;
  ProbeSpec readiness_;
  ProbeSpec liveness_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<std::shared_ptr<Replica>> replicas_;  // shared: the prober works on a copy of the list
  int count_ = 1;
  std::map<std::string, std::string> env_;
  std::vector<int> published_;
  int generation_ = 0;  // how many times live updates replaced the replicas
  std::vector<SyncRule> sync_;
  size_t next_ = 0;
  std::thread prober_;
};

// `sim.Container`: started in Bind(), because `hostPort` is a preflight
// token that must be known before inflight code is resolved.
class Container : public LiveResource {
 public:
  using LiveResource::LiveResource;

  auto Bind() -> std::string override {
    ContainerHost& host = *sim_.Containers();
    docker::RunSpec spec;
    spec.name = host.ContainerName(Props().value("name", resource_.id));
    spec.image = host.ImageOf(Path(), Props().value("image", ""));
    spec.env = StringMap(Props(), "env");
    spec.args = Strings(Props(), "args");
    if (Props().contains("entrypoint") && Props()["entrypoint"].is_string()) {
      spec.entrypoint = {Props()["entrypoint"].get<std::string>()};
    }
    for (const std::string& volume : Strings(Props(), "volumes")) {
      size_t colon = volume.find(':');
      std::string source = colon == std::string::npos ? "" : volume.substr(0, colon);
      bool host_dir = source.starts_with(".") || source.starts_with("/");
      spec.volumes.push_back(host_dir ? host.HostPath(source) + volume.substr(colon) : volume);
    }
    std::string network = Props().value("network", "");
    if (!network.empty()) spec.network = network;
    container_port_ = static_cast<int>(Num(Props(), "containerPort", 0));
    // With `network: "host"` the port is the host's own; nothing to publish.
    if (container_port_ > 0 && network != "host") spec.publish = {container_port_};
    spec.aliases = network.empty() ? std::vector<std::string>{Props().value("name", resource_.id)}
                                   : std::vector<std::string>{};
    name_ = spec.name;
    if (std::string error = host.Run(spec, Path()); !error.empty()) return fmt::format("`{}`: {}", Path(), error);
    if (container_port_ > 0) {
      if (network == "host") {
        host_port_ = container_port_;
      } else {
        std::string why;
        std::optional<int> port = docker::HostPort(host.Docker(), name_, container_port_, &why);
        if (!port) return fmt::format("`{}`: port {} of `{}` was not published ({})", Path(), container_port_, name_, why);
        host_port_ = *port;
      }
    }
    return "";
  }

  // Ready when the published port accepts connections (Wing waits the same way).
  auto WaitReady() -> std::string override {
    if (host_port_ <= 0) return "";
    auto deadline = Clock::now() + std::chrono::duration<double>(sim_.Options().ready_timeout_seconds);
    while (Clock::now() < deadline) {
      if (TcpOpen(host_port_)) return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return fmt::format("`{}`: nothing listened on port {} of `{}` after {:.0f} s; its last output:\n{}", Path(),
                       container_port_, name_, sim_.Options().ready_timeout_seconds,
                       sim_.Containers()->LastLogs(name_, 15));
  }

  void Remove() override {
    if (!name_.empty()) sim_.Containers()->Remove(name_);
  }

  auto Attribute(const std::string& name) -> std::optional<std::string> override {
    if (name == "hostPort" && host_port_ > 0) return std::to_string(host_port_);
    if (name == "url" && host_port_ > 0) return fmt::format("http://127.0.0.1:{}", host_port_);
    return std::nullopt;
  }

 private:
  std::string name_;
  int container_port_ = 0;
  int host_port_ = 0;
};

}  // namespace

auto MakeWorkload(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Workload>(sim, resource);
}

auto MakeContainer(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<Container>(sim, resource);
}

auto RunsInContainers(const std::string& type) -> bool {
  return type == "containers.Workload" || type == "sim.Container" || type == "ex.Redis";
}

}  // namespace wdsl::runtime
