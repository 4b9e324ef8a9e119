// Calls and `new`: argument counts and types, named arguments turned into a
// struct literal for the last parameter (as in Wing), and the phase rules of
// calling and instantiating.
#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

auto Plural(size_t n, const char* word) -> std::string { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

}  // namespace

auto Checker::CheckCall(ast::CallExpr& call, const Type* expected) -> const Type* {
  ast::Expr* callee = call.callee;
  const Type* fn = nullptr;
  std::string name = callee != nullptr ? Text(callee->span) : "";
  if (ast::As<ast::SuperExpr>(callee) != nullptr) {
    // `super(...)` in a constructor runs the base class's constructor.
    const Type* base = CheckExpr(callee);
    if (!IsError(base) && base->decl != nullptr) {
      auto it = base->decl->members.find("new");
      fn = it != base->decl->members.end() ? it->second->type : FunctionType(CurrentPhase(), {}, semantics_.Void());
    }
  } else {
    callee_ = callee;
    fn = CheckExpr(callee);
    callee_ = nullptr;
  }
  auto check_args_loosely = [&]() {
    for (ast::Expr* arg : call.args) CheckExpr(arg);
    for (ast::NamedArg& arg : call.named) CheckExpr(arg.value);
  };
  if (fn == nullptr || IsError(fn)) {
    check_args_loosely();
    return semantics_.Error();
  }
  if (fn->kind == TypeKind::kAny) {
    check_args_loosely();
    return semantics_.Any();
  }
  if (const Type* handler = HandlerType(fn)) fn = handler;
  if (fn->kind != TypeKind::kFunction) {
    Diagnostic& d = Report(DiagnosticKind::kNotCallable, callee->span, name);
    if (IsOptional(fn) && fn->element != nullptr && fn->element->kind == TypeKind::kFunction) {
      d.label = "the function may be nil: unwrap it first with `!`";
    } else {
      d.label = fmt::format("its type is `{}`", TypeName(fn));
    }
    check_args_loosely();
    return semantics_.Error();
  }
  CheckCallPhase(callee, fn, call.span);
  CheckArguments(fn, call.args, call.named, call.named_struct, call.span, name);
  const Type* result = fn->result != nullptr ? fn->result : semantics_.Void();
  // `a?.f()` is nil when `a` is.
  if (const auto* member = ast::As<ast::MemberExpr>(callee);
      member != nullptr && member->optional_chain && result->kind != TypeKind::kVoid) {
    result = semantics_.Optional(result);
  }
  (void)expected;
  return result;
}

auto Checker::IsAllOptionalStruct(const Type* type) const -> bool {
  if (type == nullptr || type->kind != TypeKind::kStruct || type->decl == nullptr) return false;
  for (const auto& [name, field] : type->decl->members) {
    if (field->kind == SymbolKind::kField && !IsOptional(field->type)) return false;
  }
  return true;
}

