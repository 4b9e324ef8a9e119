// The checker's private interface, shared by frontend/check*.cpp (one file
// per construct: declarations, statements, expressions, calls, phases,
// types). Not for use outside the checker: check.h is the API.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "frontend/check.h"

namespace wdsl::checking {

using ast::Phase;

// One lexical scope: a module's top level, a class body, a function, a block.
struct Scope {
  std::map<std::string, const Symbol*> names;
  // Names this scope's code used before it declared them, so they meant a
  // symbol of an enclosing scope: a later `let` of the same name here is an
  // error, as in Wing (the use would silently change meaning).
  std::map<std::string, Span> outer_uses;
};

// What `lift { obj: [ops] }` blocks around the current code qualify.
struct LiftFrame {
  std::vector<const Type*> objects;  // the types of the qualified objects
};

// The function (or top-level code) whose body is being checked.
struct FunctionContext {
  Phase phase = Phase::kPreflight;  // the phase its code runs in
  bool is_function = false;         // false: a module's top-level code
  bool is_constructor = false;
  bool is_static = false;
  const Symbol* cls = nullptr;        // the class of `this`, if any
  const Type* result = nullptr;       // the declared return type; null: infer
  std::vector<const Type*> returned;  // inferred: the types of `return e`
  bool returned_void = false;         // inferred: a bare `return;`
  int loop_depth = 0;
  std::vector<LiftFrame> lifts;
  size_t scope_base = 0;  // the index of its outermost scope
};

class Checker {
 public:
  Checker(Semantics& semantics, Diagnostics& diagnostics);
  auto Run(const LoadedProgram& program) -> bool;

  // ------------------------------------------------------------ check.cpp
  // Scopes.
  void PushScope(Scope* existing = nullptr);
  void PopScope();
  // Declares `symbol` in the innermost scope; reports a duplicate.
  void Declare(const Symbol* symbol);
  auto Lookup(const std::string& name) const -> const Symbol*;
  // Records that `name`, used at `span`, resolved to `symbol` of an outer scope.
  void NoteUse(const std::string& name, Span span, const Symbol* symbol);
  auto VisibleNames() const -> std::vector<std::string>;
  // Reports kUnknownName with a suggestion.
  void ReportUnknownName(const std::string& name, Span span);
  // Source text of a span, whitespace collapsed and shortened, for messages.
  auto Text(Span span) const -> std::string;
  auto Fn() -> FunctionContext& { return functions_.back(); }
  auto CurrentPhase() const -> Phase { return functions_.back().phase; }
  auto Inflight() const -> bool { return functions_.back().phase == Phase::kInflight; }
  void AddDefinedHere(Diagnostic& d, const Symbol* symbol);
  auto Report(DiagnosticKind kind, Span span) -> Diagnostic&;
  template <typename... Args>
  auto Report(DiagnosticKind kind, Span span, Args&&... args) -> Diagnostic& {
    return diagnostics_.Report(kind, span, std::forward<Args>(args)...);
  }

  // ------------------------------------------------------------ check_types.cpp
  auto ResolveType(const ast::TypeExpr* type) -> const Type*;
  auto FunctionType(Phase phase, std::vector<const Type*> params, const Type* result) -> const Type*;
  auto ClassType(const Symbol* decl, std::vector<const Type*> args = {}) -> const Type*;
  // `from` can be used where `to` is expected.
  auto IsAssignable(const Type* from, const Type* to) -> bool;
  // Checks assignability and reports kTypeMismatch at `span`.
  auto ExpectType(const Type* actual, const Type* expected, Span span) -> bool;
  auto IsJsonCompatible(const Type* type) -> bool;
  auto IsStringifiable(const Type* type) -> bool;
  // Replaces type parameters (`T`) by the type arguments in `bindings`.
  auto Substitute(const Type* type, const std::map<std::string, const Type*>& bindings) -> const Type*;
  // The stdlib class that declares the methods of a builtin type (`str` ->
  // String, `Array<T>` -> Array), or null.
  auto BuiltinClass(const Type* type) const -> const Symbol*;
  // The type arguments a builtin or generic value binds: Array<num> -> {T: num}.
  auto BindingsOf(const Type* type, const Symbol* cls) const -> std::map<std::string, const Type*>;
  // A symbol that names a value type in expressions (`str`, `Json`) or null.
  auto BuiltinTypeSymbol(const std::string& name) const -> const Symbol*;
  // A function type matching a closure-shaped interface (one `handle` method).
  auto HandlerType(const Type* type) const -> const Type*;
  auto IsPreflightObjectType(const Type* type) const -> bool;
  // The type inflight code sees of a lifted preflight value: lifted
  // collections and Json are immutable copies (MutArray<T> -> Array<T>).
  auto LiftedType(const Type* type) -> const Type*;
  auto IsSubclass(const Symbol* cls, const Symbol* base) const -> bool;
  auto Implements(const Symbol* cls, const Symbol* iface) const -> bool;
  static auto IsError(const Type* type) -> bool { return type == nullptr || type->kind == TypeKind::kError; }
  static auto IsOptional(const Type* type) -> bool { return type != nullptr && type->kind == TypeKind::kOptional; }
  static auto Unwrap(const Type* type) -> const Type* { return IsOptional(type) ? type->element : type; }

