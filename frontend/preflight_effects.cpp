#include "frontend/preflight_effects.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "stdlib/stdlib.h"

namespace wdsl {
namespace {

auto Table() -> const nlohmann::json& {
  static const nlohmann::json table = nlohmann::json::parse(stdlib::ResourcesJson(), nullptr, false);
  return table;
}

auto Split(const std::string& path, char sep) -> std::vector<std::string> {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

auto Depth(const std::string& path) -> size_t {
  return static_cast<size_t>(std::count(path.begin(), path.end(), '.')) +
         static_cast<size_t>(std::count(path.begin(), path.end(), '['));
}

// Calls `fill(parent, key)` for every object that `path` (with `[]` array
// segments) reaches whose last segment should hold the value.
void ForEachSlot(nlohmann::json& node, const std::vector<std::string>& segments, size_t i,
                 const std::function<void(nlohmann::json&, const std::string&)>& fill) {
  if (!node.is_object()) return;
  std::string segment = segments[i];
  bool each = segment.size() > 2 && segment.compare(segment.size() - 2, 2, "[]") == 0;
  if (each) segment.resize(segment.size() - 2);
  if (i + 1 == segments.size()) {
    if (!each) fill(node, segment);
    return;
  }
  if (!node.contains(segment) || node[segment].is_null()) return;
  nlohmann::json& next = node[segment];
  if (each) {
    if (!next.is_array()) return;
    for (nlohmann::json& item : next) ForEachSlot(item, segments, i + 1, fill);
  } else {
    ForEachSlot(next, segments, i + 1, fill);
  }
}

auto Lookup(const nlohmann::json& root, const std::string& path) -> const nlohmann::json* {
  const nlohmann::json* node = &root;
  for (const std::string& segment : Split(path, '.')) {
    if (!node->is_object() || !node->contains(segment)) return nullptr;
    node = &(*node)[segment];
  }
  return node;
}

auto IsSetValue(const nlohmann::json* value) -> bool {
  if (value == nullptr || value->is_null()) return false;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) return !value->get<std::string>().empty();
  if (value->is_array() || value->is_object()) return !value->empty();
  return true;
}

}  // namespace

auto ResourceEntry(const std::string& type) -> const nlohmann::json& {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& table = Table();
  if (!table.is_object() || !table.contains("resources")) return empty;
  const nlohmann::json& resources = table["resources"];
  return resources.contains(type) ? resources[type] : empty;
}

void ApplyPropDefaults(const std::string& type, nlohmann::json& props) {
  const nlohmann::json& entry = ResourceEntry(type);
  if (!entry.contains("defaults")) return;
  std::vector<std::pair<std::string, const nlohmann::json*>> defaults;
  for (const auto& [path, value] : entry["defaults"].items()) defaults.emplace_back(path, &value);
  std::stable_sort(defaults.begin(), defaults.end(),
                   [](const auto& a, const auto& b) { return Depth(a.first) < Depth(b.first); });
  for (const auto& default_entry : defaults) {
    const nlohmann::json* value = default_entry.second;  // (clang cannot capture structured bindings)
    ForEachSlot(props, Split(default_entry.first, '.'), 0, [&](nlohmann::json& parent, const std::string& key) {
      if (!parent.contains(key) || parent[key].is_null()) parent[key] = *value;
    });
  }
}

auto IsPropSet(const nlohmann::json& props, const std::string& path) -> bool {
  return IsSetValue(Lookup(props, path));
}

auto EvalTemplate(const nlohmann::json& tmpl, TemplateContext& ctx) -> nlohmann::json {
  if (tmpl.is_string()) {
    const std::string& text = tmpl.get_ref<const std::string&>();
    if (text.rfind("$$", 0) == 0) return text.substr(1);
    if (text == "$child") return ctx.child;
    if (text.empty() || text[0] != '$') return text;
    std::string path = text.substr(1);
    const nlohmann::json* value = ctx.args != nullptr ? Lookup(*ctx.args, path) : nullptr;
    if ((value == nullptr || value->is_null()) && ctx.param_defaults != nullptr && ctx.param_defaults->contains(path)) {
      return (*ctx.param_defaults)[path];
    }
    return value != nullptr ? *value : nlohmann::json();
  }
  if (tmpl.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& item : tmpl) out.push_back(EvalTemplate(item, ctx));
    return out;
  }
  if (!tmpl.is_object()) return tmpl;
  if (tmpl.contains("$readFile")) {
    nlohmann::json path = EvalTemplate(tmpl["$readFile"], ctx);
    if (!path.is_string()) return nullptr;
    std::filesystem::path file = std::filesystem::path(ctx.base_dir) / path.get<std::string>();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      ctx.error = "cannot read `" + file.string() + "`";
      return nullptr;
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : tmpl.items()) out[key] = EvalTemplate(value, ctx);
  return out;
}

auto AttributeToken(const std::string& path, const std::string& name) -> std::string {
  return "${wdsl#" + path + "#" + name + "}";
}

auto ResolveAttribute(const std::string& type, const std::string& path, const std::string& name,
                      const nlohmann::json& props) -> std::optional<nlohmann::json> {
  const nlohmann::json& entry = ResourceEntry(type);
  if (!entry.contains("attributes") || !entry["attributes"].contains(name)) return std::nullopt;
  const nlohmann::json& attribute = entry["attributes"][name];
  for (const nlohmann::json& condition : attribute.value("when", nlohmann::json::array())) {
    bool any = false;
    for (const std::string& alternative : Split(condition.get<std::string>(), '|')) {
      any = any || IsPropSet(props, alternative);
    }
    if (!any) return nlohmann::json();
  }
  if (attribute.contains("prop")) {
    const nlohmann::json* value = Lookup(props, attribute["prop"].get<std::string>());
    return value != nullptr ? *value : nlohmann::json();
  }
  return AttributeToken(path, attribute.value("token", name));
}

}  // namespace wdsl
