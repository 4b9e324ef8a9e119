#include "runtime/simulator.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <iostream>
#include <thread>
#include <unordered_map>

#include "ir/json.h"
#include "ir/tokens.h"
#include "runtime/container_host.h"
#include "runtime/http_client.h"
#include "runtime/live_resource.h"
#include "runtime/resource_api.h"
#include "runtime/state.h"

namespace wdsl::runtime {
namespace {

std::atomic<uint64_t> next_generation{1};
const std::string kRootSource = "root/Default";
thread_local const std::string* current_source = nullptr;

}  // namespace

// ------------------------------------------------------------ logs

void StreamLogSink::Write(const std::string& source, const std::string& text) {
  std::lock_guard lock(mutex_);
  // One prefix per line, so multi-line values stay attributable.
  size_t start = 0;
  do {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (color_) {
      out_ << "\033[2m[" << source << "]\033[0m " << line << "\n";
    } else {
      out_ << "[" << source << "] " << line << "\n";
    }
    start = end == std::string::npos ? text.size() + 1 : end + 1;
  } while (start <= text.size());
  out_.flush();
}

void BufferLogSink::Write(const std::string& source, const std::string& text) {
  std::lock_guard lock(mutex_);
  lines_.emplace_back(source, text);
}

auto BufferLogSink::Lines() -> std::vector<std::pair<std::string, std::string>> {
  std::lock_guard lock(mutex_);
  return lines_;
}

SourceScope::SourceScope(const std::string& source) : previous_(current_source) { current_source = &source; }
SourceScope::~SourceScope() { current_source = previous_; }
auto SourceScope::Current() -> const std::string& {
  return current_source != nullptr ? *current_source : kRootSource;
}

// ------------------------------------------------------------ lifecycle

Simulator::Simulator(ir::Program program, SimOptions options)
    : as_given_(program), options_(std::move(options)), generation_(next_generation++) {
  programs_.push_back(std::make_unique<ir::Program>(std::move(program)));
  program_ = programs_.back().get();
  static StreamLogSink stdout_sink(std::cout, false);
  if (options_.log == nullptr) options_.log = &stdout_sink;
  next_port_ = options_.first_port;
}

void Simulator::Note(const std::string& text) {
  if (options_.note) {
    options_.note(text);
  } else {
    Log("wdsl", text);
  }
}

Simulator::~Simulator() {
  Stop();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // Start failed before anything started
}

auto Simulator::Start() -> std::string {
  // Props are data a program produced; a shape no resource expects must
  // become an error message, never an escaping exception.
  try {
    return StartResources();
  } catch (const std::exception& error) {
    Stop();
    return fmt::format("the simulator could not start: {}", error.what());
  }
}

auto Simulator::StartResources() -> std::string {
  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  if (ec) return fmt::format("cannot create the state directory `{}`: {}", options_.state_dir.string(), ec.message());
  // Two simulators on one state would deliver each queued message twice and
  // race on every file. The lock sits beside the directory (no resource id
  // can name it) and goes away with the process, even after kill -9.
  std::string lock_path = options_.state_dir.string() + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return fmt::format("cannot create `{}`: {}", lock_path, std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    return fmt::format("another simulator is using `{}`; stop it first (or run this copy of the app from another "
                       "directory)",
                       options_.state_dir.string());
  }
  bool containers = false;
  std::set<std::string> all;
  for (const ir::Resource& resource : GetProgram().resources) all.insert(resource.path);
  MakeResources(GetProgram(), all, containers);
  started_ = true;
  if (containers) {
    // Docker first: without an engine nothing else starts.
    containers_ = std::make_unique<ContainerHost>(*this, options_.docker);
    bool environment = false;
    if (std::string error = containers_->Prepare(environment); !error.empty()) {
      environment_error_ = environment;
      Stop();
      return error;
    }
  }
  for (LiveResource* live : order_) {
    if (std::string error = live->Bind(); !error.empty()) {
      Stop();
      return error;
    }
  }
  // After the Apis, so adding a workload does not move an Api's port.
  if (containers_ && containers_->GetRouter().HasRoutes()) {
    if (std::string error = containers_->GetRouter().Bind(); !error.empty()) {
      Stop();
      return error;
    }
  }
  ResolveTokens(*program_.load());
  // Before the resources start: containers get its URL and tokens.
  if (options_.resource_api || containers_) {
    resource_api_ = std::make_unique<ResourceApi>(*this);
    std::string gateway = containers_ ? containers_->Gateway() : "";
    if (std::string error = resource_api_->Start(gateway); !error.empty()) {
      Stop();
      return error;
    }
  }
  if (containers_) containers_->GetRouter().Start();
  if (std::string error = StartAll(order_); !error.empty()) {
    Stop();
    return error;
  }
  for (LiveResource* live : order_) {
    if (std::string error = live->WaitReady(); !error.empty()) {
      Stop();
      return error;
    }
  }
  return "";
}

auto Simulator::ResourceApiUrl() const -> std::string { return resource_api_ ? resource_api_->Url() : ""; }

auto Simulator::ResourceApiContainerUrl() const -> std::string {
  return resource_api_ ? resource_api_->ContainerUrl() : "";
}

auto Simulator::IngressUrl() const -> std::string { return containers_ ? containers_->GetRouter().Url() : ""; }

auto Simulator::ResourceApiTokens() const -> std::map<std::string, std::string> {
  return resource_api_ ? resource_api_->Tokens() : std::map<std::string, std::string>{};
}

auto Simulator::MakeResources(const ir::Program& program, const std::set<std::string>& paths, bool& containers)
    -> std::vector<LiveResource*> {
  std::vector<LiveResource*> made;
  for (const ir::Resource& resource : program.resources) {
    if (!paths.contains(resource.path)) continue;
    bool in_container = RunsInContainers(resource.type) || ServiceInContainer(resource, options_);
    std::unique_ptr<LiveResource> live = ServiceInContainer(resource, options_) ? MakeContainerService(*this, resource)
                                                                                : MakeLiveResource(*this, resource);
    if (!live) {
      // User classes live in the interpreter; an Endpoint is only a URL.
      if (program.FindClass(resource.type) == nullptr && resource.type != "cloud.Endpoint") {
        Note(fmt::format("`{}` ({}) is not simulated yet: its operations fail and it does not run", resource.path,
                         resource.type));
      }
      continue;
    }
    containers = containers || in_container;
    made.push_back(live.get());
    std::unique_lock lock(live_mutex_);
    if (in_container) in_containers_.insert(live.get());
    order_.push_back(live.get());
    live_[resource.path] = std::move(live);
  }
  return made;
}

// Containers start at once (each `docker run` waits on the engine); the
// rest in creation order, on this thread. The first error, or "".
auto Simulator::StartAll(const std::vector<LiveResource*>& resources) -> std::string {
  std::vector<LiveResource*> in_containers;
  for (LiveResource* live : resources) {
    if (in_containers_.contains(live)) {
      in_containers.push_back(live);
    } else if (std::string error = live->Start(); !error.empty()) {
      return error;
    }
  }
  std::vector<std::string> errors(in_containers.size());
  std::vector<std::thread> starters;
  for (size_t i = 0; i < in_containers.size(); ++i) {
    starters.emplace_back([&, i] { errors[i] = in_containers[i]->Start(); });
  }
  for (std::thread& starter : starters) starter.join();
  for (const std::string& error : errors) {
    if (!error.empty()) return error;
  }
  return "";
}

auto Simulator::PreviousPort(const std::string& path) const -> int {
  auto it = previous_ports_.find(path);
  return it == previous_ports_.end() ? 0 : it->second;
}

void Simulator::Stop() {
  std::lock_guard lock(stop_mutex_);
  if (!started_) return;
  // Outside callers first (services in containers run their stop
  // handlers, which may call resources), then the resources they call.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) (*it)->StopOutsideCode();
  if (resource_api_) resource_api_->Stop();
  // Reverse creation order: what was made last may use what came first.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) (*it)->Stop();
  if (containers_) containers_->Shutdown();
  started_ = false;
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);  // releases the flock: another simulator may take the state now
    lock_fd_ = -1;
  }
}

