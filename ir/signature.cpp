#include "ir/signature.h"

#include <fmt/format.h>

#include "ir/json_text.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

// The one key of an encoded compound type ({"array": T}) and its value.
auto Compound(const Json& type) -> std::pair<std::string, const Json*> {
  if (!type.is_object() || type.size() != 1) return {"", nullptr};
  return {type.begin().key(), &type.begin().value()};
}

auto StructFields(const Program& program, const std::string& name) -> const Json* {
  auto it = program.types.find(name);
  if (it == program.types.end() || !it->is_object()) return nullptr;
  auto fields = it->find("struct");
  return fields == it->end() || !fields->is_array() ? nullptr : &*fields;
}

auto EnumMembers(const Program& program, const std::string& name) -> const Json* {
  auto it = program.types.find(name);
  if (it == program.types.end() || !it->is_object()) return nullptr;
  auto members = it->find("enum");
  return members == it->end() || !members->is_array() ? nullptr : &*members;
}

auto Kind(const Json& value) -> std::string {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

auto Fail(std::string* error, const std::string& where, const Json& type, const Json& value)
    -> std::optional<Value> {
  if (error != nullptr) *error = fmt::format("{} must be {}, got {}", where, TypeText(type), Kind(value));
  return std::nullopt;
}

auto NotCrossable(const Program& program, const Json& type, int depth, std::vector<std::string>& open)
    -> std::string {
  if (depth > 64) return "";
  if (type.is_string()) {
    const std::string& name = type.get_ref<const std::string&>();
    bool ok = name == "str" || name == "num" || name == "bool" || name == "json" || name == "mutjson" ||
              name == "void" || name == "nil";
    return ok ? "" : name;
  }
  auto [kind, inner] = Compound(type);
  if (inner == nullptr) return TypeText(type);
  if (kind == "enum") return "";
  if (kind == "struct") {
    std::string name = inner->is_string() ? inner->get<std::string>() : "";
    for (const std::string& seen : open) {
      if (seen == name) return "";  // a recursive struct: checked where it began
    }
    const Json* fields = StructFields(program, name);
    if (fields == nullptr) return TypeText(type);
    open.push_back(name);
    std::string found;
    for (const Json& field : *fields) {
      found = NotCrossable(program, field.value("type", Json()), depth + 1, open);
      if (!found.empty()) {
        found = fmt::format("{} (field `{}` of `{}`)", found, field.value("name", ""), name);
        break;
      }
    }
    open.pop_back();
    return found;
  }
  static const char* const kContainers[] = {"array", "mutarray", "map", "mutmap", "set", "mutset", "optional"};
  for (const char* container : kContainers) {
    if (kind == container) return NotCrossable(program, *inner, depth + 1, open);
  }
  return TypeText(type);  // class, interface, function, other
}

auto Convert(const Program& program, const Json& type, const Json& value, const std::string& where,
             std::string* error, int depth) -> std::optional<Value> {
  if (depth > 256) {
    if (error != nullptr) *error = where + " is nested too deeply";
    return std::nullopt;
  }
  if (type.is_string()) {
    const std::string& name = type.get_ref<const std::string&>();
    if (name == "str" && value.is_string()) return Value::Str(value.get<std::string>());
    if (name == "num" && value.is_number()) return Value::Num(value.get<double>());
    if (name == "bool" && value.is_boolean()) return Value::Bool(value.get<bool>());
    if ((name == "nil" || name == "void") && value.is_null()) return Value::Nil();
    if (name == "json" || name == "mutjson") {
      std::string parse_error;
      std::optional<Value> parsed = ParseJson(value.dump(), name == "mutjson", &parse_error);
      if (parsed) return parsed;
      if (error != nullptr) *error = fmt::format("{} is not JSON: {}", where, parse_error);
      return std::nullopt;
    }
    return Fail(error, where, type, value);
  }
  auto [kind, inner] = Compound(type);
  if (inner == nullptr) return Fail(error, where, type, value);
  if (kind == "optional") {
    if (value.is_null()) return Value::Nil();
    return Convert(program, *inner, value, where, error, depth + 1);
  }
  if (kind == "array" || kind == "mutarray" || kind == "set" || kind == "mutset") {
    if (!value.is_array()) return Fail(error, where, type, value);
    bool is_set = kind == "set" || kind == "mutset";
    std::vector<Value> items;
    for (size_t i = 0; i < value.size(); ++i) {
      auto item = Convert(program, *inner, value[i], fmt::format("{}[{}]", where, i), error, depth + 1);
      if (!item) return std::nullopt;
      bool duplicate = false;
      for (size_t j = 0; is_set && j < items.size() && !duplicate; ++j) duplicate = DeepEqual(items[j], *item);
      if (!duplicate) items.push_back(std::move(*item));
    }
    return Value::NewArray(std::move(items), kind == "mutarray" || kind == "mutset", is_set);
  }
  if (kind == "map" || kind == "mutmap") {
    if (!value.is_object()) return Fail(error, where, type, value);
    std::vector<std::pair<std::string, Value>> entries;
    for (const auto& [key, item] : value.items()) {
      auto converted = Convert(program, *inner, item, fmt::format("{}.{}", where, key), error, depth + 1);
      if (!converted) return std::nullopt;
      entries.emplace_back(key, std::move(*converted));
    }
    return Value::NewMap(std::move(entries), kind == "mutmap");
  }
  if (kind == "enum") {
    std::string name = inner->is_string() ? inner->get<std::string>() : "";
    const Json* members = EnumMembers(program, name);
    if (value.is_string() && members != nullptr) {
      for (const Json& member : *members) {
        if (member == value) return Value::Str(value.get<std::string>());
      }
    }
    std::string list;
    for (const Json& member : members != nullptr ? *members : Json::array()) list += (list.empty() ? "" : ", ") + member.dump();
    if (error != nullptr) *error = fmt::format("{} must be one of {} (enum `{}`), got {}", where, list, name, value.dump());
    return std::nullopt;
  }
  if (kind == "struct") {
    std::string name = inner->is_string() ? inner->get<std::string>() : "";
    const Json* fields = StructFields(program, name);
    if (fields == nullptr || !value.is_object()) return Fail(error, where, type, value);
    std::vector<std::pair<std::string, Value>> entries;
    for (const Json& field : *fields) {
      std::string field_name = field.value("name", "");
      auto it = value.find(field_name);
      if (it == value.end() || it->is_null()) {
        if (field.value("optional", false)) continue;
        if (error != nullptr) *error = fmt::format("{} is missing the field `{}` of struct `{}`", where, field_name, name);
        return std::nullopt;
      }
      auto converted =
          Convert(program, field.value("type", Json()), *it, fmt::format("{}.{}", where, field_name), error, depth + 1);
      if (!converted) return std::nullopt;
      entries.emplace_back(field_name, std::move(*converted));
    }
    for (const auto& [key, item] : value.items()) {
      bool known = false;
      for (const Json& field : *fields) known = known || field.value("name", "") == key;
      if (!known) {
        if (error != nullptr) *error = fmt::format("{} has a field `{}`, which struct `{}` does not have", where, key, name);
        return std::nullopt;
      }
    }
    return Value::NewMap(std::move(entries), false, name);
  }
  return Fail(error, where, type, value);
}

}  // namespace

