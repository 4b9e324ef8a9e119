// Parse(): the AST it builds, the syntax errors it reports (exact text), and
// how it copes with hostile input (random bytes, deep nesting, bad UTF-8).
#include "frontend/parse.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "frontend/parse_input.h"

namespace wdsl {
namespace {

// `text` without the " @line:col" positions DumpAst prints.
auto WithoutPositions(const std::string& text) -> std::string {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' && i + 1 < text.size() && text[i + 1] == '@') {
      size_t j = i + 2;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ':')) ++j;
      if (j > i + 2) {
        i = j - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// `text` with every line after the first indented two spaces less.
auto Dedent(const std::string& text) -> std::string {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\n' && text.compare(i + 1, 2, "  ") == 0) i += 2;
  }
  return out;
}

struct Parsed {
  std::string ast;     // DumpAst without positions
  std::string errors;  // "line:col: message" per diagnostic
  size_t statements = 0;
};

auto ParseText(const std::string& text, bool stdlib = false) -> Parsed {
  SourceManager sources;
  FileId file = sources.Add("test.w", text);
  Diagnostics diagnostics(sources);
  ast::Ast ast;
  ast::Module* module = Parse(sources, file, ast, diagnostics, ParseOptions{.stdlib = stdlib});
  Parsed parsed;
  parsed.statements = module->stmts.size();
  parsed.ast = WithoutPositions(ast::DumpAst(*module, sources));
  for (const Diagnostic& d : diagnostics.All()) {
    LineCol lc = sources.Start(d.span);
    parsed.errors += std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " + d.message + "\n";
  }
  return parsed;
}

// The dump of the single statement of `text`, without the module line.
auto StatementAst(const std::string& text) -> std::string {
  Parsed parsed = ParseText(text);
  EXPECT_EQ(parsed.errors, "") << text;
  std::string dump = parsed.ast;
  dump = dump.substr(dump.find('\n') + 1);  // drop "(module test"
  while (!dump.empty() && dump.back() == '\n') dump.pop_back();
  if (!dump.empty()) dump.pop_back();  // the module's `)`
  dump = Dedent(dump);
  return dump.size() >= 2 ? dump.substr(2) : dump;  // one level less indent
}

// ------------------------------------------------------------ AST shapes

TEST(ParseTest, PowerAndNilCoalesceAreRightAssociative) {
  EXPECT_EQ(StatementAst("let x = 2 ** 3 ** 2;"),
            "(let x\n  (binary **\n    (number 2)\n    (binary **\n      (number 3)\n      (number 2))))");
  EXPECT_EQ(StatementAst("let y = a ?? b ?? c;"),
            "(let y\n  (binary ??\n    (ident a)\n    (binary ??\n      (ident b)\n      (ident c))))");
  EXPECT_EQ(StatementAst("let z = -2 ** 2;"), "(let z\n  (unary -\n    (binary **\n      (number 2)\n      (number 2))))");
  EXPECT_EQ(StatementAst("let w = 1 - 2 - 3;"),
            "(let w\n  (binary -\n    (binary -\n      (number 1)\n      (number 2))\n    (number 3)))");
}

TEST(ParseTest, CompoundAssignmentKeepsItsOperator) {
  EXPECT_EQ(StatementAst("n += 1;"), "(assign +=\n  (ident n)\n  (number 1))");
  EXPECT_EQ(StatementAst("a.b[0] = nil;"), "(assign =\n  (index\n    (member b\n      (ident a))\n    (number 0))\n  (nil))");
}

TEST(ParseTest, ElseIfChainsNest) {
  EXPECT_EQ(StatementAst("if let var v = m {} else if c {} else {}"),
            "(if let var v\n  (ident m)\n  (block)\n  (else\n    (if\n      (ident c)\n      (block)\n      (else\n"
            "        (block)))))");
}

TEST(ParseTest, LiteralsDecodeTheirValues) {
  EXPECT_EQ(StatementAst("let n = [42, 3.5, 1_000, 1e3];"),
            "(let n\n  (array\n    (number 42)\n    (number 3.5)\n    (number 1000)\n    (number 1000)))");
  EXPECT_EQ(StatementAst("let d = [100ms, 5m, 2h, 1d, 1mo, 1y];"),
            "(let d\n  (array\n    (duration 0.1s)\n    (duration 300s)\n    (duration 7200s)\n    (duration 86400s)\n"
            "    (duration 2628000s)\n    (duration 31536000s)))");
  EXPECT_EQ(StatementAst(R"(let s = "a\tb \{c\} \u{48}\x49 \"q\"";)"), "(let s\n  (string \"a\\tb {c} HI \\\"q\\\"\"))");
  EXPECT_EQ(StatementAst(R"(let r = #"{x} \n";)"), "(let r\n  (raw-string \"{x} \\n\"))");
}

TEST(ParseTest, InterpolationNests) {
  EXPECT_EQ(StatementAst(R"(let s = "a {b + "c {d}"} e";)"),
            "(let s\n  (string\n    (text \"a \")\n    (binary +\n      (ident b)\n      (string\n        (text \"c \")\n"
            "        (ident d)))\n    (text \" e\")))");
}

TEST(ParseTest, CollectionsObjectsAndJson) {
  EXPECT_EQ(StatementAst("let a = MutArray<str>[];"), "(let a\n  (array\n    (type MutArray\n      (type str))))");
  EXPECT_EQ(StatementAst("let s = MutSet<num>{};"), "(let s\n  (array\n    (type MutSet\n      (type num))))");
  EXPECT_EQ(StatementAst(R"(let m = Map<num>{"a" => 1};)"),
            "(let m\n  (map\n    (type Map\n      (type num))\n    (entry\n      (string \"a\")\n      (number 1))))");
  EXPECT_EQ(StatementAst(R"(let o = { k: 1, "k2": x, y };)"),
            "(let o\n  (object\n    (field k\n      (number 1))\n    (field k2\n      (ident x))\n    (field y\n      (ident y))))");
  EXPECT_EQ(StatementAst("let j = MutJson [1];"), "(let j\n  (mut-json\n    (array\n      (number 1))))");
  EXPECT_EQ(StatementAst("let p = cloud.ApiResponse { status: 200 };"),
            "(let p\n  (struct\n    (type cloud.ApiResponse)\n    (field status\n      (number 200))))");
}

TEST(ParseTest, CallsNewAndIntrinsics) {
  EXPECT_EQ(StatementAst(R"(f(1, name: "x");)"),
            "(expr\n  (call\n    (ident f)\n    (number 1)\n    (named name\n      (string \"x\"))))");
  EXPECT_EQ(StatementAst(R"(let b = new cloud.Bucket(public: true) as "b" in this;)"),
            "(let b\n  (new\n    (type cloud.Bucket)\n    (named public\n      (bool true))\n    (as\n      (string \"b\"))\n"
            "    (in\n      (this))))");
  EXPECT_EQ(StatementAst("let d = @dirname;"), "(let d\n  (intrinsic @dirname))");
  EXPECT_EQ(StatementAst(R"(let f = @filePath("x");)"), "(let f\n  (intrinsic @filePath()\n    (string \"x\")))");
  EXPECT_EQ(StatementAst("let v = a?.b()!.c;"),
            "(let v\n  (member c\n    (unwrap\n      (call\n        (member? b\n          (ident a))))))");
  EXPECT_EQ(StatementAst("super(1);"), "(expr\n  (call\n    (super)\n    (number 1)))");
}

TEST(ParseTest, ClosuresAndTypes) {
  EXPECT_EQ(StatementAst("let f = inflight (req, var n: num?): str => { return req; };"),
            "(let f\n  (closure inflight\n    (param req)\n    (param var n\n      (optional-type\n        (type num)))\n"
            "    (type str)\n    (block\n      (return\n        (ident req)))))");
  EXPECT_EQ(StatementAst("let g: inflight (str, num): void? = nil;"),
            "(let g\n  (function-type inflight\n    (type str)\n    (type num)\n    (optional-type\n      (type void)))\n"
            "  (nil))");
}

TEST(ParseTest, Declarations) {
  Parsed parsed = ParseText(R"(/// A store.
/// Two lines.
pub class Store extends Base impl IStore, IOther {
  protected var hits: num;
  inflight new() {}
  /// Puts.
  pub inflight put(k: str): void;
  extern "./f.js" pub static now(): num;
}
)",
                            /*stdlib=*/true);
  EXPECT_EQ(parsed.errors, "");
  EXPECT_EQ(parsed.ast,
            "(module test stdlib\n  (class pub Store preflight\n    (extends\n      (type Base))\n    (impl\n"
            "      (type IStore))\n    (impl\n      (type IOther))\n    (field-decl hits protected var preflight\n"
            "      (type num))\n    (method new private inflight\n      (block))\n    (method put pub inflight\n"
            "      (param k\n        (type str))\n      (type void))\n"
            "    (method now pub static preflight extern \"./f.js\"\n      (type num))))\n");
}

TEST(ParseTest, DocCommentsAttachToDeclarations) {
  SourceManager sources;
  FileId file = sources.Add("doc.w", "/// A store.\n///   Indented.\nclass S {\n  // not a doc\n  /// The data.\n"
                                     "  data: str;\n}\n/// Tiers.\nenum T { A }\n");
  Diagnostics diagnostics(sources);
  ast::Ast ast;
  ast::Module* module = Parse(sources, file, ast, diagnostics);
  ASSERT_EQ(module->stmts.size(), 2u);
  const auto* cls = ast::As<ast::ClassStmt>(module->stmts[0]);
  ASSERT_NE(cls, nullptr);
  EXPECT_EQ(cls->doc, "A store.\n  Indented.");
  ASSERT_EQ(cls->fields.size(), 1u);
  EXPECT_EQ(cls->fields[0].doc, "The data.");
  EXPECT_EQ(ast::As<ast::EnumStmt>(module->stmts[1])->doc, "Tiers.");
}

TEST(ParseTest, SpansAreByteOffsets) {
  SourceManager sources;
  // "é" is two bytes: spans after it are byte offsets, not code points.
  FileId file = sources.Add("span.w", "let s = \"é\"; let t = s;\n");
  Diagnostics diagnostics(sources);
  ast::Ast ast;
  ast::Module* module = Parse(sources, file, ast, diagnostics);
  ASSERT_EQ(module->stmts.size(), 2u);
  const auto* second = ast::As<ast::LetStmt>(module->stmts[1]);
  EXPECT_EQ(second->span.begin, 14u);
  EXPECT_EQ(second->name_span.begin, 18u);
  EXPECT_EQ(second->name_span.end, 19u);
  EXPECT_EQ(second->init->span.begin, 22u);
}

TEST(ParseTest, StatementsWithErrorsAreLeftOut) {
  Parsed parsed = ParseText("let a = 1;\nlet b = (1 + );\nlet c = 3;\n");
  EXPECT_EQ(parsed.errors, "2:14: expected an expression, found `)`\n");
  EXPECT_EQ(parsed.statements, 2u);
  // A statement that only lacks its `;` is complete and stays.
  EXPECT_EQ(ParseText("let a = 1\nlet b = 2;\n").statements, 2u);
}

TEST(ParseTest, CorpusAndStdlibParseWithoutErrors) {
  std::string root = WDSL_SOURCE_DIR;
  int files = 0;
  for (const char* folder : {"/tests/parse/valid", "/stdlib"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root + folder)) {
      if (entry.path().extension() != ".w") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      Parsed parsed = ParseText(text.str(), std::string(folder) == "/stdlib");
      EXPECT_EQ(parsed.errors, "") << entry.path();
      EXPECT_GT(parsed.statements, 0u) << entry.path();
      ++files;
    }
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace wdsl

namespace wdsl {
namespace {

// The hand-written decoder must agree with the runtime's own conversion.
TEST(Utf8InputStreamTest, DecodesLikeTheRuntime) {
  for (std::string text : {std::string(""), std::string("let x = 1;"), std::string("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80\""),
                           std::string("\xF4\x8F\xBF\xBF\xC2\x80\xE0\xA0\x80\xEF\xBF\xBDz")}) {
    ASSERT_EQ(parse::FindInvalidUtf8(text), std::string::npos);
    parse::Utf8InputStream ours(text);
    antlr4::ANTLRInputStream theirs(text);
    ASSERT_EQ(ours.size(), theirs.size()) << text;
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_EQ(ours.LA(1), theirs.LA(1)) << text << " at " << i;
      ours.consume();
      theirs.consume();
    }
  }
}

}  // namespace
}  // namespace wdsl
