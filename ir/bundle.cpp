#include "ir/bundle.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <vector>

#include "ir/json.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

// Every `{"$resource": path}` inside `value`.
void CollectResources(const Json& value, std::vector<std::string>& out) {
  if (value.is_object()) {
    if (auto it = value.find("$resource"); it != value.end() && it->is_string() && value.size() == 1) {
      out.push_back(it->get<std::string>());
      return;
    }
  }
  if (value.is_structured()) {
    for (const Json& item : value) CollectResources(item, out);
  }
}

// Source paths relative to the entry file's directory, so the bundle (and
// the image's hash) is the same in every checkout of the app.
auto Relative(const std::string& file, const std::filesystem::path& base) -> std::string {
  std::filesystem::path path(file);
  if (!path.is_absolute() || base.empty()) return file;
  std::string relative = path.lexically_relative(base).generic_string();
  return relative.empty() ? file : relative;
}

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

// The bundle's program: `host` (a service or a function), the resources its
// code can reach, and the inflight functions and classes.
auto Subset(const Program& program, const Resource& host) -> Program {
  // Reachable resources: from the host's props (its handler's captures)
  // and from the functions' module captures (top-level variables inflight
  // methods read), then through the props and fields of each one found.
  std::vector<std::string> pending;
  CollectResources(host.props, pending);
  for (const Function& function : program.functions) CollectResources(function.module_captures, pending);
  std::set<std::string> reachable = {host.path};
  while (!pending.empty()) {
    std::string path = std::move(pending.back());
    pending.pop_back();
    if (!reachable.insert(path).second) continue;
    if (const Resource* resource = program.FindResource(path)) {
      CollectResources(resource->props, pending);
      CollectResources(resource->fields, pending);
    }
  }
  std::filesystem::path base = std::filesystem::path(program.entry_file).parent_path();
  Program subset;
  subset.app = program.app;
  subset.entry_file = Relative(program.entry_file, base);
  // Preflight code never runs inflight: its functions stay as stubs, so
  // indices hold and an edit of preflight code alone leaves the bundle as it was.
  subset.functions.reserve(program.functions.size());
  for (const Function& function : program.functions) {
    bool preflight_only = function.kind == FunctionKind::kTopLevel || function.kind == FunctionKind::kTest ||
                          function.phase == Phase::kPreflight;
    if (!preflight_only) {
      subset.functions.push_back(function);
      subset.functions.back().pos.file = Relative(function.pos.file, base);
      continue;
    }
    Function stub;
    stub.name = function.name;
    stub.kind = function.kind;
    stub.phase = function.phase;
    stub.class_name = function.class_name;
    subset.functions.push_back(std::move(stub));
  }
  subset.classes = program.classes;
  for (const Resource& resource : program.resources) {
    if (!reachable.contains(resource.path)) continue;
    subset.resources.push_back(resource);
    subset.resources.back().pos.file = Relative(resource.pos.file, base);
  }
  return subset;
}

// Whether `list` (a queue's `consumers` or an Api's `routes`) holds an entry
// whose `function` is the resource at `path`.
auto NamesFunction(const Json& list, const std::string& path) -> bool {
  if (!list.is_array()) return false;
  for (const Json& entry : list) {
    if (!entry.is_object()) continue;
    auto function = entry.find("function");
    if (function != entry.end() && function->is_object() && function->value("$resource", "") == path) return true;
  }
  return false;
}

}  // namespace

auto MakeServiceBundle(const Program& program, const std::string& service_path, std::string* error)
    -> std::optional<nlohmann::json> {
  const Resource* service = program.FindResource(service_path);
  if (service == nullptr || service->type != "cloud.Service") {
    SetError(error, fmt::format("`{}` is not a cloud.Service of the program", service_path));
    return std::nullopt;
  }
  return Json{{"wdsl_bundle", kBundleVersion}, {"service", service_path}, {"program", ToJson(Subset(program, *service))}};
}

auto FunctionTrigger(const Program& program, const std::string& function_path) -> std::string {
  const Resource* function = program.FindResource(function_path);
  const Resource* parent = function == nullptr ? nullptr : program.FindResource(function->parent);
  if (parent != nullptr && parent->type == "cloud.Schedule") return "schedule";
  for (const Resource& resource : program.resources) {
    if (resource.type == "cloud.Queue" && NamesFunction(resource.props.value("consumers", Json()), function_path)) {
      return "queue";
    }
    if (resource.type == "cloud.Api" && NamesFunction(resource.props.value("routes", Json()), function_path)) {
      return "api";
    }
  }
  return "invoke";
}

auto MakeFunctionBundle(const Program& program, const std::string& function_path, std::string* error)
    -> std::optional<nlohmann::json> {
  const Resource* function = program.FindResource(function_path);
  if (function == nullptr || function->type != "cloud.Function") {
    SetError(error, fmt::format("`{}` is not a cloud.Function of the program", function_path));
    return std::nullopt;
  }
  return Json{{"wdsl_bundle", kBundleVersion},
              {"function", function_path},
              {"trigger", FunctionTrigger(program, function_path)},
              {"program", ToJson(Subset(program, *function))}};
}

auto BundleFromJson(const nlohmann::json& json, std::string* error) -> std::optional<Bundle> {
  if (!json.is_object() || !json.contains("wdsl_bundle")) {
    SetError(error, "not a wdsl service bundle (no `wdsl_bundle` field): build it with `wdsl build`");
    return std::nullopt;
  }
  if (json["wdsl_bundle"] != kBundleVersion) {
    SetError(error, fmt::format("bundle version {} is not {}, the version this runtime reads: rebuild the image "
                                "with the same wdsl as the runtime",
                                json["wdsl_bundle"].dump(), kBundleVersion));
    return std::nullopt;
  }
  bool is_service = json.contains("service") && json["service"].is_string();
  bool is_function = json.contains("function") && json["function"].is_string();
  if (is_service == is_function || !json.contains("program") || !json["program"].is_object()) {
    SetError(error, "the bundle needs either a `service` or a `function` path, and a `program` object");
    return std::nullopt;
  }
  std::string program_error;
  Bundle bundle;
  bundle.program = ProgramFromJson(json["program"], &program_error);
  if (!program_error.empty()) {
    SetError(error, "the bundle's program is malformed: " + program_error);
    return std::nullopt;
  }
  const char* type = is_service ? "cloud.Service" : "cloud.Function";
  std::string path = json[is_service ? "service" : "function"].get<std::string>();
  const Resource* resource = bundle.program.FindResource(path);
  if (resource == nullptr || resource->type != type) {
    SetError(error, fmt::format("the bundle's program has no {} `{}`", type, path));
    return std::nullopt;
  }
  (is_service ? bundle.service : bundle.function) = path;
  if (is_function) {
    bundle.trigger = json.value("trigger", "");
    if (bundle.trigger != "invoke" && bundle.trigger != "queue" && bundle.trigger != "api" &&
        bundle.trigger != "schedule") {
      SetError(error, fmt::format("the function bundle's trigger `{}` is not `invoke`, `queue`, `api` or `schedule`: "
                                  "rebuild the "
                                  "image with the same wdsl as the runtime",
                                  bundle.trigger));
      return std::nullopt;
    }
  }
  return bundle;
}

}  // namespace wdsl::ir
