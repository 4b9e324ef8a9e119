// `wdsl test` and `wdsl run --sim`: load (or build) the simulator manifest,
// then run the program in the simulator (runtime/). docs/simulator.md
// describes both.
//
// They live in a second executable, `wdsl-sim`, beside `wdsl`: the simulator
// links cpp-httplib and through it OpenSSL, zlib and brotli, and loading
// those cost every `wdsl check`/`build` 9 ms (8.8 -> 17.9 ms for
// `--version`). `wdsl run|test ...` execs `wdsl-sim run|test ...`; both
// define the options with AddSimCommands, so `wdsl run --help` is complete.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ir/ir.h"

namespace wdsl {

struct TestCommandOptions {
  std::string entry = "main.w";
  std::string filter;  // ECMAScript regex searched in test names; empty: all
  int jobs = 0;        // tests run at once; 0: one per core (at most 8)
  double timeout = 120;  // seconds a test may run before it counts as failed
};

struct RunCommandOptions {
  std::string entry = "main.w";
  bool sim = true;  // `--sim`: the only mode today
  int port = 3000;  // Apis listen from here upward
  bool watch = true;  // live reload (`--no-watch` turns it off)
  bool trace = false;  // log every inflight call
  bool services_in_containers = false;  // every cloud.Service in its image, as with `runtime: "container"`
  std::vector<std::string> debug;  // workloads to start under their debugger
};

struct LogsCommandOptions {
  std::string resource;  // a resource path or workload name; empty: all
  std::string entry = "main.w";
  bool follow = false;
  int tail = -1;  // the last N lines; -1: everything since the app last started
};

struct ExecCommandOptions {
  std::string workload;  // name or path
  std::string entry = "main.w";
  int replica = 0;
  std::vector<std::string> command;  // default: sh
};

struct SimCommands {
  CLI::App* run = nullptr;
  CLI::App* test = nullptr;
  CLI::App* logs = nullptr;
  CLI::App* exec = nullptr;
};

struct OtherSimOptions {
  LogsCommandOptions logs;
  ExecCommandOptions exec;
};

// Adds the `run` and `test` subcommands and their options to `app`.
inline auto AddSimCommands(CLI::App& app, RunCommandOptions& run_options, TestCommandOptions& test_options,
                           OtherSimOptions& other) -> SimCommands {
  SimCommands commands;
  commands.run = app.add_subcommand("run", "Run the whole app locally in the simulator until Ctrl-C");
  commands.run->add_option("file", run_options.entry, "The program's entry file")->capture_default_str();
  commands.run->add_flag("--sim", run_options.sim, "Run in the local simulator (the only mode today)");
  commands.run->add_option("--port", run_options.port, "First port for Apis; a busy port is skipped (0: any free port)")
      ->capture_default_str();
  commands.run->add_flag("--watch,!--no-watch", run_options.watch,
                         "Reload when files change: recompile the program, sync or rebuild containers (default: on)");
  commands.run->add_flag("--trace", run_options.trace,
                         "Log every inflight call (resource operations and handlers) with its arguments, result and "
                         "duration");
  commands.run->add_flag("--services-in-containers", run_options.services_in_containers,
                         "Run every cloud.Service in its image in Docker (as `runtime: \"container\"` does for one), "
                         "not inside the simulator");
  commands.run->add_option("--debug", run_options.debug,
                           "Start this workload (name or path; repeatable) with its `debug` command and publish its "
                           "debug port on 127.0.0.1");
  commands.logs = app.add_subcommand("logs", "Print the log of the app `wdsl run` runs (or ran) in this directory");
  commands.logs->add_option("resource", other.logs.resource, "Only this resource (a path or a workload's name)");
  commands.logs->add_option("--file", other.logs.entry, "The program's entry file")->capture_default_str();
  commands.logs->add_flag("-f,--follow", other.logs.follow, "Keep printing new lines until Ctrl-C");
  commands.logs->add_option("-n,--tail", other.logs.tail, "Only the last N lines");
  commands.exec = app.add_subcommand("exec", "Run a command in a running replica of a workload (default: a shell)");
  commands.exec->add_option("workload", other.exec.workload, "The workload (name or path)")->required();
  commands.exec->add_option("command", other.exec.command, "The command and its arguments (after `--`)");
  commands.exec->add_option("--file", other.exec.entry, "The program's entry file")->capture_default_str();
  commands.exec->add_option("--replica", other.exec.replica, "Which replica (0, 1, ...)")->capture_default_str();
  commands.test = app.add_subcommand("test", "Run the program's test blocks in the simulator");
  commands.test->add_option("file", test_options.entry, "The program's entry file")->capture_default_str();
  commands.test->add_option("-t,--test-filter", test_options.filter, "Run only tests whose name matches this regex");
  commands.test->add_option("-j,--jobs", test_options.jobs, "Tests run at once (default: one per core, at most 8)");
  commands.test->add_option("--timeout", test_options.timeout, "Seconds a test may run before it fails")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return commands;
}

// Runs each `test "..." { }` block against a fresh simulator state and
// prints `pass ─ name` / `fail ─ name` and `N passed, N failed`. Exit code:
// 0 all passed, 1 a test failed or the program has errors, 2 an environment
// problem.
auto RunTestCommand(const TestCommandOptions& options) -> int;

// Starts the whole app, prints its resources and URLs, writes
// `.wdsl/endpoints.json`, and runs until SIGINT/SIGTERM (a second one
// forces the exit). Exit code 0 after a clean stop.
auto RunSimCommand(const RunCommandOptions& options) -> int;

// `wdsl logs`: the lines of .wdsl/logs/run.log since the app last started
// (all runs with --tail), optionally of one resource, and with --follow new
// ones as they come. 0, or 2 when there is no log.
auto RunLogsCommand(const LogsCommandOptions& options) -> int;

// `wdsl exec`: `docker exec` into a running replica of a workload of the app
// `wdsl run` runs in this directory (interactive when stdin is a terminal).
// Does not return on success (the process becomes `docker exec`); 2 when
// there is no such replica.
auto RunExecCommand(const ExecCommandOptions& options) -> int;

// The program to simulate: read from target/<stem>.sim/simulator.json when
// that is up to date (newer than every source it lists and than the wdsl
// binary), else compiled, printing diagnostics, and the manifest rewritten.
// Sets `exit_code` (0, 1 for errors in the program, 2 when it cannot be read).
// `images` gets the app's image descriptions (ir/images.h), hashed again
// when the manifest is read, so a changed build context means a new tag.
// The images of the services that run in containers (`runtime:
// "container"`, or every service with `services_in_containers`) are among
// them (cli/service_images.h).
auto CompileForSimulator(const std::string& entry, int& exit_code, std::map<std::string, nlohmann::json>& images,
                         bool services_in_containers = false) -> std::optional<ir::Program>;

// Checks Docker and builds or pulls the app's images before a simulator
// starts (printing progress for new ones). 0, or the exit code.
auto PrepareImagesForSimulator(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
                               const std::string& entry) -> int;

}  // namespace wdsl
