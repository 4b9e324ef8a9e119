#include "ir/json.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

// ------------------------------------------------------------ small encodings

auto NumberToJson(double n) -> Json {
  if (std::isnan(n)) return Json{{"$num", "NaN"}};
  if (std::isinf(n)) return Json{{"$num", n > 0 ? "Infinity" : "-Infinity"}};
  // Integral values print without ".0" (stable, readable golden files).
  if (n == std::trunc(n) && std::fabs(n) <= 9007199254740992.0 && !(n == 0 && std::signbit(n))) {
    return static_cast<int64_t>(n);
  }
  return n;
}

auto PosToJson(const SourcePos& pos) -> std::string {
  return fmt::format("{}:{}:{}", pos.file, pos.line, pos.col);
}

auto ParseUint(const std::string& text, uint32_t& out) -> bool {
  if (text.empty() || text.size() > 9) return false;
  uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  out = n;
  return true;
}

// "file:line:col", split from the right so a file may contain ':'.
auto PosFromJson(const Json& json) -> SourcePos {
  SourcePos pos;
  if (!json.is_string()) return pos;
  std::string text = json.get<std::string>();
  size_t c2 = text.rfind(':');
  size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : text.rfind(':', c2 - 1);
  if (c1 == std::string::npos || !ParseUint(text.substr(c1 + 1, c2 - c1 - 1), pos.line) ||
      !ParseUint(text.substr(c2 + 1), pos.col)) {
    pos.file = text;
    pos.line = pos.col = 0;
    return pos;
  }
  pos.file = text.substr(0, c1);
  return pos;
}

constexpr const char* kFunctionKinds[] = {"TopLevel", "Closure", "Method", "Init", "Test"};
constexpr const char* kPhases[] = {"Preflight", "Inflight", "Unphased"};

template <size_t N>
auto IndexOf(const char* const (&names)[N], const Json& json, size_t fallback) -> size_t {
  if (!json.is_string()) return fallback;
  for (size_t i = 0; i < N; ++i) {
    if (json.get<std::string>() == names[i]) return i;
  }
  return fallback;
}

// Reads `key` of `json` into `out` if present and of the right type.
template <typename T>
void Read(const Json& json, const char* key, T& out) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const Json::exception&) {
    // Wrong type: keep the default.
  }
}

void NoteError(std::string* error, const std::string& message) {
  if (error != nullptr && error->empty()) *error = message;
}

// ------------------------------------------------------------ code

auto NodeToJson(const Code& code, NodeId id, int depth) -> Json {
  if (id == kNoNode || id >= code.nodes.size() || depth > 100000) return nullptr;
  const Node& node = code.nodes[id];
  Json out = Json::object();
  out["k"] = NodeKindName(node.kind);
  if (node.op != Op::kNone) out["op"] = OpName(node.op);
  if (!node.name.empty()) out["name"] = node.name;
  if (node.flag) out["flag"] = true;
  if (node.depth != 0) out["depth"] = node.depth;
  if (node.slot != -1) out["slot"] = node.slot;
  if (node.line != 0 || node.col != 0) out["at"] = fmt::format("{}:{}", node.line, node.col);
  if (!node.constant.IsNil()) {
    std::optional<Json> constant = ValueToJson(node.constant);
    out["const"] = constant ? *constant : Json(nullptr);
  }
  if (!node.kids.empty()) {
    Json kids = Json::array();
    for (NodeId kid : node.kids) kids.push_back(NodeToJson(code, kid, depth + 1));
    out["kids"] = std::move(kids);
  }
  return out;
}

