// wdsl-runtime: runs one `cloud.Service` from its bundle (ir/bundle.h), the
// entry point of the image `wdsl build` makes for each service
// (cli/service_images.h). The start handler runs at boot; SIGTERM or SIGINT
// runs the stop handler it returned and exits 0 (1 when a handler threw,
// 2 when the bundle or the environment is unusable). `log(...)` goes to
// standard output, errors to standard error. Resource operations go to the
// backend WDSL_RESOURCE_BACKEND names (runtime/remote_host.h).
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "ir/bundle.h"
#include "runtime/remote_host.h"
#include "runtime/service_runtime.h"

namespace {

constexpr int kExitUnusable = 2;

auto Env(const std::string& name) -> std::string {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  std::string path = argc > 1 ? argv[1] : Env("WDSL_BUNDLE");
  if (argc > 2 || path.empty() || path == "--help" || path == "-h") {
    std::cerr << "usage: wdsl-runtime BUNDLE.json\nruns the cloud.Service of a bundle that `wdsl build` wrote; "
                 "SIGTERM stops it\n";
    return kExitUnusable;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "wdsl-runtime: cannot read the bundle `" << path << "`: " << std::strerror(errno) << "\n";
    return kExitUnusable;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  std::string error;
  std::optional<wdsl::ir::Bundle> bundle =
      json.is_discarded() ? std::nullopt : wdsl::ir::BundleFromJson(json, &error);
  if (!bundle) {
    std::cerr << "wdsl-runtime: `" << path << "`: " << (json.is_discarded() ? "not JSON" : error) << "\n";
    return kExitUnusable;
  }
  std::unique_ptr<wdsl::runtime::ResourceBackend> backend = wdsl::runtime::MakeResourceBackend(Env, error);
  if (!backend) {
    std::cerr << "wdsl-runtime: " << error << "\n";
    return kExitUnusable;
  }
  // Signals are taken with sigwait on this thread only; blocked before any
  // thread starts, so no handler ever interrupts the interpreter.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto out_mutex = std::make_shared<std::mutex>();
  wdsl::runtime::RemoteLog log{[out_mutex](const std::string& line) {
                                 std::lock_guard lock(*out_mutex);
                                 std::cout << line << std::endl;
                               },
                               [out_mutex](const std::string& line) {
                                 std::lock_guard lock(*out_mutex);
                                 std::cerr << line << std::endl;
                               }};
  wdsl::runtime::ServiceRuntime service(std::move(*bundle), std::move(backend), log);
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
