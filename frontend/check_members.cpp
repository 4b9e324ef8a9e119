// Member access: fields and methods of instances (user classes, structs,
// interfaces, and builtin types through their std.w classes), statics of
// types, exports and functions of modules, enum members, and access control.
#include <cctype>

#include "frontend/check_internal.h"

namespace wdsl::checking {

auto Checker::FindMember(const Type* type, const std::string& name, const Symbol** owner_class) -> const Symbol* {
  const Symbol* cls = nullptr;
  if (type == nullptr) return nullptr;
  if (type->kind == TypeKind::kClass || type->kind == TypeKind::kStruct || type->kind == TypeKind::kInterface) {
    cls = type->decl;
  } else {
    cls = BuiltinClass(type);
  }
  if (owner_class != nullptr) *owner_class = cls;
  if (cls == nullptr) return nullptr;
  auto it = cls->members.find(name);
  if (it == cls->members.end() || it->first == "new") return nullptr;
  return it->second;
}

auto Checker::MemberNames(const Type* type) -> std::vector<std::string> {
  std::vector<std::string> names;
  const Symbol* cls = nullptr;
  FindMember(type, "", &cls);
  if (cls == nullptr) return names;
  for (const auto& [name, member] : cls->members) {
    if (name != "new" && !member->is_static) names.push_back(name);
  }
  return names;
}

auto Checker::CheckAccess(const Symbol* member, const Symbol* owner, Span span) -> bool {
  if (member->access == ast::Access::kPublic || member->from_stdlib) return true;
  const Symbol* declaring = member->owner != nullptr ? member->owner : owner;
  const Symbol* current = Fn().cls;
  if (member->access == ast::Access::kPrivate && current == declaring) return true;
  if (member->access == ast::Access::kProtected && current != nullptr && IsSubclass(current, declaring)) return true;
  Diagnostic& d = Report(DiagnosticKind::kPrivateMember, span, member->name,
                         member->access == ast::Access::kPrivate ? "private" : "protected",
                         declaring != nullptr ? declaring->name : "?");
  AddDefinedHere(d, member);
  return false;
}

auto Checker::CheckMember(ast::MemberExpr& expr) -> const Type* {
  const Type* object_type = CheckExpr(expr.object);
  if (const Symbol* type_symbol = TypeSymbolOf(expr.object)) return CheckStaticMember(expr, type_symbol);
  if (IsError(object_type) || expr.object == nullptr) return semantics_.Error();
  if (object_type->kind == TypeKind::kAny) return semantics_.Any();

  const Type* base = object_type;
  // As in Wing, `a?.b` is optional even when `a` is not.
  bool wrap = expr.optional_chain;
  if (IsOptional(object_type)) {
    if (!expr.optional_chain) {
      Report(DiagnosticKind::kOptionalAccess, expr.object->span, Text(expr.object->span));
      return semantics_.Error();
    }
    base = object_type->element;
  }
  const Symbol* owner = nullptr;
  const Symbol* member = FindMember(base, expr.name, &owner);
  if (member == nullptr) {
    Diagnostic& d = Report(DiagnosticKind::kUnknownMember, expr.name_span, TypeName(base), expr.name);
    if (base->kind == TypeKind::kJson || base->kind == TypeKind::kMutJson) {
      d.label = fmt::format("read Json fields with `.get(\"{}\")` or `[\"{}\"]`", expr.name, expr.name);
    } else if (std::string near = ClosestName(expr.name, MemberNames(base)); !near.empty()) {
      d.label = fmt::format("did you mean `{}`?", near);
    }
    return semantics_.Error();
  }
  expr.member = member;
  CheckAccess(member, owner, expr.name_span);
  if (member->is_static) {
    Report(DiagnosticKind::kStaticOnInstance, expr.name_span, member->name, owner != nullptr ? owner->name : "?",
           member->name);
    return semantics_.Error();
  }
  const Type* type = Substitute(member->type, BindingsOf(base, owner));
  if (type == nullptr) type = semantics_.Error();
  CheckMemberPhase(expr, member);
  // A preflight field of an identifiable object is itself identifiable.
  expr.phase =
      member->kind == SymbolKind::kField && member->phase != Phase::kInflight ? expr.object->phase : CurrentPhase();
  if (member->kind == SymbolKind::kMethod) expr.phase = expr.object->phase;
  if (Inflight() && expr.phase == Phase::kPreflight && member->kind == SymbolKind::kField) type = LiftedType(type);
  if (unliftable_reported_.contains(expr.object)) unliftable_reported_.insert(&expr);
  if (wrap && member->kind == SymbolKind::kField) return semantics_.Optional(type);
  return type;
}

auto Checker::CheckStaticMember(ast::MemberExpr& expr, const Symbol* type_symbol) -> const Type* {
  expr.phase = Phase::kUnphased;
  switch (type_symbol->kind) {
    case SymbolKind::kModule: {
      if (type_symbol->module == nullptr) return semantics_.Error();  // failed to load, reported
      if (auto it = type_symbol->exports.find(expr.name); it != type_symbol->exports.end()) {
        const Symbol* decl = it->second;
        if (!decl->from_stdlib && decl->access != ast::Access::kPublic && decl->owner != module_symbol_) {
          Report(DiagnosticKind::kPrivateMember, expr.name_span, decl->name, "private", type_symbol->name);
        }
        expr.member = decl;
        return semantics_.Error();  // a type, used before `.` or in `new`
      }
      // Module functions are the statics of the class named after the module.
      std::string cls_name = type_symbol->qualified_name;
      if (!cls_name.empty()) cls_name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cls_name[0])));
      const Symbol* cls = nullptr;
      if (auto it = type_symbol->exports.find(cls_name); it != type_symbol->exports.end()) cls = it->second;
      if (cls != nullptr) {
        auto member = cls->members.find(expr.name);
        if (member != cls->members.end() && member->second->is_static) {
          expr.member = member->second;
          return member->second->type;
        }
      }
      std::vector<std::string> names;
      for (const auto& [name, decl] : type_symbol->exports) names.push_back(name);
      if (cls != nullptr) {
        for (const auto& [name, member] : cls->members) {
          if (member->is_static) names.push_back(name);
        }
      }
      Diagnostic& d = Report(DiagnosticKind::kUnknownMember, expr.name_span, type_symbol->name, expr.name);
      if (std::string near = ClosestName(expr.name, names); !near.empty()) {
        d.label = fmt::format("did you mean `{}`?", near);
      }
      return semantics_.Error();
    }
    case SymbolKind::kEnum: {
      auto it = type_symbol->members.find(expr.name);
      if (it == type_symbol->members.end()) {
        Diagnostic& d = Report(DiagnosticKind::kUnknownEnumMember, expr.name_span, type_symbol->name, expr.name);
        if (std::string near = ClosestName(expr.name, type_symbol->enum_members); !near.empty()) {
          d.label = fmt::format("did you mean `{}`?", near);
        }
        AddDefinedHere(d, type_symbol);
        return semantics_.Error();
      }
      expr.member = it->second;
      return type_symbol->type;
    }
    case SymbolKind::kStruct:
    case SymbolKind::kClass:
    case SymbolKind::kInterface: {
      // Struct types have the statics of std's `Struct<T>` (`Opts.fromJson`).
      const Symbol* cls = type_symbol->kind == SymbolKind::kStruct ? struct_class_ : type_symbol;
      if (cls == nullptr) return semantics_.Error();
      auto it = cls->members.find(expr.name);
      if (it == cls->members.end() || it->first == "new") {
        Diagnostic& d = Report(DiagnosticKind::kUnknownMember, expr.name_span, type_symbol->name, expr.name);
        std::vector<std::string> names;
        for (const auto& [name, member] : cls->members) {
          if (member->is_static) names.push_back(name);
        }
        if (std::string near = ClosestName(expr.name, names); !near.empty()) {
          d.label = fmt::format("did you mean `{}`?", near);
        }
        return semantics_.Error();
      }
      const Symbol* member = it->second;
      expr.member = member;
      if (!member->is_static) {
        Report(DiagnosticKind::kNotStatic, expr.name_span, member->name, type_symbol->name);
        return semantics_.Error();
      }
      CheckAccess(member, cls, expr.name_span);
      std::map<std::string, const Type*> bindings;
      if (type_symbol->kind == SymbolKind::kStruct && !cls->type_params.empty()) {
        bindings[cls->type_params[0]] = type_symbol->type;
      }
      return Substitute(member->type, bindings);
    }
    default: return semantics_.Error();
  }
}

}  // namespace wdsl::checking
