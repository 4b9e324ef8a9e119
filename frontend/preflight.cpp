#include "frontend/preflight.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

#include "ir/eval.h"
#include "ir/json.h"
#include "stdlib/stdlib.h"

namespace wdsl {
namespace {

constexpr const char* kRootScope = "root/Default";

// The stdlib's data about resources (stdlib/resources.json).
auto ResourceTable() -> const nlohmann::json& {
  static const nlohmann::json table = nlohmann::json::parse(stdlib::ResourcesJson(), nullptr, false);
  return table;
}

class PreflightHost : public ir::Host {
 public:
  PreflightHost(ir::Program& program, const Semantics& semantics, const SourceManager& sources,
                Diagnostics& diagnostics, const PreflightOptions& options)
      : program_(program), semantics_(semantics), sources_(sources), diagnostics_(diagnostics), options_(options) {
    scopes_.push_back(kRootScope);
  }

  auto NewResource(ir::Interpreter& interp, const std::string& type, std::vector<ir::Value> args, const ir::Value& id,
                   const ir::Value& scope, const ir::SourcePos& pos) -> ir::Value override {
    auto ref = Place(type, id, scope, pos);
    ir::Resource& resource = program_.resources.back();
    resource.props = PropsFromArgs(type, std::move(args), pos);
    ApplyDefaults(type, resource.props);
    ir::Value value;
    value.kind = ir::ValueKind::kResource;
    value.resource = ref;
    return value;
  }

  auto BeginInstance(ir::Interpreter& interp, const std::string& type, const ir::Value& id, const ir::Value& scope,
                     const ir::SourcePos& pos) -> std::shared_ptr<const ir::ResourceRef> override {
    auto ref = Place(type, id, scope, pos);
    scopes_.push_back(ref->path);
    return ref;
  }

  void EndInstance(ir::Interpreter& interp, const std::shared_ptr<const ir::ResourceRef>& ref) override {
    if (scopes_.size() > 1) scopes_.pop_back();
    instances_.push_back(ref);
  }

  auto CallResource(ir::Interpreter& interp, const ir::Value& resource, const std::string& method,
                    std::vector<ir::Value> args, const ir::SourcePos& pos) -> ir::Value override {
    ir::Resource* target = Find(resource);
    if (target == nullptr) throw ir::ThrownError("unknown resource", {});
    const nlohmann::json& entry = Entry(target->type);
    const nlohmann::json* effect = nullptr;
    if (entry.contains("preflight") && entry["preflight"].contains(method)) effect = &entry["preflight"][method];
    if (effect == nullptr) {
      throw ir::ThrownError(fmt::format("`{}` has no preflight operation `{}` in this compiler", target->type, method),
                            {});
    }
    ApplyEffect(*target, method, *effect, args, pos);
    return ir::Value::Nil();
  }

  auto GetResourceField(ir::Interpreter& interp, const ir::Value& resource, const std::string& name,
                        const ir::SourcePos& pos) -> ir::Value override {
    ir::Resource* target = Find(resource);
    if (target == nullptr) return ir::Value::Nil();
    // Attributes known only at deploy time are tokens the backends resolve.
    return ir::Value::Str(fmt::format("${{{}#{}}}", target->path, name));
  }

  auto CallBuiltin(ir::Interpreter& interp, const std::string& name, std::vector<ir::Value>& args,
                   const ir::SourcePos& pos) -> std::optional<ir::Value> override {
    if (name == "log") {
      std::string line;
      for (size_t i = 0; i < args.size(); ++i) line += (i ? " " : "") + ir::ToDisplayString(args[i]);
      if (options_.log_sink != nullptr) {
        *options_.log_sink += line + "\n";
      } else {
        std::cout << line << "\n";
      }
      return ir::Value::Nil();
    }
    if (name == "$test" && args.size() == 2) {
      ir::TestCase test;
      test.name = args[0].kind == ir::ValueKind::kStr ? args[0].AsStr() : "test";
      test.path = std::string(kRootScope) + "/test:" + test.name;
      test.closure = Encode(args[1], pos);
      test.pos = pos;
      for (const ir::TestCase& other : program_.tests) {
        if (other.name == test.name) {
          Report(DiagnosticKind::kDuplicateResourceId, pos, "test:" + test.name, kRootScope);
        }
      }
      program_.tests.push_back(std::move(test));
      return ir::Value::Nil();
    }
    return std::nullopt;
  }

