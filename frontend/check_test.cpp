// Tests of loading and checking: valid programs check clean, inference and
// named arguments annotate the AST, phase rules report their kinds, and the
// expected-diagnostic corpus tests/diagnostics/*.w (all but the preflight
// E05xx cases) passes through Load + Check without the CLI.
#include "frontend/check.h"
#include "tests/support/expectations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace wdsl {
namespace {

namespace fs = std::filesystem;

// One compilation, kept alive so tests can look at the annotated AST.
struct Compilation {
  SourceManager sources;
  ast::Ast ast;
  Diagnostics diagnostics{sources};
  Semantics semantics;
  LoadedProgram program;
  bool ok = false;

  auto Codes() const -> std::vector<std::string> {
    std::vector<std::string> codes;
    for (const Diagnostic& d : diagnostics.All()) codes.emplace_back(InfoOf(d.kind).code);
    return codes;
  }
  auto Errors() const -> std::vector<std::string> {
    std::vector<std::string> codes;
    for (const Diagnostic& d : diagnostics.All()) {
      if (d.severity == Severity::kError) codes.emplace_back(InfoOf(d.kind).code);
    }
    return codes;
  }
  auto Rendered() const -> std::string { return diagnostics.RenderAll(false); }
  auto Dump() const -> std::string { return ast::DumpAst(*program.entry, sources); }
};

auto CheckText(const std::string& text, const std::string& path = "main.w") -> std::unique_ptr<Compilation> {
  auto c = std::make_unique<Compilation>();
  c->program = LoadText(path, text, c->sources, c->ast, c->diagnostics);
  c->ok = Check(c->program, c->semantics, c->diagnostics);
  c->diagnostics.SortAndDedupe();
  return c;
}

// The first statement of the entry file of kind T, the n-th one.
template <typename T>
auto Nth(const Compilation& c, size_t n = 0) -> T* {
  for (ast::Stmt* stmt : c.program.entry->stmts) {
    if (auto* s = ast::As<T>(stmt); s != nullptr && n-- == 0) return s;
  }
  return nullptr;
}

auto LetNamed(const Compilation& c, const std::string& name) -> ast::LetStmt* {
  for (ast::Stmt* stmt : c.program.entry->stmts) {
    if (auto* let = ast::As<ast::LetStmt>(stmt); let != nullptr && let->name == name) return let;
  }
  return nullptr;
}

#define EXPECT_CLEAN(c) EXPECT_TRUE((c)->Errors().empty()) << (c)->Rendered()

auto HasCode(const Compilation& c, const std::string& code) -> bool {
  for (const std::string& got : c.Codes()) {
    if (got == code) return true;
  }
  return false;
}

// ---------------------------------------------------------------- valid programs

TEST(CheckValid, ResourcesClassesAndInflightCode) {
  auto c = CheckText(R"(
bring cloud;
bring util;
bring expect;

struct Opts { name: str; port: num?; }
enum Tier { FREE, PRO }
interface IStore { inflight put(k: str, v: str): void; }

class Store impl IStore {
  data: cloud.Bucket;
  pub tier: Tier;
  var count: num;
  new(tier: Tier) {
    this.data = new cloud.Bucket();
    this.tier = tier;
    this.count = 0;
  }
  pub inflight put(k: str, v: str) { this.data.put(k, v); }
  pub inflight get(k: str): str? { return this.data.tryGet(k); }
  pub static fmt(x: num): str { return "{x}"; }
  pub bump() { this.count += 1; }
}

let s = new Store(Tier.FREE) as "store";
s.bump();
let label = Store.fmt(3);
let q = new cloud.Queue();
q.setConsumer(inflight (msg) => {
  s.put("k", msg);
  util.sleep(1s);
});
test "store works" {
  s.put("a", "b");
  expect.equal(s.get("a"), "b");
  log(label);
}
)");
  EXPECT_CLEAN(c);
  EXPECT_TRUE(c->ok);
}

TEST(CheckValid, CollectionsJsonOptionalsAndLoops) {
  auto c = CheckText(R"(
let arr = [1, 2, 3];
let marr = MutArray<str>[];
marr.push("a");
let m = {"a" => 1};
let mm = MutMap<num>{};
mm.set("k", m.get("a"));
let j = Json { a: 1, b: [1, 2], c: { d: "x" } };
let n = j.get("a").asNum() + j["b"].getAt(0).asNum();
let s = str.fromJson(j.get("c").get("d"));
let maybe: str? = nil;
let v = maybe ?? "default";
if let inner = maybe { log(inner); }
let len = "abc".length + arr.at(0) + arr.length;
for i in 0..10 { if i > 5 { break; } }
for item in arr { log("{item}"); }
let var counter = 0;
while counter < 3 { counter += 1; }
try { throw "oops"; } catch err { log(err); } finally { log("done"); }
let f = (a: num, b: num): num => { return a + b; };
let g = (a: num) => { return a * 2; };
log("{f(1, 2) + g(3)} {n} {s} {v} {len} {5s.seconds} {Json.stringify(j)}");
)");
  EXPECT_CLEAN(c);
}

TEST(CheckValid, ApiHandlerInfersRequestAndResponse) {
  auto c = CheckText(R"(
bring cloud;
let api = new cloud.Api();
api.get("/x", inflight (req) => {
  return { status: 200, body: req.path };
});
)");
  EXPECT_CLEAN(c);
  auto* stmt = Nth<ast::ExprStmt>(*c);
  ASSERT_NE(stmt, nullptr);
  auto* call = ast::As<ast::CallExpr>(stmt->expr);
  ASSERT_NE(call, nullptr);
  ASSERT_EQ(call->args.size(), 2u);
  auto* closure = ast::As<ast::ClosureExpr>(call->args[1]);
  ASSERT_NE(closure, nullptr);
  ASSERT_NE(closure->params[0].symbol, nullptr);
  EXPECT_EQ(TypeName(closure->params[0].symbol->type), "cloud.ApiRequest");
  EXPECT_EQ(TypeName(closure->type), "inflight (cloud.ApiRequest): cloud.ApiResponse?");
  auto* ret = ast::As<ast::ReturnStmt>(closure->body->stmts[0]);
  ASSERT_NE(ret, nullptr);
  EXPECT_EQ(TypeName(ret->value->type), "cloud.ApiResponse");
}

TEST(CheckValid, ConsumerParameterIsInferredAsStr) {
  auto c = CheckText(R"(
bring cloud;
let q = new cloud.Queue();
q.setConsumer(inflight (msg) => { log(msg.uppercase()); });
)");
  EXPECT_CLEAN(c);
  auto* call = ast::As<ast::CallExpr>(Nth<ast::ExprStmt>(*c)->expr);
  auto* closure = ast::As<ast::ClosureExpr>(call->args[0]);
  ASSERT_NE(closure, nullptr);
  EXPECT_EQ(TypeName(closure->params[0].symbol->type), "str");
  EXPECT_EQ(closure->type->phase, ast::Phase::kInflight);
}

TEST(CheckValid, LocalInference) {
  auto c = CheckText(R"(
let a = [1, 2];
let b = {"k" => "v"};
let j = { x: 1 };
let s = "x".split(",");
let f = (x: num) => { return "{x}"; };
let o: str? = nil;
let u = o ?? "d";
let e = MutArray<bool>[];
)");
  EXPECT_CLEAN(c);
  EXPECT_EQ(TypeName(LetNamed(*c, "a")->symbol->type), "Array<num>");
  EXPECT_EQ(TypeName(LetNamed(*c, "b")->symbol->type), "Map<str>");
  EXPECT_EQ(TypeName(LetNamed(*c, "j")->symbol->type), "Json");
  EXPECT_EQ(TypeName(LetNamed(*c, "s")->symbol->type), "Array<str>");
  EXPECT_EQ(TypeName(LetNamed(*c, "f")->symbol->type), "(num): str");
  EXPECT_EQ(TypeName(LetNamed(*c, "u")->symbol->type), "str");
  EXPECT_EQ(TypeName(LetNamed(*c, "e")->symbol->type), "MutArray<bool>");
}

TEST(CheckValid, NamedArgumentsBecomeAStructLiteral) {
  auto c = CheckText(R"(
bring cloud;
let b = new cloud.Bucket(public: true);
struct Opts { name: str; port: num?; }
let f = (x: num, opts: Opts): str => { return opts.name; };
let r = f(1, name: "web", port: 80);
)");
  EXPECT_CLEAN(c);
  auto* bucket = ast::As<ast::NewExpr>(LetNamed(*c, "b")->init);
  ASSERT_NE(bucket, nullptr);
  auto* props = ast::As<ast::StructLitExpr>(bucket->named_struct);
  ASSERT_NE(props, nullptr);
  EXPECT_EQ(TypeName(props->type), "cloud.BucketProps");
  ASSERT_EQ(props->fields.size(), 1u);
  EXPECT_EQ(props->fields[0].name, "public");
  auto* call = ast::As<ast::CallExpr>(LetNamed(*c, "r")->init);
  ASSERT_NE(call, nullptr);
  ASSERT_NE(call->named_struct, nullptr);
  EXPECT_EQ(TypeName(call->named_struct->type), "Opts");
}

TEST(CheckValid, ExpressionsAreAnnotated) {
  auto c = CheckText(R"(
bring cloud;
let b = new cloud.Bucket();
let x = [1, 2].at(0) + 3;
test "t" { b.put("k", "{x}"); }
)");
  EXPECT_CLEAN(c);
  auto* let = LetNamed(*c, "x");
  ASSERT_NE(let->init->type, nullptr);
  EXPECT_EQ(TypeName(let->init->type), "num");
  auto* bucket = ast::As<ast::IdentExpr>(
      ast::As<ast::MemberExpr>(
          ast::As<ast::CallExpr>(ast::As<ast::ExprStmt>(Nth<ast::TestStmt>(*c)->body->stmts[0])->expr)->callee)
          ->object);
  ASSERT_NE(bucket, nullptr);
  ASSERT_NE(bucket->symbol, nullptr);
  EXPECT_EQ(bucket->symbol, LetNamed(*c, "b")->symbol);
  EXPECT_EQ(bucket->phase, ast::Phase::kPreflight);  // a lifted preflight object
  // Every expression in the dump carries its type.
  std::istringstream dump(c->Dump());
  std::string line;
  static const std::regex kExprLine(R"(^\s*\((number|string|ident|member|call|new|binary|array|closure) )");
  while (std::getline(dump, line)) {
    if (std::regex_search(line, kExprLine)) {
      EXPECT_NE(line.find(" : "), std::string::npos) << line;
    }
  }
}

TEST(CheckValid, ClassesCanBeUsedBeforeTheirDefinition) {
  auto c = CheckText(R"(
let s = new Later();
log("{s.n()} {Color.RED}");
class Later { new() {} pub n(): num { return 1; } }
enum Color { RED }
)");
  EXPECT_CLEAN(c);
}

TEST(CheckValid, InflightClassesAndLiftBlocks) {
  auto c = CheckText(R"(
bring cloud;
let b1 = new cloud.Bucket() as "b1";
let b2 = new cloud.Bucket() as "b2";
let buckets = [b1, b2];
inflight class Helper {
  pub greet(n: str): str { return "hi {n}"; }
}
test "t" {
  let h = new Helper();
  log(h.greet("a"));
  lift { b1: [put], b2: [put] } {
    buckets.at(0).put("k", "v");
  }
}
)");
  EXPECT_CLEAN(c);
}

// ---------------------------------------------------------------- errors

TEST(CheckErrors, UnknownNameSuggestsAndPointsAtTheDefinition) {
  auto c = CheckText("bring cloud;\nlet bucket = new cloud.Bucket();\nlog(bukcet);\n");
  ASSERT_EQ(c->Codes(), std::vector<std::string>{"E0200"});
  const Diagnostic& d = c->diagnostics.All()[0];
  EXPECT_EQ(d.label, "did you mean `bucket`?");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "`bucket` is defined here");
}

