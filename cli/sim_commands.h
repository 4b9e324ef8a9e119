// `wdsl test` and `wdsl run --sim`: load (or build) the simulator manifest,
// then run the program in the simulator (runtime/). docs/simulator.md
// describes both.
#pragma once

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
  int port = 3000;  // Apis listen from here upward
};

// Runs each `test "..." { }` block against a fresh simulator state and
// prints `pass ─ name` / `fail ─ name` and `N passed, N failed`. Exit code:
// 0 all passed, 1 a test failed or the program has errors, 2 an environment
// problem.
auto RunTestCommand(const TestCommandOptions& options) -> int;

// Starts the whole app, prints its resources and URLs, writes
// `.wdsl/endpoints.json`, and runs until SIGINT/SIGTERM (a second one
// forces the exit). Exit code 0 after a clean stop.
auto RunSimCommand(const RunCommandOptions& options) -> int;

// The program to simulate: read from target/<stem>.sim/simulator.json when
// that is up to date (newer than every source it lists and than the wdsl
// binary), else compiled, printing diagnostics, and the manifest rewritten.
// Sets `exit_code` (0, 1 for errors in the program, 2 when it cannot be read).
auto CompileForSimulator(const std::string& entry, int& exit_code) -> std::optional<ir::Program>;

}  // namespace wdsl
