// The bind pass. An abstract interpretation of the inflight code a host can
// run: values are "one of these resources", a closure (function + abstract
// captures), an inflight class instance, a collection, plain data, or
// unknown. A method call on a resource of a stdlib type is a lift; on a user
// class resource it follows into the class's inflight method with `this`
// bound to that resource. Calls are memoized per (function, receiver,
// captures, arguments), which also ends recursion.
#include "ir/bind.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "ir/bind_internal.h"
#include "ir/permissions.h"
#include "ir/signature.h"

namespace wdsl::ir {
namespace {

using namespace bind_internal;  // NOLINT: the pass's own vocabulary

// One host's analysis: the lifts its code makes, found from its entry closures.
class Analyzer {
 public:
  Analyzer(const Program& program, const Json& table, const std::set<std::string>& known_ops,
           std::vector<BindProblem>& problems, std::set<std::string>& seen)
      : program_(program), table_(table), known_ops_(known_ops), problems_(problems), seen_(seen) {}
  Analyzer(const Analyzer&) = delete;
  auto operator=(const Analyzer&) -> Analyzer& = delete;

  // A closure made in inflight code holds its frame, and the frame's slots
  // may hold the closure (a Service's start handler returning its stop
  // handler): a cycle of shared_ptrs. Emptying every frame breaks them all.
  ~Analyzer() {
    for (const std::shared_ptr<FrameState>& frame : frames_) {
      frame->slots.clear();
      frame->captures.clear();
      frame->self = AVal();
      frame->returned = AVal();
      frame->parent.reset();
    }
  }

  // Runs a closure stored in the IR the way the runtime does: with data
  // arguments; a closure it returns (a Service's stop handler) runs too.
  void RunEntry(const Json& closure) {
    AVal callee = FromJson(closure);
    AVal result = CallValue(callee, PlainArgs(callee), nullptr, nullptr);
    if (result.Is(AVal::Kind::kClosure)) CallValue(result, PlainArgs(result), nullptr, nullptr);
  }

  // Runs a `pub inflight` method of the user class resource `path` with data
  // arguments, as the Resource API does when a bound container calls it.
  void RunMethod(int32_t function, const std::string& path, const std::string& type) {
    if (function < 0 || static_cast<size_t>(function) >= program_.functions.size()) return;
    AVal self = AVal::Refs({path});
    EnsureInflightInit(path, type, self);
    std::vector<AVal> args(program_.functions[function].params.size(), AVal::Plain());
    Call(function, self, {}, nullptr, std::move(args));
  }

  auto Lifts() const -> const std::map<std::string, std::set<std::string>>& { return lifts_; }

 private:
  auto PlainArgs(const AVal& callee) const -> std::vector<AVal> {
    size_t n = 0;
    if (callee.Is(AVal::Kind::kClosure) && callee.function >= 0 &&
        static_cast<size_t>(callee.function) < program_.functions.size()) {
      n = program_.functions[callee.function].params.size();
    }
    return std::vector<AVal>(n, AVal::Plain());
  }

  // `lift { a: [put], b: [get] } { body }`: the user names the objects and
  // operations, so they are lifted as written and what the body does with
  // objects the analysis cannot follow is not a problem.
  void ExecLift(FrameState& f, const Node& n) {
    if (n.kids.empty()) return;
    for (size_t i = 0; i + 1 < n.kids.size(); ++i) {
      AVal object = Eval(f, n.kids[i]);
      std::vector<std::string> ops;
      if (n.constant.kind == ValueKind::kArray && n.constant.array && i < n.constant.array->items.size()) {
        const Value& list = n.constant.array->items[i];
        if (list.kind == ValueKind::kArray && list.array) {
          for (const Value& op : list.array->items) {
            if (op.kind == ValueKind::kStr) ops.push_back(op.AsStr());
          }
        }
      }
      for (const std::string& path : object.paths) {
        for (const std::string& op : ops) AddLift(path, op);
      }
    }
    ++lift_depth_;
    Exec(f, n.kids.back());
    --lift_depth_;
  }

