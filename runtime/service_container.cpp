// A cloud.Service that runs in its image (`runtime: "container"`, or `wdsl
// run --services-in-containers`): the image `wdsl build` makes of the
// runtime and the service's bundle (cli/service_images.h), run as one
// container on the app network. The container calls the simulator's
// resources through the Resource API with the service's token; stopping it
// sends SIGTERM, so the stop handler runs in the container, within the
// grace period, before the Resource API stops.
//
// Ready means the start handler returned: wdsl-runtime prints kReadyLine,
// which the log follower sees (no `docker exec`); a start handler that
// threw prints kStartFailedPrefix and ends the container. The values of the
// deploy-time tokens its bundle holds go in WDSL_TOKENS, as the container
// reaches them (an Api at the network's gateway), so the image stays the
// same when a port changes.
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ir/bundle.h"
#include "ir/tokens.h"
#include "runtime/container_host.h"
#include "runtime/docker/containers.h"
#include "runtime/live_resource.h"
#include "runtime/service_runtime.h"

namespace wdsl::runtime {
namespace {

using ir::Value;

// How long the stop handler may take before Docker kills the container
// (Kubernetes' default terminationGracePeriodSeconds).
constexpr int kGraceSeconds = 30;

// What the log follower learnt about the running container; shared with
// its thread, which may outlive a Launch.
struct Readiness {
  std::mutex mutex;
  std::condition_variable changed;
  bool ready = false;
  bool halted = false;  // stopped (Ctrl-C, stop()) before it was ready
  std::string failed;   // the start handler's error line, or the runtime's
};

// Attributes that inflight code may read from a resource of the bundle.
constexpr const char* kRuntimeAttributes[] = {"url", "internalUrl", "publicUrl"};

class ContainerService : public LiveResource {
 public:
  // Made before the simulator resolves tokens: the program still holds them.
  ContainerService(Simulator& sim, const ir::Resource& resource) : LiveResource(sim, resource) {
    if (std::optional<nlohmann::json> bundle = ir::MakeServiceBundle(Program(), Path())) {
      // The tokens the service's code reads, and the attributes it may read inflight.
      tokens_ = ir::ServiceTokens(Program(), resource);
      for (const nlohmann::json& reached : (*bundle)["program"].value("resources", nlohmann::json::array())) {
        for (const char* attribute : kRuntimeAttributes) {
          std::string path = reached.value("path", "");
          tokens_.push_back({fmt::format("${{wdsl#{}#{}}}", path, attribute), path, attribute});
        }
      }
    }
    raw_env_ = Props().value("env", nlohmann::json::object());
  }

  auto Start() -> std::string override {
    if (!Props().value("autoStart", true)) return "";
    std::lock_guard lock(mutex_);
    return Launch();
  }

  auto WaitReady() -> std::string override {
    std::unique_lock lock(mutex_);
    return AwaitReady(lock);
  }

  void StopOutsideCode() override {
    std::lock_guard lock(mutex_);
    Halt();
  }

  void Stop() override { StopOutsideCode(); }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>&) -> Value override {
    std::unique_lock lock(mutex_);
    if (method == "start") {
      if (running_) Fail(fmt::format("service `{}` is already started", Path()));
      if (std::string error = Launch(); !error.empty()) Fail(error);
      if (std::string error = AwaitReady(lock); !error.empty()) {
        Halt();
        Fail(error);
      }
      return Value::Nil();
    }
    if (method == "stop") {
      if (!running_) Fail(fmt::format("service `{}` is not started", Path()));
      Halt();
      return Value::Nil();
    }
    // Started once the start handler has returned, as in the simulator's process.
    if (method == "started") return Value::Bool(running_ && AwaitReady(lock).empty());
    Unknown(method);
  }

