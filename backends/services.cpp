#include "backends/services.h"

#include <cctype>
#include <map>

#include "ir/bind.h"
#include "ir/tokens.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;

// A DNS label from a resource id: lowercase letters, digits and dashes.
auto DnsLabel(const std::string& id) -> std::string {
  std::string label;
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    label += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  while (!label.empty() && label.front() == '-') label.erase(label.begin());
  while (!label.empty() && label.back() == '-') label.pop_back();
  if (label.size() > 63) label.resize(63);
  return label.empty() ? "service" : label;
}

// `wdsl-runtime --ready-check`: exit 0 once the start handler has returned.
auto ReadyCheck(double initial_delay, double period) -> Json {
  return {{"command", {"/wdsl/wdsl-runtime", "--ready-check"}},
          {"initialDelay", {{"$duration", initial_delay}}},
          {"period", {{"$duration", period}}}};
}

}  // namespace

auto LiftBindings(const ir::Program& program, const ir::Resource& host) -> Json {
  std::map<std::string, int> ids;
  for (const ir::Lift& lift : host.lifts) {
    if (const ir::Resource* target = program.FindResource(lift.resource)) ++ids[target->id];
  }
  Json bindings = Json::object();
  for (const ir::Lift& lift : host.lifts) {
    const ir::Resource* target = program.FindResource(lift.resource);
    if (target == nullptr || target->path == host.path) continue;
    std::string below = target->path.starts_with("root/Default/") ? target->path.substr(13) : target->path;
    std::string name = ir::BindingEnvName(ids[target->id] > 1 ? below : target->id);
    bindings[name] = {{"resource", {{"$resource", target->path}}}, {"ops", lift.ops}};
  }
  return bindings;
}

auto ServicesAsWorkloads(const ir::Program& program, const std::string& target) -> ir::Program {
  ir::Program out = program;
  std::vector<ir::Resource> resources;
  resources.reserve(program.resources.size());
  // Deploy-time tokens: resolved where the target knows them (the driver
  // rejects the others, E0603).
  ir::TokenValue value_of = [&](const ir::Token& token) { return ir::DeployTokenValue(program, target, token); };
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "containers.Workload") {
      resources.push_back(resource);
      ir::ReplaceTokens(resources.back().props, value_of);
      continue;
    }
    if (resource.type != "cloud.Service") {
      resources.push_back(resource);
      continue;
    }
    ir::Resource workload = resource;
    workload.type = "containers.Workload";
    // Tokens in `env` and, for the bundle, in WDSL_TOKENS.
    Json env = resource.props.value("env", Json::object());
    ir::ReplaceTokens(env, value_of);
    Json values = Json::object();
    for (const ir::Token& token : ir::ServiceTokens(program, resource)) {
      if (std::optional<std::string> value = value_of(token)) values[token.Key()] = *value;
    }
    if (!values.empty()) env[ir::kTokensEnv] = values.dump();
    env["WDSL_RESOURCE_BACKEND"] = "aws";
    Json bindings = LiftBindings(program, resource);
    std::string below = resource.path.starts_with("root/Default/") ? resource.path.substr(13) : resource.path;
    workload.props = {{"name", DnsLabel(below)},
                      {"image", "./.wdsl/images/" + DnsLabel(below)},
                      // `autoStart: false`: deployed, not running, as in the simulator.
                      {"replicas", resource.props.value("autoStart", true)
                                       ? static_cast<int64_t>(resource.props.value("replicas", 1.0))
                                       : int64_t{0}},
                      {"env", env},
                      {"bindings", bindings},
                      // Ready once the start handler has returned; restarted
                      // when it has not after 2 minutes (and 3 more checks).
                      {"readiness", ReadyCheck(0, 5)},
                      {"liveness", ReadyCheck(120, 30)}};
    if (auto scaling = resource.props.find("autoscaling"); scaling != resource.props.end() && scaling->is_object()) {
      workload.props["autoscaling"] = *scaling;
    }
    resources.push_back(std::move(workload));
  }
  out.resources = std::move(resources);
  return out;
}

}  // namespace wdsl