  void Report(const FrameState* f, const Node* n, std::string message) {
    if (lift_depth_ > 0) return;  // qualified by a `lift` block
    SourcePos pos;
    if (f != nullptr && f->function >= 0) pos = program_.functions[f->function].pos;
    if (n != nullptr && n->line != 0) {
      pos.line = n->line;
      pos.col = n->col;
    }
    std::string key = fmt::format("{}:{}:{}:{}", pos.file, pos.line, pos.col, message);
    if (!seen_.insert(key).second) return;
    problems_.push_back(BindProblem{std::move(pos), std::move(message)});
  }

  auto StdlibOps(const std::string& type) const -> const Json* {
    auto it = table_.find(type);
    if (it == table_.end()) return nullptr;
    auto p = it->find("permissions");
    return p == it->end() || !p->is_object() ? nullptr : &*p;
  }

  // The function of `method` in `class_name` or its bases; or, when the chain
  // ends in a stdlib type, that type (`stdlib_type`).
  auto FindMethod(std::string class_name, const std::string& method, std::string* stdlib_type) const -> int32_t {
    for (int guard = 0; !class_name.empty() && guard < 256; ++guard) {
      const ClassInfo* cls = program_.FindClass(class_name);
      if (cls == nullptr) {
        if (stdlib_type != nullptr) *stdlib_type = class_name;
        return -1;
      }
      if (auto it = cls->methods.find(method); it != cls->methods.end()) return it->second;
      class_name = cls->base;
    }
    return -1;
  }

  auto DecodedModuleCaptures(int32_t function) -> const std::vector<AVal>& {
    auto [it, fresh] = module_captures_.try_emplace(function);
    if (fresh) {
      const Json& captures = program_.functions[function].module_captures;
      if (captures.is_array()) {
        for (const Json& item : captures) it->second.push_back(FromJson(item));
      }
    }
    return it->second;
  }

  auto Call(int32_t function, AVal self, std::vector<AVal> captures, std::shared_ptr<FrameState> enclosing,
            std::vector<AVal> args) -> AVal {
    if (function < 0 || static_cast<size_t>(function) >= program_.functions.size()) return AVal::Plain();
    const Function& fn = program_.functions[function];
    if (fn.kind == FunctionKind::kMethod || fn.kind == FunctionKind::kInit) captures = DecodedModuleCaptures(function);
    std::string key = fmt::format("{}|{}|", function, Key(self));
    for (const auto& c : captures) key += Key(c) + ",";
    key += "|";
    for (const auto& a : args) key += Key(a) + ",";
    if (enclosing) key += fmt::format("@{}", static_cast<const void*>(enclosing.get()));
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    if (!active_.insert(key).second) return AVal::Of(AVal::Kind::kBottom);  // recursion
    if (fn.code.root == kNoNode || fn.code.root >= fn.code.nodes.size()) {
      active_.erase(key);
      return memo_[key] = AVal::Plain();
    }
    auto frame = std::make_shared<FrameState>();
    frames_.push_back(frame);  // closures made here refer to it by address
    frame->function = function;
    size_t slots = std::max({static_cast<size_t>(std::max(fn.slot_count, 0)), fn.params.size(), args.size()});
    frame->slots.assign(slots, AVal::Of(AVal::Kind::kBottom));
    for (size_t i = 0; i < fn.params.size(); ++i) frame->slots[i] = i < args.size() ? args[i] : AVal::Plain();
    frame->captures = std::move(captures);
    frame->self = std::move(self);
    frame->parent = std::move(enclosing);
    // Locals are joined over every assignment (flow-insensitive), so loops
    // need the body again until no local changes.
    for (int round = 0; round < 8; ++round) {
      std::string before;
      for (const auto& s : frame->slots) before += Key(s) + ";";
      before += Key(frame->returned);
      Exec(*frame, fn.code.root);
      std::string after;
      for (const auto& s : frame->slots) after += Key(s) + ";";
      after += Key(frame->returned);
      if (after == before) break;
    }
    active_.erase(key);
    AVal result = frame->returned.Is(AVal::Kind::kBottom) ? AVal::Plain() : frame->returned;
    return memo_[key] = result;
  }

  // The fields that `inflight new()` sets exist once the client is made.
  void EnsureInflightInit(const std::string& key, const std::string& class_name, const AVal& self) {
    if (!inited_.insert(key).second) return;
    std::string name = class_name;
    for (int guard = 0; !name.empty() && guard < 256; ++guard) {
      const ClassInfo* cls = program_.FindClass(name);
      if (cls == nullptr) return;
      int32_t init = cls->phase == Phase::kInflight && cls->inflight_init < 0 ? cls->init : cls->inflight_init;
      if (init >= 0) {
        Call(init, self, {}, nullptr, {});
        return;
      }
      name = cls->base;
    }
  }

