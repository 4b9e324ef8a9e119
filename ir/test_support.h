// Helpers for the ir tests: build IR code by hand and a host that records
// what the evaluator asks of it.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "ir/eval.h"

namespace wdsl::ir::testing {

class CodeBuilder {
 public:
  auto Add(NodeKind kind, std::vector<NodeId> kids = {}) -> NodeId {
    Node node;
    node.kind = kind;
    node.kids = std::move(kids);
    node.line = line_;
    node.col = col_;
    return code_.Add(std::move(node));
  }
  auto node(NodeId id) -> Node& { return code_.nodes[id]; }
  // Nodes added next carry this position.
  void At(uint32_t line, uint32_t col) { line_ = line, col_ = col; }

  auto Const(Value v) -> NodeId {
    NodeId id = Add(NodeKind::kConst);
    node(id).constant = std::move(v);
    return id;
  }
  auto Num(double n) -> NodeId { return Const(Value::Num(n)); }
  auto Str(std::string s) -> NodeId { return Const(Value::Str(std::move(s))); }
  auto Bool(bool b) -> NodeId { return Const(Value::Bool(b)); }
  auto Nil() -> NodeId { return Const(Value()); }
  auto Local(int32_t slot, int32_t depth = 0) -> NodeId {
    NodeId id = Add(NodeKind::kLocal);
    node(id).slot = slot;
    node(id).depth = depth;
    return id;
  }
  auto Capture(int32_t index) -> NodeId {
    NodeId id = Add(NodeKind::kCapture);
    node(id).slot = index;
    return id;
  }
  auto This() -> NodeId { return Add(NodeKind::kThis); }
  auto Global(std::string name) -> NodeId { return Named(NodeKind::kGlobal, std::move(name), {}); }
  auto Bin(Op op, NodeId a, NodeId b) -> NodeId {
    NodeId id = Add(NodeKind::kBinary, {a, b});
    node(id).op = op;
    return id;
  }
  auto Un(Op op, NodeId a) -> NodeId {
    NodeId id = Add(NodeKind::kUnary, {a});
    node(id).op = op;
    return id;
  }
  auto Call(NodeId callee, std::vector<NodeId> args = {}) -> NodeId {
    args.insert(args.begin(), callee);
    return Add(NodeKind::kCall, std::move(args));
  }
  auto CallGlobal(std::string name, std::vector<NodeId> args = {}) -> NodeId {
    return Call(Global(std::move(name)), std::move(args));
  }
  auto MCall(NodeId receiver, std::string name, std::vector<NodeId> args = {}, bool optional = false) -> NodeId {
    args.insert(args.begin(), receiver);
    NodeId id = Named(NodeKind::kMethodCall, std::move(name), std::move(args));
    node(id).flag = optional;
    return id;
  }
  auto Super(std::string name, std::vector<NodeId> args = {}) -> NodeId {
    return Named(NodeKind::kSuperCall, std::move(name), std::move(args));
  }
  auto New(std::string cls, std::vector<NodeId> args = {}, NodeId id = kNoNode, NodeId scope = kNoNode) -> NodeId {
    if (id == kNoNode) id = Nil();
    if (scope == kNoNode) scope = Nil();
    args.insert(args.begin(), {id, scope});
    return Named(NodeKind::kNew, std::move(cls), std::move(args));
  }
  auto Member(NodeId object, std::string name, bool optional = false) -> NodeId {
    NodeId id = Named(NodeKind::kMember, std::move(name), {object});
    node(id).flag = optional;
    return id;
  }
  auto Index(NodeId object, NodeId index) -> NodeId { return Add(NodeKind::kIndex, {object, index}); }
  auto Unwrap(NodeId v) -> NodeId { return Add(NodeKind::kUnwrap, {v}); }
  auto Interp(std::vector<NodeId> parts) -> NodeId { return Add(NodeKind::kInterp, std::move(parts)); }
  auto Array(std::vector<NodeId> items, bool is_mutable = false) -> NodeId {
    NodeId id = Add(NodeKind::kArray, std::move(items));
    node(id).flag = is_mutable;
    return id;
  }
  auto SetLit(std::vector<NodeId> items, bool is_mutable = false) -> NodeId {
    NodeId id = Array(std::move(items), is_mutable);
    node(id).name = "Set";
    return id;
  }
  auto Map(std::vector<NodeId> kvs, bool is_mutable = false) -> NodeId {
    NodeId id = Add(NodeKind::kMap, std::move(kvs));
    node(id).flag = is_mutable;
    return id;
  }
  auto Struct(std::string name, std::vector<std::pair<std::string, NodeId>> fields) -> NodeId {
    std::vector<NodeId> kids;
    std::vector<Value> names;
    for (auto& [field, value] : fields) {
      names.push_back(Value::Str(field));
      kids.push_back(value);
    }
    NodeId id = Named(NodeKind::kStruct, std::move(name), std::move(kids));
    node(id).constant = Value::NewArray(std::move(names), false);
    return id;
  }
  auto Json(NodeId value, bool is_mutable = false) -> NodeId {
    NodeId id = Add(NodeKind::kJson, {value});
    node(id).flag = is_mutable;
    return id;
  }
  auto Range(NodeId a, NodeId b, bool inclusive = false) -> NodeId {
    NodeId id = Add(NodeKind::kRange, {a, b});
    node(id).flag = inclusive;
    return id;
  }
  auto Closure(int32_t function, std::vector<NodeId> captures = {}) -> NodeId {
    NodeId id = Add(NodeKind::kClosure, std::move(captures));
    node(id).slot = function;
    return id;
  }

