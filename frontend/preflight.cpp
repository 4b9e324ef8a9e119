#include "frontend/preflight.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <regex>
#include <unordered_map>
#include <map>
#include <set>

#include "ir/eval.h"
#include "ir/json.h"
#include "frontend/preflight_effects.h"

namespace wdsl {
namespace {

constexpr const char* kRootScope = "root/Default";

class PreflightHost : public ir::Host {
 public:
  PreflightHost(ir::Program& program, const Semantics& semantics, const SourceManager& sources,
                Diagnostics& diagnostics, const PreflightOptions& options)
      : program_(program), semantics_(semantics), sources_(sources), diagnostics_(diagnostics), options_(options) {
    scopes_.push_back(kRootScope);
  }

  auto NewResource(ir::Interpreter& interp, const std::string& type, std::vector<ir::Value> args, const ir::Value& id,
                   const ir::Value& scope, const ir::SourcePos& pos) -> ir::Value override {
    std::vector<nlohmann::json> encoded;
    for (const ir::Value& arg : args) encoded.push_back(arg.IsNil() ? nlohmann::json() : Encode(arg, pos));
    std::string parent = scopes_.back();
    if (scope.kind == ir::ValueKind::kResource && scope.resource) parent = scope.resource->path;
    std::string name = id.kind == ir::ValueKind::kStr ? id.AsStr() : ShortName(type);
    auto made = Create(type, name, parent, encoded, pos);
    if (made) {
      if (auto it = index_.find(made->path); it != index_.end()) {
        for (const auto& [arg, at] : interp.NewArgumentPositions()) {
          program_.resources[it->second].arg_positions.emplace(arg, at);
        }
      }
    }
    return ir::Value::Resource(std::move(made));
  }

  auto BeginInstance(ir::Interpreter& interp, const std::string& type, const ir::Value& id, const ir::Value& scope,
                     const ir::SourcePos& pos) -> std::shared_ptr<const ir::ResourceRef> override {
    std::string parent = scopes_.back();
    if (scope.kind == ir::ValueKind::kResource && scope.resource) parent = scope.resource->path;
    auto ref = Place(type, id.kind == ir::ValueKind::kStr ? id.AsStr() : ShortName(type), parent, pos);
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
    if (target == nullptr) throw ir::ThrownError("`" + method + "` called on an unknown resource", {});
    if (method == "allow") return Allow(resource, args);
    const nlohmann::json& entry = ResourceEntry(target->type);
    if (!entry.contains("preflight") || !entry["preflight"].contains(method)) {
      throw ir::ThrownError(fmt::format("`{}` has no preflight operation `{}`", target->type, method), {});
    }
    std::vector<std::string> names = ParamNames(target->type, method);
    nlohmann::json named = nlohmann::json::object();
    for (size_t i = 0; i < args.size() && i < names.size(); ++i) {
      named[names[i]] = args[i].IsNil() ? nlohmann::json() : Encode(args[i], pos);
    }
    std::string path = target->path;
    nlohmann::json result = ApplyEffect(path, target->type, method, entry["preflight"][method], named, pos);
    return result.is_null() ? ir::Value::Nil() : ir::ValueFromJson(result, &program_);
  }

  auto GetResourceField(ir::Interpreter& interp, const ir::Value& resource, const std::string& name,
                        const ir::SourcePos& pos) -> ir::Value override {
    ir::Resource* target = Find(resource);
    if (target == nullptr) return ir::Value::Nil();
    std::optional<nlohmann::json> value = ResolveAttribute(target->type, target->path, name, target->props);
    if (!value) throw ir::ThrownError(fmt::format("`{}` has no attribute `{}`", target->type, name), {});
    return value->is_null() ? ir::Value::Nil() : ir::ValueFromJson(*value, &program_);
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

  auto SpanOf(const ir::SourcePos& pos) const -> Span { return sources_.SpanAt(pos.file, pos.line, pos.col); }

 private:
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
  auto Place(const std::string& type, std::string name, const std::string& parent, const ir::SourcePos& pos)
      -> std::shared_ptr<const ir::ResourceRef> {
    if (name.empty()) {
      Report(DiagnosticKind::kInvalidResourceId, pos, name, "an id cannot be empty");
      name = ShortName(type);
    } else if (name.find('/') != std::string::npos) {
      Report(DiagnosticKind::kInvalidResourceId, pos, name, "an id cannot contain `/`");
      std::replace(name.begin(), name.end(), '/', '-');
    }
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

  // A stdlib resource: placed in the tree, its props made from the
  // constructor's arguments (the trailing props struct's fields, other
  // parameters by name) with the stdlib's defaults filled in.
  auto Create(const std::string& type, const std::string& name, const std::string& parent,
              const std::vector<nlohmann::json>& args, const ir::SourcePos& pos)
      -> std::shared_ptr<const ir::ResourceRef> {
    auto ref = Place(type, name, parent, pos);
    nlohmann::json props = nlohmann::json::object();
    std::vector<std::string> names = ParamNames(type, "new");
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].is_null()) continue;
      bool props_struct = i + 1 == names.size() && args[i].is_object() && !args[i].contains("$closure") &&
                          !args[i].contains("$resource");
      if (props_struct) {
        for (const auto& [key, value] : args[i].items()) props[key] = value;
      } else {
        props[i < names.size() ? names[i] : fmt::format("arg{}", i)] = args[i];
      }
    }
    ApplyPropDefaults(type, props);
    program_.resources[index_[ref->path]].props = std::move(props);
    return ref;
  }

