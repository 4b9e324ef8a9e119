// Types: resolving written types, assignability, Json compatibility, and
// the generic substitution of the builtin collections' stdlib declarations.
#include <functional>
#include <optional>

#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

auto IsTypeDecl(const Symbol* s) -> bool {
  return s != nullptr && (s->kind == SymbolKind::kClass || s->kind == SymbolKind::kStruct ||
                          s->kind == SymbolKind::kEnum || s->kind == SymbolKind::kInterface);
}

auto CollectionKind(const std::string& name) -> std::optional<TypeKind> {
  if (name == "Array") return TypeKind::kArray;
  if (name == "MutArray") return TypeKind::kMutArray;
  if (name == "Map") return TypeKind::kMap;
  if (name == "MutMap") return TypeKind::kMutMap;
  if (name == "Set") return TypeKind::kSet;
  if (name == "MutSet") return TypeKind::kMutSet;
  return std::nullopt;
}

auto IsCollection(TypeKind kind) -> bool {
  return kind == TypeKind::kArray || kind == TypeKind::kMutArray || kind == TypeKind::kMap ||
         kind == TypeKind::kMutMap || kind == TypeKind::kSet || kind == TypeKind::kMutSet;
}

// The immutable kind a mutable collection can be used as.
auto ImmutableOf(TypeKind kind) -> TypeKind {
  switch (kind) {
    case TypeKind::kMutArray: return TypeKind::kArray;
    case TypeKind::kMutMap: return TypeKind::kMap;
    case TypeKind::kMutSet: return TypeKind::kSet;
    case TypeKind::kMutJson: return TypeKind::kJson;
    default: return kind;
  }
}

}  // namespace