auto BindableMethods(const Program& program, const std::string& class_name) -> std::map<std::string, int32_t> {
  std::map<std::string, int32_t> methods;
  std::string name = class_name;
  for (int guard = 0; !name.empty() && guard < 256; ++guard) {
    const ClassInfo* cls = program.FindClass(name);
    if (cls == nullptr) break;
    for (const auto& [method, fn] : cls->methods) {
      if (fn < 0 || static_cast<size_t>(fn) >= program.functions.size()) continue;
      if (!program.functions[fn].signature.is_object()) continue;
      methods.emplace(method, fn);  // an override, seen first, wins
    }
    name = cls->base;
  }
  return methods;
}

auto TypeText(const Json& type) -> std::string {
  if (type.is_string()) {
    const std::string& name = type.get_ref<const std::string&>();
    if (name == "json") return "Json";
    if (name == "mutjson") return "MutJson";
    return name;
  }
  auto [kind, inner] = Compound(type);
  if (inner == nullptr) return type.dump();
  if (kind == "optional") {
    std::string text = TypeText(*inner);
    return (text.find(' ') != std::string::npos ? "(" + text + ")" : text) + "?";
  }
  static const std::pair<const char*, const char*> kNames[] = {{"array", "Array"}, {"mutarray", "MutArray"},
                                                                {"map", "Map"},     {"mutmap", "MutMap"},
                                                                {"set", "Set"},     {"mutset", "MutSet"}};
  for (const auto& [key, wing] : kNames) {
    if (kind == key) return fmt::format("{}<{}>", wing, TypeText(*inner));
  }
  return inner->is_string() ? inner->get<std::string>() : inner->dump();
}