  // `resource.allow(["put"])`: a Binding of the resource to those operations.
  auto Allow(const ir::Value& resource, const std::vector<ir::Value>& args) -> ir::Value {
    ir::Value ops = args.empty() ? ir::Value::NewArray({}, false) : args[0];
    return ir::Value::NewMap({{"resource", resource}, {"ops", ops}}, false, "std.Binding");
  }

  // The parameter names of a stdlib class's method ("new": the constructor).
  auto ParamNames(const std::string& type, const std::string& method) const -> std::vector<std::string> {
    const ast::FunctionDecl* decl = MethodDecl(type, method);
    std::vector<std::string> names;
    if (decl != nullptr) {
      for (const ast::Param& param : decl->params) names.push_back(param.name);
    }
    return names;
  }

  auto ClassSymbol(const std::string& type) const -> const Symbol* {
    size_t dot = type.rfind('.');
    if (dot == std::string::npos) return nullptr;
    auto module = semantics_.modules.find(type.substr(0, dot));
    if (module == semantics_.modules.end()) return nullptr;
    auto cls = module->second->exports.find(type.substr(dot + 1));
    return cls == module->second->exports.end() ? nullptr : cls->second;
  }

  auto MethodDecl(const std::string& type, const std::string& method) const -> const ast::FunctionDecl* {
    const Symbol* cls = ClassSymbol(type);
    if (cls == nullptr) return nullptr;
    auto it = cls->members.find(method);
    return it == cls->members.end() ? nullptr : it->second->function_decl;
  }

  // The fields a struct-typed constructor parameter accepts (a child's
  // props keep only those), or nullopt when it is not a struct.
  auto StructFields(const std::string& type, const std::string& param) const -> std::optional<std::vector<std::string>> {
    const Symbol* cls = ClassSymbol(type);
    if (cls == nullptr) return std::nullopt;
    auto ctor = cls->members.find("new");
    if (ctor == cls->members.end() || ctor->second->type == nullptr) return std::nullopt;
    const ast::FunctionDecl* decl = ctor->second->function_decl;
    const Type* fn = ctor->second->type;
    for (size_t i = 0; decl != nullptr && i < decl->params.size() && i < fn->params.size(); ++i) {
      if (decl->params[i].name != param) continue;
      const Type* t = fn->params[i];
      if (t != nullptr && t->kind == TypeKind::kOptional) t = t->element;
      if (t == nullptr || t->kind != TypeKind::kStruct || t->decl == nullptr) return std::nullopt;
      std::vector<std::string> fields;
      for (const auto& [name, member] : t->decl->members) fields.push_back(name);
      return fields;
    }
    return std::nullopt;
  }

  // The stdlib's patterns are ours and tested (stdlib_test), so they compile.
  auto Compiled(const std::string& pattern) -> const std::regex& {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    return it->second;
  }

