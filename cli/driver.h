// The pipeline in one place: load -> check -> lower -> preflight.
#pragma once

#include <optional>
#include <string>

#include "frontend/diagnostics.h"
#include "ir/ir.h"

namespace wdsl {

enum class Phase { kParse, kCheck, kPreflight };

struct CompileOptions {
  std::string entry;                  // path of main.w
  Phase stop_after = Phase::kPreflight;
  bool dump_ast = false;              // print the entry file's AST to stdout
  std::string target = "sim";         // `@target`
};

struct CompileResult {
  std::optional<ir::Program> program;  // set when every stage ran cleanly
  bool environment_error = false;      // an input file could not be read
};

// Runs the front half of the compiler on a thread with a large stack (deep
// nesting in user programs must give diagnostics, never a stack overflow).
auto Compile(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics) -> CompileResult;

}  // namespace wdsl
