// TypeScript declarations of user-class bindings (c:bindings, case 3), from
// the signatures of their `pub inflight` methods (ir/signature.h): str is
// string, num number, bool boolean, Json the client's Json, Array/Set T[],
// Map Record<string, T>, structs interfaces, enums unions of string
// literals, `T?` `T | undefined` (a parameter that may be left out is
// `name?: T`; inside a collection, where JSON has no undefined, `T | null`).
#include <fmt/format.h>

#include <cctype>

#include "ir/image_client.h"
#include "ir/signature.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

auto ShortName(const std::string& qualified) -> std::string {
  size_t dot = qualified.rfind('.');
  return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

auto Identifier(const std::string& text) -> std::string {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ? c : '_';
  return out;
}

// `/** text */`, indented, with `*/` inside the text broken up.
auto JsDoc(const std::string& doc, const std::string& indent) -> std::string {
  if (doc.empty()) return "";
  std::string text;
  for (size_t i = 0; i < doc.size(); ++i) {
    if (doc[i] == '*' && i + 1 < doc.size() && doc[i + 1] == '/') {
      text += "*\\/";
      ++i;
    } else if (doc[i] == '\n') {
      text += "\n" + indent + " * ";
    } else {
      text += doc[i];
    }
  }
  return indent + "/** " + text + " */\n";
}

class Writer {
 public:
  explicit Writer(const Program& program) : program_(program) {}

  // Gives every class, struct and enum a TypeScript name: its own, or with
  // the module when two share one.
  void Name(const std::vector<std::string>& qualified) {
    std::map<std::string, int> uses;
    for (const std::string& name : qualified) ++uses[ShortName(name)];
    for (const std::string& name : qualified) {
      names_[name] = Identifier(uses[ShortName(name)] > 1 ? name : ShortName(name));
    }
  }

  auto TsName(const std::string& qualified) -> std::string {
    auto it = names_.find(qualified);
    return it != names_.end() ? it->second : Identifier(qualified);
  }

  auto Type(const Json& type, bool nested) -> std::string {
    if (type.is_string()) {
      const std::string& name = type.get_ref<const std::string&>();
      if (name == "str") return "string";
      if (name == "num") return "number";
      if (name == "bool") return "boolean";
      if (name == "json" || name == "mutjson") return "wing.Json";
      if (name == "void") return "void";
      if (name == "nil") return nested ? "null" : "undefined";
      return "unknown";
    }
    if (!type.is_object() || type.size() != 1) return "unknown";
    const std::string& kind = type.begin().key();
    const Json& inner = type.begin().value();
    if (kind == "optional") return Type(inner, nested) + (nested ? " | null" : " | undefined");
    if (kind == "array" || kind == "mutarray" || kind == "set" || kind == "mutset") {
      std::string item = Type(inner, true);
      return (item.find(' ') != std::string::npos ? "(" + item + ")" : item) + "[]";
    }
    if (kind == "map" || kind == "mutmap") return "Record<string, " + Type(inner, true) + ">";
    if ((kind == "struct" || kind == "enum") && inner.is_string()) {
      used_.insert(inner.get<std::string>());
      return TsName(inner.get<std::string>());
    }
    return "unknown";
  }

  auto Method(const std::string& name, const Json& signature) -> std::string {
    std::string params;
    for (const Json& param : signature.value("params", Json::array())) {
      if (!params.empty()) params += ", ";
      Json type = param.value("type", Json());
      std::string param_name = Identifier(param.value("name", "arg"));
      if (param.value("optional", false)) {
        bool wrapped = type.is_object() && type.contains("optional");
        params += param_name + "?: " + Type(wrapped ? type["optional"] : type, false);
      } else {
        params += param_name + ": " + Type(type, false);
      }
    }
    return JsDoc(signature.value("doc", ""), "  ") +
           fmt::format("  {}({}): Promise<{}>;\n", name, params, Type(signature.value("result", Json("void")), false));
  }

  // The structs and enums the methods used, and those their fields use.
  auto Declarations() -> std::string {
    std::string out;
    std::set<std::string> done;
    while (true) {
      std::string next;
      for (const std::string& name : used_) {
        if (done.count(name) == 0) {
          next = name;
          break;
        }
      }
      if (next.empty()) break;
      done.insert(next);
      auto it = program_.types.find(next);
      if (it == program_.types.end() || !it->is_object()) continue;
      out += JsDoc(it->value("doc", ""), "");
      if (auto members = it->find("enum"); members != it->end()) {
        std::string alternatives;
        for (const Json& member : *members) alternatives += (alternatives.empty() ? "" : " | ") + member.dump();
        out += fmt::format("export type {} = {};\n", TsName(next), alternatives.empty() ? "never" : alternatives);
        continue;
      }
      out += fmt::format("export interface {} {{\n", TsName(next));
      for (const Json& field : it->value("struct", Json::array())) {
        out += JsDoc(field.value("doc", ""), "  ");
        out += fmt::format("  {}{}: {};\n", field.value("name", ""), field.value("optional", false) ? "?" : "",
                           Type(field.value("type", Json()), true));
      }
      out += "}\n";
    }
    return out;
  }

 private:
  const Program& program_;
  std::map<std::string, std::string> names_;
  std::set<std::string> used_;
};

}  // namespace

auto TypeScriptOfClasses(const Program& program, const std::map<std::string, std::string>& bindings,
                         const std::map<std::string, std::set<std::string>>& methods) -> ClassTypings {
  Writer writer(program);
  std::set<std::string> classes;
  for (const auto& [name, cls] : bindings) classes.insert(cls);
  std::vector<std::string> named(classes.begin(), classes.end());
  for (const auto& [type, decl] : program.types.items()) named.push_back(type);
  writer.Name(named);

  ClassTypings out;
  std::string interfaces;
  for (const std::string& cls : classes) {
    // The class's interface has every method a container may call; each
    // binding picks the ones it binds.
    std::map<std::string, int32_t> all = BindableMethods(program, cls);
    interfaces += fmt::format("/** The inflight API of `{}` that containers may call. */\nexport interface {} {{\n", cls,
                              writer.TsName(cls));
    for (const auto& [method, fn] : all) {
      const Json& signature = program.functions[fn].signature;
      if (SignatureProblem(program, signature).empty()) interfaces += writer.Method(method, signature);
    }
    interfaces += "}\n";
    for (const auto& [name, bound_class] : bindings) {
      if (bound_class != cls) continue;
      auto chosen = methods.find(name);
      std::string picks;
      size_t crossable = 0;
      for (const auto& [method, fn] : all) {
        if (!SignatureProblem(program, program.functions[fn].signature).empty()) continue;
        ++crossable;
        if (chosen != methods.end() && chosen->second.count(method) != 0) {
          picks += (picks.empty() ? "" : " | ") + Json(method).dump();
        }
      }
      size_t count = chosen == methods.end() ? 0 : chosen->second.size();
      out.consts[name] = count == crossable ? writer.TsName(cls)
                                            : fmt::format("Pick<{}, {}>", writer.TsName(cls), picks.empty() ? "never" : picks);
    }
  }
  out.dts = writer.Declarations() + interfaces;
  return out;
}

}  // namespace wdsl::ir