  auto UserClassOf(const std::string& path) const -> const ClassInfo* {
    const Resource* r = program_.FindResource(path);
    return r == nullptr ? nullptr : program_.FindClass(r->type);
  }

  auto SlotRef(FrameState& f, int32_t depth, int32_t slot) -> AVal* {
    FrameState* frame = &f;
    for (int32_t d = 0; d < depth && frame != nullptr; ++d) frame = frame->parent.get();
    if (frame == nullptr || slot < 0 || static_cast<size_t>(slot) >= frame->slots.size()) return nullptr;
    return &frame->slots[slot];
  }

  void Assign(FrameState& f, int32_t depth, int32_t slot, const AVal& value) {
    if (AVal* s = SlotRef(f, depth, slot)) *s = Join(*s, value);
  }

  auto ElementOf(FrameState& f, const Node& n, const AVal& v) -> AVal {
    if (v.Is(AVal::Kind::kUnknown)) return v;
    if (!v.Is(AVal::Kind::kCollection)) return AVal::Plain();
    // Inflight closures taken out of a collection are followed: calling one
    // follows every closure the collection may hold (as Wing lifts them
    // all), nested collections of closures included. Resources and
    // instances still need a `lift` block, as in Wing.
    if (OnlyClosures(v)) {
      AVal joined = AVal::Of(AVal::Kind::kBottom);
      for (const AVal& e : v.elem) joined = Join(joined, e);
      for (const AVal& field : v.field_values) joined = Join(joined, field);
      return joined.Is(AVal::Kind::kBottom) ? AVal::Plain() : joined;
    }
    Report(&f, &n,
           "inflight code reaches a preflight object through an element of a collection, so the compiler cannot "
           "tell which resource it is or which operations it needs; use a `lift` block or a variable per object");
    return AVal::Unknown(true);
  }

  void Exec(FrameState& f, NodeId id) {
    if (id == kNoNode) return;
    const Code& code = program_.functions[f.function].code;
    if (id >= code.nodes.size()) return;
    const Node& n = code.At(id);
    auto kid = [&](size_t i) { return i < n.kids.size() ? n.kids[i] : kNoNode; };
    switch (n.kind) {
      case NodeKind::kBlock:
        for (NodeId k : n.kids) Exec(f, k);
        return;
      case NodeKind::kLet:
        Assign(f, 0, n.slot, Eval(f, kid(0)));
        return;
      case NodeKind::kAssignLocal:
        Assign(f, n.depth, n.slot, Eval(f, kid(0)));
        return;
      case NodeKind::kAssignMember:
        StoreField(f, n, Eval(f, kid(0)), Eval(f, kid(1)));
        return;
      case NodeKind::kAssignIndex: {
        Eval(f, kid(0));
        Eval(f, kid(1));
        if (CarriesObjects(Eval(f, kid(2)))) {
          Report(&f, &n, "a preflight object stored into a collection by index cannot be followed by the compiler");
        }
        return;
      }
      case NodeKind::kIf:
        Eval(f, kid(0));
        Exec(f, kid(1));
        Exec(f, kid(2));
        return;
      case NodeKind::kWhile:
        Eval(f, kid(0));
        Exec(f, kid(1));
        return;
      case NodeKind::kForIn:
        Assign(f, 0, n.slot, ElementOf(f, n, Eval(f, kid(0))));
        Exec(f, kid(1));
        return;
      case NodeKind::kReturn:
        if (!n.kids.empty()) f.returned = Join(f.returned, Eval(f, kid(0)));
        return;
      case NodeKind::kTry:
        Exec(f, kid(0));
        if (n.slot >= 0) Assign(f, 0, n.slot, AVal::Plain());
        Exec(f, kid(1));
        Exec(f, kid(2));
        return;
      case NodeKind::kLift:
        ExecLift(f, n);
        return;
      case NodeKind::kBreak:
      case NodeKind::kContinue:
        return;
      default:
        Eval(f, id);  // kExprStmt, kThrow, and expressions
        return;
    }
  }