// Replaces `${wdsl#<path>#<attribute>}` tokens (api.url read at preflight)
// by their values, everywhere inflight code can read a preflight string.
void Simulator::ResolveTokens(ir::Program& program) {
  ir::TokenValue value_of = [this](const ir::Token& token) -> std::optional<std::string> {
    LiveResource* live = Find(token.path);
    return live != nullptr ? live->Attribute(token.attribute) : std::nullopt;
  };
  auto walk = [&](nlohmann::json& j) { ir::ReplaceTokens(j, value_of); };
  for (ir::Resource& resource : program.resources) {
    walk(resource.props);
    walk(resource.fields);
  }
  for (ir::Function& function : program.functions) walk(function.module_captures);
  for (ir::TestCase& test : program.tests) walk(test.closure);
  // Program's lookup indexes fill lazily; filled here, later lookups from
  // many threads (GetResourceField, ValueFromJson) only read them.
  program.FindResource("");
  program.FindClass("");
}

void Simulator::FilesChanged(const std::vector<FileChange>& changes) {
  for (LiveResource* resource : order_) resource->FilesChanged(changes);
}

auto Simulator::Endpoints() const -> std::vector<EndpointInfo> {
  std::vector<EndpointInfo> out;
  std::shared_lock lock(live_mutex_);
  for (const ir::Resource& resource : GetProgram().resources) {
    std::string url;
    auto it = live_.find(resource.path);
    if (it != live_.end()) {
      if (auto attribute = it->second->Attribute("url")) url = *attribute;
    }
    if (url.empty() && resource.type == "cloud.Endpoint" && resource.props.contains("url") &&
        resource.props["url"].is_string()) {
      url = resource.props["url"].get<std::string>();
    }
    nlohmann::json details = it != live_.end() ? it->second->Details() : nlohmann::json();
    out.push_back({resource.path, resource.type, url, std::move(details)});
  }
  return out;
}