auto Checker::ResolveType(const ast::TypeExpr* type) -> const Type* {
  if (type == nullptr) return semantics_.Error();
  switch (type->kind) {
    case ast::TypeExpr::Kind::kOptional: return semantics_.Optional(ResolveType(type->inner));
    case ast::TypeExpr::Kind::kFunction: {
      std::vector<const Type*> params;
      for (const ast::TypeExpr* param : type->args) params.push_back(ResolveType(param));
      const Type* result = type->result != nullptr ? ResolveType(type->result) : semantics_.Void();
      return FunctionType(type->phase, std::move(params), result);
    }
    case ast::TypeExpr::Kind::kNamed: break;
  }
  if (type->path.empty()) return semantics_.Error();
  const std::string& name = type->path[0];
  auto no_args = [&](const Type* t) -> const Type* {
    if (!type->args.empty()) {
      Report(DiagnosticKind::kArgumentCount, type->span, "no type arguments for `" + name + "`",
             std::to_string(type->args.size()));
    }
    return t;
  };
  if (type->path.size() == 1) {
    if (name == "num") return no_args(semantics_.Num());
    if (name == "str") return no_args(semantics_.Str());
    if (name == "bool") return no_args(semantics_.Bool());
    if (name == "duration") return no_args(semantics_.Duration());
    if (name == "void") return no_args(semantics_.Void());
    if (name == "any") return no_args(semantics_.Any());
    if (name == "Json") return no_args(semantics_.Json());
    if (name == "MutJson") return no_args(semantics_.MutJson());
    if (std::optional<TypeKind> kind = CollectionKind(name)) {
      if (type->args.size() != 1) {
        Report(DiagnosticKind::kArgumentCount, type->span, "1 type argument for `" + name + "`",
               std::to_string(type->args.size()));
        return semantics_.Error();
      }
      return semantics_.Collection(*kind, ResolveType(type->args[0]));
    }
    if (auto it = type_params_.find(name); it != type_params_.end()) return no_args(it->second);
  }
  // A declared type, maybe qualified by a module: `Store`, `cloud.Bucket`.
  const Symbol* symbol = Lookup(name);
  std::string full = name;
  for (size_t i = 1; i < type->path.size(); ++i) full += "." + type->path[i];
  for (size_t i = 1; i < type->path.size() && symbol != nullptr; ++i) {
    if (symbol->kind != SymbolKind::kModule) {
      symbol = nullptr;
      break;
    }
    if (symbol->module == nullptr) return semantics_.Error();  // a module that failed to load
    auto it = symbol->exports.find(type->path[i]);
    if (it == symbol->exports.end()) {
      Diagnostic& d = Report(DiagnosticKind::kUnknownType, type->span, full);
      d.label = "";
      std::vector<std::string> names;
      for (const auto& [export_name, decl] : symbol->exports) {
        if (IsTypeDecl(decl)) names.push_back(export_name);
      }
      if (std::string near = ClosestName(type->path[i], names); !near.empty()) {
        d.label = fmt::format("did you mean `{}.{}`?", symbol->name, near);
      }
      return semantics_.Error();
    }
    const Symbol* decl = it->second;
    if (!decl->from_stdlib && decl->access != ast::Access::kPublic && decl->owner != module_symbol_) {
      Report(DiagnosticKind::kPrivateMember, type->span, decl->name, "private", symbol->name);
    }
    symbol = decl;
  }
  if (symbol != nullptr && symbol->kind == SymbolKind::kTypeParam) return symbol->type;
  if (!IsTypeDecl(symbol)) {
    if (symbol == nullptr && type->path.size() > 1 && Lookup(name) == nullptr) {
      ReportUnknownName(name, type->span);
      return semantics_.Error();
    }
    Diagnostic& d = Report(DiagnosticKind::kUnknownType, type->span, full);
    if (type->path.size() == 1 && symbol == nullptr) {
      std::vector<std::string> names = {"num",     "str",   "bool",     "duration", "void",   "any", "Json",
                                        "MutJson", "Array", "MutArray", "Map",      "MutMap", "Set", "MutSet"};
      for (const Scope* scope : scopes_) {
        for (const auto& [n, s] : scope->names) {
          if (IsTypeDecl(s)) names.push_back(n);
        }
      }
      if (std::string near = ClosestName(name, names); !near.empty()) {
        d.label = fmt::format("did you mean `{}`?", near);
        AddDefinedHere(d, Lookup(near));
      }
    }
    return semantics_.Error();
  }
  std::vector<const Type*> args;
  for (const ast::TypeExpr* arg : type->args) args.push_back(ResolveType(arg));
  if (args.size() != symbol->type_params.size()) {
    Report(DiagnosticKind::kArgumentCount, type->span,
           fmt::format("{} type argument{} for `{}`", symbol->type_params.size(),
                       symbol->type_params.size() == 1 ? "" : "s", symbol->name),
           std::to_string(args.size()));
    return semantics_.Error();
  }
  return ClassType(symbol, std::move(args));
}

auto Checker::FunctionType(Phase phase, std::vector<const Type*> params, const Type* result) -> const Type* {
  Type type;
  type.kind = TypeKind::kFunction;
  type.phase = phase;
  // Trailing optional parameters may be omitted.
  type.param_optional.assign(params.size(), false);
  for (size_t i = params.size(); i-- > 0;) {
    if (!IsOptional(params[i]) && !IsError(params[i]) && params[i]->kind != TypeKind::kAny) break;
    type.param_optional[i] = IsOptional(params[i]) || IsError(params[i]);
    if (!type.param_optional[i]) break;
  }
  type.params = std::move(params);
  type.result = result != nullptr ? result : semantics_.Void();
  return semantics_.NewType(std::move(type));
}

auto Checker::ClassType(const Symbol* decl, std::vector<const Type*> args) -> const Type* {
  if (args.empty() && decl->type != nullptr) return decl->type;
  Type type;
  type.kind = TypeKind::kClass;
  type.decl = decl;
  type.params = std::move(args);
  return semantics_.NewType(std::move(type));
}

auto Checker::IsSubclass(const Symbol* cls, const Symbol* base) const -> bool {
  if (cls != nullptr && base != nullptr && base == resource_class_ && cls->is_resource) return true;
  for (int guard = 0; cls != nullptr && guard < 1000; cls = cls->base, ++guard) {
    if (cls == base) return true;
  }
  return false;
}