TEST(CheckErrors, SeveralIndependentErrorsWithoutCascades) {
  auto c = CheckText(R"(
let a: num = "s";
let b = nope + 1;
let c = b * 2;
let d = a.foo.bar;
)");
  EXPECT_EQ(c->Codes(), (std::vector<std::string>{"E0300", "E0200", "E0201"})) << c->Rendered();
}

TEST(CheckErrors, NamedArgumentsReportUnknownAndMissingFields) {
  auto c = CheckText(R"(
bring cloud;
let b = new cloud.Bucket(pblic: true);
struct Opts { name: str; port: num?; }
let f = (o: Opts) => {};
f(port: 1);
)");
  EXPECT_EQ(c->Codes(), (std::vector<std::string>{"E0302", "E0303"})) << c->Rendered();
  EXPECT_EQ(c->diagnostics.All()[0].label, "did you mean `public`?");
}

TEST(CheckPhases, EachRuleHasItsKind) {
  struct Case {
    const char* code;
    const char* program;
  };
  const Case cases[] = {
      {"E0400", "bring cloud;\nlet b = new cloud.Bucket();\nb.put(\"k\", \"v\");\n"},
      {"E0401", "bring cloud;\nlet q = new cloud.Queue();\ntest \"t\" { q.setConsumer(inflight (m) => {}); }\n"},
      {"E0402", "bring cloud;\ntest \"t\" { new cloud.Bucket(); }\n"},
      {"E0403", "let var n = 0;\ntest \"t\" { n = 1; }\n"},
      {"E0404", "bring cloud;\nlet bs = [new cloud.Bucket() as \"a\"];\ntest \"t\" { bs.at(0).put(\"k\", \"v\"); }\n"},
      {"E0405",
       "class C { inflight x: str; new() {} inflight new() { this.x = \"a\"; } }\n"
       "let c = new C();\nlog(c.x);\n"},
      {"E0407", "let f = inflight () => {};\nf();\n"},
      {"E0408", "bring cloud;\nlet b = new cloud.Bucket();\ntest \"t\" { lift { b: [putt] } { } }\n"},
      {"E0409", "let g = (): num => { return 1; };\ntest \"t\" { let h = g; h(); }\n"},
      {"E0411", "bring cloud;\nlet b = new cloud.Bucket();\nlift { b: [put] } { }\n"},
      {"E0412", "let g = () => {};\ntest \"t\" { g(); }\n"},
      {"E0413", "inflight class H { }\nlet h = new H();\n"},
  };
  for (const Case& test : cases) {
    auto c = CheckText(test.program);
    EXPECT_TRUE(HasCode(*c, test.code)) << test.code << "\n" << test.program << c->Rendered();
    EXPECT_FALSE(c->ok);
  }
}

