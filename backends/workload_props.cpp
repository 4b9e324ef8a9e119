#include "backends/workload_props.h"

#include "ir/images.h"

namespace wdsl {

using Json = nlohmann::json;

auto PropStrings(const Json& props, const char* name) -> std::vector<std::string> {
  std::vector<std::string> out;
  if (!props.contains(name) || !props[name].is_array()) return out;
  for (const Json& item : props[name]) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

auto WorkloadPorts(const Json& props) -> std::vector<WorkloadPort> {
  std::vector<WorkloadPort> ports;
  if (props.contains("ports") && props["ports"].is_array()) {
    for (const Json& port : props["ports"]) {
      if (port.contains("port") && port["port"].is_number()) {
        ports.push_back({port["port"].get<int>(), port.value("protocol", "http")});
      }
    }
  } else if (props.contains("port") && props["port"].is_number()) {
    ports.push_back({props["port"].get<int>(), "http"});
  }
  return ports;
}

auto ProbeSeconds(const Json& probe, const char* name, double fallback) -> double {
  if (probe.contains(name) && probe[name].is_object()) return probe[name].value("$duration", fallback);
  return fallback;
}

auto WorkloadBindings(const ir::Program& program, const Json& props) -> std::vector<WorkloadBinding> {
  std::vector<WorkloadBinding> out;
  if (!props.contains("bindings") || !props["bindings"].is_object()) return out;
  for (const auto& [name, value] : props["bindings"].items()) {
    const Json* ref = value.contains("$resource") ? &value : nullptr;
    if (ref == nullptr && value.contains("resource")) ref = &value["resource"];
    if (ref == nullptr || !ref->contains("$resource")) continue;
    const ir::Resource* target = program.FindResource((*ref)["$resource"].get<std::string>());
    if (target != nullptr) out.push_back({name, target});
  }
  return out;
}

auto LocalImageTag(const std::map<std::string, Json>& images, const std::string& key) -> std::string {
  auto it = images.find(key);
  if (it == images.end() || !it->second.contains("tag")) return "";
  std::string tag = it->second["tag"].get<std::string>();  // wdsl-<app>-<name>:<hash>
  return tag.starts_with("wdsl-") ? tag.substr(5) : tag;
}

auto CloudResourceName(const std::string& app, const ir::Resource& resource) -> std::string {
  return ir::SanitizeImageName(app + "-" + resource.id);
}

}  // namespace wdsl