  // Applies a preflight method's effect (docs/stdlib.md, "Preflight
  // effects") to the resource at `path`; returns the method's result.
  auto ApplyEffect(const std::string& path, const std::string& type, const std::string& method,
                   const nlohmann::json& effect, const nlohmann::json& args, const ir::SourcePos& pos)
      -> nlohmann::json {
    TemplateContext ctx;
    ctx.args = &args;
    ctx.param_defaults = effect.contains("paramDefaults") ? &effect["paramDefaults"] : nullptr;
    ctx.base_dir = std::filesystem::path(program_.entry_file).parent_path().string();
    if (effect.contains("paramPatterns")) {
      for (const auto& [param, rule] : effect["paramPatterns"].items()) {
        if (!args.contains(param) || !args[param].is_string()) continue;
        std::string value = args[param].get<std::string>();
        if (!std::regex_search(value, Compiled(rule.value("regex", "")))) {
          Report(DiagnosticKind::kInvalidPreflightArgument, pos, Substitute(rule.value("message", ""), value));
          return nullptr;
        }
      }
    }
    if (effect.contains("child")) ctx.child = MakeChild(path, effect["child"], ctx, pos);
    nlohmann::json& props = program_.resources[index_[path]].props;
    std::string prop = effect.value("prop", method);
    std::string kind = effect.value("effect", "append");
    if (kind == "append") {
      nlohmann::json item = EvalTemplate(effect.value("value", nlohmann::json("$" + method)), ctx);
      if (!props.contains(prop) || !props[prop].is_array()) props[prop] = nlohmann::json::array();
      if (effect.contains("unique") && IsDuplicate(path, prop, item, effect["unique"])) {
        std::string shown = item.is_string() ? item.get<std::string>() : (item.contains("path") ? item.value("method", "") + " " + item["path"].dump() : item.dump());
        Report(DiagnosticKind::kInvalidPreflightArgument, pos,
               fmt::format("`{}` already has {} in `{}`", path, shown, prop));
        return nullptr;
      }
      if (effect.contains("ambiguousPaths")) {
        if (std::string clash = AmbiguousWith(path, prop, item, effect["ambiguousPaths"]); !clash.empty()) {
          Report(DiagnosticKind::kInvalidPreflightArgument, pos, clash);
          return nullptr;
        }
      }
      props[prop].push_back(std::move(item));
    } else if (kind == "setEntry") {
      nlohmann::json key = EvalTemplate(effect["key"], ctx);
      nlohmann::json value = EvalTemplate(effect["value"], ctx);
      if (!key.is_string()) return nullptr;
      if (!props.contains(prop) || !props[prop].is_object()) props[prop] = nlohmann::json::object();
      std::string k = key.get<std::string>();
      if (effect.value("onConflict", "replace") == "errorIfDifferent" && props[prop].contains(k) &&
          props[prop][k] != value) {
        Report(DiagnosticKind::kInvalidPreflightArgument, pos,
               fmt::format("`{}` already has `{}` set to {}, not {}", prop, k, props[prop][k].dump(), value.dump()));
        return nullptr;
      }
      props[prop][k] = std::move(value);
    }
    if (!ctx.error.empty()) Report(DiagnosticKind::kPreflightError, pos, ctx.error);
    return effect.contains("returns") ? EvalTemplate(effect["returns"], ctx) : nlohmann::json();
  }

  static auto Substitute(std::string message, const std::string& value) -> std::string {
    size_t at = message.find("{value}");
    if (at != std::string::npos) message.replace(at, 7, value);
    return message;
  }

  // An error message when `item`'s path (fields = [kind, path]) could match
  // the same request as an earlier item of the same kind (`GET /a/b` and
  // `GET /a/:id`: which handler runs would depend on order), else "".
  auto AmbiguousWith(const std::string& path, const std::string& prop, const nlohmann::json& item,
                     const nlohmann::json& fields) -> std::string {
    if (!fields.is_array() || fields.size() != 2 || !item.is_object()) return "";
    std::string kind = item.value(fields[0].get<std::string>(), "");
    nlohmann::json route = item.value(fields[1].get<std::string>(), nlohmann::json());
    if (!route.is_string()) return "";
    std::string text = route.get<std::string>();
    std::vector<std::string> segments = Split(text.substr(0, text.find('?')), '/');
    // Grouped by the first segment after the leading `/` ("*" for a
    // parameter), so a literal route is compared with its own group and the
    // parameter group only: linear in practice, not routes squared.
    auto& groups = route_shapes_[path + "\n" + prop + "\n" + kind + "\n" + std::to_string(segments.size())];
    auto group_of = [](const std::vector<std::string>& parts) -> std::string {
      return parts.size() < 2 || parts[1].starts_with(':') ? "*" : parts[1];
    };
    std::string group = group_of(segments);
    auto clashes = [&](const std::vector<std::pair<std::string, std::vector<std::string>>>& candidates) -> std::string {
      for (const auto& [other_text, other] : candidates) {
        bool clash = other_text != text;  // an exact repeat is `unique`'s business
        for (size_t i = 0; clash && i < segments.size(); ++i) {
          clash = segments[i] == other[i] || segments[i].starts_with(':') || other[i].starts_with(':');
        }
        if (clash) return other_text;
      }
      return "";
    };
    std::string other;
    if (group == "*") {
      for (const auto& [name, candidates] : groups) {
        if (other.empty()) other = clashes(candidates);
      }
    } else {
      if (auto it = groups.find(group); it != groups.end()) other = clashes(it->second);
      if (auto it = groups.find("*"); other.empty() && it != groups.end()) other = clashes(it->second);
    }
    if (!other.empty()) {
      return fmt::format("`{} {}` is ambiguous: a request can match both it and `{} {}`, added earlier to `{}`; "
                         "make the literal segments differ",
                         kind, text, kind, other, path);
    }
    groups[group].emplace_back(text, std::move(segments));
    return "";
  }

  static auto Split(const std::string& text, char separator) -> std::vector<std::string> {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t at = text.find(separator); at != std::string::npos; at = text.find(separator, start)) {
      parts.push_back(text.substr(start, at - start));
      start = at + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
  }