TEST(CheckPhases, UnphasedMethodsWorkInBothPhases) {
  auto c = CheckText(R"(
bring util;
let a = "x".uppercase();
let id = util.uuidv4();
test "t" {
  let b = "y".uppercase();
  let id2 = util.uuidv4();
  util.sleep(1ms);
  log("{a} {b} {id} {id2}");
}
)");
  EXPECT_CLEAN(c);
}

TEST(CheckPhases, LiftedMutableCollectionsAreImmutableInflight) {
  auto c = CheckText("let arr = MutArray<str>[\"a\"];\ntest \"t\" { log(arr.at(0)); arr.push(\"b\"); }\n");
  EXPECT_EQ(c->Codes(), std::vector<std::string>{"E0201"}) << c->Rendered();
}

// ---------------------------------------------------------------- loading

TEST(Load, UnknownModuleSuggestsAStdlibModule) {
  auto c = CheckText("bring clod;\n");
  ASSERT_EQ(c->Codes(), std::vector<std::string>{"E0203"});
  EXPECT_EQ(c->diagnostics.All()[0].label, "did you mean `cloud`?");
}

TEST(Load, LocalFilesAreBroughtOnceAndCyclesReported) {
  fs::path dir = fs::temp_directory_path() / ("wdsl_check_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("lib.w", "bring \"./util2.w\" as u;\npub class Store { new() {} pub n(): num { return u.Helper.one(); } }\n");
  write("util2.w", "pub class Helper { pub static one(): num { return 1; } }\n");
  write("a.w", "bring \"./b.w\" as b;\n");
  write("b.w", "bring \"./a.w\" as a;\n");
  {
    auto c = CheckText(
        "bring \"./lib.w\" as lib;\nbring \"./util2.w\" as u2;\nlet s = new lib.Store();\nlog(\"{s.n()}\");\n",
        (dir / "main.w").string());
    EXPECT_CLEAN(c);
    size_t user_modules = 0;
    for (const ast::Module* module : c->program.modules) user_modules += module->is_stdlib ? 0 : 1;
    EXPECT_EQ(user_modules, 3u);  // main, lib, util2 (once)
  }
  {
    auto c = CheckText("bring \"./a.w\" as a;\n", (dir / "main.w").string());
    EXPECT_TRUE(HasCode(*c, "E0206")) << c->Rendered();
  }
  {
    auto c = CheckText("bring \"./missing.w\" as m;\nlet x = m.Thing;\n", (dir / "main.w").string());
    EXPECT_EQ(c->Codes(), std::vector<std::string>{"E0205"}) << c->Rendered();
  }
  fs::remove_all(dir);
}

