// Workloads and their `bindings` (ir/bind_internal.h): what a workload may
// use, and the resources it refers to without binding them.
#include <fmt/format.h>

#include <cctype>
#include <functional>

#include "ir/bind_internal.h"
#include "ir/signature.h"

namespace wdsl::ir::bind_internal {

// A workload's `bindings`: `{"NAME": {"$resource": p}}` binds every inflight
// operation of p; `{"NAME": {"resource": ..., "ops": [...]}}` binds those.
auto BindingLifts(const Program& program, const Resource& host, const Json& table, std::vector<BindProblem>& problems)
    -> std::map<std::string, std::set<std::string>> {
  std::map<std::string, std::set<std::string>> found;
  auto it = host.props.find("bindings");
  if (it == host.props.end() || !it->is_object()) return found;
  for (const auto& [name, binding] : it->items()) {
    const Json* ref = &binding;
    const Json* ops = nullptr;
    if (binding.is_object() && binding.contains("resource")) {
      ref = &binding["resource"];
      if (auto o = binding.find("ops"); o != binding.end()) ops = &*o;
    }
    const Resource* target = nullptr;
    if (ref->is_object()) {
      if (auto p = ref->find("$resource"); p != ref->end() && p->is_string()) {
        target = program.FindResource(p->get<std::string>());
      }
    }
    if (target == nullptr) {
      problems.push_back(BindProblem{host.pos, fmt::format("binding `{}` of `{}` is not a resource", name, host.path)});
      continue;
    }
    bool user_class = program.FindClass(target->type) != nullptr;
    auto entry = table.find(target->type);
    if (!user_class && entry == table.end()) {
      problems.push_back(BindProblem{
          host.pos, fmt::format("binding `{}` of `{}`: `{}` is a `{}`, which has no inflight operations to bind",
                                name, host.path, target->path, target->type)});
      continue;
    }
    // A user class binds its `pub inflight` methods, which run in the
    // simulator when the container calls them (ir/signature.h).
    std::map<std::string, int32_t> methods;
    std::set<std::string> valid;
    if (user_class) {
      methods = BindableMethods(program, target->type);
      for (const auto& [method, fn] : methods) valid.insert(method);
    } else if (auto p = entry->find("permissions"); p != entry->end() && p->is_object()) {
      for (const auto& [op, permission] : p->items()) valid.insert(op);
    }
    std::set<std::string> chosen;
    if (ops == nullptr) chosen = valid;
    for (const Json& op : ops != nullptr && ops->is_array() ? *ops : Json::array()) {
      std::string text = op.is_string() ? op.get<std::string>() : op.dump();
      if (valid.count(text) != 0) {
        chosen.insert(text);
        continue;
      }
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "`" : ", `") + v + "`";
      problems.push_back(BindProblem{
          host.pos, fmt::format("binding `{}` of `{}`: `{}` is not {} of `{}`; valid {}: {}", name, host.path, text,
                                user_class ? "a `pub inflight` method" : "an inflight operation", target->type,
                                user_class ? "methods" : "operations", list.empty() ? "none" : list)});
    }
    if (user_class) CheckCrossable(program, host, name, *target, methods, chosen, ops == nullptr, problems);
    found[target->path].insert(chosen.begin(), chosen.end());
  }
  return found;
}

// A container calls a bound method with JSON arguments and gets JSON back,
// so a method that takes or returns a resource, a closure or a duration
// cannot be bound.
void CheckCrossable(const Program& program, const Resource& host, const std::string& name, const Resource& target,
                    const std::map<std::string, int32_t>& methods, std::set<std::string>& chosen, bool all,
                    std::vector<BindProblem>& problems) {
  std::map<std::string, std::string> bad;  // method -> what cannot cross
  for (const std::string& method : chosen) {
    std::string problem = SignatureProblem(program, program.functions[methods.at(method)].signature);
    if (!problem.empty()) bad[method] = problem;
  }
  for (const auto& [method, problem] : bad) chosen.erase(method);
  std::string others;
  for (const std::string& method : chosen) others += (others.empty() ? "\"" : ", \"") + method + "\"";
  std::string id = target.path.substr(target.path.rfind('/') + 1);
  for (const auto& [method, problem] : bad) {
    const Function& fn = program.functions[methods.at(method)];
    std::string fix = !all             ? fmt::format("leave `{}` out of `allow`", method)
                      : others.empty() ? std::string("it has no other method to bind instead")
                                       : fmt::format("bind only the other methods with `{}.allow([{}])`", id, others);
    problems.push_back(BindProblem{
        host.pos, fmt::format("binding `{}` of `{}`: a container cannot call `{}` of `{}` ({}:{}:{}): {}, which cannot "
                              "cross JSON (only str, num, bool, Json, structs, enums and arrays, maps, sets and "
                              "optionals of them can); {}, or change the method's types",
                              name, host.path, method, target.type, fn.pos.file, fn.pos.line, fn.pos.col, problem, fix)});
  }
}

namespace {

// Calls `found(where, path)` for every resource a prop value refers to: an
// attribute token `${wdsl#<path>#<attr>}` inside a string, or a
// `{"$resource": path}` value. `where` is the prop path (`env.PASSWORD`).
void ForEachReference(const Json& value, const std::string& where,
                      const std::function<void(const std::string&, const std::string&)>& found) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    for (size_t at = text.find("${wdsl#"); at != std::string::npos; at = text.find("${wdsl#", at + 1)) {
      size_t begin = at + 7;
      size_t end = text.find('#', begin);
      if (end != std::string::npos) found(where, text.substr(begin, end - begin));
    }
  } else if (value.is_object()) {
    if (auto r = value.find("$resource"); r != value.end() && r->is_string()) {
      found(where, r->get<std::string>());
      return;
    }
    if (value.contains("$closure")) return;  // code: the Analyzer's business
    for (const auto& [key, item] : value.items()) ForEachReference(item, where.empty() ? key : where + "." + key, found);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) ForEachReference(value[i], fmt::format("{}[{}]", where, i), found);
  }
}

}  // namespace

// A workload (a resource with a `bindings` prop) reaches other resources only
// through its bindings: one that its props refer to (an attribute in `env`)
// and that has inflight operations, but that it does not bind, would fail at
// run time for lack of access, so it is an error now.
void CheckUnboundUses(const Program& program, const Resource& host, const Json& table,
                      const std::map<std::string, std::set<std::string>>& bound, std::vector<BindProblem>& problems) {
  std::set<std::string> reported;
  for (const auto& [key, value] : host.props.items()) {
    if (key == "bindings") continue;
    ForEachReference(value, key, [&](const std::string& where, const std::string& path) {
      if (bound.count(path) != 0 || path == host.path || !reported.insert(path).second) return;
      const Resource* target = program.FindResource(path);
      if (target == nullptr) return;
      auto entry = table.find(target->type);
      if (entry == table.end()) return;
      auto ops = entry->find("permissions");
      if (ops == entry->end() || !ops->is_object() || ops->empty()) return;  // nothing to grant (an Api's url)
      std::string name = target->path.substr(target->path.rfind('/') + 1);
      std::string env_name = BindingEnvName(name);
      problems.push_back(BindProblem{
          host.pos, fmt::format("workload `{}` uses `{}` (in `{}`) but does not bind it, so it would have no access "
                                "to it at run time; add it to `bindings`, e.g. `bindings: {{ \"{}\" => {} }}`",
                                host.path, target->path, where, env_name, name)});
    });
  }
}

}  // namespace wdsl::ir::bind_internal