auto Simulator::StateDir(const std::string& resource_path) const -> std::filesystem::path {
  return ResourceStateDir(options_.state_dir, resource_path);
}

auto Simulator::Find(const std::string& path) -> LiveResource* {
  std::shared_lock lock(live_mutex_);
  auto it = live_.find(path);
  return it == live_.end() ? nullptr : it->second.get();
}

void Simulator::Log(const std::string& source, const std::string& text) { options_.log->Write(source, text); }

// ------------------------------------------------------------ running code

auto Simulator::NewInterpreter(const ir::Program& program) -> std::unique_ptr<ir::Interpreter> {
  return std::make_unique<ir::Interpreter>(program, static_cast<ir::Host&>(*this));
}

auto Simulator::ThreadInterpreter(const ir::Program& program) -> ir::Interpreter& {
  // Keyed by generation, not only address: a later simulator may reuse this
  // one's address while a thread of the earlier one is still finishing.
  // Programs of one simulator live as long as it does, so their addresses
  // tell them apart.
  thread_local std::map<std::pair<uint64_t, const ir::Program*>, std::unique_ptr<ir::Interpreter>> interpreters;
  std::unique_ptr<ir::Interpreter>& slot = interpreters[{generation_, &program}];
  if (!slot) slot = NewInterpreter(program);
  return *slot;
}

auto Simulator::CallHandler(ir::Interpreter& interp, const nlohmann::json& closure, std::vector<ir::Value> args,
                            const std::string& source) -> ir::Value {
  SourceScope scope(source);
  ir::Value callee = ir::ValueFromJson(closure, &interp.GetProgram());
  if (callee.kind != ir::ValueKind::kClosure) Fail(fmt::format("`{}` has no handler to run", source));
  if (!options_.trace) return interp.Call(callee, std::move(args));
  return Traced(source, "handler", args, [&] { return interp.Call(callee, std::move(args)); });
}

namespace {

// A value as a trace line shows it: strings quoted, long ones cut.
auto TraceText(const ir::Value& value) -> std::string {
  std::string text = value.kind == ir::ValueKind::kStr && value.str ? nlohmann::json(*value.str).dump()
                                                                      : ir::ToDisplayString(value);
  constexpr size_t kMax = 120;
  if (text.size() > kMax) text = text.substr(0, kMax) + fmt::format("... ({} bytes)", text.size());
  return text;
}

}  // namespace

auto Simulator::Traced(const std::string& source, const std::string& what, const std::vector<ir::Value>& args,
                       const std::function<ir::Value()>& call) -> ir::Value {
  std::string arguments;
  for (const ir::Value& arg : args) arguments += (arguments.empty() ? "" : ", ") + TraceText(arg);
  auto began = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count(); };
  try {
    ir::Value result = call();
    Log(source, fmt::format("trace: {}({}) -> {} ({:.2f} ms)", what, arguments, TraceText(result), elapsed()));
    return result;
  } catch (const ir::ThrownError& error) {
    Log(source, fmt::format("trace: {}({}) threw {} ({:.2f} ms)", what, arguments, error.what(), elapsed()));
    throw;
  }
}

auto Simulator::RunClosure(const nlohmann::json& closure, std::vector<ir::Value> args, const std::string& source)
    -> ir::Value {
  std::unique_ptr<ir::Interpreter> interp = NewInterpreter();
  return CallHandler(*interp, closure, std::move(args), source);
}

