// Expressions: the dispatch, names, `this`, indexing, operators, strings
// and intrinsics. Member access is in check_members.cpp, literals and
// closures in check_literals.cpp, calls in check_calls.cpp.

#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

auto IsTypeOrModule(const Symbol* s) -> bool {
  return s != nullptr &&
         (s->kind == SymbolKind::kClass || s->kind == SymbolKind::kStruct || s->kind == SymbolKind::kEnum ||
          s->kind == SymbolKind::kInterface || s->kind == SymbolKind::kModule);
}

}  // namespace

auto Checker::CheckExpr(ast::Expr* expr, const Type* expected) -> const Type* {
  if (expr == nullptr) return semantics_.Error();
  if (callee_ != expr) callee_ = nullptr;  // only the direct callee of a call is one
  expr->phase = CurrentPhase();
  if (diagnostics_.Saturated()) {
    expr->type = semantics_.Error();
    return expr->type;
  }
  const Type* type = CheckExprKind(expr, expected);
  expr->type = type != nullptr ? type : semantics_.Error();
  return expr->type;
}

auto Checker::CheckExprAs(ast::Expr* expr, const Type* expected) -> const Type* {
  const Type* type = CheckExpr(expr, expected);
  if (expr != nullptr && expected != nullptr) ExpectType(type, expected, expr->span);
  return type;
}

auto Checker::CheckExprKind(ast::Expr* expr, const Type* expected) -> const Type* {
  switch (expr->kind) {
    case ast::ExprKind::kNumber: return semantics_.Num();
    case ast::ExprKind::kString: return CheckString(*ast::As<ast::StringExpr>(expr));
    case ast::ExprKind::kBool: return semantics_.Bool();
    case ast::ExprKind::kNil: return semantics_.Nil();
    case ast::ExprKind::kDuration: return semantics_.Duration();
    case ast::ExprKind::kIdent: return CheckIdent(*ast::As<ast::IdentExpr>(expr));
    case ast::ExprKind::kThis: return CheckThis(*expr, false);
    case ast::ExprKind::kSuper: return CheckThis(*expr, true);
    case ast::ExprKind::kMember: return CheckMember(*ast::As<ast::MemberExpr>(expr));
    case ast::ExprKind::kIndex: return CheckIndex(*ast::As<ast::IndexExpr>(expr));
    case ast::ExprKind::kCall: return CheckCall(*ast::As<ast::CallExpr>(expr), expected);
    case ast::ExprKind::kNew: return CheckNew(*ast::As<ast::NewExpr>(expr));
    case ast::ExprKind::kUnary: return CheckUnary(*ast::As<ast::UnaryExpr>(expr));
    case ast::ExprKind::kBinary: return CheckBinary(*ast::As<ast::BinaryExpr>(expr), expected);
    case ast::ExprKind::kRange: {
      auto& range = *ast::As<ast::RangeExpr>(expr);
      CheckExprAs(range.start, semantics_.Num());
      CheckExprAs(range.end, semantics_.Num());
      return semantics_.Collection(TypeKind::kArray, semantics_.Num());
    }
    case ast::ExprKind::kUnwrap: {
      auto& unwrap = *ast::As<ast::UnwrapExpr>(expr);
      const Type* type = CheckExpr(unwrap.operand);
      if (IsOptional(type)) return type->element;
      if (!IsError(type) && type->kind != TypeKind::kAny) {
        Report(DiagnosticKind::kNotOptional, unwrap.operand->span, "`!`", TypeName(type));
      }
      return type;
    }
    case ast::ExprKind::kArrayLit: return CheckArray(*ast::As<ast::ArrayLitExpr>(expr), expected);
    case ast::ExprKind::kMapLit: return CheckMap(*ast::As<ast::MapLitExpr>(expr), expected);
    case ast::ExprKind::kObjectLit: return CheckObject(*ast::As<ast::ObjectLitExpr>(expr), expected);
    case ast::ExprKind::kStructLit: return CheckStructLit(*ast::As<ast::StructLitExpr>(expr));
    case ast::ExprKind::kJsonLit: return CheckJsonLit(*ast::As<ast::JsonLitExpr>(expr));
    case ast::ExprKind::kClosure: return CheckClosure(*ast::As<ast::ClosureExpr>(expr), expected);
    case ast::ExprKind::kIntrinsic: return CheckIntrinsic(*ast::As<ast::IntrinsicExpr>(expr));
  }
  return semantics_.Error();
}

// ---------------------------------------------------------------- names

