// Stage 2: load every file a program brings, resolve names, and check types
// and phases. The AST is annotated in place (types, phases, symbols).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/types.h"

namespace wdsl {

// A program and everything it brings, in dependency order (the stdlib
// modules first, the entry file last).
struct LoadedProgram {
  ast::Module* entry = nullptr;
  std::vector<ast::Module*> modules;
};

// Reads `entry_path`, parses it, and follows `bring` recursively: stdlib
// modules come from the embedded stdlib/*.w files (std is always loaded),
// local files relative to the bringing file. Reports missing files, cycles
// and unknown modules. Returns nullopt only when the entry file cannot be read.
auto Load(const std::string& entry_path, SourceManager& sources, ast::Ast& ast, Diagnostics& diagnostics)
    -> std::optional<LoadedProgram>;
// The same, for a program given as text (tests, the language server).
auto LoadText(const std::string& path, std::string text, SourceManager& sources, ast::Ast& ast,
              Diagnostics& diagnostics) -> LoadedProgram;

// Resolves names and checks types and phases of every module; returns true
// when no error was reported.
auto Check(const LoadedProgram& program, Semantics& semantics, Diagnostics& diagnostics) -> bool;

}  // namespace wdsl