// ------------------------------------------------------------ the Host

auto Simulator::NewResource(ir::Interpreter&, const std::string& type, std::vector<ir::Value>, const ir::Value&,
                            const ir::Value&, const ir::SourcePos&) -> ir::Value {
  Fail(fmt::format("cannot create a `{}` in inflight code: resources are created in preflight code", type));
}

auto Simulator::BeginInstance(ir::Interpreter&, const std::string& type, const ir::Value&, const ir::Value&,
                              const ir::SourcePos&) -> std::shared_ptr<const ir::ResourceRef> {
  Fail(fmt::format("cannot create a `{}` in inflight code: preflight classes are created in preflight code", type));
}

auto Simulator::CallResource(ir::Interpreter& interp, const ir::Value& resource, const std::string& method,
                             std::vector<ir::Value> args, const ir::SourcePos& pos) -> ir::Value {
  if (resource.kind != ir::ValueKind::kResource || !resource.resource) Fail("`" + method + "` called on a non-resource");
  LiveResource* live = Find(resource.resource->path);
  if (live == nullptr) {
    Fail(fmt::format("`{}` ({}) has no inflight operation `{}` in the simulator", resource.resource->path,
                     resource.resource->type, method));
  }
  if (!options_.trace) return live->Call(interp, method, args);
  std::string name = resource.resource->path.substr(resource.resource->path.rfind('/') + 1) + "." + method;
  return Traced(SourceScope::Current(), name, args, [&] { return live->Call(interp, method, args); });
}

auto Simulator::GetResourceField(ir::Interpreter& interp, const ir::Value& resource, const std::string& name,
                                 const ir::SourcePos&) -> ir::Value {
  if (resource.kind != ir::ValueKind::kResource || !resource.resource) Fail("`" + name + "` read from a non-resource");
  const ir::Program& program = interp.GetProgram();
  const ir::Resource* target = program.FindResource(resource.resource->path);
  if (target == nullptr) Fail(fmt::format("unknown resource `{}`", resource.resource->path));
  if (LiveResource* live = Find(target->path)) {
    if (auto attribute = live->Attribute(name)) return ir::Value::Str(*attribute);
  }
  // A user class's preflight field, or a stdlib attribute that is a prop.
  if (auto it = target->fields.find(name); it != target->fields.end()) return ir::ValueFromJson(*it, &program);
  if (auto it = target->props.find(name); it != target->props.end()) return ir::ValueFromJson(*it, &program);
  if (program.FindClass(target->type) != nullptr) return ir::Value::Nil();  // a user class field never set
  Fail(fmt::format("`{}` ({}) has no attribute `{}` in the simulator", target->path, target->type, name));
}

auto Simulator::CallBuiltin(ir::Interpreter& interp, const std::string& name, std::vector<ir::Value>& args,
                            const ir::SourcePos&) -> std::optional<ir::Value> {
  if (name == "log") {
    std::string line;
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) line += ' ';
      line += ir::ToDisplayString(args[i]);
    }
    Log(SourceScope::Current(), line);
    return ir::Value::Nil();
  }
  if (name.starts_with("http.")) return CallHttp(name.substr(5), args);
  return std::nullopt;
}

// ------------------------------------------------------------ helpers

void LiveResource::Unknown(const std::string& method) const {
  Fail(fmt::format("`{}` ({}) has no inflight operation `{}`", resource_.path, resource_.type, method));
}

auto LiveResource::Call(ir::Interpreter&, const std::string& method, std::vector<ir::Value>&) -> ir::Value {
  Unknown(method);
}

auto MakeLiveResource(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  const std::string& type = resource.type;
  if (type == "cloud.Bucket") return MakeBucket(sim, resource);
  if (type == "cloud.Counter") return MakeCounter(sim, resource);
  if (type == "cloud.Queue") return MakeQueue(sim, resource);
  if (type == "cloud.Api") return MakeApi(sim, resource);
  if (type == "cloud.Function") return MakeFunction(sim, resource);
  if (type == "cloud.Service") return MakeService(sim, resource);
  if (type == "cloud.Secret") return MakeSecret(sim, resource);
  if (type == "cloud.Schedule") return MakeSchedule(sim, resource);
  if (type == "containers.Workload") return MakeWorkload(sim, resource);
  if (type == "sim.Container") return MakeContainer(sim, resource);
  if (type == "ex.Redis") return MakeRedis(sim, resource);
  return nullptr;
}

}  // namespace wdsl::runtime