  auto Instances() const -> const std::vector<std::shared_ptr<const ir::ResourceRef>>& { return instances_; }

  // Encodes a value for the IR; reports values that cannot cross into
  // inflight code.
  auto Encode(const ir::Value& value, const ir::SourcePos& pos) -> nlohmann::json {
    std::string error;
    auto json = ir::ValueToJson(value, &error);
    if (!json) {
      Report(DiagnosticKind::kPreflightError, pos, error);
      return nullptr;
    }
    return *json;
  }

  template <typename... Args>
  void Report(DiagnosticKind kind, const ir::SourcePos& pos, Args&&... args) {
    diagnostics_.Report(kind, SpanOf(pos), std::forward<Args>(args)...);
  }

  auto SpanOf(const ir::SourcePos& pos) const -> Span {
    for (FileId id = 0; id < sources_.FileCount(); ++id) {
      const SourceFile& file = sources_.File(id);
      if (file.path != pos.file || pos.line == 0 || pos.line > file.line_starts.size()) continue;
      uint32_t offset = file.line_starts[pos.line - 1];
      for (uint32_t col = 1; col < pos.col && offset < file.text.size();) {
        ++offset;
        if (offset >= file.text.size() || (static_cast<unsigned char>(file.text[offset]) & 0xC0) != 0x80) ++col;
      }
      uint32_t end = offset;
      while (end < file.text.size() && file.text[end] != '\n' && file.text[end] != ';') ++end;
      return Span{id, offset, std::max(end, offset + 1)};
    }
    return Span{};
  }

 private:
  static auto Entry(const std::string& type) -> const nlohmann::json& {
    static const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& table = ResourceTable();
    if (table.is_object() && table.contains("resources") && table["resources"].contains(type)) {
      return table["resources"][type];
    }
    if (table.is_object() && table.contains(type)) return table[type];
    return empty;
  }

  auto Find(const ir::Value& value) -> ir::Resource* {
    if (value.kind != ir::ValueKind::kResource || !value.resource) return nullptr;
    auto it = index_.find(value.resource->path);
    return it == index_.end() ? nullptr : &program_.resources[it->second];
  }

  static auto ShortName(const std::string& type) -> std::string {
    size_t dot = type.rfind('.');
    return dot == std::string::npos ? type : type.substr(dot + 1);
  }

  // Chooses the path id of a new resource, reporting duplicates and bad ids.
  auto Place(const std::string& type, const ir::Value& id, const ir::Value& scope, const ir::SourcePos& pos)
      -> std::shared_ptr<const ir::ResourceRef> {
    std::string name = id.kind == ir::ValueKind::kStr ? id.AsStr() : ShortName(type);
    if (name.empty()) {
      Report(DiagnosticKind::kInvalidResourceId, pos, name, "an id cannot be empty");
      name = ShortName(type);
    } else if (name.find('/') != std::string::npos) {
      Report(DiagnosticKind::kInvalidResourceId, pos, name, "an id cannot contain `/`");
      std::replace(name.begin(), name.end(), '/', '-');
    }
    std::string parent = scopes_.back();
    if (scope.kind == ir::ValueKind::kResource && scope.resource) parent = scope.resource->path;
    std::string path = parent + "/" + name;
    if (auto it = index_.find(path); it != index_.end()) {
      Diagnostic& d = diagnostics_.Report(DiagnosticKind::kDuplicateResourceId, SpanOf(pos), name, parent);
      const ir::SourcePos& first = program_.resources[it->second].pos;
      d.notes.push_back(DiagnosticNote{SpanOf(first), true, fmt::format("`{}` was first created here", path)});
      // Keep going with a unique path so later errors are still found.
      int n = 2;
      while (index_.count(path + "~" + std::to_string(n)) != 0) ++n;
      path += "~" + std::to_string(n);
    }
    ir::Resource resource;
    resource.path = path;
    resource.id = name;
    resource.type = type;
    resource.parent = parent;
    resource.pos = pos;
    index_[path] = program_.resources.size();
    program_.resources.push_back(std::move(resource));
    auto ref = std::make_shared<ir::ResourceRef>();
    ref->path = path;
    ref->type = type;
    return ref;
  }