  // ------------------------------------------------------------ check_decls.cpp
  void DeclareModule(const ast::Module& module, Symbol* module_symbol);
  // A class, struct, enum or interface symbol of the current module, declared
  // in the innermost scope.
  auto NewTypeSymbol(SymbolKind kind, const std::string& name, Span span, const std::string& doc, bool is_pub)
      -> Symbol*;
  void DeclareNestedClass(ast::ClassStmt& cls);
  void ResolveModuleDecls(const ast::Module& module);
  void ResolveClassHeader(Symbol* cls);
  void ResolveClassMembers(Symbol* cls);
  void ResolveStruct(Symbol* st);
  void ResolveInterface(Symbol* iface);
  void CheckClass(const ast::ClassStmt& cls);
  void CheckInterfaceImplemented(const Symbol* cls, const Symbol* iface, Span span, std::set<const Symbol*>& seen);
  void CheckFieldsInitialized(const ast::ClassStmt& cls, const Symbol* symbol);
  void CheckFunctionBody(const ast::FunctionDecl& fn, const Symbol* cls, Phase phase);
  auto MakeMethod(const ast::FunctionDecl& fn, Symbol* owner, Phase phase) -> Symbol*;
  auto MemberPhase(Phase declared, const Symbol* cls) const -> Phase;

  // ------------------------------------------------------------ check_stmts.cpp
  void CheckTopLevel(const ast::Module& module);
  void CheckBlock(const ast::BlockStmt* block);
  void CheckStmts(const std::vector<ast::Stmt*>& stmts);
  void CheckStmt(ast::Stmt* stmt);
  void CheckBring(ast::BringStmt& bring);
  void CheckLet(ast::LetStmt& let);
  void CheckAssign(ast::AssignStmt& assign);
  void CheckIf(ast::IfStmt& stmt);
  void CheckFor(ast::ForStmt& stmt);
  void CheckTry(ast::TryStmt& stmt);
  void CheckReturn(ast::ReturnStmt& stmt);
  void CheckTest(ast::TestStmt& test);
  void CheckLift(ast::LiftStmt& lift);
  auto DeclareVariable(SymbolKind kind, const std::string& name, Span span, const Type* type, bool reassignable)
      -> Symbol*;
  // Whether a body has a `return` with a value or a `throw` (outside nested closures).
  static auto HasReturnOrThrow(const ast::Stmt* stmt) -> bool;

  // ------------------------------------------------------------ check_exprs.cpp
  // Checks `expr` (which may be null), annotates it and returns its type.
  // `expected` only guides inference (closure parameters, literals).
  auto CheckExpr(ast::Expr* expr, const Type* expected = nullptr) -> const Type*;
  // CheckExpr, then reports kTypeMismatch unless the type fits `expected`.
  auto CheckExprAs(ast::Expr* expr, const Type* expected) -> const Type*;
  auto CheckExprKind(ast::Expr* expr, const Type* expected) -> const Type*;
  auto CheckIdent(ast::IdentExpr& expr) -> const Type*;
  auto CheckThis(ast::Expr& expr, bool super) -> const Type*;
  auto CheckMember(ast::MemberExpr& expr) -> const Type*;
  auto CheckStaticMember(ast::MemberExpr& expr, const Symbol* type_symbol) -> const Type*;
  auto CheckIndex(ast::IndexExpr& expr) -> const Type*;
  auto CheckUnary(ast::UnaryExpr& expr) -> const Type*;
  auto CheckBinary(ast::BinaryExpr& expr, const Type* expected) -> const Type*;
  auto CheckString(ast::StringExpr& expr) -> const Type*;
  auto CheckArray(ast::ArrayLitExpr& expr, const Type* expected) -> const Type*;
  auto CheckMap(ast::MapLitExpr& expr, const Type* expected) -> const Type*;
  auto CheckObject(ast::ObjectLitExpr& expr, const Type* expected) -> const Type*;
  auto CheckStructLit(ast::StructLitExpr& expr) -> const Type*;
  auto CheckJsonLit(ast::JsonLitExpr& expr) -> const Type*;
  auto CheckClosure(ast::ClosureExpr& expr, const Type* expected) -> const Type*;
  auto CheckIntrinsic(ast::IntrinsicExpr& expr) -> const Type*;
  // Checks `{ k: v }` fields against struct `st`; reports unknown, duplicate
  // and missing fields. `what` names the struct in messages.
  void CheckStructFields(const Symbol* st, std::vector<ast::FieldInit>& fields, Span span);
  // The symbol an expression names when it names a type or module.
  auto TypeSymbolOf(const ast::Expr* expr) const -> const Symbol*;
  // Finds a member of a class, struct or interface, or of a builtin type.
  auto FindMember(const Type* type, const std::string& name, const Symbol** owner_class) -> const Symbol*;
  auto MemberNames(const Type* type) -> std::vector<std::string>;
  auto CheckAccess(const Symbol* member, const Symbol* owner, Span span) -> bool;

