// Checks that the embedded standard library matches the files in stdlib/ and
// that resources.json agrees with the declarations in the .w files. The .w
// files are read with a line-based scan that relies on their layout (one
// declaration per line, class bodies closed by `}` in column 0), which the
// scan itself checks.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "stdlib/stdlib.h"

namespace wdsl::stdlib {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

auto ReadFile(const fs::path& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

auto SourceModules() -> std::map<std::string, std::string> {
  std::map<std::string, std::string> modules;
  for (const auto& entry : fs::directory_iterator(WDSL_STDLIB_DIR)) {
    if (entry.path().extension() == ".w") {
      modules[entry.path().stem().string()] = ReadFile(entry.path());
    }
  }
  return modules;
}

auto Lines(const std::string& text) -> std::vector<std::string> {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// ------------------------------------------------------------ a tiny scanner

struct Method {
  std::string name;
  std::string phase;  // "inflight", "unphased" or "" (preflight)
  bool is_static = false;
};

struct ClassDecl {
  std::string module;
  std::string name;
  std::string base;
  std::string ctor_props_type;  // type of the last constructor parameter, if a struct
  std::vector<std::string> ctor_params;
  std::vector<std::string> fields;
  std::vector<Method> methods;
  auto QualifiedName() const -> std::string { return module + "." + name; }
};

struct StructDecl {
  std::vector<std::string> bases;
  std::vector<std::string> fields;
  std::vector<std::string> field_types;  // as written: "duration?"
};

struct Declarations {
  std::vector<ClassDecl> classes;
  std::map<std::string, StructDecl> structs;  // by "module.Name"
};

auto Scan() -> Declarations {
  static const std::regex class_re(R"(^pub class (\w+)(<\w+>)?( extends (\w+))?( impl [\w, .]+)? \{\}?$)");
  static const std::regex struct_re(R"(^pub struct (\w+)( extends ([\w, ]+))? \{(\}?)$)");
  static const std::regex ctor_re(R"(^  new\((.*)\);$)");
  static const std::regex method_re(R"(^  pub (static )?(inflight |unphased )?(\w+)\(.*\)(: .+)?;$)");
  static const std::regex field_re(R"(^  pub (\w+): .+;$)");
  static const std::regex struct_field_re(R"(^  (\w+): (.+);$)");
  static const std::regex param_re(R"((\w+): ([\w.<>]+)\??)");
  static const std::regex word_re(R"(\w+)");

  Declarations decls;
  for (const auto& [module, text] : SourceModules()) {
    ClassDecl* current_class = nullptr;
    StructDecl* current_struct = nullptr;
    for (const auto& line : Lines(text)) {
      std::smatch m;
      if (line == "}") {
        current_class = nullptr;
        current_struct = nullptr;
      } else if (std::regex_match(line, m, class_re)) {
        ClassDecl c;
        c.module = module;
        c.name = m[1];
        c.base = m[4];
        decls.classes.push_back(std::move(c));
        current_class = line.ends_with("{}") ? nullptr : &decls.classes.back();
      } else if (std::regex_match(line, m, struct_re)) {
        auto& s = decls.structs[module + "." + m[1].str()];
        std::string bases = m[3];
        for (std::sregex_iterator it(bases.begin(), bases.end(), word_re), end; it != end; ++it) {
          s.bases.push_back(it->str());
        }
        current_struct = m[4].matched && m[4].length() > 0 ? nullptr : &s;
      } else if (current_class != nullptr && std::regex_match(line, m, ctor_re)) {
        std::string params = m[1];
        for (std::sregex_iterator it(params.begin(), params.end(), param_re), end; it != end; ++it) {
          current_class->ctor_params.push_back((*it)[1]);
          current_class->ctor_props_type = (*it)[2];
        }
      } else if (current_class != nullptr && std::regex_match(line, m, method_re)) {
        std::string phase = m[2];
        if (!phase.empty()) phase.pop_back();
        current_class->methods.push_back(Method{m[3], phase, m[1].matched});
      } else if (current_class != nullptr && std::regex_match(line, m, field_re)) {
        current_class->fields.push_back(m[1]);
      } else if (current_struct != nullptr && std::regex_match(line, m, struct_field_re)) {
        current_struct->fields.push_back(m[1]);
        current_struct->field_types.push_back(m[2]);
      }
    }
    EXPECT_EQ(current_class, nullptr) << module << ".w: a class is not closed by `}` in column 0";
    EXPECT_EQ(current_struct, nullptr) << module << ".w: a struct is not closed by `}` in column 0";
  }
  return decls;
}

auto IsResource(const ClassDecl& c) -> bool { return c.base == "Resource"; }

auto ResourceClasses(const Declarations& decls) -> std::vector<const ClassDecl*> {
  std::vector<const ClassDecl*> result;
  for (const auto& c : decls.classes) {
    if (IsResource(c)) result.push_back(&c);
  }
  return result;
}

// Fields of a struct including those of its bases (same module).
auto StructFields(const Declarations& decls, const std::string& module, const std::string& name)
    -> std::set<std::string> {
  std::set<std::string> fields;
  auto it = decls.structs.find(module + "." + name);
  if (it == decls.structs.end()) return fields;
  fields.insert(it->second.fields.begin(), it->second.fields.end());
  for (const auto& base : it->second.bases) {
    auto inherited = StructFields(decls, module, base);
    fields.insert(inherited.begin(), inherited.end());
  }
  return fields;
}

auto Resources() -> json {
  return json::parse(ResourcesJson());
}

// ------------------------------------------------------------ embedding

TEST(Embedding, EveryModuleIsEmbeddedByteForByte) {
  auto sources = SourceModules();
  ASSERT_FALSE(sources.empty());
  std::vector<std::string_view> expected_names;
  for (const auto& [name, text] : sources) {
    expected_names.push_back(name);
    auto embedded = FindModule(name);
    ASSERT_TRUE(embedded.has_value()) << name;
    EXPECT_EQ(*embedded, text) << name << ".w differs from its embedded copy";
  }
  EXPECT_EQ(ModuleNames(), expected_names);
}

TEST(Embedding, HasEveryModuleOfTheLanguage) {
  for (const char* name : {"std", "cloud", "containers", "sim", "ex", "util", "http", "expect"}) {
    EXPECT_TRUE(FindModule(name).has_value()) << name;
  }
}

TEST(Embedding, FindModuleRejectsOtherNames) {
  for (const char* name : {"", "nope", "cloud.w", "Cloud", "resources", "resources.json", ".w"}) {
    EXPECT_FALSE(FindModule(name).has_value()) << name;
  }
}

TEST(Embedding, ResourcesJsonIsEmbeddedByteForByte) {
  EXPECT_EQ(ResourcesJson(), ReadFile(fs::path(WDSL_STDLIB_DIR) / "resources.json"));
}

// ------------------------------------------------------------ declarations

TEST(Declarations, EveryPublicDeclarationHasADocComment) {
  static const std::regex needs_doc(R"(^(pub |  pub |  new\())");
  for (const auto& [module, text] : SourceModules()) {
    auto lines = Lines(text);
    bool in_struct = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto& line = lines[i];
      if (line.starts_with("pub struct ")) in_struct = !line.ends_with("{}");
      if (line == "}") in_struct = false;
      bool is_struct_field = in_struct && line.starts_with("  ") && !line.starts_with("  //");
      if (std::regex_search(line, needs_doc) || is_struct_field) {
        bool documented = i > 0 && lines[i - 1].find_first_not_of(' ') != std::string::npos &&
                          lines[i - 1].substr(lines[i - 1].find_first_not_of(' ')).starts_with("/// ");
        EXPECT_TRUE(documented) << module << ".w:" << i + 1 << ": no `///` comment above `" << line << "`";
      }
    }
  }
}

TEST(Declarations, ScannerSeesTheResourceClasses) {
  auto decls = Scan();
  std::set<std::string> names;
  for (const auto* c : ResourceClasses(decls)) names.insert(c->QualifiedName());
  for (const char* expected : {"cloud.Bucket", "cloud.Queue", "cloud.Counter", "cloud.Api", "cloud.Function",
                               "cloud.Service", "cloud.Secret", "cloud.Schedule", "containers.Workload",
                               "sim.Container", "ex.Redis"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
}

// ------------------------------------------------------------ resources.json

TEST(ResourcesJson, HasTheDocumentedShape) {
  auto doc = Resources();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.at("version"), 1);
  EXPECT_TRUE(doc.at("tokenFormat").is_string());
  ASSERT_TRUE(doc.at("resources").is_object());
  for (const auto& [name, entry] : doc.at("resources").items()) {
    for (const char* key : {"description", "defaults", "constraints", "permissions", "preflight", "attributes"}) {
      EXPECT_TRUE(entry.contains(key)) << name << " has no `" << key << "`";
    }
    EXPECT_TRUE(entry.at("constraints").is_array()) << name;
  }
}

TEST(ResourcesJson, HasOneEntryPerResourceClass) {
  auto doc = Resources();
  auto decls = Scan();
  std::set<std::string> declared;
  for (const auto* c : ResourceClasses(decls)) declared.insert(c->QualifiedName());
  std::set<std::string> listed;
  for (const auto& [name, entry] : doc.at("resources").items()) listed.insert(name);
  EXPECT_EQ(listed, declared);
}

TEST(ResourcesJson, EveryInflightMethodHasAPermissionEntry) {
  auto doc = Resources();
  auto decls = Scan();
  for (const auto* c : ResourceClasses(decls)) {
    const auto& entry = doc.at("resources").at(c->QualifiedName());
    std::set<std::string> inflight;
    for (const auto& m : c->methods) {
      if (m.phase != "inflight") continue;
      inflight.insert(m.name);
      if (!entry.at("permissions").contains(m.name)) {
        ADD_FAILURE() << c->QualifiedName() << "." << m.name << " has no permission entry";
        continue;
      }
      const auto& perm = entry.at("permissions").at(m.name);
      EXPECT_TRUE(perm.at("tf-aws").is_array()) << c->QualifiedName() << "." << m.name;
      EXPECT_TRUE(perm.at("sim").is_array()) << c->QualifiedName() << "." << m.name;
      EXPECT_FALSE(perm.at("sim").empty()) << c->QualifiedName() << "." << m.name;
    }
    for (const auto& [op, perm] : entry.at("permissions").items()) {
      EXPECT_TRUE(inflight.contains(op)) << c->QualifiedName() << ": permission for unknown operation `" << op << "`";
    }
  }
}

TEST(ResourcesJson, ActionsAreExactAndResourcesAreArnTemplates) {
  static const std::regex action_re(R"(^[a-z0-9-]+:[A-Za-z0-9]+$)");
  static const std::regex resource_re(R"(^(\$\{arn\}|arn:)[A-Za-z0-9:/${}._*-]*$)");
  auto doc = Resources();
  for (const auto& [name, entry] : doc.at("resources").items()) {
    for (const auto& [op, perm] : entry.at("permissions").items()) {
      for (const auto& statement : perm.at("tf-aws")) {
        ASSERT_FALSE(statement.at("actions").empty()) << name << "." << op;
        for (const auto& action : statement.at("actions")) {
          std::string text = action.get<std::string>();
          EXPECT_EQ(text.find('*'), std::string::npos) << name << "." << op << ": wildcard action " << text;
          EXPECT_TRUE(std::regex_match(text, action_re)) << name << "." << op << ": " << text;
        }
        std::string resource = statement.at("resource").get<std::string>();
        EXPECT_TRUE(std::regex_match(resource, resource_re)) << name << "." << op << ": " << resource;
        EXPECT_NE(resource, "*") << name << "." << op;
      }
    }
  }
}

TEST(ResourcesJson, PreflightEntriesMatchPreflightMethods) {
  static const std::set<std::string> effects = {"append", "setEntry"};
  auto doc = Resources();
  auto decls = Scan();
  for (const auto* c : ResourceClasses(decls)) {
    const auto& preflight = doc.at("resources").at(c->QualifiedName()).at("preflight");
    std::set<std::string> methods;
    for (const auto& m : c->methods) {
      if (m.phase.empty() && !m.is_static) methods.insert(m.name);
    }
    std::set<std::string> listed;
    for (const auto& [name, effect] : preflight.items()) {
      listed.insert(name);
      EXPECT_TRUE(effects.contains(effect.at("effect").get<std::string>())) << c->QualifiedName() << "." << name;
      EXPECT_TRUE(effect.at("prop").is_string()) << c->QualifiedName() << "." << name;
      const json patterns = effect.value("paramPatterns", json::object());
      for (const auto& [param, pattern] : patterns.items()) {
        EXPECT_NO_THROW(std::regex(pattern.at("regex").get<std::string>())) << c->QualifiedName() << "." << name;
        EXPECT_TRUE(pattern.at("message").is_string()) << c->QualifiedName() << "." << name;
      }
      if (effect.contains("child")) {
        EXPECT_TRUE(doc.at("resources").contains(effect.at("child").at("type").get<std::string>()))
            << c->QualifiedName() << "." << name;
        EXPECT_NE(effect.at("child").at("id").get<std::string>().find("{n}"), std::string::npos)
            << c->QualifiedName() << "." << name;
      }
    }
    EXPECT_EQ(listed, methods) << c->QualifiedName();
  }
}

TEST(ResourcesJson, AttributesMatchPublicFields) {
  auto doc = Resources();
  auto decls = Scan();
  for (const auto* c : ResourceClasses(decls)) {
    const auto& attributes = doc.at("resources").at(c->QualifiedName()).at("attributes");
    std::set<std::string> fields(c->fields.begin(), c->fields.end());
    std::set<std::string> listed;
    for (const auto& [name, attribute] : attributes.items()) {
      listed.insert(name);
      EXPECT_TRUE(attribute.at("type").is_string()) << c->QualifiedName() << "." << name;
      EXPECT_NE(attribute.contains("token"), attribute.contains("prop"))
          << c->QualifiedName() << "." << name << " needs exactly one of `token` and `prop`";
    }
    EXPECT_EQ(listed, fields) << c->QualifiedName();
  }
}

TEST(ResourcesJson, DefaultsAndConstraintsNameKnownProps) {
  static const std::set<std::string> kinds = {"min", "integer", "pattern", "oneOf", "exactlyOne", "atMostOne", "requires",
                                              "lessOrEqual"};
  auto doc = Resources();
  auto decls = Scan();
  for (const auto* c : ResourceClasses(decls)) {
    const auto& entry = doc.at("resources").at(c->QualifiedName());
    // Props: the props struct's fields, other constructor parameters, and
    // the props that preflight methods fill.
    auto props = StructFields(decls, c->module, c->ctor_props_type);
    props.insert(c->ctor_params.begin(), c->ctor_params.end());
    for (const auto& [name, effect] : entry.at("preflight").items()) props.insert(effect.at("prop").get<std::string>());
    auto root = [](const std::string& path) { return path.substr(0, path.find_first_of(".[|")); };

    for (const auto& [path, value] : entry.at("defaults").items()) {
      EXPECT_TRUE(props.contains(root(path))) << c->QualifiedName() << ": default for unknown prop `" << path << "`";
    }
    for (const auto& constraint : entry.at("constraints")) {
      std::string kind = constraint.at("kind");
      EXPECT_TRUE(kinds.contains(kind)) << c->QualifiedName() << ": unknown constraint kind " << kind;
      EXPECT_TRUE(constraint.at("message").is_string()) << c->QualifiedName();
      std::vector<std::string> paths;
      if (constraint.contains("prop")) paths.push_back(constraint.at("prop"));
      if (constraint.contains("props")) {
        for (const auto& p : constraint.at("props")) paths.push_back(p);
      }
      if (constraint.contains("regex")) {
        EXPECT_NO_THROW(std::regex(constraint.at("regex").get<std::string>())) << c->QualifiedName();
      }
      for (const auto& path : paths) {
        EXPECT_TRUE(props.contains(root(path))) << c->QualifiedName() << ": constraint on unknown prop `" << path << "`";
      }
    }
  }
}

TEST(ResourcesJson, DurationDefaultsUseTheIrEncoding) {
  auto doc = Resources();
  auto decls = Scan();
  for (const auto* c : ResourceClasses(decls)) {
    // Struct fields of this module by name; the stdlib gives a field name
    // one type per module, which this check relies on.
    std::map<std::string, std::string> field_types;
    for (const auto& [name, s] : decls.structs) {
      if (!name.starts_with(c->module + ".")) continue;
      for (std::size_t i = 0; i < s.fields.size(); ++i) field_types[s.fields[i]] = s.field_types[i];
    }
    for (const auto& [path, value] : doc.at("resources").at(c->QualifiedName()).at("defaults").items()) {
      std::string field = path.substr(path.find_last_of(".]") == std::string::npos ? 0 : path.find_last_of(".]") + 1);
      auto it = field_types.find(field);
      if (it == field_types.end() || !it->second.starts_with("duration")) continue;
      EXPECT_TRUE(value.is_object() && value.contains("$duration") && value.at("$duration").is_number())
          << c->QualifiedName() << ": default `" << path << "` is a duration: write {\"$duration\": seconds}";
    }
  }
}

// The compiler compiles these patterns without a guard (frontend/preflight.cpp).
TEST(ResourcesJson, ParameterPatternsCompileAndHaveMessages) {
  auto doc = Resources();
  int patterns = 0;
  for (const auto& [type, resource] : doc.at("resources").items()) {
    if (!resource.contains("preflight")) continue;
    for (const auto& [method, effect] : resource.at("preflight").items()) {
      if (!effect.is_object() || !effect.contains("paramPatterns")) continue;
      for (const auto& [param, rule] : effect.at("paramPatterns").items()) {
        ++patterns;
        EXPECT_NO_THROW(std::regex(rule.at("regex").get<std::string>(), std::regex::ECMAScript))
            << type << "." << method << "(" << param << ")";
        EXPECT_FALSE(rule.value("message", "").empty()) << type << "." << method << "(" << param << ")";
      }
    }
  }
  EXPECT_GT(patterns, 0);
}

}  // namespace
}  // namespace wdsl::stdlib
