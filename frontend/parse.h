// Stage 1: source text -> AST. ANTLR lives behind this header only.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace wdsl {

struct ParseOptions {
  // Standard-library declaration files may use bodyless methods, class type
  // parameters and `unphased`; user files get a diagnostic for those (the
  // checker reports it; the parser accepts both).
  bool stdlib = false;
};

// The deepest nesting of blocks/expressions accepted; deeper input gets
// kTooDeeplyNested instead of exhausting the stack.
inline constexpr int kMaxNesting = 2000;

// Lexes and parses `file`, builds its AST in `ast`, and reports syntax errors.
// Always returns a module (possibly partial) so later stages can still report
// what they find in the parts that parsed.
auto Parse(const SourceManager& sources, FileId file, ast::Ast& ast, Diagnostics& diagnostics,
           const ParseOptions& options = {}) -> ast::Module*;

}  // namespace wdsl
