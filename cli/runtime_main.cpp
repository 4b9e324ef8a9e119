// wdsl-runtime: runs one `cloud.Service` or `cloud.Function` from its bundle
// (ir/bundle.h), the entry point of the image `wdsl build` makes for each
// (cli/service_images.h). A service's start handler runs at boot; SIGTERM
// or SIGINT runs the stop handler it returned and exits 0 (1 when a handler
// threw, 2 when the bundle or the environment is unusable). A function
// serves AWS Lambda's Runtime API (function mode, runtime/lambda_runtime.h)
// until Lambda ends the process. `log(...)` goes to standard output, errors
// to standard error. Resource operations go to the backend
// WDSL_RESOURCE_BACKEND names (runtime/remote_host.h).
//
// WDSL_TOKENS (a JSON object, "<path>#<attribute>" -> value) gives the values of the
// deploy-time tokens (`${wdsl#<path>#<attribute>}`, ir/tokens.h) that the
// bundle holds. Once a service's start handler has returned, the runtime prints
// runtime::kReadyLine on standard error (the simulator waits for it) and
// listens on an abstract Unix socket, which `wdsl-runtime --ready-check`
// (a Kubernetes exec probe, an ECS health check) connects to: it exits 0
// when the start handler of the service in this container has returned.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

#include "ir/bundle.h"
#include "ir/tokens.h"
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

// The abstract socket's address: WDSL_READY_SOCKET, default
// "wdsl-runtime-ready". Abstract names live in the network namespace, which
// a container (and a pod) has to itself, and vanish with the process.
auto ReadyAddress(socklen_t& length) -> sockaddr_un {
  std::string name = Env("WDSL_READY_SOCKET");
  if (name.empty()) name = "wdsl-runtime-ready";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  name = name.substr(0, sizeof(address.sun_path) - 2);
  std::memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  return address;
}

// Listens on the ready socket; -1 (and a note) when it cannot.
auto ListenReady() -> int {
  socklen_t length = 0;
  sockaddr_un address = ReadyAddress(length);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 16) != 0) {
    std::cerr << "wdsl-runtime: note: cannot listen on the ready socket (" << std::strerror(errno)
              << "), so `--ready-check` fails; set WDSL_READY_SOCKET to another name\n";
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// `wdsl-runtime --ready-check`: 0 when the service's start handler has returned.
auto ReadyCheck() -> int {
  socklen_t length = 0;
  sockaddr_un address = ReadyAddress(length);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ready = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0;
  if (fd >= 0) ::close(fd);
  if (!ready) std::cerr << "wdsl-runtime: not ready: the service's start handler has not returned\n";
  return ready ? 0 : 1;
}

// Applies WDSL_TOKENS to the bundle's JSON; false (and `error`) when it is not a JSON object of strings.
auto ApplyTokens(nlohmann::json& bundle, std::string& error) -> bool {
  std::string text = Env(wdsl::ir::kTokensEnv);
  std::map<std::string, std::string> values;
  if (!text.empty()) {
    nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
      error = std::string(wdsl::ir::kTokensEnv) + " is not a JSON object of \"<path>#<attribute>\" -> value";
      return false;
    }
    for (const auto& [token, value] : json.items()) {
      if (value.is_string()) values[token] = value.get<std::string>();
    }
  }
  for (const wdsl::ir::Token& left : wdsl::ir::ResolveBundleTokens(bundle, values)) {
    std::cerr << "wdsl-runtime: warning: " << left.text << " (the `" << left.attribute << "` of `" << left.path
              << "`) has no value in " << wdsl::ir::kTokensEnv << "; the service sees the token itself\n";
  }
  return true;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc == 2 && std::string(argv[1]) == "--ready-check") return ReadyCheck();
  std::string path = argc > 1 ? argv[1] : Env("WDSL_BUNDLE");
  if (argc > 2 || path.empty() || path == "--help" || path == "-h") {
    std::cerr << "usage: wdsl-runtime BUNDLE.json | --ready-check\nruns the cloud.Service of a bundle that `wdsl "
                 "build` wrote (SIGTERM stops it), or its cloud.Function under AWS Lambda's Runtime API. "
                 "--ready-check exits 0 when the service running in this container has started\n";
    return kExitUnusable;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unusable("cannot read the bundle `" + path + "`: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  std::string error;
  if (!json.is_discarded() && !ApplyTokens(json, error)) return Unusable(error);
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

  wdsl::runtime::RemoteLog log = MakeLog();
  wdsl::runtime::ServiceRuntime service(std::move(*bundle), std::move(backend), log);
  service.Start();
  // A start handler that threw ends the process (exit 1), so the platform
  // restarts the service; otherwise it runs until a signal.
  timespec tick{0, 50'000'000};
  int ready_fd = -1;
  bool ready = false;
  while (true) {
    int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal == SIGTERM || signal == SIGINT) break;
    if (service.StartFinished() && service.StartFailed()) return service.Stop() ? 0 : 1;
    if (!ready && service.StartFinished()) {
      ready = true;
      ready_fd = ListenReady();
      log.err(wdsl::runtime::kReadyLine);
    }
    // Each probe only connects; take its connection so the backlog never fills.
    while (ready_fd >= 0) {
      int probe = ::accept4(ready_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (probe < 0) break;
      ::close(probe);
    }
  }
  if (ready_fd >= 0) ::close(ready_fd);  // no longer ready while the stop handler runs
  return service.Stop() ? 0 : 1;
}
