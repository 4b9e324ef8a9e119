// `wdsl run --sim`: the whole app until SIGINT/SIGTERM. The signals are
// blocked in every thread (the mask is set before any thread starts) and
// taken by sigwait here, so no signal handler ever runs inside the
// interpreter or a server; the first one stops the app cleanly, a second
// one forces the exit.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/sim_commands.h"
#include "runtime/simulator.h"
#include "runtime/state.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

auto Ms(std::chrono::steady_clock::time_point since) -> double {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

// The screen, and `.wdsl/logs/run.log` (appended, with UTC timestamps) so a
// run's output can be read after the terminal is gone.
class RunLog : public runtime::LogSink {
 public:
  RunLog(std::ostream& out, bool color, const fs::path& file) : screen_(out, color) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    file_.open(file, std::ios::app);
  }
  void Write(const std::string& source, const std::string& text) override {
    screen_.Write(source, text);
    ToFile(source, text);
  }
  // A line for the file only (where one run ends and the next begins).
  void ToFile(const std::string& source, const std::string& text) {
    std::lock_guard lock(mutex_);
    if (!file_) return;
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    file_ << stamp << " [" << source << "] " << text << "\n";
    file_.flush();
  }

 private:
  runtime::StreamLogSink screen_;
  std::mutex mutex_;
  std::ofstream file_;
};

void PrintTable(const std::vector<runtime::EndpointInfo>& endpoints) {
  size_t path_width = 8, type_width = 4;
  for (const auto& e : endpoints) {
    path_width = std::max(path_width, e.path.size());
    type_width = std::max(type_width, e.type.size());
  }
  std::cout << fmt::format("  {:<{}}  {:<{}}  {}\n", "resource", path_width, "type", type_width, "url");
  for (const auto& e : endpoints) {
    std::cout << fmt::format("  {:<{}}  {:<{}}  {}\n", e.path, path_width, e.type, type_width, e.url);
    // A workload's replicas, each on its own port of 127.0.0.1.
    if (e.details.is_object() && e.details.contains("replicas")) {
      for (const auto& replica : e.details["replicas"]) {
        if (!replica.contains("url")) continue;
        std::cout << fmt::format("  {:<{}}  {:<{}}  {}\n", "  " + replica.value("container", ""), path_width,
                                 "replica", type_width, replica.value("url", ""));
      }
    }
  }
}

}  // namespace

auto RunSimCommand(const RunCommandOptions& options) -> int {
  auto started = std::chrono::steady_clock::now();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (options.port < 0 || options.port > 65535) {
    std::cerr << "wdsl: `--port " << options.port << "` is not a port; use 1-65535, or 0 for any free port\n";
    return 2;
  }
  int exit_code = 0;
  std::map<std::string, nlohmann::json> images;
  std::optional<ir::Program> program = CompileForSimulator(options.entry, exit_code, images);
  if (!program) return exit_code;
  double compiled_ms = Ms(started);
  if (int code = PrepareImagesForSimulator(*program, images, options.entry); code != 0) return code;

  fs::path app_dir = fs::absolute(options.entry).parent_path();
  fs::path wdsl_dir = app_dir / ".wdsl";
  RunLog log(std::cout, isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr, wdsl_dir / "logs" / "run.log");
  log.ToFile("wdsl", "run of " + fs::absolute(options.entry).string() + " starts");
  runtime::SimOptions sim_options;
  sim_options.state_dir = wdsl_dir / "state";
  sim_options.secrets_file = wdsl_dir / "secrets.json";
  sim_options.first_port = options.port;
  sim_options.log = &log;
  sim_options.note = [](const std::string& text) { std::cerr << "wdsl: note: " << text << "\n"; };
  sim_options.resource_api = true;
  sim_options.app_dir = app_dir;
  sim_options.images = std::move(images);
  std::string app = program->app;
  runtime::Simulator sim(std::move(*program), sim_options);
  if (std::string error = sim.Start(); !error.empty()) {
    std::cerr << "wdsl: " << error << "\n";
    return sim.EnvironmentError() ? 2 : 1;
  }

  std::vector<runtime::EndpointInfo> endpoints = sim.Endpoints();
  nlohmann::json json = nlohmann::json::object();
  for (const auto& e : endpoints) {
    if (e.url.empty() && e.details.is_null()) continue;
    nlohmann::json entry = e.details.is_object() ? e.details : nlohmann::json::object();
    if (!e.url.empty()) entry["url"] = e.url;
    json[e.path] = std::move(entry);
  }
  // The workloads' router: every route of every public workload.
  if (std::string ingress = sim.IngressUrl(); !ingress.empty()) json["ingress"] = {{"url", ingress}};
  if (std::string error = runtime::WriteAtomically(wdsl_dir / "endpoints.json", json.dump(2) + "\n", wdsl_dir);
      !error.empty()) {
    std::cerr << "wdsl: " << error << "\n";
    sim.Stop();
    return 2;
  }
  // The Resource API's tokens let a process call resources: readable by
  // this user only, and new on every run.
  nlohmann::json api = {{"url", sim.ResourceApiUrl()}, {"tokens", sim.ResourceApiTokens()}};
  if (std::string error = runtime::WriteAtomically(wdsl_dir / "resource-api.json", api.dump(2) + "\n", wdsl_dir, 0600);
      !error.empty()) {
    std::cerr << "wdsl: " << error << "\n";
    sim.Stop();
    return 2;
  }
  std::cout << fmt::format("wdsl: simulating {} ({} resources), ready in {:.0f} ms (compile {:.0f} ms)\n", app,
                           endpoints.size(), Ms(started), compiled_ms);
  PrintTable(endpoints);
  std::cout << "state in " << (wdsl_dir / "state").string() << ", URLs in " << (wdsl_dir / "endpoints.json").string()
            << "; Ctrl-C stops\n";
  std::cout.flush();

  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  std::cerr << "wdsl: stopping (" << (received == SIGINT ? "SIGINT" : "SIGTERM")
            << "); press Ctrl-C again to force\n";
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    sim.Stop();
    stopped = true;
  });
  // A service's stop handler or a consumer may take long; a second signal
  // does not wait for them.
  // A signal within 250 ms of the first is the same request delivered twice
  // (GNU `timeout` signals both the process and its group), not a second Ctrl-C.
  auto first_signal = std::chrono::steady_clock::now();
  timespec tick{0, 50 * 1000 * 1000};
  while (!stopped) {
    if (sigtimedwait(&signals, nullptr, &tick) > 0 &&
        std::chrono::steady_clock::now() - first_signal > std::chrono::milliseconds(250)) {
      std::cerr << "wdsl: forced exit; state written so far is kept\n";
      std::cout.flush();
      _exit(130);
    }
  }
  stopper.join();
  log.ToFile("wdsl", "stopped");
  std::cerr << "wdsl: stopped\n";
  return 0;
}

}  // namespace wdsl
