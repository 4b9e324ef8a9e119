// Calls, closures, members and user classes: how a call finds its code
// (IR function, native, or the host) and what `this` is.
#include <fmt/format.h>

#include "ir/eval_internal.h"
#include "ir/json.h"

namespace wdsl::ir {
namespace {

auto IsMember(const Function& fn) -> bool {
  return fn.kind == FunctionKind::kMethod || fn.kind == FunctionKind::kInit;
}

}  // namespace

// ------------------------------------------------------------ frames

auto Evaluator::MemberParent(const Function& fn) const -> std::shared_ptr<Frame> {
  if (!IsMember(fn) || fn.module_toplevel < 0) return nullptr;
  auto it = toplevel_frames_.find(fn.module_toplevel);
  return it == toplevel_frames_.end() ? nullptr : it->second;
}

auto Evaluator::NewFrame(int32_t function, std::shared_ptr<Frame> parent, Value self,
                         std::shared_ptr<ClosureObject> closure) -> std::shared_ptr<Frame> {
  FunctionRuntime& rt = functions_[function];
  const Function& fn = *rt.fn;
  auto frame = std::make_shared<Frame>();
  frame->slots.resize(static_cast<size_t>(std::max<int32_t>(fn.slot_count, static_cast<int32_t>(fn.params.size()))));
  frame->parent = std::move(parent);
  frame->self = std::move(self);
  frame->function = function;
  if (IsMember(fn) && !fn.module_capture_slots.empty()) {
    // An inflight member reads top-level variables: in the simulator their
    // values when preflight ended, at compile time the live slots.
    if (fn.module_captures.is_array() && !fn.module_captures.empty()) {
      if (!rt.decoded_captures) {
        rt.decoded_captures = true;
        for (const auto& item : fn.module_captures) rt.module_captures.push_back(ValueFromJson(item, &program_));
      }
      frame->captures = &rt.module_captures;
    } else {
      std::shared_ptr<Frame> top = MemberParent(fn);
      for (int32_t slot : fn.module_capture_slots) {
        bool ok = top && slot >= 0 && static_cast<size_t>(slot) < top->slots.size();
        frame->own_captures.push_back(ok ? top->slots[slot] : Value());
      }
      frame->captures = &frame->own_captures;
    }
  } else if (closure) {
    frame->captures = &closure->captures;
    frame->closure = std::move(closure);
  }
  return frame;
}

auto Evaluator::FrameForClosure(const ClosureObject& closure, const std::shared_ptr<ClosureObject>& keep)
    -> std::shared_ptr<Frame> {
  const Function& fn = *functions_[closure.function].fn;
  std::shared_ptr<Frame> parent = closure.enclosing ? closure.enclosing : MemberParent(fn);
  Value self = !closure.receiver.IsNil() ? closure.receiver : (closure.enclosing ? closure.enclosing->self : Value());
  if (self.kind == ValueKind::kResource && !self.instance) {
    int32_t cls = UserClassOf(self);
    if (cls >= 0) self = WithClient(self, cls);
  }
  return NewFrame(closure.function, std::move(parent), std::move(self), keep);
}

auto Evaluator::RunFrame(const std::shared_ptr<Frame>& frame) -> Value {
  if (calls_.size() >= limits_.max_depth) FailHere("maximum call depth exceeded");
  const FunctionRuntime& rt = functions_[frame->function];
  if (rt.fn->code.root == kNoNode || rt.fn->code.root >= rt.fn->code.nodes.size()) {
    FailHere(fmt::format("`{}` has no code here", rt.fn->name));
  }
  calls_.push_back(CallRecord{&rt, rt.fn->pos.line, rt.fn->pos.col});
  struct Pop {
    std::vector<CallRecord>& calls;
    ~Pop() { calls.pop_back(); }
  } pop{calls_};
  try {
    Flow flow = Exec(*frame, rt.fn->code.root);
    if (flow == Flow::kReturn) return std::exchange(return_value_, Value());
    return Value();
  } catch (ThrownError& error) {
    // Errors from natives and hosts get the trace of where they were called.
    if (error.trace.empty()) error.trace = BuildTrace();
    throw;
  }
}

auto Evaluator::CallFunction(int32_t function, Value self, std::vector<Value>& args) -> Value {
  auto frame = NewFrame(function, MemberParent(*functions_[function].fn), std::move(self), nullptr);
  size_t n = std::min(args.size(), frame->slots.size());
  for (size_t i = 0; i < n; ++i) frame->slots[i] = std::move(args[i]);
  return RunFrame(frame);
}

// ------------------------------------------------------------ calls

auto Evaluator::EvalCall(Frame& f, const Node& n, NodeId id) -> Value {
  (void)id;
  Value callee = Eval(f, n.kids[0]);
  if (callee.kind == ValueKind::kClosure && callee.closure->builtin.empty() && callee.closure->function >= 0 &&
      static_cast<size_t>(callee.closure->function) < functions_.size()) {
    // Arguments go straight into the new frame.
    auto frame = FrameForClosure(*callee.closure, callee.closure);
    size_t slots = frame->slots.size();
    for (size_t i = 1; i < n.kids.size(); ++i) {
      Value arg = Eval(f, n.kids[i]);
      if (i - 1 < slots) frame->slots[i - 1] = std::move(arg);
    }
    SetPos(n);
    return RunFrame(frame);
  }
  std::vector<Value> args;
  args.reserve(n.kids.size() - 1);
  for (size_t i = 1; i < n.kids.size(); ++i) args.push_back(Eval(f, n.kids[i]));
  SetPos(n);
  if (callee.kind != ValueKind::kClosure) {
    Fail(n, fmt::format("a {} is not a function", ReceiverName(callee)));
  }
  const ClosureObject& closure = *callee.closure;
  if (!closure.builtin.empty()) {
    if (!closure.receiver.IsNil()) return CallMethod(closure.receiver, closure.builtin, -1, args, &n);
    return CallNativeStatic(closure.builtin, args);
  }
  Fail(n, fmt::format("no function {}", closure.function));
}

auto Evaluator::EvalMethodCall(Frame& f, const Node& n, NodeId id) -> Value {
  Value receiver = Eval(f, n.kids[0]);
  if (receiver.IsNil() && n.flag) return Value();  // `a?.m()` short-circuits
  std::vector<Value> args;
  args.reserve(n.kids.size() - 1);
  for (size_t i = 1; i < n.kids.size(); ++i) args.push_back(Eval(f, n.kids[i]));
  SetPos(n);
  return CallMethod(receiver, n.name, Aux(f, id).name, args, &n);
}

auto Evaluator::FindMethod(int32_t class_index, int32_t name_id, const std::string& name) const -> int32_t {
  if (class_index < 0) return -1;
  const ClassRuntime& cls = classes_[class_index];
  if (name_id >= 0) {
    auto it = cls.methods.find(name_id);
    return it == cls.methods.end() ? -1 : it->second;
  }
  auto it = cls.by_name.find(name);
  return it == cls.by_name.end() ? -1 : it->second;
}

auto Evaluator::UserClassOf(const Value& value) -> int32_t {
  if (value.kind == ValueKind::kInstance) return ClassIndex(value.instance->class_name);
  if (value.kind == ValueKind::kResource && value.resource) return ClassIndex(value.resource->type);
  return -1;
}

// A user preflight class seen from inflight code (the simulator): its object
// is a reference; `inflight new()` runs once per evaluator and the fields it
// sets live in a client object.
auto Evaluator::WithClient(const Value& resource, int32_t class_index) -> Value {
  if (resource.instance) return resource;
  std::shared_ptr<InstanceObject>& slot = clients_[resource.resource->path];
  if (slot) return Value::Resource(resource.resource, slot);
  auto client = std::make_shared<InstanceObject>();
  client->class_name = resource.resource->type;
  client->resource = resource.resource;
  client->inflight_client = true;
  slot = client;
  Value self = Value::Resource(resource.resource, client);
  std::vector<Value> none;
  RunInit(class_index, true, self, none);
  return self;
}

auto Evaluator::CallMethod(const Value& receiver, const std::string& name, int32_t name_id, std::vector<Value>& args,
                           const Node* at) -> Value {
  auto fail = [&](std::string message) -> Value {
    if (at != nullptr) Fail(*at, std::move(message));
    FailHere(std::move(message));
  };
  if (receiver.kind == ValueKind::kInstance || receiver.kind == ValueKind::kResource) {
    int32_t cls = UserClassOf(receiver);
    int32_t function = FindMethod(cls, name_id, name);
    if (function >= 0) {
      Value self = receiver.kind == ValueKind::kResource ? WithClient(receiver, cls) : receiver;
      return CallFunction(function, std::move(self), args);
    }
    if (receiver.kind == ValueKind::kResource) {
      return host_.CallResource(owner_, receiver, name, std::move(args), CurrentPos());
    }
    // A field holding a function.
    if (const Value* field = receiver.instance->Find(name); field != nullptr && field->kind == ValueKind::kClosure) {
      return CallValue(*field, std::move(args));
    }
    return fail(fmt::format("`{}` has no method `{}`", receiver.instance->class_name, name));
  }
  auto r = static_cast<size_t>(ReceiverOf(receiver));
  NativeMethod method = nullptr;
  if (name_id >= 0 && static_cast<size_t>(name_id) < methods_[r].size()) {
    method = methods_[r][name_id];
  } else {
    const auto& table = Natives().methods[r];
    if (auto it = table.find(name); it != table.end()) method = it->second;
  }
  if (method != nullptr) return method(*this, receiver, args);
  if (receiver.kind == ValueKind::kMap) {
    if (const Value* field = receiver.map->Find(name); field != nullptr && field->kind == ValueKind::kClosure) {
      return CallValue(*field, std::move(args));
    }
  }
  if (receiver.IsNil()) return fail(fmt::format("Cannot read properties of undefined (reading '{}')", name));
  return fail(fmt::format("a {} has no method `{}`", ReceiverName(receiver), name));
}

auto Evaluator::CallNativeStatic(const std::string& name, std::vector<Value>& args) -> Value {
  if (std::optional<Value> result = host_.CallBuiltin(owner_, name, args, CurrentPos())) return std::move(*result);
  const auto& statics = Natives().statics;
  if (auto it = statics.find(name); it != statics.end()) return it->second(*this, args);
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    if (auto result = StructStatic(*this, name.substr(0, dot), name.substr(dot + 1), args)) return std::move(*result);
  }
  Throw(fmt::format("no implementation for `{}`", name));
}