  auto Eval(FrameState& f, NodeId id) -> AVal {
    if (id == kNoNode) return AVal::Plain();
    const Code& code = program_.functions[f.function].code;
    if (id >= code.nodes.size()) return AVal::Plain();
    const Node& n = code.At(id);
    auto kid = [&](size_t i) { return i < n.kids.size() ? n.kids[i] : kNoNode; };
    auto args_from = [&](size_t first) {
      std::vector<AVal> args;
      for (size_t i = first; i < n.kids.size(); ++i) args.push_back(Eval(f, n.kids[i]));
      return args;
    };
    switch (n.kind) {
      case NodeKind::kConst:
        return AVal::Plain();
      case NodeKind::kLocal: {
        AVal* s = SlotRef(f, n.depth, n.slot);
        return s == nullptr ? AVal::Plain() : *s;
      }
      case NodeKind::kCapture:
        return n.slot >= 0 && static_cast<size_t>(n.slot) < f.captures.size() ? f.captures[n.slot] : AVal::Plain();
      case NodeKind::kThis:
        return f.self;
      case NodeKind::kGlobal: {
        size_t dot = n.name.rfind('.');
        if (dot != std::string::npos && program_.FindClass(n.name.substr(0, dot)) != nullptr) {
          int32_t fn = FindMethod(n.name.substr(0, dot), n.name.substr(dot + 1), nullptr);
          if (fn >= 0) {
            AVal v = AVal::Of(AVal::Kind::kClosure);
            v.function = fn;
            return v;
          }
        }
        AVal v = AVal::Of(AVal::Kind::kBuiltin);
        v.name = n.name;
        return v;
      }
      case NodeKind::kBinary:
        if (n.op == Op::kAnd || n.op == Op::kOr || n.op == Op::kNilCoalesce) {
          return Join(Eval(f, kid(0)), Eval(f, kid(1)));
        }
        Eval(f, kid(0));
        Eval(f, kid(1));
        return AVal::Plain();
      case NodeKind::kUnwrap:
        return Eval(f, kid(0));
      case NodeKind::kJson:
        return Eval(f, kid(0));
      case NodeKind::kArray: {
        AVal out = AVal::Of(AVal::Kind::kCollection);
        bool objects = false;
        for (NodeId k : n.kids) {
          AVal v = Eval(f, k);
          objects = objects || CarriesObjects(v);
          JoinElem(out, v);
        }
        return objects ? out : AVal::Plain();
      }
      case NodeKind::kMap:
      case NodeKind::kStruct: {
        AVal out = AVal::Of(AVal::Kind::kCollection);
        bool objects = false;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          std::string name;
          AVal v;
          if (n.kind == NodeKind::kMap) {
            const Node* key = n.kids[i] < code.nodes.size() ? &code.At(n.kids[i]) : nullptr;
            if (key != nullptr && key->kind == NodeKind::kConst && key->constant.kind == ValueKind::kStr) {
              name = key->constant.AsStr();
            }
            Eval(f, n.kids[i]);
            if (++i >= n.kids.size()) break;
            v = Eval(f, n.kids[i]);
          } else {
            const Value& names = n.constant;
            if (names.kind == ValueKind::kArray && i < names.array->items.size() &&
                names.array->items[i].kind == ValueKind::kStr) {
              name = names.array->items[i].AsStr();
            }
            v = Eval(f, n.kids[i]);
          }
          objects = objects || CarriesObjects(v);
          if (name.empty()) {
            JoinElem(out, v);
          } else {
            JoinField(out, name, v);
          }
        }
        return objects ? out : AVal::Plain();
      }
      case NodeKind::kMember:
        return GetMember(f, n, Eval(f, kid(0)), n.name);
      case NodeKind::kIndex: {
        AVal object = Eval(f, kid(0));
        Eval(f, kid(1));
        return ElementOf(f, n, object);
      }
      case NodeKind::kCall: {
        AVal callee = Eval(f, kid(0));
        return CallValue(callee, args_from(1), &f, &n);
      }
      case NodeKind::kMethodCall: {
        AVal receiver = Eval(f, kid(0));
        return CallMethod(f, n, receiver, n.name, args_from(1));
      }
      case NodeKind::kSuperCall:
        return SuperCall(f, n, args_from(0));
      case NodeKind::kNew: {
        std::vector<AVal> args = args_from(2);
        const ClassInfo* cls = program_.FindClass(n.name);
        if (cls == nullptr || cls->phase != Phase::kInflight) return AVal::Plain();
        AVal instance = AVal::Of(AVal::Kind::kInstance);
        instance.name = n.name;
        std::string name = n.name;
        for (int guard = 0; !name.empty() && guard < 256; ++guard) {
          const ClassInfo* c = program_.FindClass(name);
          if (c == nullptr) break;
          int32_t init = c->inflight_init >= 0 ? c->inflight_init : c->init;
          if (init >= 0) {
            Call(init, instance, {}, nullptr, args);
            break;
          }
          name = c->base;
        }
        return instance;
      }
      case NodeKind::kClosure: {
        AVal v = AVal::Of(AVal::Kind::kClosure);
        v.function = n.slot;
        for (NodeId k : n.kids) v.captures.push_back(Eval(f, k));
        v.enclosing = f.shared_from_this();
        return v;
      }
      default:
        for (NodeId k : n.kids) Eval(f, k);
        return AVal::Plain();
    }
  }

