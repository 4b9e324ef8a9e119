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
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "cli/sim_commands.h"
#include "runtime/simulator.h"
#include "runtime/state.h"
#include "runtime/watch/watch.h"

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

// The files whose changes `wdsl run --watch` acts on: the program's own
// files (a change recompiles), and the build contexts of its local images
// and the sources of its `sync` rules (a change updates a workload).
struct WatchedFiles {
  std::set<fs::path> program;
  std::vector<fs::path> roots;
};

auto FilesToWatch(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
                  const fs::path& app_dir) -> WatchedFiles {
  WatchedFiles watched;
  std::set<fs::path> roots;
  for (const std::string& file : program.files) {
    std::error_code ec;
    fs::path path = fs::exists(file, ec) ? fs::absolute(file) : app_dir / file;
    path = path.lexically_normal();
    watched.program.insert(path);
    roots.insert(path);
  }
  for (const auto& [owner, description] : images) {
    // A service's context is written by the compiler; a program change recompiles.
    if (description.value("service", false)) continue;
    if (description.contains("context")) roots.insert((app_dir / description["context"].get<std::string>()).lexically_normal());
  }
  for (const ir::Resource& resource : program.resources) {
    for (const nlohmann::json& rule : resource.props.value("sync", nlohmann::json::array())) {
      std::string src = rule.value("src", "");
      // The directory part before any glob.
      std::string base;
      for (const auto& part : fs::path(src)) {
        if (part.string().find_first_of("*?[") != std::string::npos) break;
        base = base.empty() ? part.string() : base + "/" + part.string();
      }
      if (!base.empty()) roots.insert((app_dir / base).lexically_normal());
    }
  }
  // A root inside another root is watched through the outer one.
  for (const fs::path& root : roots) {
    bool inside = false;
    for (const fs::path& other : roots) {
      std::string relative = root.lexically_relative(other).generic_string();
      if (other != root && !relative.empty() && !relative.starts_with("..") && fs::is_directory(other)) inside = true;
    }
    std::error_code ec;
    if (!inside && fs::exists(root, ec)) watched.roots.push_back(root);
  }
  return watched;
}

// `.wdsl/resource-api.json` (its URL and the hosts' tokens), then
// `.wdsl/endpoints.json` (every URL): scripts wait for endpoints.json, so
// everything else is there once it is. "" or the error.
auto WriteRunFiles(runtime::Simulator& sim, const fs::path& wdsl_dir) -> std::string {
  // The Resource API's tokens let a process call resources: readable by
  // this user only, and new on every run.
  nlohmann::json api = {{"url", sim.ResourceApiUrl()}, {"tokens", sim.ResourceApiTokens()}};
  if (std::string error =
          runtime::WriteAtomically(wdsl_dir / "resource-api.json", api.dump(2) + "\n", wdsl_dir, 0600);
      !error.empty()) {
    return error;
  }
  nlohmann::json json = nlohmann::json::object();
  for (const auto& e : sim.Endpoints()) {
    if (e.url.empty() && e.details.is_null()) continue;
    nlohmann::json entry = e.details.is_object() ? e.details : nlohmann::json::object();
    if (!e.url.empty()) entry["url"] = e.url;
    json[e.path] = std::move(entry);
  }
  // The workloads' router: every route of every public workload.
  if (std::string ingress = sim.IngressUrl(); !ingress.empty()) json["ingress"] = {{"url", ingress}};
  return runtime::WriteAtomically(wdsl_dir / "endpoints.json", json.dump(2) + "\n", wdsl_dir);
}

