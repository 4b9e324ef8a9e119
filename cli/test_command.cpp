// `wdsl test`: each test block runs against its own simulator with a fresh
// state directory, so tests are independent and may run at once; results
// are printed in the order of the source, each as soon as it and every
// test before it have finished.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include "cli/sim_commands.h"
#include "runtime/container_host.h"
#include "runtime/simulator.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

struct TestOutcome {
  bool started = false;
  std::chrono::steady_clock::time_point start;
  bool done = false;
  bool passed = false;
  bool environment = false;  // the simulator could not start
  std::string error;         // message and trace lines
  std::vector<std::pair<std::string, std::string>> logs;
};

auto RunOne(const ir::Program& program, const ir::TestCase& test, const fs::path& state, const fs::path& secrets,
            const std::map<std::string, nlohmann::json>& images, const fs::path& app_dir, const std::string& instance)
    -> TestOutcome {
  TestOutcome outcome;
  runtime::BufferLogSink logs;
  runtime::SimOptions options;
  options.state_dir = state;
  options.secrets_file = secrets;
  options.first_port = 0;  // tests run at once: every Api takes any free port
  options.log = &logs;
  options.note = [&logs](const std::string& text) { logs.Write("wdsl", text); };
  options.images = images;
  options.app_dir = app_dir;
  options.instance = instance;  // tests run at once: their containers need names of their own
  {
    runtime::Simulator sim(program, options);
    if (std::string error = sim.Start(); !error.empty()) {
      outcome.environment = true;
      outcome.error = "the simulator did not start: " + error;
    } else {
      try {
        // The simulator's copy: its preflight tokens (`${wdsl#...}`, such as a
        // container's hostPort) are resolved.
        const nlohmann::json* closure = &test.closure;
        for (const ir::TestCase& resolved : sim.GetProgram().tests) {
          if (resolved.path == test.path) closure = &resolved.closure;
        }
        sim.RunClosure(*closure, {}, test.path);
        outcome.passed = true;
      } catch (const ir::ThrownError& error) {
        outcome.error = error.what();
        for (const ir::TraceEntry& entry : error.trace) {
          outcome.error += fmt::format("\n  at {}:{}:{} ({})", entry.pos.file, entry.pos.line, entry.pos.col,
                                       entry.function);
        }
        if (error.trace.empty()) {
          outcome.error += fmt::format("\n  at {}:{}:{}", test.pos.file, test.pos.line, test.pos.col);
        }
      } catch (const std::exception& error) {
        outcome.error = fmt::format("{}\n  at {}:{}:{}", error.what(), test.pos.file, test.pos.line, test.pos.col);
      }
    }
    sim.Stop();
  }
  outcome.logs = logs.Lines();
  std::error_code ec;
  fs::remove_all(state, ec);
  outcome.done = true;
  return outcome;
}

void Print(const ir::TestCase& test, const TestOutcome& outcome, bool color) {
  const char* mark = outcome.passed ? "pass" : "fail";
  if (color) {
    std::cout << (outcome.passed ? "\033[32m" : "\033[31m") << mark << "\033[0m ─ " << test.name << "\n";
  } else {
    std::cout << mark << " ─ " << test.name << "\n";
  }
  for (const auto& [source, text] : outcome.logs) std::cout << "    [" << source << "] " << text << "\n";
  if (!outcome.passed) {
    std::string indented = "    " + outcome.error;
    for (size_t at = indented.find('\n'); at != std::string::npos; at = indented.find('\n', at + 1)) {
      indented.insert(at + 1, "    ");
    }
    std::cout << indented << "\n";
  }
  std::cout.flush();
}

}  // namespace