auto Checker::CheckIdent(ast::IdentExpr& expr) -> const Type* {
  const Symbol* symbol = Lookup(expr.name);
  if (symbol == nullptr) symbol = BuiltinTypeSymbol(expr.name);
  if (symbol == nullptr) {
    ReportUnknownName(expr.name, expr.span);
    return semantics_.Error();
  }
  expr.symbol = symbol;
  used_.insert(symbol);
  NoteUse(expr.name, expr.span, symbol);
  switch (symbol->kind) {
    case SymbolKind::kVariable:
    case SymbolKind::kParameter:
      expr.phase = symbol->phase;
      if (symbol->type == nullptr) return semantics_.Error();
      if (Inflight() && symbol->phase == Phase::kPreflight) {
        CheckLiftable(expr, symbol);
        return LiftedType(symbol->type);
      }
      return symbol->type;
    case SymbolKind::kMethod:  // `log`, `assert`: the statics of class Std
      expr.phase = Phase::kUnphased;
      return symbol->type != nullptr ? symbol->type : semantics_.Error();
    default:
      // A type or module: only meaningful before `.` (handled by CheckMember).
      expr.phase = Phase::kUnphased;
      return semantics_.Error();
  }
}

auto Checker::CheckThis(ast::Expr& expr, bool super) -> const Type* {
  const FunctionContext& fn = Fn();
  const char* word = super ? "super" : "this";
  if (fn.cls == nullptr || fn.is_static) {
    Diagnostic& d = Report(DiagnosticKind::kThisOutsideClass, expr.span, word);
    if (fn.is_static) d.label = "static methods have no instance";
    return semantics_.Error();
  }
  const Symbol* cls = fn.cls;
  if (super) {
    if (cls->base == nullptr) {
      Diagnostic& d = Report(DiagnosticKind::kThisOutsideClass, expr.span, word);
      d.label = fmt::format("`{}` has no base class", cls->name);
      return semantics_.Error();
    }
    cls = cls->base;
  }
  // Inflight methods of a preflight class reach the preflight object itself.
  expr.phase = cls->phase == Phase::kInflight ? Phase::kInflight : Phase::kPreflight;
  return ClassType(cls);
}

auto Checker::TypeSymbolOf(const ast::Expr* expr) const -> const Symbol* {
  if (const auto* ident = ast::As<ast::IdentExpr>(expr)) return IsTypeOrModule(ident->symbol) ? ident->symbol : nullptr;
  if (const auto* member = ast::As<ast::MemberExpr>(expr)) {
    return IsTypeOrModule(member->member) ? member->member : nullptr;
  }
  return nullptr;
}

// ---------------------------------------------------------------- indexing and operators

auto Checker::CheckIndex(ast::IndexExpr& expr) -> const Type* {
  const Type* object = CheckExpr(expr.object);
  const Type* index = CheckExpr(expr.index);
  if (IsError(object)) return semantics_.Error();
  auto expect_index = [&](const Type* type) {
    if (expr.index != nullptr) ExpectType(index, type, expr.index->span);
  };
  switch (object->kind) {
    case TypeKind::kArray:
    case TypeKind::kMutArray: expect_index(semantics_.Num()); return object->element;
    case TypeKind::kMap:
    case TypeKind::kMutMap: expect_index(semantics_.Str()); return object->element;
    case TypeKind::kJson:
    case TypeKind::kMutJson:
      if (!IsError(index) && index->kind != TypeKind::kStr && index->kind != TypeKind::kNum) {
        Report(DiagnosticKind::kTypeMismatch, expr.index->span, "str` or `num", TypeName(index));
      }
      return object;
    case TypeKind::kStr:  // as in Wing, a one-character string
      expect_index(semantics_.Num());
      return semantics_.Str();
    case TypeKind::kAny: return semantics_.Any();
    default: {
      Diagnostic& d = Report(DiagnosticKind::kNotIndexable, expr.object != nullptr ? expr.object->span : expr.span,
                             TypeName(object));
      if (IsOptional(object)) d.label = "unwrap it first with `!`, `??` or `if let`";
      return semantics_.Error();
    }
  }
}

auto Checker::CheckUnary(ast::UnaryExpr& expr) -> const Type* {
  const Type* operand = CheckExpr(expr.operand);
  const Type* want = expr.op == ast::UnaryOp::kNeg ? semantics_.Num() : semantics_.Bool();
  if (!IsError(operand) && operand->kind != want->kind && operand->kind != TypeKind::kAny) {
    Report(DiagnosticKind::kBadOperand, expr.span, expr.op == ast::UnaryOp::kNeg ? "-" : "!", TypeName(operand));
  }
  return want;
}