// One run of the app: the simulator, started, with endpoints.json and
// resource-api.json written and its table printed. Null after an error
// (printed); `exit_code` says which.
auto StartApp(ir::Program program, std::map<std::string, nlohmann::json> images, const RunCommandOptions& options,
              RunLog& log, std::chrono::steady_clock::time_point started, double compiled_ms, int& exit_code)
    -> std::unique_ptr<runtime::Simulator> {
  if (int code = PrepareImagesForSimulator(program, images, options.entry); code != 0) {
    exit_code = code;
    return nullptr;
  }
  fs::path app_dir = fs::absolute(options.entry).parent_path();
  fs::path wdsl_dir = app_dir / ".wdsl";
  runtime::SimOptions sim_options;
  sim_options.state_dir = wdsl_dir / "state";
  sim_options.secrets_file = wdsl_dir / "secrets.json";
  sim_options.first_port = options.port;
  sim_options.log = &log;
  sim_options.note = [](const std::string& text) { std::cerr << "wdsl: note: " << text << "\n"; };
  sim_options.resource_api = true;
  sim_options.app_dir = app_dir;
  sim_options.images = std::move(images);
  sim_options.trace = options.trace;
  sim_options.services_in_containers = options.services_in_containers;
  sim_options.debug = options.debug;
  std::string app = program.app;
  auto sim = std::make_unique<runtime::Simulator>(std::move(program), sim_options);
  if (std::string error = sim->Start(); !error.empty()) {
    std::cerr << "wdsl: " << error << "\n";
    exit_code = sim->EnvironmentError() ? 2 : 1;
    return nullptr;
  }

  std::vector<runtime::EndpointInfo> endpoints = sim->Endpoints();
  if (std::string error = WriteRunFiles(*sim, wdsl_dir); !error.empty()) {
    std::cerr << "wdsl: " << error << "\n";
    sim->Stop();
    exit_code = 2;
    return nullptr;
  }
  std::cout << fmt::format("wdsl: simulating {} ({} resources), ready in {:.0f} ms (compile {:.0f} ms)\n", app,
                           endpoints.size(), Ms(started), compiled_ms);
  PrintTable(endpoints);
  std::cout.flush();
  exit_code = 0;
  return sim;
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
  std::optional<ir::Program> program =
      CompileForSimulator(options.entry, exit_code, images, options.services_in_containers);
  if (!program) return exit_code;
  double compiled_ms = Ms(started);
  // Every `--debug` name is a workload with a `debug` prop.
  for (const std::string& name : options.debug) {
    const ir::Resource* found = nullptr;
    for (const ir::Resource& resource : program->resources) {
      if (resource.type == "containers.Workload" && (resource.path == name || resource.props.value("name", "") == name)) {
        found = &resource;
      }
    }
    if (found == nullptr) {
      std::cerr << "wdsl: `--debug " << name << "`: no workload has that name or path; `wdsl run` lists them\n";
      return 2;
    }
    if (!found->props.contains("debug")) {
      std::cerr << "wdsl: `--debug " << name << "`: `" << found->path << "` has no `debug` prop; add one, e.g. "
                << "`debug: containers.DebugSpec { port: 9229, command: [\"node\", \"--inspect=0.0.0.0:9229\", "
                   "\"server.js\"] }`\n";
      return 2;
    }
  }

  fs::path app_dir = fs::absolute(options.entry).parent_path();
  fs::path wdsl_dir = app_dir / ".wdsl";
  RunLog log(std::cout, isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr, wdsl_dir / "logs" / "run.log");
  log.ToFile("wdsl", "run of " + fs::absolute(options.entry).string() + " starts");
  WatchedFiles watched = FilesToWatch(*program, images, app_dir);
  // Watching starts before the app does: a file changed while it starts
  // (or right after its URLs are written) is acted on, not missed.
  std::unique_ptr<watch::Watcher> watcher;
  // Changes seen by a watcher that a newer one replaced, still to act on.
  std::vector<watch::Change> pending;
  std::vector<fs::path> watcher_roots;
  auto start_watching = [&] {
    std::unique_ptr<watch::Watcher> previous = std::move(watcher);
    watch::WatchOptions watch_options;
    watch_options.roots = watched.roots;
    // Editors save in bursts of a few events within milliseconds; 50 ms
    // of quiet ends one (Compose waits 500 ms).
    watch_options.quiet = std::chrono::milliseconds(50);
    watcher = std::make_unique<watch::Watcher>(watch_options);
    if (std::string error = watcher->Start(); !error.empty()) {
      std::cerr << "wdsl: note: not watching for changes: " << error << "\n";
      watcher.reset();
    }
    // A save during the update that made this watcher is not lost.
    if (previous) {
      for (watch::Change& change : previous->Next(std::chrono::milliseconds(0))) pending.push_back(std::move(change));
    }
  };
  // After an update: the roots to watch may have changed (a new build context).
  auto watch_again = [&] {
    std::vector<fs::path> roots = watched.roots;
    if (!watcher || roots != watcher_roots) start_watching();
    watcher_roots = roots;
  };
  watcher_roots = watched.roots;
  if (options.watch) start_watching();
  std::unique_ptr<runtime::Simulator> sim =
      StartApp(std::move(*program), std::move(images), options, log, started, compiled_ms, exit_code);
  if (!sim) return exit_code;

  std::cout << "state in " << (wdsl_dir / "state").string() << ", URLs in " << (wdsl_dir / "endpoints.json").string()
            << (watcher ? "; watching for changes" : "") << "; Ctrl-C stops\n";
  std::cout.flush();

  int received = 0;
  timespec no_wait{0, 0};
  std::thread updating;  // a live update in progress
  std::atomic<bool> updated{true};
  // Runs `update` on its own thread, so that Ctrl-C is taken while an image
  // builds or a new replica gets ready: stopping the app ends the update.
  // False when a signal came first (the update is joined after the stop).
  auto run_update = [&](std::function<void()> update) {
    updated = false;
    updating = std::thread([&updated, update = std::move(update)] {
      update();
      updated = true;
    });
    timespec tick{0, 50 * 1000 * 1000};
    while (!updated) {
      if (int signal = sigtimedwait(&signals, nullptr, &tick); signal > 0) {
        received = signal;
        return false;
      }
    }
    updating.join();
    return true;
  };
  while (true) {
    if (!watcher) {
      while (sigwait(&signals, &received) != 0) {
      }
      break;
    }
    received = sigtimedwait(&signals, nullptr, &no_wait);
    if (received > 0) break;
    std::vector<watch::Change> batch = watcher->Next(std::chrono::milliseconds(pending.empty() ? 100 : 0));
    batch.insert(batch.begin(), pending.begin(), pending.end());
    pending.clear();
    for (const std::string& problem : watcher->TakeProblems()) std::cerr << "wdsl: note: " << problem << "\n";
    if (batch.empty()) continue;
    bool program_changed = false;
    std::vector<runtime::FileChange> changes;
    for (const watch::Change& change : batch) {
      if (change.directory) continue;
      if (watched.program.contains(change.path) || change.kind == watch::Change::Kind::kRescan) {
        program_changed = true;
      } else {
        changes.push_back({change.path, change.kind == watch::Change::Kind::kDeleted});
      }
    }
    if (program_changed) {
      auto recompiling = std::chrono::steady_clock::now();
      std::cerr << "wdsl: the program changed; compiling\n";
      std::map<std::string, nlohmann::json> new_images;
      std::optional<ir::Program> next =
          CompileForSimulator(options.entry, exit_code, new_images, options.services_in_containers);
      if (!next) {
        std::cerr << "wdsl: the app keeps running as it was; fix the error and save again\n";
        continue;
      }
      if (int code = PrepareImagesForSimulator(*next, new_images, options.entry); code != 0) {
        std::cerr << "wdsl: the app keeps running as it was; fix the image and save again\n";
        continue;
      }
      // Copies: a signal ends this loop while the update thread still runs.
      auto update = std::make_shared<runtime::UpdateResult>();
      if (!run_update([&sim, update, program = *next, images = new_images]() mutable {
            *update = sim->Update(std::move(program), std::move(images));
          })) {
        break;
      }
      const runtime::UpdateResult& result = *update;
      if (result.restart.empty()) {
        std::cerr << fmt::format("wdsl: updated in {:.0f} ms; {} resource{} kept running as {} {}\n", Ms(recompiling),
                                 result.kept, result.kept == 1 ? "" : "s", result.kept == 1 ? "it" : "they",
                                 result.kept == 1 ? "was" : "were");
        for (const std::string& line : result.lines) std::cerr << line << "\n";
        log.ToFile("wdsl", fmt::format("live update of the program: {} change(s)", result.lines.size()));
        if (std::string error = WriteRunFiles(*sim, wdsl_dir); !error.empty()) std::cerr << "wdsl: " << error << "\n";
        watched = FilesToWatch(*next, new_images, app_dir);
        watch_again();
        continue;
      }
      std::cerr << "wdsl: " << result.restart << "; restarting the whole app (state is kept)\n";
      log.ToFile("wdsl", "restart after a program change: " + result.restart);
      sim->Stop();
      sim.reset();
      watched = FilesToWatch(*next, new_images, app_dir);
      sim = StartApp(std::move(*next), std::move(new_images), options, log, recompiling, Ms(recompiling), exit_code);
      if (!sim) {
        std::cerr << "wdsl: the new version did not start; stopping\n";
        return exit_code;
      }
      watch_again();
      continue;
    }
    if (!changes.empty() && !run_update([&sim, changes] { sim->FilesChanged(changes); })) break;
  }
  std::cerr << "wdsl: stopping (" << (received == SIGINT ? "SIGINT" : "SIGTERM")
            << "); press Ctrl-C again to force\n";
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    sim->Stop();
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
  if (updating.joinable()) updating.join();
  log.ToFile("wdsl", "stopped");
  std::cerr << "wdsl: stopped\n";
  return 0;
}

}  // namespace wdsl