auto NodeFromJson(const Json& json, Code& code, std::string* error) -> NodeId {
  if (json.is_null()) return kNoNode;
  Node node;
  if (!json.is_object()) {
    NoteError(error, "a code node is not an object");
    return code.Add(std::move(node));
  }
  std::string kind;
  Read(json, "k", kind);
  if (auto parsed = NodeKindFromName(kind)) {
    node.kind = *parsed;
  } else {
    NoteError(error, fmt::format("unknown code node kind `{}`", kind));
  }
  std::string op;
  Read(json, "op", op);
  if (!op.empty()) node.op = OpFromName(op);
  Read(json, "name", node.name);
  Read(json, "flag", node.flag);
  Read(json, "depth", node.depth);
  Read(json, "slot", node.slot);
  std::string at;
  Read(json, "at", at);
  if (size_t colon = at.find(':'); colon != std::string::npos) {
    ParseUint(at.substr(0, colon), node.line);
    ParseUint(at.substr(colon + 1), node.col);
  }
  if (auto it = json.find("const"); it != json.end()) node.constant = ValueFromJson(*it);
  if (auto it = json.find("kids"); it != json.end() && it->is_array()) {
    for (const Json& kid : *it) node.kids.push_back(NodeFromJson(kid, code, error));
  }
  return code.Add(std::move(node));
}

// ------------------------------------------------------------ values

auto ValueToJsonAt(const Value& value, std::string* error, int depth) -> std::optional<Json> {
  if (depth > 1000) {
    NoteError(error, "a value nested too deeply cannot be stored in the IR");
    return std::nullopt;
  }
  switch (value.kind) {
    case ValueKind::kNil: return Json(nullptr);
    case ValueKind::kBool: return Json(value.boolean);
    case ValueKind::kNum: return NumberToJson(value.number);
    case ValueKind::kStr: return Json(*value.str);
    case ValueKind::kDuration: return Json{{"$duration", NumberToJson(value.number)}};
    case ValueKind::kResource:
      return Json{{"$resource", value.resource ? value.resource->path : std::string()}};
    case ValueKind::kArray: {
      Json out = Json::array();
      for (const Value& item : value.array->items) {
        std::optional<Json> encoded = ValueToJsonAt(item, error, depth + 1);
        if (!encoded) return std::nullopt;
        out.push_back(std::move(*encoded));
      }
      return out;
    }
    case ValueKind::kMap: {
      Json out = Json::object();
      for (const auto& [key, item] : value.map->entries) {
        std::optional<Json> encoded = ValueToJsonAt(item, error, depth + 1);
        if (!encoded) return std::nullopt;
        out[key] = std::move(*encoded);
      }
      return out;
    }
    case ValueKind::kInstance:
      NoteError(error, fmt::format("an instance of inflight class `{}` cannot be used outside the code that created it",
                                   value.instance ? value.instance->class_name : "?"));
      return std::nullopt;
    case ValueKind::kClosure: {
      const ClosureObject& closure = *value.closure;
      if (closure.enclosing) {
        NoteError(error,
                  "a closure that uses the variables of the function it was created in cannot be used by inflight code");
        return std::nullopt;
      }
      Json body = Json::object();
      if (!closure.builtin.empty()) {
        body["builtin"] = closure.builtin;
      } else {
        body["function"] = closure.function;
      }
      if (!closure.captures.empty() || closure.builtin.empty()) {
        Json captures = Json::array();
        for (const Value& item : closure.captures) {
          std::optional<Json> encoded = ValueToJsonAt(item, error, depth + 1);
          if (!encoded) return std::nullopt;
          captures.push_back(std::move(*encoded));
        }
        body["captures"] = std::move(captures);
      }
      if (!closure.receiver.IsNil()) {
        std::optional<Json> encoded = ValueToJsonAt(closure.receiver, error, depth + 1);
        if (!encoded) return std::nullopt;
        body["this"] = std::move(*encoded);
      }
      return Json{{"$closure", std::move(body)}};
    }
  }
  return Json(nullptr);
}