// ------------------------------------------------------------ members

auto Evaluator::EvalMember(Frame& f, const Node& n, NodeId id) -> Value {
  Value object = Eval(f, n.kids[0]);
  if (object.IsNil()) {
    if (n.flag) return Value();
    Fail(n, fmt::format("Cannot read properties of undefined (reading '{}')", n.name));
  }
  return GetMember(object, n.name, Aux(f, id).name, &n);
}

auto Evaluator::GetMember(const Value& object, const std::string& name, int32_t name_id, const Node* at) -> Value {
  auto bound = [](int32_t function, const Value& self) {
    auto closure = std::make_shared<ClosureObject>();
    closure->function = function;
    closure->receiver = self;
    return Value::Closure(std::move(closure));
  };
  auto fail = [&](std::string message) -> Value {
    if (at != nullptr) Fail(*at, std::move(message));
    FailHere(std::move(message));
  };
  switch (object.kind) {
    case ValueKind::kInstance: {
      if (const Value* field = object.instance->Find(name)) return *field;
      int32_t cls = UserClassOf(object);
      if (int32_t function = FindMethod(cls, name_id, name); function >= 0) return bound(function, object);
      // A declared field not set yet reads as nil, as in JS.
      for (int32_t c = cls, guard = 0; c >= 0 && guard < 256; c = classes_[c].base, ++guard) {
        const ClassInfo& info = *classes_[c].info;
        for (const auto* list : {&info.fields, &info.inflight_fields}) {
          if (std::find(list->begin(), list->end(), name) != list->end()) return Value();
        }
      }
      return fail(fmt::format("`{}` has no member `{}`", object.instance->class_name, name));
    }
    case ValueKind::kResource: {
      int32_t cls = UserClassOf(object);
      if (cls >= 0) {
        Value self = WithClient(object, cls);
        if (const Value* field = self.instance->Find(name)) return *field;
        if (int32_t function = FindMethod(cls, name_id, name); function >= 0) return bound(function, self);
        if (!self.instance->inflight_client) return Value();
      }
      return host_.GetResourceField(owner_, object, name, CurrentPos());
    }
    case ValueKind::kMap:
      if (const Value* field = object.map->Find(name)) return *field;
      break;
    default:
      break;
  }
  auto r = static_cast<size_t>(ReceiverOf(object));
  NativeProperty property = nullptr;
  if (name_id >= 0 && static_cast<size_t>(name_id) < properties_[r].size()) {
    property = properties_[r][name_id];
  } else {
    const auto& table = Natives().properties[r];
    if (auto it = table.find(name); it != table.end()) property = it->second;
  }
  if (property != nullptr) return property(*this, object);
  if (Natives().methods[r].count(name) != 0) {
    // A native method used as a value: bound to its receiver.
    auto closure = std::make_shared<ClosureObject>();
    closure->builtin = name;
    closure->receiver = object;
    return Value::Closure(std::move(closure));
  }
  if (object.kind == ValueKind::kMap) return Value();  // a struct's unset optional field, a missing Json key
  return fail(fmt::format("a {} has no member `{}`", ReceiverName(object), name));
}