auto Checker::Implements(const Symbol* cls, const Symbol* iface) const -> bool {
  std::vector<const Symbol*> pending;
  // Every preflight class is a resource, with the resource's interfaces.
  if (cls != nullptr && cls->is_resource && resource_class_ != nullptr) pending.push_back(resource_class_);
  for (int guard = 0; cls != nullptr && guard < 1000; cls = cls->base, ++guard) {
    if (cls == iface) return true;
    pending.insert(pending.end(), cls->interfaces.begin(), cls->interfaces.end());
  }
  std::set<const Symbol*> seen;
  while (!pending.empty()) {
    const Symbol* next = pending.back();
    pending.pop_back();
    if (next == iface) return true;
    if (next == nullptr || !seen.insert(next).second) continue;
    pending.insert(pending.end(), next->interfaces.begin(), next->interfaces.end());
  }
  return false;
}

auto Checker::HandlerType(const Type* type) const -> const Type* {
  if (type == nullptr || type->decl == nullptr) return nullptr;
  const Symbol* decl = type->decl;
  auto it = decl->members.find("handle");
  if (it == decl->members.end() || it->second->kind != SymbolKind::kMethod || it->second->is_static) return nullptr;
  // An interface whose only method is `handle` is closure-shaped; an object
  // of a class with a `handle` method can be called like a closure.
  if (type->kind == TypeKind::kInterface && decl->members.size() == 1) return it->second->type;
  if (type->kind == TypeKind::kClass) return it->second->type;
  return nullptr;
}

auto Checker::IsPreflightObjectType(const Type* type) const -> bool {
  if (type == nullptr || type->decl == nullptr) return false;
  if (type->kind == TypeKind::kClass) return type->decl->is_resource;
  if (type->kind == TypeKind::kInterface) return type->decl->members.size() != 1 || HandlerType(type) == nullptr;
  return false;
}

auto Checker::LiftedType(const Type* type) -> const Type* {
  if (type == nullptr) return type;
  switch (type->kind) {
    case TypeKind::kMutArray:
    case TypeKind::kMutMap:
    case TypeKind::kMutSet: return semantics_.Collection(ImmutableOf(type->kind), type->element);
    case TypeKind::kMutJson: return semantics_.Json();
    case TypeKind::kOptional: return semantics_.Optional(LiftedType(type->element));
    default: return type;
  }
}