  auto FieldKey(const AVal& object, const std::string& path_or_class, const std::string& field) const -> std::string {
    return (object.Is(AVal::Kind::kInstance) ? "class:" : "") + path_or_class + "#" + field;
  }

  auto GetMember(FrameState& f, const Node& n, const AVal& object, const std::string& name) -> AVal {
    switch (object.kind) {
      case AVal::Kind::kRefs: {
        AVal out = AVal::Of(AVal::Kind::kBottom);
        for (const std::string& path : object.paths) {
          const Resource* r = program_.FindResource(path);
          const ClassInfo* cls = r == nullptr ? nullptr : program_.FindClass(r->type);
          if (cls == nullptr) {
            out = Join(out, AVal::Plain());  // a stdlib attribute (`api.url`): a value, not a lift
            continue;
          }
          AVal self = AVal::Refs({path});
          EnsureInflightInit(path, r->type, self);
          if (auto it = r->fields.find(name); it != r->fields.end()) {
            out = Join(out, FromJson(*it));
          } else if (auto a = assigned_.find(FieldKey(object, path, name)); a != assigned_.end()) {
            out = Join(out, a->second);
          } else if (int32_t fn = FindMethod(r->type, name, nullptr); fn >= 0) {
            AVal bound = AVal::Of(AVal::Kind::kClosure);
            bound.function = fn;
            bound.self.push_back(self);
            out = Join(out, bound);
          } else {
            out = Join(out, AVal::Plain());
          }
        }
        return out.Is(AVal::Kind::kBottom) ? AVal::Plain() : out;
      }
      case AVal::Kind::kInstance: {
        if (auto a = assigned_.find(FieldKey(object, object.name, name)); a != assigned_.end()) return a->second;
        if (int32_t fn = FindMethod(object.name, name, nullptr); fn >= 0) {
          AVal bound = AVal::Of(AVal::Kind::kClosure);
          bound.function = fn;
          bound.self.push_back(object);
          return bound;
        }
        return AVal::Plain();
      }
      case AVal::Kind::kCollection:
        for (size_t i = 0; i < object.field_names.size(); ++i) {
          if (object.field_names[i] == name) return object.field_values[i];
        }
        return AVal::Plain();
      case AVal::Kind::kUnknown:
        return object;
      default:
        return AVal::Plain();
    }
  }

  void StoreField(FrameState& f, const Node& n, const AVal& object, const AVal& value) {
    if (object.Is(AVal::Kind::kRefs)) {
      for (const std::string& path : object.paths) {
        AVal& slot = assigned_[FieldKey(object, path, n.name)];
        slot = Join(slot, value);
      }
      return;
    }
    if (object.Is(AVal::Kind::kInstance)) {
      AVal& slot = assigned_[FieldKey(object, object.name, n.name)];
      slot = Join(slot, value);
      return;
    }
    if (CarriesObjects(value)) {
      Report(&f, &n, fmt::format("a preflight object stored in field `{}` of a value cannot be followed by the compiler",
                                 n.name));
    }
  }