auto Checker::CheckBinary(ast::BinaryExpr& expr, const Type* expected) -> const Type* {
  using ast::BinaryOp;
  if (expr.op == BinaryOp::kNilCoalesce) {
    const Type* lhs = CheckExpr(expr.lhs, expected != nullptr ? semantics_.Optional(expected) : nullptr);
    if (IsError(lhs)) {
      CheckExpr(expr.rhs, expected);
      return semantics_.Error();
    }
    if (!IsOptional(lhs)) {
      if (lhs->kind != TypeKind::kAny) Report(DiagnosticKind::kNotOptional, expr.lhs->span, "`??`", TypeName(lhs));
      CheckExpr(expr.rhs, lhs);
      return lhs;
    }
    const Type* rhs = CheckExpr(expr.rhs, lhs->element);
    if (expr.rhs == nullptr) return lhs->element;
    // Two identifiable preflight objects give one (`lift { a ?? b: [put] }`).
    if (expr.lhs->phase == Phase::kPreflight && expr.rhs->phase == Phase::kPreflight) expr.phase = Phase::kPreflight;
    if (IsOptional(rhs) || rhs->kind == TypeKind::kNil) {
      ExpectType(rhs, lhs, expr.rhs->span);
      return lhs;
    }
    ExpectType(rhs, lhs->element, expr.rhs->span);
    return lhs->element;
  }
  const Type* lhs = CheckExpr(expr.lhs);
  const Type* rhs = CheckExpr(expr.rhs);
  const char* op = ast::BinaryOpText(expr.op);
  bool errors = IsError(lhs) || IsError(rhs);
  bool any = !errors && (lhs->kind == TypeKind::kAny || rhs->kind == TypeKind::kAny);
  auto both = [&](TypeKind kind) { return lhs->kind == kind && rhs->kind == kind; };
  auto bad = [&]() -> Diagnostic& {
    return Report(DiagnosticKind::kBadOperands, expr.op_span, op, TypeName(lhs), TypeName(rhs));
  };
  switch (expr.op) {
    case BinaryOp::kAdd:
      if (errors) return semantics_.Error();
      if (any) return semantics_.Any();
      if (both(TypeKind::kNum)) return semantics_.Num();
      if (both(TypeKind::kStr)) return semantics_.Str();
      if (lhs->kind == TypeKind::kStr || rhs->kind == TypeKind::kStr) {
        bad().label = "use string interpolation instead: \"text {value}\"";
      } else {
        bad();
      }
      return semantics_.Error();
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kIntDiv:
    case BinaryOp::kMod:
    case BinaryOp::kPow:
      if (!errors && !any && !both(TypeKind::kNum)) bad();
      return semantics_.Num();
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe:
      if (!errors && !any && !both(TypeKind::kNum)) bad();
      return semantics_.Bool();
    case BinaryOp::kEq:
    case BinaryOp::kNe:
      if (!errors && !IsAssignable(lhs, rhs) && !IsAssignable(rhs, lhs)) bad();
      return semantics_.Bool();
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
      if (!errors && !any && !both(TypeKind::kBool)) bad();
      return semantics_.Bool();
    case BinaryOp::kNilCoalesce: break;
  }
  return semantics_.Error();
}

// ---------------------------------------------------------------- strings and intrinsics

auto Checker::CheckString(ast::StringExpr& expr) -> const Type* {
  for (ast::StringPart& part : expr.parts) {
    if (part.expr == nullptr) continue;
    const Type* type = CheckExpr(part.expr);
    if (IsStringifiable(type)) continue;
    Diagnostic& d = Report(DiagnosticKind::kNotStringifiable, part.expr->span, TypeName(type));
    if (IsOptional(type)) {
      d.label = "unwrap it first, as in `{x ?? \"nil\"}` or `{x!}`";
    } else {
      d.label = "str, num, bool, Json and enums can be interpolated";
    }
  }
  return semantics_.Str();
}

auto Checker::CheckIntrinsic(ast::IntrinsicExpr& expr) -> const Type* {
  for (ast::Expr* arg : expr.args) CheckExpr(arg);
  if (expr.name == "dirname" || expr.name == "target") {
    if (expr.called) Report(DiagnosticKind::kNotCallable, expr.span, "@" + expr.name);
    return semantics_.Str();
  }
  Diagnostic& d = Report(DiagnosticKind::kUnknownIntrinsic, expr.span, expr.name);
  if (std::string near = ClosestName(expr.name, {"dirname", "target"}); !near.empty()) {
    d.label = fmt::format("did you mean `@{}`?", near);
  }
  return semantics_.Error();
}

}  // namespace wdsl::checking
