// wdsl-runtime: runs one `cloud.Service` or `cloud.Function` from its bundle
// (ir/bundle.h), the entry point of the image `wdsl build` makes for each
// (cli/service_images.h). A service's start handler runs at boot; SIGTERM
// or SIGINT runs the stop handler it returned and exits 0 (1 when a handler
// threw, 2 when the bundle or the environment is unusable). A function
// serves AWS Lambda's Runtime API (function mode, runtime/lambda_runtime.h)
// until Lambda ends the process. `log(...)` goes to standard output, errors
// to standard error. Resource operations go to the backend
// WDSL_RESOURCE_BACKEND names (runtime/remote_host.h).
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "ir/bundle.h"
#include "runtime/lambda_runtime.h"
#include "runtime/remote_host.h"
#include "runtime/service_runtime.h"

namespace {

constexpr int kExitUnusable = 2;

auto Env(const std::string& name) -> std::string {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

auto MakeLog() -> wdsl::runtime::RemoteLog {
  auto out_mutex = std::make_shared<std::mutex>();
  return {[out_mutex](const std::string& line) {
            std::lock_guard lock(*out_mutex);
            std::cout << line << std::endl;
          },
          [out_mutex](const std::string& line) {
            std::lock_guard lock(*out_mutex);
            std::cerr << line << std::endl;
          }};
}

// Prints `message` and, under Lambda, reports it as the init error.
auto Unusable(const std::string& message) -> int {
  std::cerr << "wdsl-runtime: " << message << "\n";
  if (std::string api = Env("AWS_LAMBDA_RUNTIME_API"); !api.empty()) {
    wdsl::runtime::ReportInitError(api, {"wdsl.InitError", message}, MakeLog());
  }
  return kExitUnusable;
}

auto RunFunction(wdsl::ir::Bundle bundle, std::unique_ptr<wdsl::runtime::ResourceBackend> backend) -> int {
  std::string api = Env("AWS_LAMBDA_RUNTIME_API");
  if (api.empty()) {
    std::cerr << "wdsl-runtime: `" << bundle.function << "` is a cloud.Function, which runs under AWS Lambda: "
              << "AWS_LAMBDA_RUNTIME_API (host:port of Lambda's Runtime API) is not set\n";
    return kExitUnusable;
  }
  wdsl::runtime::RemoteLog log = MakeLog();
  wdsl::runtime::FunctionRuntime function(std::move(bundle), std::move(backend), log);
  return wdsl::runtime::RunLambdaLoop(api, function, log);
}

}  // namespace

auto main(int argc, char** argv) -> int {
  std::string path = argc > 1 ? argv[1] : Env("WDSL_BUNDLE");
  if (argc > 2 || path.empty() || path == "--help" || path == "-h") {
    std::cerr << "usage: wdsl-runtime BUNDLE.json\nruns the cloud.Service of a bundle that `wdsl build` wrote "
                 "(SIGTERM stops it), or its cloud.Function under AWS Lambda's Runtime API\n";
    return kExitUnusable;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unusable("cannot read the bundle `" + path + "`: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  std::string error;
  std::optional<wdsl::ir::Bundle> bundle =
      json.is_discarded() ? std::nullopt : wdsl::ir::BundleFromJson(json, &error);
  if (!bundle) return Unusable("`" + path + "`: " + (json.is_discarded() ? "not JSON" : error));
  std::unique_ptr<wdsl::runtime::ResourceBackend> backend = wdsl::runtime::MakeResourceBackend(Env, error);
  if (!backend) return Unusable(error);
  if (!bundle->function.empty()) return RunFunction(std::move(*bundle), std::move(backend));
  // Signals are taken with sigwait on this thread only; blocked before any
  // thread starts, so no handler ever interrupts the interpreter.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  wdsl::runtime::ServiceRuntime service(std::move(*bundle), std::move(backend), MakeLog());
  service.Start();
  // A start handler that threw ends the process (exit 1), so the platform
  // restarts the service; otherwise it runs until a signal.
  timespec tick{0, 100'000'000};
  while (true) {
    int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal == SIGTERM || signal == SIGINT) break;
    if (service.StartFinished() && service.StartFailed()) return service.Stop() ? 0 : 1;
  }
  return service.Stop() ? 0 : 1;
}