void Evaluator::AssignMember(Frame& f, const Node& n, NodeId id) {
  (void)id;
  Value object = Eval(f, n.kids[0]);
  Value value = Eval(f, n.kids[1]);
  switch (object.kind) {
    case ValueKind::kInstance:
      object.instance->Set(n.name, std::move(value));
      return;
    case ValueKind::kResource: {
      int32_t cls = UserClassOf(object);
      if (cls >= 0) {
        WithClient(object, cls).instance->Set(n.name, std::move(value));
        return;
      }
      break;
    }
    case ValueKind::kMap:
      object.map->Set(n.name, std::move(value));
      return;
    default:
      break;
  }
  if (object.IsNil()) Fail(n, fmt::format("Cannot set properties of undefined (setting '{}')", n.name));
  Fail(n, fmt::format("cannot set `{}` of a {}", n.name, ReceiverName(object)));
}

// ------------------------------------------------------------ classes

void Evaluator::RunInit(int32_t class_index, bool inflight, const Value& self, std::vector<Value>& args) {
  // The nearest constructor up the chain; one that does not call `super()`
  // itself gets the base constructor run first with no arguments.
  int32_t c = class_index;
  int32_t function = -1;
  for (int guard = 0; c >= 0 && guard < 256; c = classes_[c].base, ++guard) {
    function = inflight ? classes_[c].info->inflight_init : classes_[c].info->init;
    if (function >= 0) break;
  }
  if (function < 0 || c < 0) return;
  if (!functions_[function].calls_super_new && classes_[c].base >= 0) {
    std::vector<Value> none;
    RunInit(classes_[c].base, inflight, self, none);
  }
  CallFunction(function, self, args);
}

