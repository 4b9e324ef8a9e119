#include "frontend/types.h"

namespace wdsl {
namespace {

auto Simple(TypeKind kind) -> Type {
  Type type;
  type.kind = kind;
  return type;
}

// The module a declaration belongs to, for qualifying its name.
auto ModuleOf(const Symbol* decl) -> const Symbol* {
  const Symbol* owner = decl->owner;
  while (owner != nullptr && owner->kind != SymbolKind::kModule) owner = owner->owner;
  return owner;
}

auto DeclName(const Type* type) -> std::string {
  const Symbol* decl = type->decl;
  if (decl == nullptr) return "?";
  std::string name = decl->name;
  // Stdlib declarations are written qualified (`cloud.Bucket`) except those
  // of `std`, which are in scope everywhere unqualified.
  const Symbol* module = ModuleOf(decl);
  if (decl->from_stdlib && module != nullptr && module->name != "std") name = module->name + "." + name;
  if (!type->params.empty() && type->kind == TypeKind::kClass) {
    name += "<";
    for (size_t i = 0; i < type->params.size(); ++i) {
      if (i > 0) name += ", ";
      name += TypeName(type->params[i]);
    }
    name += ">";
  }
  return name;
}

}  // namespace

Semantics::Semantics() {
  num_ = NewType(Simple(TypeKind::kNum));
  str_ = NewType(Simple(TypeKind::kStr));
  bool_ = NewType(Simple(TypeKind::kBool));
  duration_ = NewType(Simple(TypeKind::kDuration));
  void_ = NewType(Simple(TypeKind::kVoid));
  any_ = NewType(Simple(TypeKind::kAny));
  nil_ = NewType(Simple(TypeKind::kNil));
  json_ = NewType(Simple(TypeKind::kJson));
  mut_json_ = NewType(Simple(TypeKind::kMutJson));
  error_ = NewType(Simple(TypeKind::kError));
}

auto Semantics::NewSymbol(SymbolKind kind, std::string name, Span span) -> Symbol* {
  auto symbol = std::make_unique<Symbol>();
  symbol->kind = kind;
  symbol->name = std::move(name);
  symbol->span = span;
  symbols_.push_back(std::move(symbol));
  return symbols_.back().get();
}

auto Semantics::NewType(Type type) -> const Type* {
  types_.push_back(std::make_unique<Type>(std::move(type)));
  return types_.back().get();
}

auto Semantics::Collection(TypeKind kind, const Type* element) -> const Type* {
  auto key = std::make_pair(kind, element);
  if (auto it = interned_.find(key); it != interned_.end()) return it->second;
  Type type;
  type.kind = kind;
  type.element = element;
  const Type* made = NewType(std::move(type));
  interned_[key] = made;
  return made;
}

auto Semantics::Optional(const Type* inner) -> const Type* {
  if (inner == nullptr) return error_;
  if (inner->kind == TypeKind::kOptional || inner->kind == TypeKind::kError || inner->kind == TypeKind::kAny) {
    return inner;
  }
  return Collection(TypeKind::kOptional, inner);
}

auto TypeName(const Type* type) -> std::string {
  if (type == nullptr) return "?";
  switch (type->kind) {
    case TypeKind::kNum: return "num";
    case TypeKind::kStr: return "str";
    case TypeKind::kBool: return "bool";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kVoid: return "void";
    case TypeKind::kAny: return "any";
    case TypeKind::kNil: return "nil";
    case TypeKind::kJson: return "Json";
    case TypeKind::kMutJson: return "MutJson";
    case TypeKind::kArray: return "Array<" + TypeName(type->element) + ">";
    case TypeKind::kMutArray: return "MutArray<" + TypeName(type->element) + ">";
    case TypeKind::kMap: return "Map<" + TypeName(type->element) + ">";
    case TypeKind::kMutMap: return "MutMap<" + TypeName(type->element) + ">";
    case TypeKind::kSet: return "Set<" + TypeName(type->element) + ">";
    case TypeKind::kMutSet: return "MutSet<" + TypeName(type->element) + ">";
    case TypeKind::kOptional: {
      bool wrap = type->element != nullptr && type->element->kind == TypeKind::kFunction;
      return wrap ? "(" + TypeName(type->element) + ")?" : TypeName(type->element) + "?";
    }
    case TypeKind::kFunction: {
      std::string out;
      if (type->phase == ast::Phase::kInflight) out = "inflight ";
      if (type->phase == ast::Phase::kUnphased) out = "unphased ";
      out += "(";
      for (size_t i = 0; i < type->params.size(); ++i) {
        if (i > 0) out += ", ";
        out += TypeName(type->params[i]);
      }
      out += "): " + TypeName(type->result);
      return out;
    }
    case TypeKind::kClass:
    case TypeKind::kStruct:
    case TypeKind::kEnum:
    case TypeKind::kInterface: return DeclName(type);
    case TypeKind::kTypeParam: return type->name;
    case TypeKind::kError: return "<error>";
  }
  return "?";
}

}  // namespace wdsl