auto Checker::IsAssignable(const Type* from, const Type* to) -> bool {
  if (IsError(from) || IsError(to) || from == to) return true;
  if (to->kind == TypeKind::kAny || from->kind == TypeKind::kAny) return true;
  if (to->kind == TypeKind::kOptional) {
    if (from->kind == TypeKind::kNil) return true;
    return IsAssignable(Unwrap(from), to->element);
  }
  if (from->kind == TypeKind::kOptional || from->kind == TypeKind::kNil) return false;
  switch (to->kind) {
    case TypeKind::kJson:
      return from->kind == TypeKind::kJson || from->kind == TypeKind::kMutJson || IsJsonCompatible(from);
    case TypeKind::kMutJson:  // Wing lets Json pass as MutJson too
      return IsJsonCompatible(from);
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kSet: return ImmutableOf(from->kind) == to->kind && IsAssignable(from->element, to->element);
    case TypeKind::kMutArray:
    case TypeKind::kMutMap:
    case TypeKind::kMutSet: return from->kind == to->kind && IsAssignable(from->element, to->element);
    case TypeKind::kFunction: {
      if (from->kind == TypeKind::kInterface) {
        const Type* handler = HandlerType(from);
        return handler != nullptr && IsAssignable(handler, to);
      }
      if (from->kind != TypeKind::kFunction) return false;
      if (from->phase != to->phase && from->phase != Phase::kUnphased) return false;
      // A function may ignore trailing arguments it is given.
      if (from->params.size() > to->params.size()) {
        for (size_t i = to->params.size(); i < from->params.size(); ++i) {
          if (i >= from->param_optional.size() || !from->param_optional[i]) return false;
        }
      }
      for (size_t i = 0; i < std::min(from->params.size(), to->params.size()); ++i) {
        if (!IsAssignable(to->params[i], from->params[i])) return false;
      }
      if (to->result == nullptr || to->result->kind == TypeKind::kVoid || IsError(from->result)) return true;
      // A function without a result fits one whose result may be nil.
      if (from->result->kind == TypeKind::kVoid) return IsOptional(to->result);
      // As in Wing, a handler returning Json must really return Json, not
      // just a value that could be converted to it.
      const Type* want = Unwrap(to->result);
      const Type* have = Unwrap(from->result);
      if ((want->kind == TypeKind::kJson || want->kind == TypeKind::kMutJson) && !IsError(have) &&
          have->kind != TypeKind::kJson && have->kind != TypeKind::kMutJson && have->kind != TypeKind::kAny &&
          have->kind != TypeKind::kNil) {
        return false;
      }
      return IsAssignable(from->result, to->result);
    }
    case TypeKind::kInterface: {
      if (from->kind == TypeKind::kClass || from->kind == TypeKind::kInterface) {
        if (from->decl != nullptr && to->decl != nullptr && Implements(from->decl, to->decl)) return true;
        // As in Wing, closure-shaped interfaces are typed structurally.
        const Type* want = HandlerType(to);
        const Type* have = HandlerType(from);
        return want != nullptr && have != nullptr && IsAssignable(have, want);
      }
      if (from->kind == TypeKind::kFunction) {
        const Type* handler = HandlerType(to);
        return handler != nullptr && IsAssignable(from, handler);
      }
      return false;
    }
    case TypeKind::kClass: {
      if (from->kind != TypeKind::kClass || !IsSubclass(from->decl, to->decl)) return false;
      if (from->params.size() != to->params.size()) return to->params.empty();
      for (size_t i = 0; i < from->params.size(); ++i) {
        if (!IsAssignable(from->params[i], to->params[i])) return false;
      }
      return true;
    }
    case TypeKind::kStruct: {
      if (from->kind != TypeKind::kStruct || from->decl == nullptr) return false;
      std::vector<const Symbol*> pending = {from->decl};
      std::set<const Symbol*> seen;
      while (!pending.empty()) {
        const Symbol* next = pending.back();
        pending.pop_back();
        if (next == to->decl) return true;
        if (!seen.insert(next).second) continue;
        pending.insert(pending.end(), next->interfaces.begin(), next->interfaces.end());
      }
      return false;
    }
    case TypeKind::kEnum: return from->kind == TypeKind::kEnum && from->decl == to->decl;
    case TypeKind::kTypeParam: return from->kind == TypeKind::kTypeParam && from->name == to->name;
    default: return from->kind == to->kind;
  }
}

auto Checker::ExpectType(const Type* actual, const Type* expected, Span span) -> bool {
  if (IsAssignable(actual, expected)) return true;
  Diagnostic& d = Report(DiagnosticKind::kTypeMismatch, span, TypeName(expected), TypeName(actual));
  const Type* want = Unwrap(expected);
  if (actual->kind == TypeKind::kFunction && want->kind == TypeKind::kFunction && actual->phase != want->phase &&
      actual->phase != Phase::kUnphased) {
    d.label = want->phase == Phase::kInflight ? "expected an inflight function: write `inflight (...) => { ... }`"
                                              : "expected a preflight function, found an inflight one";
  } else if (IsOptional(actual) && IsAssignable(actual->element, expected)) {
    d.label = "the value may be nil: unwrap it with `!`, `??` or `if let`";
  } else if ((actual->kind == TypeKind::kJson || actual->kind == TypeKind::kMutJson) &&
             (expected->kind == TypeKind::kStr || expected->kind == TypeKind::kNum ||
              expected->kind == TypeKind::kBool)) {
    d.label = fmt::format("convert it with `{}.fromJson(...)`", TypeName(expected));
  }
  return false;
}