  auto Block(std::vector<NodeId> stmts) -> NodeId { return Add(NodeKind::kBlock, std::move(stmts)); }
  auto Expr(NodeId e) -> NodeId { return Add(NodeKind::kExprStmt, {e}); }
  auto Let(int32_t slot, NodeId init) -> NodeId {
    NodeId id = Add(NodeKind::kLet, {init});
    node(id).slot = slot;
    return id;
  }
  auto Assign(int32_t slot, NodeId value, int32_t depth = 0) -> NodeId {
    NodeId id = Add(NodeKind::kAssignLocal, {value});
    node(id).slot = slot;
    node(id).depth = depth;
    return id;
  }
  auto AssignMember(NodeId object, std::string name, NodeId value) -> NodeId {
    return Named(NodeKind::kAssignMember, std::move(name), {object, value});
  }
  auto AssignIndex(NodeId object, NodeId index, NodeId value) -> NodeId {
    return Add(NodeKind::kAssignIndex, {object, index, value});
  }
  auto If(NodeId c, NodeId then, NodeId otherwise = kNoNode) -> NodeId {
    std::vector<NodeId> kids = {c, then};
    if (otherwise != kNoNode) kids.push_back(otherwise);
    return Add(NodeKind::kIf, std::move(kids));
  }
  auto While(NodeId c, NodeId body) -> NodeId { return Add(NodeKind::kWhile, {c, body}); }
  auto For(int32_t slot, NodeId iterable, NodeId body) -> NodeId {
    NodeId id = Add(NodeKind::kForIn, {iterable, body});
    node(id).slot = slot;
    return id;
  }
  auto Break() -> NodeId { return Add(NodeKind::kBreak); }
  auto Continue() -> NodeId { return Add(NodeKind::kContinue); }
  auto Return(NodeId v = kNoNode) -> NodeId {
    return v == kNoNode ? Add(NodeKind::kReturn) : Add(NodeKind::kReturn, {v});
  }
  auto Throw(NodeId v) -> NodeId { return Add(NodeKind::kThrow, {v}); }
  auto Try(NodeId body, int32_t catch_slot, NodeId catch_block, NodeId finally_block) -> NodeId {
    if (catch_block == kNoNode) catch_block = Nil();
    if (finally_block == kNoNode) finally_block = Nil();
    NodeId id = Add(NodeKind::kTry, {body, catch_block, finally_block});
    node(id).slot = catch_slot;
    return id;
  }