  // Whether `item` repeats an earlier item of `prop` on the resource at
  // `path`, comparing the fields `unique` names (or whole items for `true`).
  // Remembers the keys it has seen, so each check costs O(log n).
  auto IsDuplicate(const std::string& path, const std::string& prop, const nlohmann::json& item,
                   const nlohmann::json& unique) -> bool {
    std::string key;
    if (unique.is_boolean()) {
      if (!unique.get<bool>()) return false;
      key = item.dump();
    } else {
      for (const nlohmann::json& field : unique) {
        auto it = item.find(field.get<std::string>());
        key += (it == item.end() ? std::string("null") : it->dump()) + "\n";
      }
    }
    return !unique_keys_[path + "\n" + prop].insert(std::move(key)).second;
  }

  // The child resource an effect creates (a Function for each consumer),
  // reusing an earlier one for the same handler when the data says so.
  auto MakeChild(const std::string& parent, const nlohmann::json& child, TemplateContext& ctx,
                 const ir::SourcePos& pos) -> nlohmann::json {
    std::string type = child.value("type", "");
    nlohmann::json args = nlohmann::json::object();
    const nlohmann::json child_args = child.value("args", nlohmann::json::object());
    for (const auto& [param, tmpl] : child_args.items()) {
      args[param] = EvalTemplate(tmpl, ctx);
    }
    std::string reuse_key;
    if (child.value("reuse", "") == "sameHandler" && args.contains("handler")) {
      reuse_key = parent + "\n" + args["handler"].dump();
      if (auto it = reused_children_.find(reuse_key); it != reused_children_.end()) {
        return {{"$resource", it->second}};
      }
    }
    std::vector<std::string> names = ParamNames(type, "new");
    std::vector<nlohmann::json> ordered;
    for (const std::string& name : names) {
      nlohmann::json value = args.value(name, nlohmann::json());
      if (value.is_object() && !value.contains("$closure") && !value.contains("$resource")) {
        if (auto fields = StructFields(type, name)) {
          nlohmann::json kept = nlohmann::json::object();
          for (const std::string& field : *fields) {
            if (value.contains(field)) kept[field] = value[field];
          }
          value = kept;
        }
      }
      ordered.push_back(value);
    }
    std::string id_template = child.value("id", ShortName(type) + "{n}");
    std::string prefix = id_template.substr(0, id_template.find("{n}"));
    int n = child_counters_[parent + "\n" + prefix]++;
    std::string id = id_template;
    if (size_t at = id.find("{n}"); at != std::string::npos) id.replace(at, 3, std::to_string(n));
    auto ref = Create(type, id, parent, ordered, pos);
    program_.edges.push_back({parent, ref->path, "handler"});
    if (!reuse_key.empty()) reused_children_[reuse_key] = ref->path;
    return {{"$resource", ref->path}};
  }

  ir::Program& program_;
  const Semantics& semantics_;
  const SourceManager& sources_;
  Diagnostics& diagnostics_;
  const PreflightOptions& options_;
  std::vector<std::string> scopes_;
  std::map<std::string, size_t> index_;
  std::vector<std::shared_ptr<const ir::ResourceRef>> instances_;
  std::map<std::string, std::set<std::string>> unique_keys_;  // "path\nprop" -> keys seen
  std::map<std::string, int> child_counters_;          // "parent\nprefix" -> next n
  std::unordered_map<std::string, std::regex> regexes_;  // stdlib parameter patterns, compiled once
  // "path\nprop\nkind\nsegment count" -> first segment ("*": a parameter) ->
  // the paths seen, split into segments
  std::unordered_map<std::string,
                     std::map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>>>
      route_shapes_;
  std::map<std::string, std::string> reused_children_;  // "parent\nhandler" -> child path
};

// Every `$resource` reference inside a resource's props and fields is a
// dependency edge.
void CollectEdges(ir::Program& program) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const ir::Edge& edge : program.edges) seen.emplace(edge.from, edge.to);
  std::function<void(const std::string&, const nlohmann::json&, const char*)> walk =
      [&](const std::string& from, const nlohmann::json& j, const char* reason) {
        if (j.is_object()) {
          if (j.contains("$resource") && j["$resource"].is_string()) {
            std::string to = j["$resource"].get<std::string>();
            if (to != from && seen.emplace(from, to).second) program.edges.push_back({from, to, reason});
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
  if (!program.files.empty()) {
    program.entry_file = program.files.front();
    std::filesystem::path entry(program.entry_file);
    // `dir/main.w` is the app `dir`, as Wing names apps; `orders.w` is `orders`.
    std::string dir = std::filesystem::absolute(entry).parent_path().filename().string();
    program.app = entry.stem() == "main" && !dir.empty() ? dir : entry.stem().string();
  }
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
