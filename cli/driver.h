// The pipeline in one place: load -> check -> lower -> preflight -> the IR
// passes (bind, permissions, validate, images). The CLI, the benchmarks and,
// later, the simulator and the language server compile through here.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontend/check.h"
#include "frontend/diagnostics.h"
#include "frontend/types.h"
#include "ir/ir.h"

namespace wdsl {

enum class Phase { kParse, kCheck, kPreflight, kPasses };

// The checked AST and its semantics, kept after Compile returns for a caller
// that asks questions about the source (the language server).
struct CheckedProgram {
  ast::Ast ast;
  Semantics semantics;
  LoadedProgram loaded;
  bool checked = false;  // Check ran (with or without errors)
};

struct CompileOptions {
  std::string entry;                // path of main.w
  std::optional<std::string> entry_text;  // the entry's text when it is not read from disk (an editor's buffer)
  Phase stop_after = Phase::kPasses;
  bool dump_ast = false;            // print the entry file's AST to stdout
  std::string target = "sim";       // `@target`
  bool validate = true;             // workload and resource constraints (ir/validate.h)
  bool images = true;               // describe local images and hash their contexts (ir/images.h)
  CheckedProgram* keep = nullptr;   // when set, the AST and semantics are built here and outlive Compile
};

// Wall time of each stage that ran, in order ("load", "check", ...).
struct StageTimings {
  std::vector<std::pair<std::string, double>> stages;  // name, milliseconds
  auto Render() const -> std::string;                   // one line per stage and a total
};

struct CompileResult {
  std::optional<ir::Program> program;           // set when every requested stage ran cleanly
  bool environment_error = false;               // an input file could not be read
  std::map<std::string, nlohmann::json> images; // ir::DescribeImages, by resource path
  StageTimings timings;
};

// Tunes glibc's allocator for a compiler's pattern (millions of small
// allocations, freed at the end): one arena, so the large-stack compile
// thread does not grow a thread arena a page at a time with mprotect, and a
// 64 MB top pad, so the heap grows in few steps; no fastbins, whose
// consolidation dominated writing a large ir.json. Call once, first thing in
// main(); it measured 1.28 s -> 0.93 s for `build --target ir` of 5,000
// resources (docs/performance.md).
void TuneAllocator();

// Runs the front half on a thread with a large stack (deep nesting in user
// programs must give diagnostics, never a stack overflow), then the passes.
// Diagnostics come back sorted and deduplicated; `program` is empty when any
// error was reported.
auto Compile(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics) -> CompileResult;

}  // namespace wdsl
