// Stage 1: source text -> AST. ANTLR lives behind this header only.
#pragma once

#include <cstddef>

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
// kTooDeeplyNested instead of exhausting the stack. It counts AST levels:
// brackets, blocks, prefix operators, and each link of an operator or call
// chain (`a + b + ...` with 2,001 operands nests 2,000 deep). Later stages
// may recurse over the AST without checking depth again.
inline constexpr int kMaxNesting = 2000;

// The most tokens one file may have (about 2 MB of ordinary code); a larger
// file gets one diagnostic instead of minutes of parsing.
inline constexpr size_t kMaxTokens = 500'000;

// Syntax errors reported per file before the parser gives up on it.
inline constexpr int kMaxSyntaxErrors = 25;

// Lexes and parses `file`, builds its AST in `ast`, and reports syntax errors
// in user words, one per mistake. Always returns a module so later stages can
// still report what they find in the parts that parsed; statements and class
// members with a syntax error are left out. Invalid UTF-8, an unterminated
// string or unbalanced delimiters stop the parse (the module is empty). Runs
// on a thread with a large stack; safe to call from several threads at once
// with separate `ast` and `diagnostics`.
auto Parse(const SourceManager& sources, FileId file, ast::Ast& ast, Diagnostics& diagnostics,
           const ParseOptions& options = {}) -> ast::Module*;

}  // namespace wdsl
