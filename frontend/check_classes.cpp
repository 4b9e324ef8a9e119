// Class bodies, checked where the class appears: method and constructor
// bodies in their phase, interfaces implemented fully, fields initialized,
// and the syntax only the standard library may use.
#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

// Collects the fields assigned as `this.name = ...` anywhere in a body.
void CollectThisAssignments(const ast::Stmt* stmt, std::set<std::string>& names) {
  if (stmt == nullptr) return;
  switch (stmt->kind) {
    case ast::StmtKind::kAssign: {
      const auto* assign = ast::As<ast::AssignStmt>(stmt);
      const auto* member = ast::As<ast::MemberExpr>(assign->target);
      if (member != nullptr && ast::As<ast::ThisExpr>(member->object) != nullptr) names.insert(member->name);
      return;
    }
    case ast::StmtKind::kBlock:
      for (const ast::Stmt* child : ast::As<ast::BlockStmt>(stmt)->stmts) CollectThisAssignments(child, names);
      return;
    case ast::StmtKind::kIf: {
      const auto* node = ast::As<ast::IfStmt>(stmt);
      CollectThisAssignments(node->then_block, names);
      CollectThisAssignments(node->else_branch, names);
      return;
    }
    case ast::StmtKind::kFor: return CollectThisAssignments(ast::As<ast::ForStmt>(stmt)->body, names);
    case ast::StmtKind::kWhile: return CollectThisAssignments(ast::As<ast::WhileStmt>(stmt)->body, names);
    case ast::StmtKind::kTry: {
      const auto* node = ast::As<ast::TryStmt>(stmt);
      CollectThisAssignments(node->body, names);
      CollectThisAssignments(node->catch_block, names);
      CollectThisAssignments(node->finally_block, names);
      return;
    }
    case ast::StmtKind::kLift: return CollectThisAssignments(ast::As<ast::LiftStmt>(stmt)->body, names);
    default: return;
  }
}

}  // namespace

void Checker::CheckClass(const ast::ClassStmt& cls) {
  const Symbol* symbol = cls.symbol;
  if (symbol == nullptr) return;
  bool user = !module_->is_stdlib;
  if (user && !cls.type_params.empty()) {
    Report(DiagnosticKind::kStdlibOnlySyntax, cls.name_span, "a class with type parameters");
  }
  if (user && cls.phase == Phase::kUnphased) {
    Report(DiagnosticKind::kStdlibOnlySyntax, cls.span, "an `unphased` class");
  }
  if (user) {
    for (const ast::FieldDecl& field : cls.fields) {
      if (field.phase == Phase::kUnphased) {
        Report(DiagnosticKind::kStdlibOnlySyntax, field.span, "an `unphased` field");
      }
    }
  }
  // Interfaces, checked against the members including inherited ones.
  std::set<const Symbol*> seen;
  for (size_t i = 0; i < symbol->interfaces.size(); ++i) {
    Span span = i < cls.impls.size() && cls.impls[i] != nullptr ? cls.impls[i]->span : cls.name_span;
    CheckInterfaceImplemented(symbol, symbol->interfaces[i], span, seen);
  }
  for (const ast::FunctionDecl& fn : cls.methods) {
    if (!fn.extern_path.empty()) {
      Report(DiagnosticKind::kExternNotSupported, fn.span);
      continue;
    }
    if (user && fn.phase == Phase::kUnphased) {
      Report(DiagnosticKind::kStdlibOnlySyntax, fn.span, "an `unphased` method");
    }
    if (fn.body == nullptr) {
      if (user) Report(DiagnosticKind::kStdlibOnlySyntax, fn.span, "a method without a body");
      continue;
    }
    CheckFunctionBody(fn, symbol, MemberPhase(fn.phase, symbol));
  }
  if (user) CheckFieldsInitialized(cls, symbol);
}

