// Literals typed by annotation or by the expected type: arrays, sets, maps,
// object literals (struct, Map or Json), struct and Json literals; and
// closures, whose parameter and return types may come from the expected type.
#include <algorithm>

#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

auto IsListKind(TypeKind kind) -> bool {
  return kind == TypeKind::kArray || kind == TypeKind::kMutArray || kind == TypeKind::kSet || kind == TypeKind::kMutSet;
}

auto IsMapKind(TypeKind kind) -> bool { return kind == TypeKind::kMap || kind == TypeKind::kMutMap; }

auto IsJsonKind(TypeKind kind) -> bool { return kind == TypeKind::kJson || kind == TypeKind::kMutJson; }

}  // namespace

auto Checker::CheckArray(ast::ArrayLitExpr& expr, const Type* expected) -> const Type* {
  const Type* target = Unwrap(expected);
  TypeKind kind = TypeKind::kArray;
  const Type* element = nullptr;
  if (expr.annotation != nullptr) {
    const Type* annotated = ResolveType(expr.annotation);
    if (IsError(annotated)) {
      for (ast::Expr* item : expr.items) CheckExpr(item);
      return semantics_.Error();
    }
    if (!IsListKind(annotated->kind)) {
      Report(DiagnosticKind::kTypeMismatch, expr.annotation->span, "Array`, `MutArray`, `Set` or `MutSet",
             TypeName(annotated));
      for (ast::Expr* item : expr.items) CheckExpr(item);
      return semantics_.Error();
    }
    kind = annotated->kind;
    element = annotated->element;
  } else if (target != nullptr && IsListKind(target->kind)) {
    kind = target->kind;
    element = target->element;
  } else if (target != nullptr && IsJsonKind(target->kind)) {
    // `Json [1, "a"]` or an array where Json is expected: a Json array.
    for (ast::Expr* item : expr.items) {
      const Type* type = CheckExpr(item, target);
      if (!IsJsonCompatible(type)) Report(DiagnosticKind::kNotJsonCompatible, item->span, TypeName(type));
    }
    return target;
  }
  if (element != nullptr) {
    for (ast::Expr* item : expr.items) CheckExprAs(item, element);
    return semantics_.Collection(kind, element);
  }
  // Inferred from the items: the first one's type, which the others must fit.
  if (expr.items.empty()) {
    Report(DiagnosticKind::kEmptyCollectionType, expr.span, "array", "MutArray<str>[]");
    return semantics_.Error();
  }
  for (ast::Expr* item : expr.items) {
    if (element == nullptr) {
      element = CheckExpr(item);
      if (element->kind == TypeKind::kNil) element = nullptr;
      continue;
    }
    const Type* type = CheckExpr(item, element);
    if (IsAssignable(type, element)) continue;
    if (type->kind == TypeKind::kNil || IsAssignable(element, type)) {
      element = type->kind == TypeKind::kNil ? semantics_.Optional(element) : type;
      continue;
    }
    ExpectType(type, element, item->span);
  }
  if (element == nullptr) {
    Report(DiagnosticKind::kEmptyCollectionType, expr.span, "array", "Array<str?>[nil]");
    return semantics_.Error();
  }
  return semantics_.Collection(kind, element);
}

auto Checker::CheckMap(ast::MapLitExpr& expr, const Type* expected) -> const Type* {
  const Type* target = Unwrap(expected);
  TypeKind kind = TypeKind::kMap;
  const Type* element = nullptr;
  if (expr.annotation != nullptr) {
    const Type* annotated = ResolveType(expr.annotation);
    if (!IsError(annotated) && !IsMapKind(annotated->kind)) {
      Report(DiagnosticKind::kTypeMismatch, expr.annotation->span, "Map` or `MutMap", TypeName(annotated));
      annotated = semantics_.Error();
    }
    if (IsError(annotated)) {
      for (ast::MapEntry& entry : expr.entries) {
        CheckExpr(entry.key);
        CheckExpr(entry.value);
      }
      return semantics_.Error();
    }
    kind = annotated->kind;
    element = annotated->element;
  } else if (target != nullptr && IsMapKind(target->kind)) {
    kind = target->kind;
    element = target->element;
  }
  for (ast::MapEntry& entry : expr.entries) {
    CheckExprAs(entry.key, semantics_.Str());
    if (element == nullptr) {
      element = CheckExpr(entry.value);
      continue;
    }
    CheckExprAs(entry.value, element);
  }
  if (element == nullptr) {
    Report(DiagnosticKind::kEmptyCollectionType, expr.span, "map", "MutMap<str>{}");
    return semantics_.Error();
  }
  return semantics_.Collection(kind, element);
}

