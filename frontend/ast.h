// The project's own syntax tree. The ANTLR parse tree is converted into this
// right after parsing (frontend/parse.cpp) and goes no further. Nodes are
// owned by an `Ast` arena that lives as long as the compilation; pointers
// between nodes are non-owning. The checker annotates nodes in place
// (`type`, `phase`, `symbol`); later stages read those annotations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "frontend/source.h"

namespace wdsl {

struct Type;    // frontend/types.h: a checked type
struct Symbol;  // frontend/types.h: what a name resolves to

namespace ast {

enum class Phase : uint8_t { kPreflight, kInflight, kUnphased };
enum class Access : uint8_t { kPrivate, kProtected, kPublic };

enum class ExprKind : uint8_t {
#define EXPR(name) k##name,
#include "frontend/ast_kinds.def"
#undef EXPR
};

enum class StmtKind : uint8_t {
#define STMT(name) k##name,
#include "frontend/ast_kinds.def"
#undef STMT
};

struct Node {
  explicit Node(Span s) : span(s) {}
  virtual ~Node() = default;
  Span span;
};

// ---------------------------------------------------------------- types

// A type as written in the source.
struct TypeExpr : Node {
  enum class Kind : uint8_t { kNamed, kOptional, kFunction };
  TypeExpr(Span s, Kind k) : Node(s), kind(k) {}
  Kind kind;
  // kNamed: the dotted name ("num", "Array", {"cloud", "Bucket"}) and the
  // generic arguments (`Array<str>` -> args = {str}).
  std::vector<std::string> path;
  std::vector<TypeExpr*> args;
  // kOptional: `inner?`. kFunction: args are the parameter types.
  TypeExpr* inner = nullptr;
  TypeExpr* result = nullptr;          // kFunction: return type
  Phase phase = Phase::kPreflight;     // kFunction: `inflight (str): void`
};

// ---------------------------------------------------------------- expressions

struct Expr : Node {
  Expr(Span s, ExprKind k) : Node(s), kind(k) {}
  ExprKind kind;
  // Set by the checker.
  const Type* type = nullptr;
  Phase phase = Phase::kUnphased;  // the phase the value belongs to
};

template <typename T>
auto As(Expr* e) -> T* {
  return e != nullptr && e->kind == T::kKind ? static_cast<T*>(e) : nullptr;
}
template <typename T>
auto As(const Expr* e) -> const T* {
  return e != nullptr && e->kind == T::kKind ? static_cast<const T*>(e) : nullptr;
}

#define WDSL_EXPR_NODE(Name) \
  static constexpr ExprKind kKind = ExprKind::k##Name; \
  explicit Name##Expr(Span s) : Expr(s, kKind) {}

struct NumberExpr : Expr {
  WDSL_EXPR_NODE(Number)
  double value = 0;
};

// A string literal. Interpolation `"a {x} b"` gives parts {"a ", x, " b"};
// escapes are already decoded in `text`.
struct StringPart {
  std::string text;
  Expr* expr = nullptr;  // non-null for an interpolated `{...}` part
};
struct StringExpr : Expr {
  WDSL_EXPR_NODE(String)
  std::vector<StringPart> parts;
  bool raw = false;  // #"..."
};

struct BoolExpr : Expr {
  WDSL_EXPR_NODE(Bool)
  bool value = false;
};

struct NilExpr : Expr {
  WDSL_EXPR_NODE(Nil)
};

struct DurationExpr : Expr {
  WDSL_EXPR_NODE(Duration)
  double seconds = 0;
};

struct IdentExpr : Expr {
  WDSL_EXPR_NODE(Ident)
  std::string name;
  const Symbol* symbol = nullptr;  // set by the checker
};

struct ThisExpr : Expr {
  WDSL_EXPR_NODE(This)
};

struct SuperExpr : Expr {
  WDSL_EXPR_NODE(Super)
};

struct MemberExpr : Expr {
  WDSL_EXPR_NODE(Member)
  Expr* object = nullptr;
  std::string name;
  Span name_span;
  bool optional_chain = false;     // a?.b
  const Symbol* member = nullptr;  // set by the checker: the field or method
};

struct IndexExpr : Expr {
  WDSL_EXPR_NODE(Index)
  Expr* object = nullptr;
  Expr* index = nullptr;
};

struct NamedArg {
  std::string name;
  Span span;  // of the name
  Expr* value = nullptr;
};

struct CallExpr : Expr {
  WDSL_EXPR_NODE(Call)
  Expr* callee = nullptr;
  std::vector<Expr*> args;
  // Named arguments fill the callee's last (struct) parameter, as in Wing.
  // The checker turns them into a StructLitExpr stored in `named_struct`.
  std::vector<NamedArg> named;
  Expr* named_struct = nullptr;
};

struct NewExpr : Expr {
  WDSL_EXPR_NODE(New)
  TypeExpr* class_type = nullptr;
  std::vector<Expr*> args;
  std::vector<NamedArg> named;
  Expr* named_struct = nullptr;  // as in CallExpr
  Expr* id = nullptr;            // `as "id"`
  Expr* scope = nullptr;         // `in scope`
};

enum class UnaryOp : uint8_t { kNeg, kNot };
struct UnaryExpr : Expr {
  WDSL_EXPR_NODE(Unary)
  UnaryOp op = UnaryOp::kNeg;
  Expr* operand = nullptr;
};

enum class BinaryOp : uint8_t {
  kAdd, kSub, kMul, kDiv, kIntDiv, kMod, kPow,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNilCoalesce,
};
auto BinaryOpText(BinaryOp op) -> const char*;

struct BinaryExpr : Expr {
  WDSL_EXPR_NODE(Binary)
  BinaryOp op = BinaryOp::kAdd;
  Span op_span;
  Expr* lhs = nullptr;
  Expr* rhs = nullptr;
};

struct RangeExpr : Expr {
  WDSL_EXPR_NODE(Range)
  Expr* start = nullptr;
  Expr* end = nullptr;
  bool inclusive = false;  // a..=b
};

struct UnwrapExpr : Expr {
  WDSL_EXPR_NODE(Unwrap)
  Expr* operand = nullptr;
};

struct ArrayLitExpr : Expr {
  WDSL_EXPR_NODE(ArrayLit)
  TypeExpr* annotation = nullptr;  // MutArray<str>, Set<num>, or null
  std::vector<Expr*> items;
};

struct MapEntry {
  Expr* key = nullptr;
  Expr* value = nullptr;
};
struct MapLitExpr : Expr {
  WDSL_EXPR_NODE(MapLit)
  TypeExpr* annotation = nullptr;  // Map<num>, MutMap<str>, or null
  std::vector<MapEntry> entries;
};

struct FieldInit {
  std::string name;  // `k:` or `"k":`
  Span span;         // of the name
  Expr* value = nullptr;
};

// `{ k: v }`: what it is comes from the expected type (struct, Map, Json).
struct ObjectLitExpr : Expr {
  WDSL_EXPR_NODE(ObjectLit)
  std::vector<FieldInit> fields;
};

struct StructLitExpr : Expr {
  WDSL_EXPR_NODE(StructLit)
  TypeExpr* struct_type = nullptr;  // null when made from named arguments
  std::vector<FieldInit> fields;
};

struct JsonLitExpr : Expr {
  WDSL_EXPR_NODE(JsonLit)
  bool mutable_json = false;  // MutJson
  Expr* value = nullptr;      // ObjectLit, ArrayLit or any expression
};

struct BlockStmt;

struct Param {
  std::string name;
  Span span;
  TypeExpr* type = nullptr;  // null: inferred from the expected function type
  bool is_var = false;
  const Symbol* symbol = nullptr;  // set by the checker
};

struct ClosureExpr : Expr {
  WDSL_EXPR_NODE(Closure)
  Phase closure_phase = Phase::kPreflight;
  std::vector<Param> params;
  TypeExpr* result = nullptr;  // null: inferred (void unless expected)
  BlockStmt* body = nullptr;
};

struct IntrinsicExpr : Expr {
  WDSL_EXPR_NODE(Intrinsic)
  std::string name;  // without '@'
  bool called = false;
  std::vector<Expr*> args;
};

#undef WDSL_EXPR_NODE

// ---------------------------------------------------------------- statements

struct Stmt : Node {
  Stmt(Span s, StmtKind k) : Node(s), kind(k) {}
  StmtKind kind;
};

template <typename T>
auto As(Stmt* s) -> T* {
  return s != nullptr && s->kind == T::kKind ? static_cast<T*>(s) : nullptr;
}
template <typename T>
auto As(const Stmt* s) -> const T* {
  return s != nullptr && s->kind == T::kKind ? static_cast<const T*>(s) : nullptr;
}

#define WDSL_STMT_NODE(Name) \
  static constexpr StmtKind kKind = StmtKind::k##Name; \
  explicit Name##Stmt(Span s) : Stmt(s, kKind) {}

struct BlockStmt : Stmt {
  WDSL_STMT_NODE(Block)
  std::vector<Stmt*> stmts;
  Span close_span;  // the closing `}`
};

// `bring cloud;` (module = "cloud") or `bring "./lib.w" as lib;` (path set).
struct BringStmt : Stmt {
  WDSL_STMT_NODE(Bring)
  std::string module;
  std::string path;
  std::string alias;  // empty: the module's own name
  Span target_span;
  FileId brought_file = 0;  // set when a local file was loaded
};

struct LetStmt : Stmt {
  WDSL_STMT_NODE(Let)
  bool is_var = false;
  std::string name;
  Span name_span;
  TypeExpr* annotation = nullptr;
  Expr* init = nullptr;
  const Symbol* symbol = nullptr;  // set by the checker
};

enum class AssignOp : uint8_t { kAssign, kAdd, kSub, kMul, kDiv };
struct AssignStmt : Stmt {
  WDSL_STMT_NODE(Assign)
  AssignOp op = AssignOp::kAssign;  // `x += e` is lowered to `x = x + e`
  Expr* target = nullptr;
  Expr* value = nullptr;
};

// `if c {}`, or `if let [var] name = value {}` when let_name is set.
struct IfStmt : Stmt {
  WDSL_STMT_NODE(If)
  Expr* condition = nullptr;  // the value for `if let`
  std::string let_name;
  Span let_span;
  bool let_is_var = false;
  const Symbol* let_symbol = nullptr;  // set by the checker
  BlockStmt* then_block = nullptr;
  Stmt* else_branch = nullptr;  // BlockStmt, IfStmt (else if), or null
};

struct ForStmt : Stmt {
  WDSL_STMT_NODE(For)
  std::string var;
  Span var_span;
  Expr* iterable = nullptr;
  BlockStmt* body = nullptr;
  const Symbol* symbol = nullptr;  // set by the checker
};

struct WhileStmt : Stmt {
  WDSL_STMT_NODE(While)
  Expr* condition = nullptr;
  BlockStmt* body = nullptr;
};

struct BreakStmt : Stmt {
  WDSL_STMT_NODE(Break)
};

struct ContinueStmt : Stmt {
  WDSL_STMT_NODE(Continue)
};

struct ReturnStmt : Stmt {
  WDSL_STMT_NODE(Return)
  Expr* value = nullptr;
};

struct ThrowStmt : Stmt {
  WDSL_STMT_NODE(Throw)
  Expr* value = nullptr;
};

struct TryStmt : Stmt {
  WDSL_STMT_NODE(Try)
  BlockStmt* body = nullptr;
  std::string catch_name;  // may be empty: `catch { }`
  Span catch_span;
  BlockStmt* catch_block = nullptr;    // null: no catch
  BlockStmt* finally_block = nullptr;  // null: no finally
  const Symbol* catch_symbol = nullptr;  // set by the checker
};

struct ExprStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::kExpr;
  explicit ExprStmt(Span s) : Stmt(s, kKind) {}
  Expr* expr = nullptr;
};

struct FieldDecl {
  std::string name;
  Span span;
  std::string doc;  // `///` comment text, if any
  TypeExpr* type = nullptr;
  Access access = Access::kPrivate;
  bool is_static = false;
  bool is_var = false;
  Phase phase = Phase::kPreflight;  // `inflight` field
  const Symbol* symbol = nullptr;
};

struct StructStmt : Stmt {
  WDSL_STMT_NODE(Struct)
  std::string name;
  Span name_span;
  std::string doc;
  bool is_pub = false;
  std::vector<TypeExpr*> extends;
  std::vector<FieldDecl> fields;
  const Symbol* symbol = nullptr;
};

struct EnumStmt : Stmt {
  WDSL_STMT_NODE(Enum)
  std::string name;
  Span name_span;
  std::string doc;
  bool is_pub = false;
  std::vector<std::pair<std::string, Span>> members;
  const Symbol* symbol = nullptr;
};

// A method, constructor, or interface method signature.
struct FunctionDecl {
  std::string name;  // "new" for constructors
  Span span;         // of the name
  std::string doc;
  Access access = Access::kPrivate;
  bool is_static = false;
  bool is_constructor = false;
  Phase phase = Phase::kPreflight;
  std::vector<Param> params;
  TypeExpr* result = nullptr;  // null: void
  BlockStmt* body = nullptr;   // null: a declaration (stdlib, interface)
  std::string extern_path;     // `extern "./f.js"`: rejected by the checker
  const Symbol* symbol = nullptr;
};

struct InterfaceStmt : Stmt {
  WDSL_STMT_NODE(Interface)
  std::string name;
  Span name_span;
  std::string doc;
  bool is_pub = false;
  std::vector<TypeExpr*> extends;
  std::vector<FunctionDecl> methods;
  const Symbol* symbol = nullptr;
};

struct ClassStmt : Stmt {
  WDSL_STMT_NODE(Class)
  std::string name;
  Span name_span;
  std::string doc;
  bool is_pub = false;
  Phase phase = Phase::kPreflight;     // `inflight class`
  std::vector<std::string> type_params;  // stdlib only: class Array<T>
  TypeExpr* extends = nullptr;
  std::vector<TypeExpr*> impls;
  std::vector<FieldDecl> fields;
  std::vector<FunctionDecl> methods;  // constructors included (is_constructor)
  const Symbol* symbol = nullptr;
};

struct TestStmt : Stmt {
  WDSL_STMT_NODE(Test)
  std::string name;
  BlockStmt* body = nullptr;
};

struct LiftQualification {
  Expr* object = nullptr;
  std::vector<std::pair<std::string, Span>> ops;
};
struct LiftStmt : Stmt {
  WDSL_STMT_NODE(Lift)
  std::vector<LiftQualification> qualifications;
  BlockStmt* body = nullptr;
};

#undef WDSL_STMT_NODE

// ---------------------------------------------------------------- modules

// One parsed file.
struct Module {
  FileId file = 0;
  std::string name;        // "main", "cloud", "lib"
  bool is_stdlib = false;  // stdlib declarations allow bodyless methods etc.
  std::vector<Stmt*> stmts;
};

// The arena that owns every node of one compilation.
class Ast {
 public:
  template <typename T, typename... Args>
  auto New(Args&&... args) -> T* {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }
  auto NewModule() -> Module* {
    modules_.push_back(std::make_unique<Module>());
    return modules_.back().get();
  }
  auto Modules() const -> const std::vector<std::unique_ptr<Module>>& { return modules_; }
  auto NodeCount() const -> size_t { return nodes_.size(); }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Module>> modules_;
};

// Prints the tree as indented S-expressions for `wdsl check --dump-ast`.
auto DumpAst(const Module& module, const SourceManager& sources) -> std::string;

}  // namespace ast
}  // namespace wdsl