auto ValueFromJsonAt(const Json& json, const Program* program, int depth) -> Value {
  if (depth > 1000) return Value::Nil();
  switch (json.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded: return Value::Nil();
    case Json::value_t::boolean: return Value::Bool(json.get<bool>());
    case Json::value_t::number_integer: return Value::Num(static_cast<double>(json.get<int64_t>()));
    case Json::value_t::number_unsigned: return Value::Num(static_cast<double>(json.get<uint64_t>()));
    case Json::value_t::number_float: return Value::Num(json.get<double>());
    case Json::value_t::string: return Value::Str(json.get<std::string>());
    case Json::value_t::binary: return Value::Nil();
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const Json& item : json) items.push_back(ValueFromJsonAt(item, program, depth + 1));
      return Value::NewArray(std::move(items), false);
    }
    case Json::value_t::object: break;
  }
  if (json.size() == 1) {
    const std::string& key = json.begin().key();
    const Json& body = json.begin().value();
    if (key == "$resource" && body.is_string()) {
      auto ref = std::make_shared<ResourceRef>();
      ref->path = body.get<std::string>();
      if (program != nullptr) {
        if (const Resource* resource = program->FindResource(ref->path)) ref->type = resource->type;
      }
      return Value::Resource(std::move(ref));
    }
    if (key == "$duration" && (body.is_number() || body.is_object())) {
      return Value::Duration(ValueFromJsonAt(body, program, depth + 1).number);
    }
    if (key == "$num" && body.is_string()) {
      std::string text = body.get<std::string>();
      if (text == "Infinity") return Value::Num(std::numeric_limits<double>::infinity());
      if (text == "-Infinity") return Value::Num(-std::numeric_limits<double>::infinity());
      return Value::Num(std::numeric_limits<double>::quiet_NaN());
    }
    if (key == "$closure" && body.is_object()) {
      auto closure = std::make_shared<ClosureObject>();
      Read(body, "function", closure->function);
      Read(body, "builtin", closure->builtin);
      if (auto it = body.find("captures"); it != body.end() && it->is_array()) {
        for (const Json& item : *it) closure->captures.push_back(ValueFromJsonAt(item, program, depth + 1));
      }
      if (auto it = body.find("this"); it != body.end()) {
        closure->receiver = ValueFromJsonAt(*it, program, depth + 1);
      }
      return Value::Closure(std::move(closure));
    }
  }
  Value map = Value::NewMap({}, false);
  for (auto it = json.begin(); it != json.end(); ++it) {
    map.map->Set(it.key(), ValueFromJsonAt(it.value(), program, depth + 1));
  }
  return map;
}

// ------------------------------------------------------------ program parts

auto FunctionToJson(const Function& fn) -> Json {
  Json out = Json::object();
  out["name"] = fn.name;
  out["kind"] = kFunctionKinds[static_cast<size_t>(fn.kind)];
  out["phase"] = kPhases[static_cast<size_t>(fn.phase)];
  if (!fn.class_name.empty()) out["class"] = fn.class_name;
  if (fn.is_static) out["static"] = true;
  if (!fn.params.empty()) out["params"] = fn.params;
  if (fn.slot_count != 0) out["slots"] = fn.slot_count;
  if (!fn.capture_names.empty()) out["captures"] = fn.capture_names;
  out["pos"] = PosToJson(fn.pos);
  if (fn.module_toplevel != -1) out["module_toplevel"] = fn.module_toplevel;
  if (!fn.module_capture_slots.empty()) out["module_capture_slots"] = fn.module_capture_slots;
  if (fn.module_captures.is_array() && !fn.module_captures.empty()) out["module_captures"] = fn.module_captures;
  if (!fn.signature.is_null()) out["signature"] = fn.signature;
  if (fn.code.root != kNoNode) out["code"] = NodeToJson(fn.code, fn.code.root, 0);
  return out;
}