auto Evaluator::EvalNew(Frame& f, const Node& n, NodeId id) -> Value {
  Value resource_id = n.kids.size() > 0 && n.kids[0] != kNoNode ? Eval(f, n.kids[0]) : Value();
  Value scope = n.kids.size() > 1 && n.kids[1] != kNoNode ? Eval(f, n.kids[1]) : Value();
  std::vector<Value> args;
  for (size_t i = 2; i < n.kids.size(); ++i) args.push_back(Eval(f, n.kids[i]));
  SetPos(n);
  // As in Wing, an object made in a preflight method belongs to `this`.
  if (scope.IsNil() && f.self.kind == ValueKind::kResource) scope = f.self;
  int32_t cls = Aux(f, id).target;
  if (cls < 0) {
    new_argument_positions_.clear();
    const ir::Code& code = Code(f);
    SourcePos at = CurrentPos();
    for (size_t i = 2; i < n.kids.size(); ++i) {
      const Node& arg = code.nodes[n.kids[i]];
      bool named = i + 1 == n.kids.size() && arg.kind == NodeKind::kStruct && arg.constant.kind == ValueKind::kArray &&
                   arg.constant.array && arg.constant.array->items.size() == arg.kids.size();
      if (!named) {
        new_argument_positions_.emplace_back(fmt::format("#{}", i - 2), SourcePos{at.file, arg.line, arg.col});
        continue;
      }
      for (size_t k = 0; k < arg.kids.size(); ++k) {
        const Value& name = arg.constant.array->items[k];
        const Node& value = code.nodes[arg.kids[k]];
        if (name.kind == ValueKind::kStr) {
          new_argument_positions_.emplace_back(name.AsStr(), SourcePos{at.file, value.line, value.col});
        }
      }
    }
    Value made = host_.NewResource(owner_, n.name, std::move(args), resource_id, scope, at);
    new_argument_positions_.clear();
    return made;
  }
  if (classes_[cls].info->phase == Phase::kPreflight) {
    std::shared_ptr<const ResourceRef> ref = host_.BeginInstance(owner_, n.name, resource_id, scope, CurrentPos());
    if (!ref) Fail(n, fmt::format("`{}` could not be created", n.name));
    auto instance = std::make_shared<InstanceObject>();
    instance->class_name = n.name;
    instance->resource = ref;
    instances_[ref->path] = instance;
    Value self = Value::Resource(ref, instance);
    try {
      RunInit(cls, false, self, args);
    } catch (...) {
      host_.EndInstance(owner_, ref);
      throw;
    }
    host_.EndInstance(owner_, ref);
    return self;
  }
  auto instance = std::make_shared<InstanceObject>();
  instance->class_name = n.name;
  RegisterInstance(instance);
  Value self = Value::Instance(instance);
  RunInit(cls, true, self, args);
  return self;
}