void Checker::CheckStructFields(const Symbol* st, std::vector<ast::FieldInit>& fields, Span span) {
  std::set<std::string> given;
  for (ast::FieldInit& field : fields) {
    if (!given.insert(field.name).second) {
      Report(DiagnosticKind::kDuplicateField, field.span, field.name);
      CheckExpr(field.value);
      continue;
    }
    auto it = st->members.find(field.name);
    if (it == st->members.end() || it->second->kind != SymbolKind::kField) {
      Diagnostic& d = Report(DiagnosticKind::kUnknownNamedArgument, field.span, TypeName(st->type), field.name);
      std::vector<std::string> names;
      for (const auto& [name, member] : st->members) {
        if (!given.contains(name)) names.push_back(name);
      }
      if (std::string near = ClosestName(field.name, names); !near.empty()) {
        d.label = fmt::format("did you mean `{}`?", near);
      }
      CheckExpr(field.value);
      continue;
    }
    CheckExprAs(field.value, it->second->type);
  }
  for (const auto& [name, member] : st->members) {
    if (member->kind != SymbolKind::kField || given.contains(name)) continue;
    if (IsOptional(member->type) || IsError(member->type) || member->type->kind == TypeKind::kAny) continue;
    Report(DiagnosticKind::kMissingField, span, name, TypeName(st->type));
  }
}

auto Checker::CheckObject(ast::ObjectLitExpr& expr, const Type* expected) -> const Type* {
  const Type* target = Unwrap(expected);
  if (target != nullptr && target->kind == TypeKind::kStruct && target->decl != nullptr) {
    CheckStructFields(target->decl, expr.fields, expr.span);
    return target;
  }
  bool map = target != nullptr && IsMapKind(target->kind);
  const Type* result = map                                                       ? target
                       : target != nullptr && target->kind == TypeKind::kMutJson ? semantics_.MutJson()
                                                                                 : semantics_.Json();
  std::set<std::string> given;
  for (ast::FieldInit& field : expr.fields) {
    if (!given.insert(field.name).second) Report(DiagnosticKind::kDuplicateField, field.span, field.name);
    const Type* type = map ? CheckExprAs(field.value, target->element) : CheckExpr(field.value, result);
    // As in Wing, `{ k: v }` holds Json-compatible values only; a map of
    // resources is written with `=>`.
    if (!IsJsonCompatible(type)) {
      Diagnostic& d = Report(DiagnosticKind::kNotJsonCompatible, field.value->span, TypeName(type));
      if (map) d.label = fmt::format("write a map of such values with `=>`: {{ \"{}\" => ... }}", field.name);
    }
  }
  return result;
}

auto Checker::CheckStructLit(ast::StructLitExpr& expr) -> const Type* {
  const Type* type = ResolveType(expr.struct_type);
  if (IsError(type) || type->kind != TypeKind::kStruct || type->decl == nullptr) {
    if (!IsError(type)) Report(DiagnosticKind::kTypeMismatch, expr.struct_type->span, "a struct", TypeName(type));
    for (ast::FieldInit& field : expr.fields) CheckExpr(field.value);
    return semantics_.Error();
  }
  CheckStructFields(type->decl, expr.fields, expr.span);
  return type;
}

auto Checker::CheckJsonLit(ast::JsonLitExpr& expr) -> const Type* {
  const Type* target = expr.mutable_json ? semantics_.MutJson() : semantics_.Json();
  const Type* type = CheckExpr(expr.value, target);
  if (!IsJsonCompatible(type)) Report(DiagnosticKind::kNotJsonCompatible, expr.value->span, TypeName(type));
  return target;
}