  // Arguments handed to native code (`util.waitUntil(fn)`, `arr.map(fn)`):
  // closures run with data arguments; objects get lost.
  void PassToNative(FrameState* f, const Node* n, const std::string& name, const std::vector<AVal>& args) {
    for (const AVal& arg : args) {
      if (arg.Is(AVal::Kind::kClosure)) {
        CallValue(arg, PlainArgs(arg), f, n);
      } else if (CarriesObjects(arg) && !arg.Is(AVal::Kind::kBuiltin) && !(arg.Is(AVal::Kind::kUnknown) && arg.reported)) {
        Report(f, n, fmt::format("a preflight object passed to `{}` cannot be followed by the compiler", name));
      }
    }
  }

  auto CallValue(const AVal& callee, std::vector<AVal> args, FrameState* f, const Node* n) -> AVal {
    switch (callee.kind) {
      case AVal::Kind::kClosure: {
        if (!callee.alternatives.empty()) {
          AVal out = AVal::Of(AVal::Kind::kBottom);
          for (const AVal& alt : callee.alternatives) out = Join(out, CallValue(alt, args, f, n));
          return out;
        }
        AVal self = !callee.self.empty() ? callee.self[0]
                                         : (callee.enclosing ? callee.enclosing->self : AVal::Plain());
        return Call(callee.function, std::move(self), callee.captures, callee.enclosing, std::move(args));
      }
      case AVal::Kind::kBuiltin:
        if (callee.name == "unsafeCast" && !args.empty()) return args[0];
        PassToNative(f, n, callee.name, args);
        return AVal::Plain();
      case AVal::Kind::kUnknown:
        if (!callee.reported) {
          Report(f, n, "inflight code calls a function the compiler cannot identify, so its lifts are unknown");
        }
        return AVal::Unknown(true);
      default:
        return AVal::Plain();
    }
  }

  void AddLift(const std::string& path, const std::string& op) { lifts_[path].insert(op); }

  auto CallMethod(FrameState& f, const Node& n, const AVal& receiver, const std::string& name,
                  std::vector<AVal> args) -> AVal {
    switch (receiver.kind) {
      case AVal::Kind::kRefs: {
        AVal out = AVal::Of(AVal::Kind::kBottom);
        for (const std::string& path : receiver.paths) {
          const Resource* r = program_.FindResource(path);
          if (r == nullptr) continue;
          std::string stdlib_type = r->type;
          int32_t fn = program_.FindClass(r->type) != nullptr ? FindMethod(r->type, name, &stdlib_type) : -1;
          AVal self = AVal::Refs({path});
          if (fn >= 0) {
            EnsureInflightInit(path, r->type, self);
            out = Join(out, Call(fn, self, {}, nullptr, args));
            continue;
          }
          const Json* ops = StdlibOps(stdlib_type);
          if (ops != nullptr && ops->contains(name)) {
            AddLift(path, name);
            PassToNative(&f, &n, name, args);
            out = Join(out, AVal::Plain());
            continue;
          }
          // A field holding a function (`this.handler()`).
          AVal member = GetMember(f, n, self, name);
          out = Join(out, member.Is(AVal::Kind::kClosure) ? CallValue(member, args, &f, &n) : AVal::Plain());
        }
        return out.Is(AVal::Kind::kBottom) ? AVal::Plain() : out;
      }
      case AVal::Kind::kInstance: {
        if (int32_t fn = FindMethod(receiver.name, name, nullptr); fn >= 0) {
          return Call(fn, receiver, {}, nullptr, std::move(args));
        }
        AVal member = GetMember(f, n, receiver, name);
        return member.Is(AVal::Kind::kClosure) ? CallValue(member, std::move(args), &f, &n) : AVal::Plain();
      }
      case AVal::Kind::kCollection: {
        for (size_t i = 0; i < receiver.field_names.size(); ++i) {
          // A struct or map field holding a function.
          if (receiver.field_names[i] == name && receiver.field_values[i].Is(AVal::Kind::kClosure)) {
            return CallValue(receiver.field_values[i], std::move(args), &f, &n);
          }
        }
        if (IsPlainResultMethod(name)) {
          PassToNative(&f, &n, name, args);
          return AVal::Plain();
        }
        if (OnlyClosures(receiver)) {
          // Collections of inflight closures: an item, or a collection of the
          // same items, keeps every closure it may be.
          static const std::set<std::string> kItem = {"at", "get", "tryAt", "tryGet", "pop", "popAt"};
          static const std::set<std::string> kSame = {"values", "copy", "copyMut", "slice", "concat", "filter",
                                                      "toArray", "toMutArray"};
          if (kItem.count(name) != 0) return ElementOf(f, n, receiver);
          if (kSame.count(name) != 0) {
            AVal out = AVal::Of(AVal::Kind::kCollection);
            JoinElem(out, ElementOf(f, n, receiver));
            for (const AVal& arg : args) {
              if (arg.Is(AVal::Kind::kCollection)) JoinElem(out, ElementOf(f, n, arg));
            }
            return out;
          }
          Report(&f, &n, fmt::format("inflight code takes closures out of a collection with `{}`, which the compiler "
                                     "does not follow; use `at`, `get` or a `for` loop",
                                     name));
          return AVal::Unknown(true);
        }
        ElementOf(f, n, receiver);  // reports
        return AVal::Unknown(true);
      }
      case AVal::Kind::kUnknown:
        if (!receiver.reported && known_ops_.count(name) != 0) {
          Report(&f, &n,
                 fmt::format("`{}` is called on a value the compiler cannot identify; if it is a preflight object, "
                             "its lifts are unknown",
                             name));
        }
        return AVal::Unknown(true);
      default:
        PassToNative(&f, &n, name, args);
        return AVal::Plain();
    }
  }