TEST(Load, MissingEntryFileIsNullopt) {
  SourceManager sources;
  ast::Ast ast;
  Diagnostics diagnostics(sources);
  EXPECT_FALSE(Load("/nonexistent/dir/main.w", sources, ast, diagnostics).has_value());
  ASSERT_EQ(diagnostics.All().size(), 1u);
  EXPECT_EQ(diagnostics.All()[0].kind, DiagnosticKind::kFileNotFound);
}

// ---------------------------------------------------------------- robustness

TEST(CheckRobustness, BrokenProgramsNeverCrash) {
  // Prefixes of a program that exercises most constructs: each is a partial
  // tree from a parser that recovered.
  const std::string program = R"(
bring cloud;
struct Opts extends Base { name: str; port: num?; }
enum Tier { FREE, PRO }
interface IStore extends IOther { inflight put(k: str): void; }
class Store extends Base impl IStore {
  data: cloud.Bucket;
  new(o: Opts) { this.data = new cloud.Bucket(public: true) as "b"; super(); }
  pub inflight put(k: str) { this.data.put(k, "{k}"); }
}
let s = new Store(name: "x");
let q = new cloud.Queue();
q.setConsumer(inflight (m) => { s.put(m); if let x = s?.data { } });
let j = Json { a: [1, { b: nil }], c: MutJson { } };
let m = { "a" => s, "b" => 1 }["a"];
for i in 0..=3 { while i < 2 { continue; } }
try { throw "x"; } catch e { } finally { }
test "t" { lift { s: [put] } { s.put("k"); } }
let f = (a: num?, b): num => { return a! ** 2 ?? 1; };
log(@dirname + @target + @nope);
)";
  for (size_t cut = 0; cut <= program.size(); cut += 7) {
    auto c = CheckText(program.substr(0, cut));
    EXPECT_NE(c->program.entry, nullptr);
  }
  for (const char* junk : {"}}}}", "let = ;", "class { new( }", "x.y.z(1,,2)", "let x = new ;", "if let = {",
                           "lift { : [] } {", "test { }", "bring \"\" as ;", "struct S { x: ; }"}) {
    auto c = CheckText(junk);
    EXPECT_FALSE(c->diagnostics.All().empty()) << junk;
  }
}

