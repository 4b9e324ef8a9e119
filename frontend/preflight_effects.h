// What stdlib/resources.json says about resources, applied to IR props:
// defaults, preflight-method effects (as templates over the call's
// arguments), and attributes. docs/stdlib.md describes the data.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wdsl {

// The entry of a resource class ("cloud.Queue"), or an empty object.
auto ResourceEntry(const std::string& type) -> const nlohmann::json&;

// Fills defaults into `props` in order of depth; `ports[].protocol` fills
// every element, `readiness.period` only when `readiness` is set.
void ApplyPropDefaults(const std::string& type, nlohmann::json& props);

// A prop counts as set when it is not null, false, "", [] or {} (0 is set).
auto IsPropSet(const nlohmann::json& props, const std::string& path) -> bool;

// Evaluates an effect template: `"$name"` / `"$name.field"` are arguments,
// `"$child"` the created child, `"$$x"` the literal "$x",
// `{"$readFile": ..., "encoding": ...}` a file's text read relative to
// `base_dir`; everything else is literal.
struct TemplateContext {
  const nlohmann::json* args = nullptr;            // parameter name -> encoded argument
  const nlohmann::json* param_defaults = nullptr;  // "props.batchSize" -> value
  nlohmann::json child;                            // {"$resource": path} or null
  std::string base_dir;
  std::string error;                               // set when a file could not be read
};
auto EvalTemplate(const nlohmann::json& tmpl, TemplateContext& ctx) -> nlohmann::json;

// A resource attribute (`api.url`): a token, a prop's value, or null when
// its `when` conditions do not hold. nullopt: no such attribute.
auto ResolveAttribute(const std::string& type, const std::string& path, const std::string& name,
                      const nlohmann::json& props) -> std::optional<nlohmann::json>;

// The token that stands for an attribute known only at deploy or run time.
auto AttributeToken(const std::string& path, const std::string& name) -> std::string;

}  // namespace wdsl
