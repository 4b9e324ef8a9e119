// Stage 4: run the program's preflight (top-level) code with the IR
// evaluator and build the resource tree: every `new` of a resource gets a
// stable path id, props with defaults filled in, and its source position.
#pragma once

#include <optional>

#include "frontend/lower.h"
#include "frontend/types.h"

namespace wdsl {

struct PreflightOptions {
  // Preflight code that runs away (an endless loop) is stopped with a
  // diagnostic rather than hanging the compiler.
  uint64_t max_steps = 20'000'000;
  // Where preflight `log` output goes; null: standard output.
  std::string* log_sink = nullptr;
};

// Runs every module's top-level code in order. Returns the finished program,
// or nullopt when an error was reported.
auto RunPreflight(LoweredProgram lowered, const Semantics& semantics, Diagnostics& diagnostics,
                  const PreflightOptions& options = {}) -> std::optional<ir::Program>;

}  // namespace wdsl