TEST(CheckRobustness, NullChildrenAnywhere) {
  // Trees a recovering parser may leave: every node kind with every child
  // missing, in preflight code and inside a test (inflight).
  auto c = std::make_unique<Compilation>();
  c->program = LoadText("main.w", "bring cloud;\n", c->sources, c->ast, c->diagnostics);
  ast::Ast& a = c->ast;
  Span at{c->program.entry->file, 0, 1};
  std::vector<ast::Expr*> exprs = {
      a.New<ast::MemberExpr>(at), a.New<ast::IndexExpr>(at),   a.New<ast::CallExpr>(at),
      a.New<ast::NewExpr>(at),    a.New<ast::UnaryExpr>(at),   a.New<ast::BinaryExpr>(at),
      a.New<ast::RangeExpr>(at),  a.New<ast::UnwrapExpr>(at),  a.New<ast::ArrayLitExpr>(at),
      a.New<ast::MapLitExpr>(at), a.New<ast::ObjectLitExpr>(at), a.New<ast::StructLitExpr>(at),
      a.New<ast::JsonLitExpr>(at), a.New<ast::ClosureExpr>(at), a.New<ast::IntrinsicExpr>(at),
      a.New<ast::IdentExpr>(at),  a.New<ast::ThisExpr>(at),    a.New<ast::SuperExpr>(at),
  };
  auto* nil_coalesce = a.New<ast::BinaryExpr>(at);
  nil_coalesce->op = ast::BinaryOp::kNilCoalesce;
  nil_coalesce->lhs = a.New<ast::NilExpr>(at);
  exprs.push_back(nil_coalesce);
  auto* call = a.New<ast::CallExpr>(at);
  call->args = {nullptr};
  call->named = {ast::NamedArg{"x", at, nullptr}};
  exprs.push_back(call);
  auto* map = a.New<ast::MapLitExpr>(at);
  map->entries = {ast::MapEntry{}};
  exprs.push_back(map);
  auto* object = a.New<ast::ObjectLitExpr>(at);
  object->fields = {ast::FieldInit{"k", at, nullptr}};
  exprs.push_back(object);
  auto* array = a.New<ast::ArrayLitExpr>(at);
  array->items = {nullptr, nullptr};
  exprs.push_back(array);
  std::vector<ast::Stmt*> stmts;
  for (ast::Expr* e : exprs) {
    auto* stmt = a.New<ast::ExprStmt>(at);
    stmt->expr = e;
    stmts.push_back(stmt);
  }
  stmts.push_back(nullptr);
  stmts.push_back(a.New<ast::LetStmt>(at));
  stmts.push_back(a.New<ast::AssignStmt>(at));
  stmts.push_back(a.New<ast::IfStmt>(at));
  auto* if_let = a.New<ast::IfStmt>(at);
  if_let->let_name = "v";
  stmts.push_back(if_let);
  stmts.push_back(a.New<ast::ForStmt>(at));
  stmts.push_back(a.New<ast::WhileStmt>(at));
  stmts.push_back(a.New<ast::ReturnStmt>(at));
  stmts.push_back(a.New<ast::ThrowStmt>(at));
  stmts.push_back(a.New<ast::TryStmt>(at));
  stmts.push_back(a.New<ast::BlockStmt>(at));
  auto* lift = a.New<ast::LiftStmt>(at);
  lift->qualifications = {ast::LiftQualification{}};
  stmts.push_back(lift);
  auto* cls = a.New<ast::ClassStmt>(at);
  cls->name = "C";
  cls->impls = {nullptr};
  cls->fields = {ast::FieldDecl{}};
  cls->methods = {ast::FunctionDecl{}};
  cls->methods[0].params = {ast::Param{}};
  stmts.push_back(cls);
  auto* st = a.New<ast::StructStmt>(at);
  st->name = "S";
  st->extends = {nullptr};
  st->fields = {ast::FieldDecl{}};
  stmts.push_back(st);
  auto* iface = a.New<ast::InterfaceStmt>(at);
  iface->name = "I";
  iface->extends = {nullptr};
  iface->methods = {ast::FunctionDecl{}};
  stmts.push_back(iface);
  auto* test = a.New<ast::TestStmt>(at);
  test->body = a.New<ast::BlockStmt>(at);
  test->body->stmts = stmts;
  std::vector<ast::Stmt*>& entry = c->program.entry->stmts;
  entry.insert(entry.end(), stmts.begin(), stmts.end());
  entry.push_back(test);
  Check(c->program, c->semantics, c->diagnostics);
  for (ast::Expr* e : exprs) EXPECT_NE(e->type, nullptr);
  EXPECT_FALSE(ast::DumpAst(*c->program.entry, c->sources).empty());
}