auto FunctionFromJson(const Json& json, std::string* error) -> Function {
  Function fn;
  if (!json.is_object()) {
    NoteError(error, "a function is not an object");
    return fn;
  }
  Read(json, "name", fn.name);
  fn.kind = static_cast<FunctionKind>(IndexOf(kFunctionKinds, json.value("kind", Json()), 1));
  fn.phase = static_cast<Phase>(IndexOf(kPhases, json.value("phase", Json()), 0));
  Read(json, "class", fn.class_name);
  Read(json, "static", fn.is_static);
  Read(json, "params", fn.params);
  Read(json, "slots", fn.slot_count);
  Read(json, "captures", fn.capture_names);
  if (auto it = json.find("pos"); it != json.end()) fn.pos = PosFromJson(*it);
  Read(json, "module_toplevel", fn.module_toplevel);
  Read(json, "module_capture_slots", fn.module_capture_slots);
  if (auto it = json.find("module_captures"); it != json.end() && it->is_array()) fn.module_captures = *it;
  if (auto it = json.find("signature"); it != json.end() && it->is_object()) fn.signature = *it;
  if (auto it = json.find("code"); it != json.end() && !it->is_null()) {
    fn.code.root = NodeFromJson(*it, fn.code, error);
  }
  return fn;
}

auto ClassToJson(const ClassInfo& info) -> Json {
  Json out = Json::object();
  out["name"] = info.name;
  if (!info.base.empty()) out["base"] = info.base;
  out["phase"] = kPhases[static_cast<size_t>(info.phase)];
  if (!info.fields.empty()) out["fields"] = info.fields;
  if (!info.inflight_fields.empty()) out["inflight_fields"] = info.inflight_fields;
  if (!info.methods.empty()) out["methods"] = info.methods;
  if (info.init != -1) out["init"] = info.init;
  if (info.inflight_init != -1) out["inflight_init"] = info.inflight_init;
  return out;
}

auto ClassFromJson(const Json& json) -> ClassInfo {
  ClassInfo info;
  if (!json.is_object()) return info;
  Read(json, "name", info.name);
  Read(json, "base", info.base);
  info.phase = static_cast<Phase>(IndexOf(kPhases, json.value("phase", Json()), 0));
  Read(json, "fields", info.fields);
  Read(json, "inflight_fields", info.inflight_fields);
  Read(json, "methods", info.methods);
  Read(json, "init", info.init);
  Read(json, "inflight_init", info.inflight_init);
  return info;
}

}  // namespace

// ------------------------------------------------------------ public

auto CodeToJson(const Code& code) -> nlohmann::json { return NodeToJson(code, code.root, 0); }

auto CodeFromJson(const nlohmann::json& json, std::string* error) -> Code {
  Code code;
  code.root = NodeFromJson(json, code, error);
  return code;
}

auto ValueToJson(const Value& value, std::string* error) -> std::optional<nlohmann::json> {
  return ValueToJsonAt(value, error, 0);
}

auto ValueFromJson(const nlohmann::json& json, const Program* program) -> Value {
  return ValueFromJsonAt(json, program, 0);
}

namespace {

// Resource/TestCase lifts and permissions (ir/bind.h, ir/permissions.h):
// written only when the passes filled them.
void WriteLifts(Json& out, const std::vector<Lift>& lifts, const Json& permissions) {
  if (!lifts.empty()) {
    Json list = Json::array();
    for (const Lift& lift : lifts) list.push_back(Json{{"resource", lift.resource}, {"ops", lift.ops}, {"via", lift.via}});
    out["lifts"] = std::move(list);
  }
  if (permissions.is_object() && !permissions.empty()) out["permissions"] = permissions;
}

void ReadLifts(const Json& in, std::vector<Lift>& lifts, Json& permissions) {
  if (auto it = in.find("lifts"); it != in.end() && it->is_array()) {
    for (const Json& item : *it) {
      if (!item.is_object()) continue;
      Lift lift;
      Read(item, "resource", lift.resource);
      Read(item, "ops", lift.ops);
      Read(item, "via", lift.via);
      lifts.push_back(std::move(lift));
    }
  }
  if (auto it = in.find("permissions"); it != in.end() && it->is_object()) permissions = *it;
}

}  // namespace