auto Checker::IsJsonCompatible(const Type* type) -> bool {
  std::set<const Symbol*> seen;
  std::function<bool(const Type*)> compatible = [&](const Type* t) -> bool {
    if (IsError(t)) return true;
    switch (t->kind) {
      case TypeKind::kNum:
      case TypeKind::kStr:
      case TypeKind::kBool:
      case TypeKind::kJson:
      case TypeKind::kMutJson:
      case TypeKind::kAny: return true;
      case TypeKind::kOptional: return compatible(t->element);
      case TypeKind::kStruct: {
        if (t->decl == nullptr || !seen.insert(t->decl).second) return true;
        for (const auto& [name, field] : t->decl->members) {
          if (field->kind == SymbolKind::kField && !compatible(field->type)) return false;
        }
        return true;
      }
      // As in Wing: only immutable arrays and maps, at any depth (a
      // MutArray or a Set is not a legal JSON value).
      case TypeKind::kArray:
      case TypeKind::kMap: return compatible(t->element);
      default: return false;
    }
  };
  return compatible(type);
}

auto Checker::IsStringifiable(const Type* type) -> bool {
  if (IsError(type)) return true;
  switch (type->kind) {
    case TypeKind::kNum:
    case TypeKind::kStr:
    case TypeKind::kBool:
    case TypeKind::kDuration:
    case TypeKind::kJson:
    case TypeKind::kMutJson:
    case TypeKind::kAny:
    case TypeKind::kEnum: return true;
    default: return false;
  }
}

auto Checker::Substitute(const Type* type, const std::map<std::string, const Type*>& bindings) -> const Type* {
  if (type == nullptr || bindings.empty()) return type;
  switch (type->kind) {
    case TypeKind::kTypeParam: {
      auto it = bindings.find(type->name);
      return it != bindings.end() ? it->second : type;
    }
    case TypeKind::kOptional: return semantics_.Optional(Substitute(type->element, bindings));
    case TypeKind::kFunction: {
      std::vector<const Type*> params;
      for (const Type* param : type->params) params.push_back(Substitute(param, bindings));
      Type copy = *type;
      copy.params = std::move(params);
      copy.result = Substitute(type->result, bindings);
      return semantics_.NewType(std::move(copy));
    }
    case TypeKind::kClass: {
      if (type->params.empty()) return type;
      std::vector<const Type*> args;
      for (const Type* arg : type->params) args.push_back(Substitute(arg, bindings));
      return ClassType(type->decl, std::move(args));
    }
    default:
      if (IsCollection(type->kind)) return semantics_.Collection(type->kind, Substitute(type->element, bindings));
      return type;
  }
}

auto Checker::BuiltinClass(const Type* type) const -> const Symbol* {
  if (type == nullptr) return nullptr;
  auto it = builtin_classes_.find(type->kind);
  return it != builtin_classes_.end() ? it->second : nullptr;
}

auto Checker::BindingsOf(const Type* type, const Symbol* cls) const -> std::map<std::string, const Type*> {
  std::map<std::string, const Type*> bindings;
  if (type == nullptr || cls == nullptr || cls->type_params.empty()) return bindings;
  if (type->kind == TypeKind::kClass || type->kind == TypeKind::kStruct) {
    for (size_t i = 0; i < cls->type_params.size() && i < type->params.size(); ++i) {
      bindings[cls->type_params[i]] = type->params[i];
    }
    // `Struct<T>` statics on a struct type: T is the struct itself.
    if (type->kind == TypeKind::kStruct) bindings[cls->type_params[0]] = type;
  } else if (type->element != nullptr) {
    bindings[cls->type_params[0]] = type->element;
  }
  return bindings;
}

auto Checker::BuiltinTypeSymbol(const std::string& name) const -> const Symbol* {
  auto it = builtin_value_names_.find(name);
  return it != builtin_value_names_.end() ? it->second : nullptr;
}

}  // namespace wdsl::checking
