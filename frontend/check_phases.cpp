// Phase rules: what preflight and inflight code may call, create, reassign
// and reach of each other, and `lift` qualifications.
#include <algorithm>

#include "frontend/check_internal.h"

namespace wdsl::checking {

void Checker::CheckCallPhase(const ast::Expr* callee, const Type* fn, Span span) {
  if (fn == nullptr || fn->phase == Phase::kUnphased || fn->phase == CurrentPhase()) return;
  const auto* member = ast::As<ast::MemberExpr>(callee);
  bool method = member != nullptr && member->member != nullptr && member->member->kind == SymbolKind::kMethod;
  std::string name = callee != nullptr ? Text(callee->span) : "";
  if (fn->phase == Phase::kInflight) {
    Diagnostic& d = Report(
        method ? DiagnosticKind::kInflightCallFromPreflight : DiagnosticKind::kInflightClosureAtPreflight, span, name);
    d.label = "call it from an inflight closure, an inflight method or a test";
  } else {
    Diagnostic& d =
        Report(method ? DiagnosticKind::kPreflightCallFromInflight : DiagnosticKind::kPreflightClosureFromInflight,
               span, name);
    d.label = "preflight code runs at compile time, before any inflight code";
  }
}

void Checker::CheckMemberPhase(ast::MemberExpr& expr, const Symbol* member) {
  const ast::Expr* object = expr.object;
  if (object == nullptr || member == nullptr) return;
  if (!Inflight()) {
    // Inflight fields exist only in the inflight client of the object.
    if (member->kind == SymbolKind::kField && member->phase == Phase::kInflight) {
      Report(DiagnosticKind::kInflightFieldFromPreflight, expr.name_span, member->name);
    }
    return;
  }
  const Type* type = Unwrap(object->type);
  if (!IsPreflightObjectType(type) || object->phase != Phase::kInflight) return;
  if (unliftable_reported_.contains(object)) return;
  if (QualifiedByLift(type)) {
    // A lift qualifies the object's inflight operations; its preflight
    // fields are still out of reach.
    if (member->kind == SymbolKind::kField && member->phase == Phase::kPreflight) {
      Diagnostic& d = Report(DiagnosticKind::kPreflightFieldFromInflight, expr.name_span, member->name);
      d.label = fmt::format("`{}` is an inflight value of type `{}`", Text(object->span), TypeName(type));
      unliftable_reported_.insert(&expr);  // what it reaches is not reported again
    }
    return;
  }
  Diagnostic& d = Report(DiagnosticKind::kUnliftableObject, object->span, Text(object->span));
  d.notes.push_back(DiagnosticNote{{},
                                   false,
                                   fmt::format("it is a `{}` obtained inflight (through a call, an index or a "
                                               "variable), not a preflight object named directly",
                                               TypeName(type))});
  unliftable_reported_.insert(object);
}

void Checker::CheckLiftable(const ast::IdentExpr& expr, const Symbol* symbol) {
  const Type* type = symbol->type;
  if (type == nullptr || callee_ == &expr) return;
  // A preflight function cannot run inflight, so it cannot be lifted.
  if (type->kind == TypeKind::kFunction && type->phase == Phase::kPreflight) {
    Report(DiagnosticKind::kNotLiftable, expr.span, expr.name, TypeName(type));
  }
}

void Checker::CheckReassignPhase(const ast::Expr* target, const Symbol* symbol) {
  if (!Inflight() || symbol->phase != Phase::kPreflight) return;
  Diagnostic& d = Report(DiagnosticKind::kReassignFromInflight, target->span, symbol->name);
  AddDefinedHere(d, symbol);
}

auto Checker::QualifiedByLift(const Type* type) const -> bool {
  for (const LiftFrame& frame : functions_.back().lifts) {
    for (const Type* object : frame.objects) {
      if (object == type) return true;
      if (object->decl != nullptr && type->decl != nullptr &&
          (IsSubclass(type->decl, object->decl) || IsSubclass(object->decl, type->decl) ||
           Implements(type->decl, object->decl) || Implements(object->decl, type->decl))) {
        return true;
      }
    }
  }
  return false;
}

void Checker::CheckLiftQualification(ast::LiftQualification& q, LiftFrame& frame) {
  const Type* type = CheckExpr(q.object);
  if (q.object == nullptr || IsError(type)) return;
  if (!IsPreflightObjectType(type) || q.object->phase != Phase::kPreflight) {
    Report(DiagnosticKind::kLiftNotPreflightObject, q.object->span, Text(q.object->span), TypeName(type));
    return;
  }
  std::vector<std::string> operations;
  for (const auto& [name, member] : type->decl->members) {
    if (member->kind == SymbolKind::kMethod && member->phase == Phase::kInflight && !member->is_static) {
      operations.push_back(name);
    }
  }
  for (const auto& [op, span] : q.ops) {
    if (std::find(operations.begin(), operations.end(), op) != operations.end()) continue;
    Diagnostic& d = Report(DiagnosticKind::kUnknownLiftOperation, span, TypeName(type), op);
    if (std::string near = ClosestName(op, operations); !near.empty())
      d.label = fmt::format("did you mean `{}`?", near);
  }
  frame.objects.push_back(type);
}

}  // namespace wdsl::checking