auto RunTestCommand(const TestCommandOptions& options) -> int {
  std::optional<std::regex> filter;
  if (!options.filter.empty()) {
    try {
      filter.emplace(options.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      std::cerr << "wdsl: invalid test filter `" << options.filter << "`: " << error.what()
                << " (it is a regular expression searched in test names)\n";
      return 2;
    }
  }
  int exit_code = 0;
  std::map<std::string, nlohmann::json> images;
  std::optional<ir::Program> program = CompileForSimulator(options.entry, exit_code, images);
  if (!program) return exit_code;

  std::vector<const ir::TestCase*> tests;
  for (const ir::TestCase& test : program->tests) {
    if (!filter || std::regex_search(test.name, *filter)) tests.push_back(&test);
  }
  if (tests.empty()) {
    if (filter) {
      std::cerr << "wdsl: no test in " << options.entry << " matches `" << options.filter << "`\n";
      return 1;
    }
    std::cout << "no tests in " << options.entry << "\n0 passed, 0 failed\n";
    return 0;
  }

  // Once for all tests: Docker is checked and images built before any test starts.
  if (int code = PrepareImagesForSimulator(*program, images, options.entry); code != 0) return code;
  fs::path app_dir = fs::absolute(options.entry).parent_path();
  fs::path secrets = app_dir / ".wdsl" / "secrets.json";
  std::string pattern = (fs::temp_directory_path() / "wdsl-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "wdsl: cannot create a temporary directory under " << fs::temp_directory_path()
              << " for test state: " << std::strerror(errno) << "\n";
    return 2;
  }
  fs::path root(pattern);

  size_t jobs = options.jobs > 0 ? static_cast<size_t>(options.jobs)
                                 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  jobs = std::min(jobs, tests.size());
  std::vector<TestOutcome> outcomes(tests.size());
  std::mutex mutex;
  std::condition_variable finished;
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  auto work = [&] {
    for (size_t i = next++; i < tests.size(); i = next++) {
      {
        std::lock_guard lock(mutex);
        outcomes[i].started = true;
        outcomes[i].start = std::chrono::steady_clock::now();
      }
      TestOutcome outcome = RunOne(*program, *tests[i], root / std::to_string(i), secrets, images, app_dir,
                                   fmt::format("t{}-{}", ::getpid(), i));
      {
        std::lock_guard lock(mutex);
        outcomes[i] = std::move(outcome);
      }
      finished.notify_all();
    }
  };
  for (size_t w = 0; w < jobs; ++w) workers.emplace_back(work);
  bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  size_t passed = 0, failed = 0;
  bool environment = false;
  bool timed_out = false;
  std::vector<fs::path> stuck;  // state directories of tests that timed out
  auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(std::min(options.timeout, 1e7)));
  for (size_t i = 0; i < tests.size(); ++i) {
    std::unique_lock lock(mutex);
    while (!outcomes[i].done) {
      if (outcomes[i].started && std::chrono::steady_clock::now() - outcomes[i].start > limit) {
        // The interpreter cannot be interrupted: report, and leave the
        // thread behind (the process exits without waiting for it below).
        outcomes[i].error = fmt::format("timed out after {} s (`--timeout` sets the limit)\n  at {}:{}:{}",
                                        options.timeout, tests[i]->pos.file, tests[i]->pos.line, tests[i]->pos.col);
        outcomes[i].done = true;
        timed_out = true;
        stuck.push_back(root / std::to_string(i));
        workers.emplace_back(work);  // in place of the stuck one, for the tests still waiting
        break;
      }
      finished.wait_for(lock, std::chrono::milliseconds(50));
    }
    TestOutcome shown = outcomes[i];
    lock.unlock();
    Print(*tests[i], shown, color);
    (shown.passed ? passed : failed)++;
    environment = environment || shown.environment;
  }
  if (timed_out) {
    std::cout << passed << " passed, " << failed << " failed\n";
    std::cout.flush();
    // A stuck test's simulator never stops: remove its containers and network
    // by their label, or they would outlive the command.
    for (const fs::path& state : stuck) runtime::RemoveContainersOf(state);
    std::error_code ec;
    fs::remove_all(root, ec);
    _exit(1);
  }
  for (std::thread& worker : workers) worker.join();
  std::error_code ec;
  fs::remove_all(root, ec);
  std::cout << passed << " passed, " << failed << " failed\n";
  if (environment) return 2;
  return failed == 0 ? 0 : 1;
}

}  // namespace wdsl
