// A cloud.Service that runs in its image (`runtime: "container"`, or `wdsl
// run --services-in-containers`): the image `wdsl build` makes of the
// runtime and the service's bundle (cli/service_images.h), run as one
// container on the app network. The container calls the simulator's
// resources through the Resource API with the service's token; stopping it
// sends SIGTERM, so the stop handler runs in the container, within the
// grace period, before the Resource API stops.
#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "runtime/container_host.h"
#include "runtime/docker/containers.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {
namespace {

using ir::Value;
using Clock = std::chrono::steady_clock;

// How long the stop handler may take before Docker kills the container
// (Kubernetes' default terminationGracePeriodSeconds).
constexpr int kGraceSeconds = 30;

class ContainerService : public LiveResource {
 public:
  using LiveResource::LiveResource;

  auto Start() -> std::string override {
    if (!Props().value("autoStart", true)) return "";
    std::lock_guard lock(mutex_);
    return Launch();
  }

  auto WaitReady() -> std::string override {
    std::string name;
    {
      std::lock_guard lock(mutex_);
      if (!running_) return "";
      name = name_;
    }
    auto deadline = Clock::now() + std::chrono::duration<double>(sim_.Options().ready_timeout_seconds);
    while (!docker::IsRunning(sim_.Containers()->Docker(), name)) {
      if (Clock::now() > deadline) {
        return fmt::format("service `{}`: its container `{}` is not running after {:.0f} s; its last output:\n{}",
                           Path(), name, sim_.Options().ready_timeout_seconds,
                           sim_.Containers()->LastLogs(name, 15));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

  void StopOutsideCode() override {
    std::lock_guard lock(mutex_);
    Halt();
  }

  void Stop() override { StopOutsideCode(); }

  auto Call(ir::Interpreter&, const std::string& method, std::vector<Value>&) -> Value override {
    std::lock_guard lock(mutex_);
    if (method == "start") {
      if (running_) Fail(fmt::format("service `{}` is already started", Path()));
      if (std::string error = Launch(); !error.empty()) Fail(error);
      return Value::Nil();
    }
    if (method == "stop") {
      if (!running_) Fail(fmt::format("service `{}` is not started", Path()));
      Halt();
      return Value::Nil();
    }
    if (method == "started") return Value::Bool(running_);
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
    // Bound to a name: the loop would otherwise iterate a destroyed temporary.
    const nlohmann::json env = Props().value("env", nlohmann::json::object());
    for (const auto& [key, value] : env.items()) {
      if (value.is_string()) spec.env[key] = value.get<std::string>();
    }
    spec.env["WDSL_RESOURCE_BACKEND"] = "resource-api";
    spec.env["WDSL_RESOURCE_API_URL"] = sim_.ResourceApiContainerUrl();
    std::map<std::string, std::string> tokens = sim_.ResourceApiTokens();
    if (auto it = tokens.find(Path()); it != tokens.end()) spec.env["WDSL_RESOURCE_API_TOKEN"] = it->second;
    spec.restart = "on-failure";
    if (std::string error = host->Run(spec, Path()); !error.empty()) {
      return fmt::format("service `{}`: cannot start its container: {}", Path(), error);
    }
    running_ = true;
    return "";
  }

  // SIGTERM, up to the grace period for the stop handler, then removal. Holds mutex_.
  void Halt() {
    if (!running_) return;
    running_ = false;
    ContainerHost* host = sim_.Containers();
    docker::Result stopped = host->Docker().Run({"stop", "--time", std::to_string(kGraceSeconds), name_},
                                                std::chrono::seconds(kGraceSeconds + 30));
    if (!stopped.Ok()) sim_.Log(Path(), fmt::format("error: cannot stop `{}`: {}", name_, stopped.Message()));
    host->Remove(name_);
  }

  std::mutex mutex_;
  bool running_ = false;
  std::string name_;
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