auto Checker::CheckClosure(ast::ClosureExpr& expr, const Type* expected) -> const Type* {
  const Type* fn = Unwrap(expected);
  if (fn != nullptr && fn->kind == TypeKind::kInterface) fn = HandlerType(fn);
  if (fn != nullptr && fn->kind != TypeKind::kFunction) fn = nullptr;

  Phase phase = expr.closure_phase;
  Phase code_phase = phase;  // the phase the body runs in
  if (phase == Phase::kUnphased) {
    if (!module_->is_stdlib) Report(DiagnosticKind::kStdlibOnlySyntax, expr.span, "an `unphased` closure");
    code_phase = CurrentPhase();
  } else if (phase == Phase::kPreflight) {
    phase = code_phase = CurrentPhase();  // without `inflight`: the phase of its surroundings
  }

  std::vector<const Type*> params;
  for (size_t i = 0; i < expr.params.size(); ++i) {
    const ast::Param& param = expr.params[i];
    if (param.type != nullptr) {
      params.push_back(ResolveType(param.type));
    } else if (fn != nullptr && i < fn->params.size()) {
      params.push_back(fn->params[i]);
    } else {
      Diagnostic& d = Report(DiagnosticKind::kCannotInfer, param.span, fmt::format("parameter `{}`", param.name));
      d.label = fmt::format("write its type, as in `{}: str`", param.name);
      params.push_back(semantics_.Error());
    }
  }
  const Type* result = nullptr;
  if (expr.result != nullptr) {
    result = ResolveType(expr.result);
  } else if (fn != nullptr) {
    result = fn->result;
  }

  const FunctionContext& outer = Fn();
  FunctionContext ctx;
  ctx.phase = code_phase;
  ctx.is_function = true;
  ctx.cls = outer.cls;  // closures in methods may use `this`
  ctx.is_static = outer.is_static;
  ctx.lifts = outer.lifts;  // a closure inside a lift block is qualified by it too
  ctx.result = result;
  ctx.scope_base = scopes_.size();
  functions_.push_back(std::move(ctx));
  PushScope();
  for (size_t i = 0; i < expr.params.size(); ++i) {
    ast::Param& param = expr.params[i];
    param.symbol = DeclareVariable(SymbolKind::kParameter, param.name, param.span, params[i], param.is_var);
  }
  CheckBlock(expr.body);
  PopScope();
  FunctionContext done = std::move(functions_.back());
  functions_.pop_back();

  if (result == nullptr) {
    // Inferred: the type of the returned values, void without any.
    for (const Type* type : done.returned) {
      if (type->kind == TypeKind::kNil) continue;
      if (result == nullptr || IsError(result)) {
        result = type;
      } else if (!IsAssignable(type, result) && IsAssignable(result, type)) {
        result = type;
      }
    }
    if (result == nullptr) {
      result = done.returned.empty() ? semantics_.Void() : semantics_.Nil();
    }
    bool maybe_nil = done.returned_void || (done.returned.size() != 0 && result->kind != TypeKind::kNil &&
                                            std::any_of(done.returned.begin(), done.returned.end(),
                                                        [](const Type* t) { return t->kind == TypeKind::kNil; }));
    if (maybe_nil && result->kind != TypeKind::kVoid && result->kind != TypeKind::kNil) {
      result = semantics_.Optional(result);
    }
    if (result->kind == TypeKind::kNil) result = semantics_.Optional(semantics_.Any());
  } else if (expr.result != nullptr && !IsError(result) && result->kind != TypeKind::kVoid && !IsOptional(result) &&
             !HasReturnOrThrow(expr.body)) {
    Report(DiagnosticKind::kMissingReturn, expr.body != nullptr ? expr.body->span : expr.span, "this closure",
           TypeName(result));
  }
  return FunctionType(phase, std::move(params), result);
}

}  // namespace wdsl::checking