  auto SuperCall(FrameState& f, const Node& n, std::vector<AVal> args) -> AVal {
    size_t dot = n.name.rfind('.');
    std::string cls = dot == std::string::npos ? std::string() : n.name.substr(0, dot);
    std::string method = dot == std::string::npos ? n.name : n.name.substr(dot + 1);
    if (method == "new") {
      if (program_.functions[f.function].phase != Phase::kInflight) return AVal::Plain();
      for (int guard = 0; !cls.empty() && guard < 256; ++guard) {
        const ClassInfo* c = program_.FindClass(cls);
        if (c == nullptr) break;
        int32_t init = c->inflight_init >= 0 ? c->inflight_init : (c->phase == Phase::kInflight ? c->init : -1);
        if (init >= 0) {
          Call(init, f.self, {}, nullptr, std::move(args));
          break;
        }
        cls = c->base;
      }
      return AVal::Plain();
    }
    std::string stdlib_type;
    int32_t fn = FindMethod(cls, method, &stdlib_type);
    if (fn >= 0) return Call(fn, f.self, {}, nullptr, std::move(args));
    const Json* ops = StdlibOps(stdlib_type);
    if (ops != nullptr && ops->contains(method) && f.self.Is(AVal::Kind::kRefs)) {
      for (const std::string& path : f.self.paths) AddLift(path, method);
    }
    return AVal::Plain();
  }