  // The constructor's declared parameters, from the stdlib declaration.
  auto ConstructorParams(const std::string& type) const -> std::vector<std::string> {
    size_t dot = type.rfind('.');
    if (dot == std::string::npos) return {};
    auto module = semantics_.modules.find(type.substr(0, dot));
    if (module == semantics_.modules.end()) return {};
    auto cls = module->second->exports.find(type.substr(dot + 1));
    if (cls == module->second->exports.end()) return {};
    auto ctor = cls->second->members.find("new");
    if (ctor == cls->second->members.end() || ctor->second->function_decl == nullptr) return {};
    std::vector<std::string> names;
    for (const ast::Param& param : ctor->second->function_decl->params) names.push_back(param.name);
    return names;
  }

  // Props: the fields of the trailing props struct, plus any other
  // constructor arguments under their parameter names.
  auto PropsFromArgs(const std::string& type, std::vector<ir::Value> args, const ir::SourcePos& pos)
      -> nlohmann::json {
    nlohmann::json props = nlohmann::json::object();
    std::vector<std::string> names = ConstructorParams(type);
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].IsNil()) continue;
      nlohmann::json encoded = Encode(args[i], pos);
      bool is_last = i + 1 == names.size() || (names.empty() && i + 1 == args.size());
      if (is_last && encoded.is_object() && args[i].kind == ir::ValueKind::kMap) {
        for (auto& [key, value] : encoded.items()) props[key] = value;
      } else {
        props[i < names.size() ? names[i] : fmt::format("arg{}", i)] = encoded;
      }
    }
    return props;
  }

  static void ApplyDefaults(const std::string& type, nlohmann::json& props) {
    const nlohmann::json& entry = Entry(type);
    if (!entry.contains("defaults")) return;
    for (auto& [key, value] : entry["defaults"].items()) {
      if (!props.contains(key) || props[key].is_null()) props[key] = value;
    }
  }

  // Applies a preflight method's effect as stdlib/resources.json describes it.
  void ApplyEffect(ir::Resource& target, const std::string& method, const nlohmann::json& effect,
                   std::vector<ir::Value>& args, const ir::SourcePos& pos) {
    nlohmann::json entry = nlohmann::json::object();
    std::vector<std::string> arg_names;
    if (effect.contains("args")) arg_names = effect["args"].get<std::vector<std::string>>();
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].IsNil()) continue;
      nlohmann::json encoded = Encode(args[i], pos);
      if (i < arg_names.size()) {
        entry[arg_names[i]] = encoded;
      } else if (encoded.is_object() && !encoded.contains("$closure") && !encoded.contains("$resource")) {
        for (auto& [key, value] : encoded.items()) entry[key] = value;  // trailing options struct
      } else {
        entry[fmt::format("arg{}", i)] = encoded;
      }
    }
    if (effect.contains("fields")) {
      for (auto& [key, value] : effect["fields"].items()) entry[key] = value;
    }
    std::string kind = effect.value("kind", "append");
    std::string prop = effect.value("prop", method);
    if (kind == "append") {
      if (!target.props.contains(prop) || !target.props[prop].is_array()) target.props[prop] = nlohmann::json::array();
      target.props[prop].push_back(arg_names.size() == 1 && entry.size() == 1 ? entry.begin().value() : entry);
    } else if (kind == "set") {
      // `set` with a key argument: props[prop][args[0]] = args[1].
      if (arg_names.size() >= 2 && entry.contains(arg_names[0]) && entry[arg_names[0]].is_string()) {
        if (!target.props.contains(prop) || !target.props[prop].is_object()) {
          target.props[prop] = nlohmann::json::object();
        }
        target.props[prop][entry[arg_names[0]].get<std::string>()] = entry.value(arg_names[1], nlohmann::json());
      } else {
        target.props[prop] = entry.size() == 1 ? entry.begin().value() : entry;
      }
    } else if (kind == "merge") {
      if (!target.props.contains(prop) || !target.props[prop].is_object()) target.props[prop] = nlohmann::json::object();
      for (auto& [key, value] : entry.items()) {
        if (value.is_object()) {
          for (auto& [k, v] : value.items()) target.props[prop][k] = v;
        }
      }
    }
  }

  ir::Program& program_;
  const Semantics& semantics_;
  const SourceManager& sources_;
  Diagnostics& diagnostics_;
  const PreflightOptions& options_;
  std::vector<std::string> scopes_;
  std::map<std::string, size_t> index_;
  std::vector<std::shared_ptr<const ir::ResourceRef>> instances_;
};

