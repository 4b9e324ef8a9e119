#include "ir/program_diff.h"

#include <fmt/format.h>

#include <functional>
#include <set>

#include "ir/json.h"

namespace wdsl::ir {
namespace {

// The code of functions as text without source positions, with the
// functions a closure node creates written out in place (their indexes
// differ between compilations), memoized per function.
class CodeText {
 public:
  explicit CodeText(const Program& program) : program_(program) {}

  auto Of(int32_t index) -> const std::string& {
    if (auto it = done_.find(index); it != done_.end()) return it->second;
    static const std::string kMissing = "?";
    if (index < 0 || static_cast<size_t>(index) >= program_.functions.size()) return kMissing;
    if (!visiting_.insert(index).second) return kMissing;  // recursion through closures
    const Function& function = program_.functions[index];
    std::string text = fmt::format("{}|{}|{}|{}|{}|{}|{}|", static_cast<int>(function.kind),
                                   static_cast<int>(function.phase), function.class_name, function.is_static,
                                   fmt::join(function.params, ","), fmt::join(function.capture_names, ","),
                                   function.module_captures.dump());
    for (const Node& node : function.code.nodes) {
      text += fmt::format("{} {} {} {} ", static_cast<int>(node.kind), static_cast<int>(node.op), node.flag, node.depth);
      text += node.kind == NodeKind::kClosure ? "{" + Of(node.slot) + "}" : std::to_string(node.slot);
      std::optional<nlohmann::json> constant = ValueToJson(node.constant);
      text += fmt::format(" {} {} [{}];", node.name, constant ? constant->dump() : ToDisplayString(node.constant),
                          fmt::join(node.kids, ","));
    }
    text += std::to_string(function.code.root);
    visiting_.erase(index);
    return done_[index] = std::move(text);
  }

 private:
  const Program& program_;
  std::map<int32_t, std::string> done_;
  std::set<int32_t> visiting_;
};

// Props with every closure's function replaced by a placeholder (`shape`)
// and the closures' code collected apart (`code`).
void Split(const nlohmann::json& value, CodeText& code_text, nlohmann::json& shape, std::string& code) {
  if (value.is_object() && value.contains("$closure") && value["$closure"].is_object()) {
    const nlohmann::json& closure = value["$closure"];
    shape = {{"$closure", closure.value("captures", nlohmann::json::array())}};
    code += code_text.Of(closure.value("function", -1)) + "\n";
    return;
  }
  if (value.is_object()) {
    shape = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) Split(item, code_text, shape[key], code);
  } else if (value.is_array()) {
    shape = nlohmann::json::array();
    for (const nlohmann::json& item : value) {
      shape.push_back(nullptr);
      Split(item, code_text, shape.back(), code);
    }
  } else {
    shape = value;
  }
}

// The inflight code of every class method: a method that a handler calls
// by name may have changed without the handler's own code changing.
auto ClassesText(const Program& program, CodeText& code_text) -> std::string {
  std::string text;
  for (const ClassInfo& info : program.classes) {
    text += info.name + ":" + info.base + ":";
    for (const auto& [name, index] : info.methods) text += name + "=" + code_text.Of(index) + ";";
    text += code_text.Of(info.init) + ";" + code_text.Of(info.inflight_init) + "\n";
  }
  return text;
}

struct Described {
  std::string shape;
  std::string code;
};

auto Describe(const Program& program, const std::map<std::string, nlohmann::json>& images)
    -> std::map<std::string, Described> {
  CodeText code_text(program);
  std::map<std::string, Described> out;
  for (const Resource& resource : program.resources) {
    nlohmann::json props_shape, fields_shape;
    std::string code;
    Split(resource.props, code_text, props_shape, code);
    Split(resource.fields, code_text, fields_shape, code);
    nlohmann::json image = nlohmann::json::object();
    for (const auto& [owner, description] : images) {
      if (owner == resource.path || owner.starts_with(resource.path + "#")) image[owner] = description;
    }
    out[resource.path] = {resource.type + "\n" + props_shape.dump() + "\n" + fields_shape.dump() + "\n" +
                              resource.permissions.dump() + "\n" + image.dump(),
                          std::move(code)};
  }
  return out;
}

}  // namespace

auto ResourceChangeName(ResourceChange change) -> const char* {
  switch (change) {
    case ResourceChange::kSame: return "same";
    case ResourceChange::kCode: return "code";
    case ResourceChange::kProps: return "props";
    case ResourceChange::kAdded: return "added";
    case ResourceChange::kRemoved: return "removed";
  }
  return "?";
}

auto DiffPrograms(const Program& before, const Program& after, const std::map<std::string, nlohmann::json>& images_before,
                  const std::map<std::string, nlohmann::json>& images_after)
    -> std::map<std::string, ResourceChange> {
  std::map<std::string, Described> old_resources = Describe(before, images_before);
  std::map<std::string, Described> new_resources = Describe(after, images_after);
  CodeText old_code(before), new_code(after);
  bool classes_changed = ClassesText(before, old_code) != ClassesText(after, new_code);
  std::map<std::string, ResourceChange> changes;
  for (const auto& [path, now] : new_resources) {
    auto it = old_resources.find(path);
    if (it == old_resources.end()) {
      changes[path] = ResourceChange::kAdded;
    } else if (it->second.shape != now.shape) {
      changes[path] = ResourceChange::kProps;
    } else if (it->second.code != now.code || (classes_changed && !now.code.empty())) {
      changes[path] = ResourceChange::kCode;
    } else {
      changes[path] = ResourceChange::kSame;
    }
  }
  for (const auto& [path, was] : old_resources) {
    if (!new_resources.contains(path)) changes[path] = ResourceChange::kRemoved;
  }
  return changes;
}

}  // namespace wdsl::ir