void Checker::CheckInterfaceImplemented(const Symbol* cls, const Symbol* iface, Span span,
                                        std::set<const Symbol*>& seen) {
  if (iface == nullptr || !seen.insert(iface).second) return;
  for (const auto& [name, method] : iface->members) {
    if (method->kind != SymbolKind::kMethod || method->owner != iface) continue;
    auto it = cls->members.find(name);
    if (it == cls->members.end() || it->second->kind != SymbolKind::kMethod) {
      Diagnostic& d = Report(DiagnosticKind::kInterfaceNotImplemented, span, cls->name, name, iface->name);
      d.notes.push_back(
          DiagnosticNote{{}, false, fmt::format("`{}` is declared as `{}`", name, TypeName(method->type))});
      continue;
    }
    const Symbol* impl = it->second;
    bool same_phase = impl->type->phase == method->type->phase;
    if (!same_phase || !IsAssignable(impl->type, method->type) || impl->access != ast::Access::kPublic) {
      Diagnostic& d = Report(DiagnosticKind::kTypeMismatch, impl->span, TypeName(method->type), TypeName(impl->type));
      if (impl->access != ast::Access::kPublic && same_phase) {
        d.label = fmt::format("`{}` implements interface `{}`, so it must be `pub`", name, iface->name);
      } else {
        d.label = fmt::format("as declared by interface `{}`", iface->name);
      }
    }
  }
  for (const Symbol* base : iface->interfaces) CheckInterfaceImplemented(cls, base, span, seen);
}

void Checker::CheckFieldsInitialized(const ast::ClassStmt& cls, const Symbol* symbol) {
  std::set<std::string> preflight_assigned;
  std::set<std::string> inflight_assigned;
  for (const ast::FunctionDecl& fn : cls.methods) {
    if (!fn.is_constructor) continue;
    bool inflight = MemberPhase(fn.phase, symbol) == Phase::kInflight;
    CollectThisAssignments(fn.body, inflight ? inflight_assigned : preflight_assigned);
  }
  for (const ast::FieldDecl& field : cls.fields) {
    if (field.is_static) continue;
    bool inflight = MemberPhase(field.phase, symbol) == Phase::kInflight;
    const auto& assigned = inflight ? inflight_assigned : preflight_assigned;
    if (assigned.contains(field.name)) continue;
    std::string ctor = inflight && symbol->phase != Phase::kInflight ? "inflight new" : "new";
    Diagnostic& d = Report(DiagnosticKind::kFieldNotInitialized, field.span, field.name, symbol->name);
    d.label = fmt::format("assign it with `this.{} = ...;` in `{}()`", field.name, ctor);
  }
}

void Checker::CheckFunctionBody(const ast::FunctionDecl& fn, const Symbol* cls, Phase phase) {
  const Symbol* method = fn.symbol;
  const Type* type = method != nullptr ? method->type : nullptr;
  FunctionContext ctx;
  ctx.phase = phase == Phase::kUnphased ? Phase::kPreflight : phase;
  ctx.is_function = true;
  ctx.is_constructor = fn.is_constructor;
  ctx.is_static = fn.is_static;
  ctx.cls = cls;
  ctx.result = type != nullptr ? type->result : semantics_.Error();
  ctx.scope_base = scopes_.size();
  functions_.push_back(std::move(ctx));
  PushScope();
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const ast::Param& param = fn.params[i];
    const Type* param_type = type != nullptr && i < type->params.size() ? type->params[i] : semantics_.Error();
    Symbol* symbol = DeclareVariable(SymbolKind::kParameter, param.name, param.span, param_type, param.is_var);
    const_cast<ast::Param&>(param).symbol = symbol;
  }
  CheckBlock(fn.body);
  const Type* result = functions_.back().result;
  if (!IsError(result) && result->kind != TypeKind::kVoid && !IsOptional(result) && !HasReturnOrThrow(fn.body)) {
    Span span = fn.body != nullptr ? fn.body->span : fn.span;
    Report(DiagnosticKind::kMissingReturn, span, fn.name, TypeName(result));
  }
  PopScope();
  functions_.pop_back();
}

}  // namespace wdsl::checking