// Every `$resource` reference inside a resource's props and fields is a
// dependency edge.
void CollectEdges(ir::Program& program) {
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::function<void(const std::string&, const nlohmann::json&, const char*)> walk =
      [&](const std::string& from, const nlohmann::json& j, const char* reason) {
        if (j.is_object()) {
          if (j.contains("$resource") && j["$resource"].is_string()) {
            std::string to = j["$resource"].get<std::string>();
            if (to != from && seen.emplace(from, to, reason).second) program.edges.push_back({from, to, reason});
            return;
          }
          const char* next = j.contains("$closure") ? "handler" : reason;
          for (const auto& item : j) walk(from, item, next);
        } else if (j.is_array()) {
          for (const auto& item : j) walk(from, item, reason);
        }
      };
  for (const ir::Resource& resource : program.resources) {
    walk(resource.path, resource.props, "binding");
    walk(resource.path, resource.fields, "field");
  }
}

}  // namespace

auto RunPreflight(LoweredProgram lowered, const Semantics& semantics, Diagnostics& diagnostics,
                  const PreflightOptions& options) -> std::optional<ir::Program> {
  ir::Program program = std::move(lowered.program);
  PreflightHost host(program, semantics, diagnostics.Sources(), diagnostics, options);
  ir::Limits limits;
  limits.max_steps = options.max_steps;
  ir::Interpreter interp(program, host, limits);
  for (int32_t toplevel : lowered.toplevel) {
    const ir::Function& fn = program.functions[toplevel];
    try {
      interp.RunTopLevel(toplevel);
    } catch (const ir::ThrownError& error) {
      ir::SourcePos pos = error.trace.empty() ? fn.pos : error.trace.front().pos;
      Diagnostic& d = diagnostics.Report(DiagnosticKind::kPreflightError, host.SpanOf(pos), error.what());
      for (size_t i = 1; i < error.trace.size() && i < 8; ++i) {
        d.notes.push_back({host.SpanOf(error.trace[i].pos), true, "called from `" + error.trace[i].function + "`"});
      }
      return std::nullopt;
    } catch (const ir::LimitExceeded& error) {
      diagnostics.Report(DiagnosticKind::kPreflightLimit, host.SpanOf(fn.pos), error.what());
      return std::nullopt;
    }
  }
  // User preflight class instances: their fields as inflight code sees them.
  for (const auto& ref : host.Instances()) {
    if (ir::Resource* resource = const_cast<ir::Resource*>(program.FindResource(ref->path))) {
      if (auto fields = interp.InstanceFields(ref->path)) {
        for (const auto& [name, value] : *fields) resource->fields[name] = host.Encode(value, resource->pos);
      }
    }
  }
  // Inflight methods: the top-level variables they use, as they are now.
  for (ir::Function& fn : program.functions) {
    fn.module_captures = nlohmann::json::array();
    for (int32_t slot : fn.module_capture_slots) {
      std::optional<ir::Value> value = slot >= 0 ? interp.TopLevelSlot(fn.module_toplevel, slot) : std::nullopt;
      fn.module_captures.push_back(value ? host.Encode(*value, fn.pos) : nlohmann::json());
    }
  }
  CollectEdges(program);
  if (diagnostics.HasErrors()) return std::nullopt;
  return program;
}

}  // namespace wdsl