  // ------------------------------------------------------------ check_calls.cpp
  auto CheckCall(ast::CallExpr& call, const Type* expected) -> const Type*;
  auto CheckNew(ast::NewExpr& expr) -> const Type*;
  auto IsAllOptionalStruct(const Type* type) const -> bool;
  // Checks positional and named arguments against a function type.
  void CheckArguments(const Type* fn, std::vector<ast::Expr*>& args, std::vector<ast::NamedArg>& named,
                      ast::Expr*& named_struct, Span call_span, const std::string& callee_name);

  // ------------------------------------------------------------ check_phases.cpp
  // Phase rules of a call through `callee` with function type `fn`.
  void CheckCallPhase(const ast::Expr* callee, const Type* fn, Span span);
  // `obj.member` in inflight code: is obj an identifiable preflight object?
  void CheckMemberPhase(ast::MemberExpr& expr, const Symbol* member);
  // Inflight code referencing a preflight value: can it be lifted?
  void CheckLiftable(const ast::IdentExpr& expr, const Symbol* symbol);
  void CheckReassignPhase(const ast::Expr* target, const Symbol* symbol);
  auto QualifiedByLift(const Type* type) const -> bool;
  void CheckLiftQualification(ast::LiftQualification& q, LiftFrame& frame);

  // ------------------------------------------------------------ state
  Semantics& semantics_;
  Diagnostics& diagnostics_;
  const SourceManager& sources_;

  // The scope chain, innermost last: the global scope (std), a module's
  // top level, then classes, functions and blocks.
  std::vector<Scope*> scopes_;
  std::vector<std::unique_ptr<Scope>> owned_scopes_;  // every scope ever made
  Scope global_scope_;
  std::vector<FunctionContext> functions_;
  std::map<std::string, const Type*> type_params_;  // while resolving a generic stdlib class

  const ast::Module* module_ = nullptr;  // being checked
  Symbol* module_symbol_ = nullptr;
  const ast::Module* entry_ = nullptr;
  std::map<FileId, Symbol*> module_by_file_;
  std::map<const ast::Module*, Symbol*> module_symbols_;
  std::map<const Symbol*, Scope*> module_scopes_;  // top-level names per module

  // Declarations whose headers/members are resolved, and those in progress.
  std::set<const Symbol*> resolved_;
  std::set<const Symbol*> resolving_;
  std::set<const Symbol*> nested_decls_;  // classes declared in blocks
  std::set<std::string> qualified_names_;

  // Stdlib anchors (null when the stdlib lacks them).
  const Symbol* std_module_ = nullptr;
  const Symbol* resource_class_ = nullptr;
  const Symbol* struct_class_ = nullptr;
  std::map<TypeKind, const Symbol*> builtin_classes_;
  std::map<std::string, const Symbol*> builtin_value_names_;  // "str" -> String

  // Expressions already reported as unidentifiable preflight objects, so
  // the member accesses built on them do not report again.
  std::set<const ast::Expr*> unliftable_reported_;
  // Set while checking the callee of a call: a preflight function is called,
  // not lifted.
  const ast::Expr* callee_ = nullptr;
  // Set while checking the target of an assignment.
  const ast::Expr* assign_target_ = nullptr;
  int block_depth_ = 0;  // blocks around the statement being checked
  // Local `let` variables of functions, and the symbols referenced: the
  // unused ones get a warning at the end.
  std::vector<const Symbol*> locals_;
  std::set<const Symbol*> used_;
};

}  // namespace wdsl::checking