auto ToJson(const Program& program) -> nlohmann::json {
  Json out = Json::object();
  out["version"] = kIrVersion;
  out["app"] = program.app;
  out["entry_file"] = program.entry_file;
  out["files"] = program.files;
  Json resources = Json::array();
  for (const Resource& r : program.resources) {
    resources.push_back(Json{{"path", r.path}, {"id", r.id}, {"type", r.type}, {"parent", r.parent},
                             {"props", r.props}, {"fields", r.fields}, {"pos", PosToJson(r.pos)}});
    WriteLifts(resources.back(), r.lifts, r.permissions);
  }
  out["resources"] = std::move(resources);
  Json functions = Json::array();
  for (const Function& fn : program.functions) functions.push_back(FunctionToJson(fn));
  out["functions"] = std::move(functions);
  Json classes = Json::array();
  for (const ClassInfo& info : program.classes) classes.push_back(ClassToJson(info));
  out["classes"] = std::move(classes);
  Json tests = Json::array();
  for (const TestCase& t : program.tests) {
    tests.push_back(Json{{"name", t.name}, {"path", t.path}, {"closure", t.closure}, {"pos", PosToJson(t.pos)}});
    WriteLifts(tests.back(), t.lifts, t.permissions);
  }
  out["tests"] = std::move(tests);
  Json edges = Json::array();
  for (const Edge& e : program.edges) edges.push_back(Json{{"from", e.from}, {"to", e.to}, {"reason", e.reason}});
  out["edges"] = std::move(edges);
  if (!program.types.empty()) out["types"] = program.types;
  return out;
}

auto ProgramFromJson(const nlohmann::json& json, std::string* error) -> Program {
  Program program;
  if (!json.is_object()) {
    NoteError(error, "the IR is not a JSON object");
    return program;
  }
  int version = kIrVersion;
  Read(json, "version", version);
  if (version != kIrVersion) NoteError(error, fmt::format("IR version {} is not {}", version, kIrVersion));
  Read(json, "app", program.app);
  Read(json, "entry_file", program.entry_file);
  Read(json, "files", program.files);
  auto array = [&](const char* key) -> const Json& {
    static const Json empty = Json::array();
    auto it = json.find(key);
    return it != json.end() && it->is_array() ? *it : empty;
  };
  for (const Json& r : array("resources")) {
    if (!r.is_object()) continue;
    Resource resource;
    Read(r, "path", resource.path);
    Read(r, "id", resource.id);
    Read(r, "type", resource.type);
    Read(r, "parent", resource.parent);
    if (auto it = r.find("props"); it != r.end()) resource.props = *it;
    if (auto it = r.find("fields"); it != r.end()) resource.fields = *it;
    if (auto it = r.find("pos"); it != r.end()) resource.pos = PosFromJson(*it);
    ReadLifts(r, resource.lifts, resource.permissions);
    program.resources.push_back(std::move(resource));
  }
  for (const Json& f : array("functions")) program.functions.push_back(FunctionFromJson(f, error));
  for (const Json& c : array("classes")) program.classes.push_back(ClassFromJson(c));
  for (const Json& t : array("tests")) {
    if (!t.is_object()) continue;
    TestCase test;
    Read(t, "name", test.name);
    Read(t, "path", test.path);
    if (auto it = t.find("closure"); it != t.end()) test.closure = *it;
    if (auto it = t.find("pos"); it != t.end()) test.pos = PosFromJson(*it);
    ReadLifts(t, test.lifts, test.permissions);
    program.tests.push_back(std::move(test));
  }
  for (const Json& e : array("edges")) {
    if (!e.is_object()) continue;
    Edge edge;
    Read(e, "from", edge.from);
    Read(e, "to", edge.to);
    Read(e, "reason", edge.reason);
    program.edges.push_back(std::move(edge));
  }
  if (auto it = json.find("types"); it != json.end() && it->is_object()) program.types = *it;
  return program;
}

}  // namespace wdsl::ir