  const Program& program_;
  const Json& table_;
  const std::set<std::string>& known_ops_;
  std::vector<BindProblem>& problems_;
  std::set<std::string>& seen_;
  std::map<std::string, std::set<std::string>> lifts_;
  int lift_depth_ = 0;  // inside a `lift` block
  std::map<std::string, AVal> memo_;
  std::set<std::string> active_;
  std::map<std::string, AVal> assigned_;  // "path#field" / "class:Name#field"
  std::set<std::string> inited_;
  std::map<int32_t, std::vector<AVal>> module_captures_;
  std::vector<std::shared_ptr<FrameState>> frames_;
};
void CollectClosures(const Json& j, std::vector<const Json*>& out) {
  if (j.is_object()) {
    if (j.contains("$closure")) {
      out.push_back(&j);
      return;
    }
    if (j.contains("$resource")) return;
    for (const auto& [key, item] : j.items()) CollectClosures(item, out);
  } else if (j.is_array()) {
    for (const Json& item : j) CollectClosures(item, out);
  }
}

auto ToLifts(const std::map<std::string, std::set<std::string>>& found, const std::string& via) -> std::vector<Lift> {
  std::vector<Lift> lifts;
  for (const auto& [path, ops] : found) lifts.push_back(Lift{path, {ops.begin(), ops.end()}, via});
  return lifts;
}

// A user class bound to a workload runs the bound methods in the simulator
// on the class's behalf: what they use becomes the class resource's lifts
// (the workload itself only gets the methods).
void BindClassMethods(Program& program, const Json& table, const std::set<std::string>& known_ops,
                      std::vector<BindProblem>& problems, std::set<std::string>& seen) {
  std::map<std::string, std::set<std::string>> bound;  // class resource path -> methods
  for (const Resource& resource : program.resources) {
    for (const Lift& lift : resource.lifts) {
      const Resource* target = lift.via == "binding" ? program.FindResource(lift.resource) : nullptr;
      if (target != nullptr && program.FindClass(target->type) != nullptr) {
        bound[target->path].insert(lift.ops.begin(), lift.ops.end());
      }
    }
  }
  for (const auto& [path, methods] : bound) {
    Resource* target = nullptr;
    for (Resource& resource : program.resources) {
      if (resource.path == path) target = &resource;
    }
    if (target == nullptr) continue;
    std::map<std::string, int32_t> functions = BindableMethods(program, target->type);
    Analyzer analyzer(program, table, known_ops, problems, seen);
    for (const std::string& method : methods) {
      if (auto it = functions.find(method); it != functions.end()) analyzer.RunMethod(it->second, path, target->type);
    }
    std::map<std::string, std::set<std::string>> found;
    for (const Lift& lift : target->lifts) {
      if (lift.via == "code") found[lift.resource].insert(lift.ops.begin(), lift.ops.end());
    }
    for (const auto& [resource, ops] : analyzer.Lifts()) found[resource].insert(ops.begin(), ops.end());
    std::vector<Lift> lifts;
    for (const Lift& lift : target->lifts) {
      if (lift.via != "code") lifts.push_back(lift);
    }
    for (const auto& [resource, ops] : found) {
      if (resource != path) lifts.push_back(Lift{resource, {ops.begin(), ops.end()}, "code"});
    }
    std::sort(lifts.begin(), lifts.end(), [](const Lift& a, const Lift& b) {
      return std::tie(a.resource, a.via) < std::tie(b.resource, b.via);
    });
    target->lifts = std::move(lifts);
  }
}

}  // namespace

auto Bind(Program& program, std::vector<BindProblem>& problems) -> void {
  const Json& table = ResourcePermissionTable();
  std::set<std::string> known_ops;
  for (const auto& [type, entry] : table.items()) {
    if (auto p = entry.find("permissions"); p != entry.end() && p->is_object()) {
      for (const auto& [op, permission] : p->items()) known_ops.insert(op);
    }
  }
  for (const ClassInfo& cls : program.classes) {
    for (const auto& [name, fn] : cls.methods) {
      if (fn >= 0 && static_cast<size_t>(fn) < program.functions.size() &&
          program.functions[fn].phase == Phase::kInflight) {
        known_ops.insert(name);
      }
    }
  }
  std::set<std::string> seen;
  for (Resource& resource : program.resources) {
    std::vector<const Json*> closures;
    CollectClosures(resource.props, closures);
    std::vector<Lift> lifts;
    if (!closures.empty()) {
      Analyzer analyzer(program, table, known_ops, problems, seen);
      for (const Json* closure : closures) analyzer.RunEntry(*closure);
      lifts = ToLifts(analyzer.Lifts(), "code");
    }
    std::map<std::string, std::set<std::string>> bindings = BindingLifts(program, resource, table, problems);
    if (resource.props.contains("bindings")) CheckUnboundUses(program, resource, table, bindings, problems);
    std::vector<Lift> bound = ToLifts(bindings, "binding");
    lifts.insert(lifts.end(), bound.begin(), bound.end());
    std::sort(lifts.begin(), lifts.end(), [](const Lift& a, const Lift& b) {
      return std::tie(a.resource, a.via) < std::tie(b.resource, b.via);
    });
    resource.lifts = std::move(lifts);
  }
  BindClassMethods(program, table, known_ops, problems, seen);
  for (TestCase& test : program.tests) {
    Analyzer analyzer(program, table, known_ops, problems, seen);
    analyzer.RunEntry(test.closure);
    test.lifts = ToLifts(analyzer.Lifts(), "code");
  }
}

auto BindingEnvName(const std::string& id) -> std::string {
  std::string name;
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
  }
  return name;
}

}  // namespace wdsl::ir