auto NotJsonCrossable(const Program& program, const Json& type) -> std::string {
  std::vector<std::string> open;
  return NotCrossable(program, type, 0, open);
}

auto SignatureProblem(const Program& program, const Json& signature) -> std::string {
  for (const Json& param : signature.value("params", Json::array())) {
    std::string bad = NotJsonCrossable(program, param.value("type", Json()));
    if (bad.empty()) continue;
    std::string whole = TypeText(param.value("type", Json()));
    return fmt::format("parameter `{}` has type `{}`{}", param.value("name", ""), whole,
                       bad == whole ? "" : fmt::format(", with `{}` in it", bad));
  }
  Json result = signature.value("result", Json("void"));
  std::string bad = NotJsonCrossable(program, result);
  if (!bad.empty()) {
    std::string whole = TypeText(result);
    return fmt::format("its result has type `{}`{}", whole, bad == whole ? "" : fmt::format(", with `{}` in it", bad));
  }
  return "";
}

void TidyResult(const Program& program, const Json& type, Json& value) {
  auto [kind, inner] = Compound(type);
  if (inner == nullptr || value.is_null()) return;
  if (kind == "struct" && value.is_object()) {
    const Json* fields = StructFields(program, inner->is_string() ? inner->get<std::string>() : "");
    for (const Json& field : fields != nullptr ? *fields : Json::array()) {
      auto it = value.find(field.value("name", ""));
      if (it == value.end()) continue;
      if (it->is_null() && field.value("optional", false)) {
        value.erase(it);
      } else {
        TidyResult(program, field.value("type", Json()), *it);
      }
    }
  } else if (kind == "optional") {
    TidyResult(program, *inner, value);
  } else if (kind != "enum" && (value.is_array() || value.is_object())) {
    for (Json& item : value) TidyResult(program, *inner, item);
  }
}

auto ArgsFromJson(const Program& program, const Json& signature, const Json& args, std::string* error)
    -> std::optional<std::vector<Value>> {
  const Json params = signature.value("params", Json::array());
  size_t required = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].value("optional", false)) required = i + 1;
  }
  if (!args.is_array() || args.size() < required || args.size() > params.size()) {
    if (error != nullptr) {
      std::string count = required == params.size() ? fmt::format("{}", required)
                                                     : fmt::format("{} to {}", required, params.size());
      *error = fmt::format("expected {} argument{}, got {}", count, params.size() == 1 ? "" : "s",
                           args.is_array() ? args.size() : 0);
    }
    return std::nullopt;
  }
  std::vector<Value> values;
  for (size_t i = 0; i < args.size(); ++i) {
    const Json& param = params[i];
    std::string where = fmt::format("argument {} (`{}`)", i + 1, param.value("name", ""));
    const Json& type = param.value("type", Json());
    // A parameter that may be left out takes null as "not given".
    if (args[i].is_null() && param.value("optional", false)) {
      values.push_back(Value::Nil());
      continue;
    }
    auto value = Convert(program, type, args[i], where, error, 0);
    if (!value) return std::nullopt;
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace wdsl::ir