  auto Finish(NodeId root) -> Code {
    code_.root = root;
    return std::move(code_);
  }

 private:
  auto Named(NodeKind kind, std::string name, std::vector<NodeId> kids) -> NodeId {
    NodeId id = Add(kind, std::move(kids));
    node(id).name = std::move(name);
    return id;
  }

  Code code_;
  uint32_t line_ = 0;
  uint32_t col_ = 0;
};

// Adds a function to `program`; returns its index.
inline auto AddFunction(Program& program, std::string name, FunctionKind kind, Phase phase, int32_t slots,
                        Code code, std::vector<std::string> params = {}) -> int32_t {
  Function fn;
  fn.name = std::move(name);
  fn.kind = kind;
  fn.phase = phase;
  fn.slot_count = slots;
  fn.params = std::move(params);
  fn.pos = SourcePos{"main.w", 1, 1};
  fn.code = std::move(code);
  program.functions.push_back(std::move(fn));
  return static_cast<int32_t>(program.functions.size() - 1);
}

// Records every request; resources get paths "root/<type>#<n>".
class FakeHost : public Host {
 public:
  struct ResourceCall {
    std::string path;
    std::string method;
    std::vector<Value> args;
  };

  auto NewResource(Interpreter&, const std::string& type, std::vector<Value> args, const Value& id, const Value& scope,
                   const SourcePos& pos) -> Value override {
    auto ref = std::make_shared<ResourceRef>();
    std::string name = id.kind == ValueKind::kStr ? id.AsStr() : type;
    ref->path = (scope.kind == ValueKind::kResource ? scope.resource->path : std::string("root")) + "/" + name;
    ref->type = type;
    created.push_back(ref->path);
    new_args.push_back(std::move(args));
    new_pos.push_back(pos);
    return Value::Resource(ref);
  }
  auto BeginInstance(Interpreter&, const std::string& type, const Value& id, const Value& scope, const SourcePos&)
      -> std::shared_ptr<const ResourceRef> override {
    auto ref = std::make_shared<ResourceRef>();
    std::string name = id.kind == ValueKind::kStr ? id.AsStr() : type;
    ref->path = (scope.kind == ValueKind::kResource ? scope.resource->path : std::string("root")) + "/" + name;
    ref->type = type;
    events.push_back("begin " + ref->path);
    return ref;
  }
  void EndInstance(Interpreter&, const std::shared_ptr<const ResourceRef>& ref) override {
    events.push_back("end " + ref->path);
  }
  auto CallResource(Interpreter&, const Value& resource, const std::string& method, std::vector<Value> args,
                    const SourcePos&) -> Value override {
    calls.push_back(ResourceCall{resource.resource->path, method, std::move(args)});
    if (method == "fail") throw ThrownError("resource failed", {});
    return Value::Str("result of " + method);
  }
  auto GetResourceField(Interpreter&, const Value& resource, const std::string& name, const SourcePos&)
      -> Value override {
    fields_read.push_back(resource.resource->path + "." + name);
    if (auto it = fields.find(resource.resource->path + "." + name); it != fields.end()) return it->second;
    return Value::Str("field " + name);
  }
  auto CallBuiltin(Interpreter&, const std::string& name, std::vector<Value>& args, const SourcePos&)
      -> std::optional<Value> override {
    if (name == "log") {
      std::string line;
      for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0) line += ' ';
        line += ToDisplayString(args[i]);
      }
      logs.push_back(line);
      return Value();
    }
    if (name == "util.sleep") {
      slept += args.empty() ? 0 : args[0].number;
      return Value();
    }
    if (name == "host.echo") return args.empty() ? Value() : args[0];
    return std::nullopt;
  }

  std::vector<std::string> created;
  std::vector<std::vector<Value>> new_args;
  std::vector<SourcePos> new_pos;
  std::vector<std::string> events;
  std::vector<ResourceCall> calls;
  std::vector<std::string> fields_read;
  std::map<std::string, Value> fields;
  std::vector<std::string> logs;
  double slept = 0;
};

}  // namespace wdsl::ir::testing