void Checker::CheckArguments(const Type* fn, std::vector<ast::Expr*>& args, std::vector<ast::NamedArg>& named,
                             ast::Expr*& named_struct, Span call_span, const std::string& callee_name) {
  // Positional arguments come first.
  if (!named.empty()) {
    uint32_t first_named = named.front().span.begin;
    for (const ast::NamedArg& arg : named) first_named = std::min(first_named, arg.span.begin);
    for (const ast::Expr* arg : args) {
      if (arg != nullptr && arg->span.begin > first_named) {
        Report(DiagnosticKind::kMixedArgumentOrder, arg->span);
        break;
      }
    }
  }
  size_t count = fn->params.size();
  // Trailing optional parameters may be left out; as in Wing, so may a last
  // struct parameter whose fields are all optional.
  size_t required = 0;
  for (size_t i = 0; i < count; ++i) {
    bool optional = i < fn->param_optional.size() && fn->param_optional[i];
    if (i + 1 == count && !optional) optional = IsAllOptionalStruct(fn->params[i]);
    if (!optional) required = i + 1;
  }
  const Symbol* struct_decl = nullptr;
  if (!named.empty()) {
    const Type* last = count > 0 ? Unwrap(fn->params[count - 1]) : nullptr;
    if (last != nullptr && last->kind == TypeKind::kStruct && last->decl != nullptr) {
      struct_decl = last->decl;
    } else {
      bool silent = last != nullptr && IsError(last);
      if (!silent) {
        Diagnostic& d =
            Report(DiagnosticKind::kUnknownNamedArgument, named.front().span, callee_name, named.front().name);
        d.label = "named arguments fill a last parameter of struct type, and there is none";
      }
      for (ast::NamedArg& arg : named) CheckExpr(arg.value);
    }
  }
  // With named arguments, the positional ones stop before the struct.
  size_t positional_max = struct_decl != nullptr ? count - 1 : count;
  size_t positional_min = struct_decl != nullptr ? std::min(required, count - 1) : required;
  if (args.size() > positional_max || args.size() < positional_min) {
    std::string want = positional_min == positional_max
                           ? Plural(positional_max, "argument")
                           : fmt::format("{} to {} arguments", positional_min, positional_max);
    Span span =
        args.size() > positional_max && args[positional_max] != nullptr ? args[positional_max]->span : call_span;
    Diagnostic& d = Report(DiagnosticKind::kArgumentCount, span, want, args.size());
    d.label = fmt::format("`{}` has type `{}`", callee_name, TypeName(fn));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (i < positional_max) {
      CheckExprAs(args[i], fn->params[i]);
    } else {
      CheckExpr(args[i]);
    }
  }
  if (struct_decl == nullptr) return;
  Span span = named.front().span;
  for (const ast::NamedArg& arg : named) {
    span = Span::Cover(span, arg.span);
    if (arg.value != nullptr) span = Span::Cover(span, arg.value->span);
  }
  auto* literal = semantics_.NewNode<ast::StructLitExpr>(span);
  for (ast::NamedArg& arg : named) literal->fields.push_back(ast::FieldInit{arg.name, arg.span, arg.value});
  CheckStructFields(struct_decl, literal->fields, call_span);
  literal->type = struct_decl->type;
  literal->phase = CurrentPhase();
  named_struct = literal;
}

auto Checker::CheckNew(ast::NewExpr& expr) -> const Type* {
  const Type* type = ResolveType(expr.class_type);
  auto check_rest = [&]() {
    for (ast::Expr* arg : expr.args) CheckExpr(arg);
    for (ast::NamedArg& arg : expr.named) CheckExpr(arg.value);
    CheckExpr(expr.id);
    CheckExpr(expr.scope);
  };
  if (IsError(type)) {
    check_rest();
    return semantics_.Error();
  }
  const Symbol* cls = type->decl;
  auto ctor = cls != nullptr ? cls->members.find("new") : std::map<std::string, const Symbol*>::const_iterator{};
  bool has_ctor = cls != nullptr && ctor != cls->members.end();
  if (type->kind != TypeKind::kClass || cls == nullptr || (cls->from_stdlib && !has_ctor)) {
    std::string what = type->kind == TypeKind::kStruct      ? fmt::format("struct `{}`", TypeName(type))
                       : type->kind == TypeKind::kInterface ? fmt::format("interface `{}`", TypeName(type))
                                                            : fmt::format("`{}`", TypeName(type));
    Diagnostic& d = Report(DiagnosticKind::kNotInstantiable, expr.class_type->span, what);
    if (type->kind == TypeKind::kStruct)
      d.label = fmt::format("write a struct literal: `{} {{ ... }}`", TypeName(type));
    check_rest();
    return semantics_.Error();
  }
  if (cls->phase != Phase::kInflight && Inflight()) {
    Report(DiagnosticKind::kNewInInflight, expr.span, TypeName(type));
  } else if (cls->phase == Phase::kInflight && !Inflight()) {
    Report(DiagnosticKind::kNewInflightInPreflight, expr.span, TypeName(type));
  }
  const Type* fn = has_ctor ? ctor->second->type : FunctionType(cls->phase, {}, semantics_.Void());
  CheckArguments(fn, expr.args, expr.named, expr.named_struct, expr.span, "new " + TypeName(type));
  if (expr.id != nullptr) CheckExprAs(expr.id, semantics_.Str());
  if (expr.scope != nullptr) {
    const Type* scope = CheckExpr(expr.scope);
    if (!IsError(scope) && !IsPreflightObjectType(scope)) {
      Report(DiagnosticKind::kTypeMismatch, expr.scope->span, "a preflight object", TypeName(scope));
    }
  }
  return type;
}

}  // namespace wdsl::checking