auto Evaluator::EvalSuperCall(Frame& f, const Node& n, NodeId id) -> Value {
  std::vector<Value> args;
  args.reserve(n.kids.size());
  for (NodeId kid : n.kids) args.push_back(Eval(f, kid));
  SetPos(n);
  const NodeAux& aux = Aux(f, id);
  const std::string& method = name_list_[aux.name];
  if (method == "new") {
    if (aux.target >= 0) RunInit(aux.target, functions_[f.function].fn->phase == Phase::kInflight, f.self, args);
    return Value();
  }
  int32_t function = FindMethod(aux.target, aux.name, method);
  if (function >= 0) return CallFunction(function, f.self, args);
  if (f.self.kind == ValueKind::kResource) return host_.CallResource(owner_, f.self, method, std::move(args), CurrentPos());
  Fail(n, fmt::format("no method `{}` in a base class", method));
}

auto Evaluator::EvalClosure(Frame& f, const Node& n) -> Value {
  if (n.slot < 0 || static_cast<size_t>(n.slot) >= functions_.size()) Fail(n, fmt::format("no function {}", n.slot));
  auto closure = std::make_shared<ClosureObject>();
  closure->function = n.slot;
  closure->captures.reserve(n.kids.size());
  for (NodeId kid : n.kids) closure->captures.push_back(Eval(f, kid));
  const FunctionRuntime& target = functions_[n.slot];
  bool crosses = target.fn->phase == Phase::kInflight && functions_[f.function].fn->phase != Phase::kInflight;
  // Only a closure that reads variables of enclosing functions keeps the
  // frame (so preflight-made closures stay storable in the IR).
  if (!crosses && target.reach > 0) {
    std::shared_ptr<Frame> frame = f.shared_from_this();
    RegisterFrame(frame);
    closure->enclosing = std::move(frame);
  }
  return Value::Closure(std::move(closure));
}

}  // namespace wdsl::ir
