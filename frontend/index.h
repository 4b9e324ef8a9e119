// What an editor asks about a checked program: which symbol each name in
// the source refers to, its type and phase, which names are visible at a
// position, and whether a position is inflight code. Built from the AST the
// checker annotated; the language server (cli/lsp.cpp) answers hover,
// definition, completion and semantic tokens from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/ast.h"
#include "frontend/check.h"
#include "frontend/types.h"

namespace wdsl {

// One name in the source: a declaration, or a use that the checker resolved.
struct Occurrence {
  Span span;                       // of the name only
  const Symbol* symbol = nullptr;  // what it refers to (null: unresolved)
  const Type* type = nullptr;      // the value's type where one is known
  ast::Phase phase = ast::Phase::kUnphased;  // the phase of the code around it
  bool declaration = false;
  const ast::Expr* object = nullptr;  // a member's name: the expression before the `.`
};

// The arguments of a call or `new` whose last parameter is a struct, which
// named arguments fill.
struct StructArguments {
  Span region;                          // the whole call
  const Symbol* structure = nullptr;    // the struct
};

// A name that is in scope from `visible.begin` to `visible.end`.
struct ScopedName {
  const Symbol* symbol = nullptr;
  Span visible;
};

class SourceIndex {
 public:
  // Indexes every user module of a checked program (stdlib modules are only
  // definitions that user names point at).
  SourceIndex(const LoadedProgram& program, const Semantics& semantics);

  // The innermost occurrence whose span holds `offset` (the end counts, so a
  // cursor just after a name finds it); null when there is none.
  auto At(FileId file, uint32_t offset) const -> const Occurrence*;
  // Every occurrence in `file`, in source order.
  auto In(FileId file) const -> std::vector<const Occurrence*>;
  // The struct that named arguments fill in the innermost call around `offset`.
  auto StructArgumentsAt(FileId file, uint32_t offset) const -> const Symbol*;
  // The phase of the code at `offset`: inflight inside inflight closures,
  // methods, classes and tests; preflight elsewhere.
  auto PhaseAt(FileId file, uint32_t offset) const -> ast::Phase;
  // Names visible at `offset`: locals declared before it in enclosing
  // blocks, parameters, the module's declarations and brought modules, and
  // the globals of std. Inner names hide outer ones.
  auto VisibleAt(FileId file, uint32_t offset) const -> std::vector<const Symbol*>;
  // The class whose members `type` has (user and stdlib classes, structs,
  // interfaces, and builtin types through their std classes); null if none.
  auto ClassOf(const Type* type) const -> const Symbol*;

 private:
  friend class IndexBuilder;
  const Semantics& semantics_;
  std::vector<Occurrence> occurrences_;
  std::vector<ScopedName> names_;
  std::vector<StructArguments> calls_;
  std::vector<std::pair<Span, ast::Phase>> phases_;  // regions, outermost first
};

}  // namespace wdsl
