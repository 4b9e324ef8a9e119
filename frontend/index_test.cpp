// Tests of the SourceIndex the language server answers from: which symbol a
// name refers to, phases of regions, names in scope, and builtin classes.
#include "frontend/index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace wdsl {
namespace {

struct Indexed {
  SourceManager sources;
  ast::Ast ast;
  Diagnostics diagnostics{sources};
  Semantics semantics;
  LoadedProgram program;
  std::unique_ptr<SourceIndex> index;
  std::string text;

  explicit Indexed(std::string source) : text(std::move(source)) {
    program = LoadText("/tmp/index-test/main.w", text, sources, ast, diagnostics);
    Check(program, semantics, diagnostics);
    index = std::make_unique<SourceIndex>(program, semantics);
  }
  auto File() const -> FileId { return program.entry->file; }
  // The offset of the `nth` occurrence of `needle` (plus `plus` bytes).
  auto Offset(const std::string& needle, int nth = 0, int plus = 0) const -> uint32_t {
    size_t at = text.find(needle);
    for (int i = 0; i < nth; ++i) at = text.find(needle, at + 1);
    EXPECT_NE(at, std::string::npos) << needle;
    return static_cast<uint32_t>(at + plus);
  }
  auto Visible(uint32_t offset) const -> std::vector<std::string> {
    std::vector<std::string> names;
    for (const Symbol* symbol : index->VisibleAt(File(), offset)) names.push_back(symbol->name);
    return names;
  }
};

auto Has(const std::vector<std::string>& names, const std::string& name) -> bool {
  return std::find(names.begin(), names.end(), name) != names.end();
}

constexpr const char* kProgram = R"(bring cloud;
let b = new cloud.Bucket();
let f = (x: num): num => { let inner = x; return inner; };
class Store {
  pub inflight load(): str { return b.get("k"); }
}
test "t" { let s = "a"; log(s); }
)";

TEST(SourceIndex, UsesPointAtTheirDeclarations) {
  Indexed p(kProgram);
  ASSERT_FALSE(p.diagnostics.HasErrors()) << p.diagnostics.RenderAll(false);
  const Occurrence* use = p.index->At(p.File(), p.Offset("b.get"));
  ASSERT_NE(use, nullptr);
  ASSERT_NE(use->symbol, nullptr);
  EXPECT_EQ(use->symbol->name, "b");
  EXPECT_EQ(use->symbol->span.begin, p.Offset("b ="));
  EXPECT_FALSE(use->declaration);
  EXPECT_EQ(use->phase, ast::Phase::kInflight);
  // A member name: its symbol, and the expression before the dot.
  const Occurrence* get = p.index->At(p.File(), p.Offset("get(", 0, 1));
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->symbol->name, "get");
  ASSERT_NE(get->object, nullptr);
  EXPECT_EQ(TypeName(get->object->type), "cloud.Bucket");
  // The end of a name counts (a cursor just after it).
  EXPECT_EQ(p.index->At(p.File(), p.Offset("inner;") + 5)->symbol->name, "inner");
  // Type names in `new`: the class, and the module before the dot.
  EXPECT_EQ(p.index->At(p.File(), p.Offset("Bucket", 0, 2))->symbol->kind, SymbolKind::kClass);
  EXPECT_EQ(p.index->At(p.File(), p.Offset("cloud.Bucket", 0, 1))->symbol->kind, SymbolKind::kModule);
  // Nothing on a keyword.
  EXPECT_EQ(p.index->At(p.File(), p.Offset("return inner", 0, 2)), nullptr);
}

TEST(SourceIndex, PhasesOfRegions) {
  Indexed p(kProgram);
  EXPECT_EQ(p.index->PhaseAt(p.File(), p.Offset("new cloud")), ast::Phase::kPreflight);
  EXPECT_EQ(p.index->PhaseAt(p.File(), p.Offset("let inner")), ast::Phase::kPreflight);
  EXPECT_EQ(p.index->PhaseAt(p.File(), p.Offset("return b")), ast::Phase::kInflight);
  EXPECT_EQ(p.index->PhaseAt(p.File(), p.Offset("let s")), ast::Phase::kInflight);
}

TEST(SourceIndex, NamesInScope) {
  Indexed p(kProgram);
  auto in_closure = p.Visible(p.Offset("return inner"));
  EXPECT_TRUE(Has(in_closure, "inner") && Has(in_closure, "x") && Has(in_closure, "b") && Has(in_closure, "cloud"));
  EXPECT_TRUE(Has(in_closure, "log")) << "std's global functions";
  EXPECT_FALSE(Has(in_closure, "s")) << "a local of another block";
  auto in_test = p.Visible(p.Offset("log(s)"));
  EXPECT_TRUE(Has(in_test, "s") && Has(in_test, "Store") && Has(in_test, "f"));
  EXPECT_FALSE(Has(in_test, "inner"));
  // A `let` is visible after its statement only.
  EXPECT_FALSE(Has(p.Visible(p.Offset("let b")), "b"));
}

TEST(SourceIndex, BuiltinTypesHaveTheirStdClasses) {
  Indexed p(kProgram);
  const Symbol* string = p.index->ClassOf(p.semantics.Str());
  ASSERT_NE(string, nullptr);
  EXPECT_TRUE(string->members.contains("length"));
  EXPECT_NE(p.index->ClassOf(p.semantics.Optional(p.semantics.Str())), nullptr);
  EXPECT_EQ(p.index->ClassOf(p.semantics.Void()), nullptr);
}

}  // namespace
}  // namespace wdsl