TEST(DumpAst, IsDeterministicAndShowsPositions) {
  const std::string text = "let x = 1 + 2;\nif x > 2 { log(\"{x}\"); }\n";
  auto a = CheckText(text);
  auto b = CheckText(text);
  EXPECT_EQ(a->Dump(), b->Dump());
  EXPECT_NE(a->Dump().find("(let x @1:1"), std::string::npos) << a->Dump();
  EXPECT_NE(a->Dump().find("(binary + @1:9 : num"), std::string::npos) << a->Dump();
}

// ---------------------------------------------------------------- the corpus

using Expected = testing::ExpectedDiagnostic;
using testing::ParseExpectations;

auto ReadAll(const fs::path& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

auto CorpusFiles() -> std::vector<std::string> {
  std::vector<std::string> files;
  fs::path dir = fs::path(WDSL_SOURCE_DIR) / "tests" / "diagnostics";
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".w") continue;
    // Cases of later stages (preflight E05xx, validation E06xx, ...) need
    // the whole pipeline: the CLI test runs those.
    bool later_stage = false;
    for (const Expected& e : ParseExpectations(ReadAll(entry.path()))) {
      later_stage |= e.code[0] == 'E' && e.code.compare(1, 2, "05") >= 0;
    }
    if (!later_stage) files.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back("");  // keeps the suite instantiated
  return files;
}

class DiagnosticCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticCorpus, ReportsExactlyTheExpectedDiagnostics) {
  if (GetParam().empty()) GTEST_SKIP() << "no corpus files";
  fs::path path = fs::path(WDSL_SOURCE_DIR) / "tests" / "diagnostics" / GetParam();
  std::vector<Expected> expected = ParseExpectations(ReadAll(path));
  ASSERT_FALSE(expected.empty()) << path << " has no `// expect:` header";
  SourceManager sources;
  ast::Ast ast;
  Diagnostics diagnostics(sources);
  Semantics semantics;
  std::optional<LoadedProgram> program = Load(path.string(), sources, ast, diagnostics);
  ASSERT_TRUE(program.has_value());
  Check(*program, semantics, diagnostics);
  diagnostics.SortAndDedupe();
  const std::vector<Diagnostic>& actual = diagnostics.All();
  std::vector<bool> used(actual.size(), false);
  for (const Expected& e : expected) {
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i) {
      const Diagnostic& a = actual[i];
      if (used[i] || InfoOf(a.kind).code != e.code || a.span.file >= sources.FileCount()) continue;
      LineCol at = sources.Start(a.span);
      if (static_cast<int>(at.line) == e.line && static_cast<int>(at.col) == e.col &&
          a.message.find(e.fragment) != std::string::npos) {
        used[i] = found = true;
      }
    }
    EXPECT_TRUE(found) << GetParam() << ": expected " << e.code << " at " << e.line << ":" << e.col << " \""
                       << e.fragment << "\"\nactual:\n"
                       << diagnostics.RenderAll(false);
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_TRUE(used[i]) << GetParam() << ": unexpected " << diagnostics.Render(actual[i], false);
  }
}

auto CorpusName(const ::testing::TestParamInfo<std::string>& info) -> std::string {
  std::string name = info.param.empty() ? "none" : info.param.substr(0, info.param.rfind('.'));
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, DiagnosticCorpus, ::testing::ValuesIn(CorpusFiles()), CorpusName);

}  // namespace
}  // namespace wdsl
