// The standard library as data: the `.w` declaration files of the stdlib
// modules and the resource table (resources.json), embedded at build time.
// Their conventions are described in docs/stdlib.md.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace wdsl::stdlib {

// The text of a module's declaration file ("cloud" -> stdlib/cloud.w), or
// nullopt when there is no such stdlib module.
auto FindModule(std::string_view name) -> std::optional<std::string_view>;

// The names of all stdlib modules, sorted ("cloud", "containers", ...).
auto ModuleNames() -> std::vector<std::string_view>;

// The text of stdlib/resources.json: defaults, permissions, preflight effects
// and attributes of every resource class.
auto ResourcesJson() -> std::string_view;

// The files of the JavaScript client of bindings (runtime/clients/js:
// "index.js", "index.d.ts", "aws.js") as {name, text}, in that order.
auto JsClientFiles() -> std::vector<std::pair<std::string_view, std::string_view>>;

}  // namespace wdsl::stdlib