 private:
  // Runs the container; "" or the error. Holds mutex_.
  auto Launch() -> std::string {
    ContainerHost* host = sim_.Containers();
    std::string image = host->ImageOf(Path(), "");
    if (image.empty()) {
      return fmt::format("service `{}` runs in a container but has no image: compile it with `wdsl run` (which "
                         "writes it under .wdsl/images/) rather than loading the program another way",
                         Path());
    }
    std::string id = Path().starts_with("root/Default/") ? Path().substr(13) : Path();
    std::replace(id.begin(), id.end(), '/', '-');
    name_ = host->ContainerName(id);
    docker::RunSpec spec;
    spec.name = name_;
    spec.image = image;
    ir::TokenValue value_of = [this](const ir::Token& token) -> std::optional<std::string> {
      LiveResource* live = sim_.Find(token.path);
      return live != nullptr ? live->ContainerAttribute(token.attribute) : std::nullopt;
    };
    for (const auto& [key, value] : raw_env_.items()) {
      if (value.is_string()) spec.env[key] = ir::ReplaceTokensIn(value.get<std::string>(), value_of);
    }
    nlohmann::json values = nlohmann::json::object();
    for (const ir::Token& token : tokens_) {
      if (std::optional<std::string> value = value_of(token)) values[token.Key()] = *value;
    }
    if (!values.empty()) spec.env[ir::kTokensEnv] = values.dump();
    spec.env["WDSL_RESOURCE_BACKEND"] = "resource-api";
    spec.env["WDSL_RESOURCE_API_URL"] = sim_.ResourceApiContainerUrl();
    std::map<std::string, std::string> tokens = sim_.ResourceApiTokens();
    if (auto it = tokens.find(Path()); it != tokens.end()) spec.env["WDSL_RESOURCE_API_TOKEN"] = it->second;
    spec.restart = "on-failure";
    auto readiness = std::make_shared<Readiness>();
    readiness_ = readiness;
    auto filter = [readiness](const std::string& line) {
      std::lock_guard lock(readiness->mutex);
      if (line == runtime::kReadyLine) {
        readiness->ready = true;
        readiness->changed.notify_all();
        return false;
      }
      if (readiness->ready) return true;
      // The start handler threw, or the runtime cannot run the bundle (exit 2).
      if (line.starts_with(runtime::kStartFailedPrefix)) {
        readiness->failed = line.substr(std::string_view(runtime::kStartFailedPrefix).size());
        readiness->changed.notify_all();
      } else if (line.starts_with("wdsl-runtime: ") && !line.starts_with("wdsl-runtime: note:") &&
                 !line.starts_with("wdsl-runtime: warning:")) {
        readiness->failed = line;
        readiness->changed.notify_all();
      }
      return true;
    };
    if (std::string error = host->Run(spec, Path(), filter); !error.empty()) {
      return fmt::format("service `{}`: cannot start its container: {}", Path(), error);
    }
    running_ = true;
    return "";
  }

  // Waits until the running container's start handler has returned; "" or
  // why it did not (it threw, or the time ran out), with its last output.
  // Holds mutex_ through `lock`, released while waiting.
  auto AwaitReady(std::unique_lock<std::mutex>& lock) -> std::string {
    if (!running_) return "";
    std::shared_ptr<Readiness> readiness = readiness_;
    std::string name = name_;
    double seconds = sim_.Options().ready_timeout_seconds;
    lock.unlock();
    std::string failed;
    bool ready = false;
    bool halted = false;
    {
      std::unique_lock wait(readiness->mutex);
      readiness->changed.wait_for(wait, std::chrono::duration<double>(seconds),
                                  [&] { return readiness->ready || readiness->halted || !readiness->failed.empty(); });
      ready = readiness->ready;
      halted = readiness->halted;
      failed = readiness->failed;
    }
    std::string error;
    if (!ready && halted) {
      error = fmt::format("service `{}` was stopped before its start handler returned", Path());
    } else if (!ready) {
      // The failure line may come a moment before the rest of the output.
      if (!failed.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      error = failed.empty()
                  ? fmt::format("service `{}`: its start handler has not returned after {:.0f} s (container `{}`); "
                                "its last output:\n{}",
                                Path(), seconds, name, sim_.Containers()->LastLogs(name, 15))
                  : fmt::format("service `{}`: its start handler failed in container `{}`: {}; its last output:\n{}",
                                Path(), name, failed, sim_.Containers()->LastLogs(name, 15));
    }
    lock.lock();
    return error;
  }

  // SIGTERM, up to the grace period for the stop handler, then removal. Holds mutex_.
  void Halt() {
    if (!running_) return;
    running_ = false;
    if (readiness_) {
      std::lock_guard lock(readiness_->mutex);
      readiness_->halted = true;
      readiness_->changed.notify_all();
    }
    ContainerHost* host = sim_.Containers();
    docker::Result stopped = host->Docker().Run({"stop", "--time", std::to_string(kGraceSeconds), name_},
                                                std::chrono::seconds(kGraceSeconds + 30));
    if (!stopped.Ok()) sim_.Log(Path(), fmt::format("error: cannot stop `{}`: {}", name_, stopped.Message()));
    host->Remove(name_);
  }

  std::vector<ir::Token> tokens_;  // in the bundle, or attributes its code may read
  nlohmann::json raw_env_;         // `env` with its tokens
  std::mutex mutex_;
  bool running_ = false;
  std::string name_;
  std::shared_ptr<Readiness> readiness_;
};

}  // namespace

auto MakeContainerService(Simulator& sim, const ir::Resource& resource) -> std::unique_ptr<LiveResource> {
  return std::make_unique<ContainerService>(sim, resource);
}

auto ServiceInContainer(const ir::Resource& resource, const SimOptions& options) -> bool {
  return resource.type == "cloud.Service" &&
         (options.services_in_containers || resource.props.value("runtime", "process") == "container");
}

}  // namespace wdsl::runtime
