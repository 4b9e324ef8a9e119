// Stage 3: checked AST -> IR code. Every function of the program (top-level
// code, closures, methods, constructors, tests) becomes an ir::Function;
// classes become ir::ClassInfo. Nothing runs here.
#pragma once

#include <string>
#include <vector>

#include "frontend/check.h"
#include "ir/ir.h"

namespace wdsl {

struct LowerOptions {
  std::string target = "sim";  // the value of `@target`
};

struct LoweredProgram {
  ir::Program program;               // functions, classes, files filled in
  std::vector<int32_t> toplevel;     // kTopLevel function per module, in run order
};

// Lowers every user module of `program` (stdlib declarations have no code).
auto Lower(const LoadedProgram& program, const SourceManager& sources, Diagnostics& diagnostics,
           const LowerOptions& options = {}) -> LoweredProgram;

}  // namespace wdsl
