#include "frontend/lower_signature.h"

#include <set>

namespace wdsl {
namespace {

using Json = nlohmann::json;

auto Trimmed(const std::string& text) -> std::string {
  size_t begin = text.find_first_not_of(" \t\r\n");
  size_t end = text.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// A struct's fields with those of the structs it extends first.
void StructFields(const Symbol* st, Json& fields, std::set<std::string>& seen, Json& types, int depth) {
  if (st == nullptr || st->struct_decl == nullptr || depth > 64) return;
  for (const Symbol* base : st->interfaces) StructFields(base, fields, seen, types, depth + 1);
  for (const ast::FieldDecl& field : st->struct_decl->fields) {
    if (!seen.insert(field.name).second || field.symbol == nullptr) continue;
    const Type* type = field.symbol->type;
    bool optional = type != nullptr && type->kind == TypeKind::kOptional;
    Json entry = {{"name", field.name}, {"type", EncodeType(optional ? type->element : type, types)}};
    if (optional) entry["optional"] = true;
    if (!Trimmed(field.doc).empty()) entry["doc"] = Trimmed(field.doc);
    fields.push_back(std::move(entry));
  }
}

auto Named(const char* kind, const Type* type) -> Json { return Json{{kind, TypeName(type)}}; }

// Structs and enums by qualified name ("main.Entry"), as struct values carry it.
auto QualifiedName(const Type* type) -> std::string {
  return type->decl != nullptr && !type->decl->qualified_name.empty() ? type->decl->qualified_name : TypeName(type);
}

}  // namespace

auto EncodeType(const Type* type, Json& types) -> Json {
  if (type == nullptr) return "void";
  switch (type->kind) {
    case TypeKind::kNum: return "num";
    case TypeKind::kStr: return "str";
    case TypeKind::kBool: return "bool";
    case TypeKind::kVoid: return "void";
    case TypeKind::kNil: return "nil";
    case TypeKind::kJson: return "json";
    case TypeKind::kMutJson: return "mutjson";
    case TypeKind::kArray: return Json{{"array", EncodeType(type->element, types)}};
    case TypeKind::kMutArray: return Json{{"mutarray", EncodeType(type->element, types)}};
    case TypeKind::kMap: return Json{{"map", EncodeType(type->element, types)}};
    case TypeKind::kMutMap: return Json{{"mutmap", EncodeType(type->element, types)}};
    case TypeKind::kSet: return Json{{"set", EncodeType(type->element, types)}};
    case TypeKind::kMutSet: return Json{{"mutset", EncodeType(type->element, types)}};
    case TypeKind::kOptional: return Json{{"optional", EncodeType(type->element, types)}};
    case TypeKind::kStruct: {
      std::string name = QualifiedName(type);
      if (!types.contains(name) && type->decl != nullptr) {
        types[name] = Json{{"struct", Json::array()}};  // first, so a recursive struct ends
        Json fields = Json::array();
        std::set<std::string> seen;
        StructFields(type->decl, fields, seen, types, 0);
        types[name]["struct"] = std::move(fields);
        if (!Trimmed(type->decl->doc).empty()) types[name]["doc"] = Trimmed(type->decl->doc);
      }
      return Json{{"struct", name}};
    }
    case TypeKind::kEnum: {
      std::string name = QualifiedName(type);
      if (!types.contains(name) && type->decl != nullptr) {
        types[name] = Json{{"enum", type->decl->enum_members}};
        if (!Trimmed(type->decl->doc).empty()) types[name]["doc"] = Trimmed(type->decl->doc);
      }
      return Json{{"enum", name}};
    }
    case TypeKind::kClass: return Named("class", type);
    case TypeKind::kInterface: return Named("interface", type);
    case TypeKind::kFunction: return Named("function", type);
    default: return Named("other", type);  // duration, any, type parameters, errors
  }
}

auto MethodSignature(const ast::ClassStmt& cls, const ast::FunctionDecl& method, Json& types) -> Json {
  bool inflight = method.phase == ast::Phase::kInflight && cls.phase != ast::Phase::kInflight;
  if (!inflight || method.is_constructor || method.is_static || method.access != ast::Access::kPublic ||
      method.symbol == nullptr || method.symbol->type == nullptr || method.symbol->type->kind != TypeKind::kFunction) {
    return nullptr;
  }
  const Type* fn = method.symbol->type;
  Json params = Json::array();
  for (size_t i = 0; i < method.params.size() && i < fn->params.size(); ++i) {
    const Type* type = fn->params[i];
    bool optional = i < fn->param_optional.size() && fn->param_optional[i];  // may be left out
    Json param = {{"name", method.params[i].name}, {"type", EncodeType(type, types)}};
    if (optional) param["optional"] = true;
    params.push_back(std::move(param));
  }
  Json out = {{"params", std::move(params)}, {"result", EncodeType(fn->result, types)}};
  if (!Trimmed(method.doc).empty()) out["doc"] = Trimmed(method.doc);
  return out;
}

}  // namespace wdsl
