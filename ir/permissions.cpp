// The permissions pass: lifts -> per-target permissions, from the tables in
// stdlib/resources.json. Least privilege: only the statements of the
// operations lifted, with `${arn}`/`${name}` made into reference tokens of
// the lifted resource; never a `*` action or resource.
#include "ir/permissions.h"

#include <map>
#include <set>

#include "stdlib/stdlib.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

auto ReplaceAll(std::string text, const std::string& from, const std::string& to) -> std::string {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The stdlib type whose permission table applies: a user class extending a
// stdlib resource uses its base's.
auto StdlibType(const Program& program, std::string type) -> std::string {
  for (int guard = 0; guard < 256; ++guard) {
    const ClassInfo* cls = program.FindClass(type);
    if (cls == nullptr || cls->base.empty()) return type;
    type = cls->base;
  }
  return type;
}

auto PermissionsOf(const Program& program, const std::vector<Lift>& lifts) -> Json {
  const Json& table = ResourcePermissionTable();
  std::map<std::string, std::set<std::string>> aws;  // resource -> actions
  std::map<std::string, std::set<std::string>> sim;  // path -> ops
  for (const Lift& lift : lifts) {
    const Resource* resource = program.FindResource(lift.resource);
    if (resource == nullptr) continue;
    if (lift.via == "binding" && program.FindClass(resource->type) != nullptr) {
      // Bound methods of a user class: the simulator runs them (ir/signature.h);
      // the cloud targets reject such bindings (cli/driver.cpp).
      sim[lift.resource].insert(lift.ops.begin(), lift.ops.end());
      continue;
    }
    auto entry = table.find(StdlibType(program, resource->type));
    if (entry == table.end()) continue;
    auto permissions = entry->find("permissions");
    std::set<std::string>& sim_ops = sim[lift.resource];
    for (const std::string& op : lift.ops) {
      if (permissions == entry->end() || !permissions->contains(op)) continue;
      const Json& permission = (*permissions)[op];
      if (auto s = permission.find("sim"); s != permission.end() && s->is_array()) {
        for (const Json& name : *s) {
          if (name.is_string()) sim_ops.insert(name.get<std::string>());
        }
      }
      auto statements = permission.find("tf-aws");
      if (statements == permission.end() || !statements->is_array()) continue;
      for (const Json& statement : *statements) {
        std::string target = statement.value("resource", "");
        if (target.empty() || target == "*") continue;
        target = ReplaceAll(target, "${arn}", "${wdsl#" + lift.resource + "#arn}");
        target = ReplaceAll(target, "${name}", "${wdsl#" + lift.resource + "#name}");
        for (const Json& action : statement.value("actions", Json::array())) {
          if (!action.is_string()) continue;
          std::string text = action.get<std::string>();
          if (text.empty() || text.find('*') != std::string::npos) continue;
          aws[target].insert(text);
        }
      }
    }
  }
  Json out = Json::object();
  Json aws_list = Json::array();
  for (const auto& [target, actions] : aws) {
    if (actions.empty()) continue;
    aws_list.push_back(Json{{"actions", Json(std::vector<std::string>(actions.begin(), actions.end()))},
                            {"resources", Json::array({target})}});
  }
  Json sim_list = Json::array();
  for (const auto& [path, ops] : sim) {
    sim_list.push_back(Json{{"resource", path}, {"ops", Json(std::vector<std::string>(ops.begin(), ops.end()))}});
  }
  out["tf-aws"] = std::move(aws_list);
  out["sim"] = std::move(sim_list);
  return out;
}

}  // namespace

auto ResourcePermissionTable() -> const Json& {
  static const Json table = [] {
    Json parsed = Json::parse(stdlib::ResourcesJson(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) {
      if (auto it = parsed.find("resources"); it != parsed.end() && it->is_object()) return *it;
    }
    return Json::object();
  }();
  return table;
}

auto ComputePermissions(Program& program) -> void {
  for (Resource& resource : program.resources) {
    resource.permissions = resource.lifts.empty() ? Json::object() : PermissionsOf(program, resource.lifts);
  }
  for (TestCase& test : program.tests) {
    test.permissions = test.lifts.empty() ? Json::object() : PermissionsOf(program, test.lifts);
  }
}

}  // namespace wdsl::ir
