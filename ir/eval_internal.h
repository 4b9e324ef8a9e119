// Internals of the evaluator shared by eval*.cpp and builtins*.cpp. Not part
// of the IR contract: hosts use eval.h only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/eval.h"

namespace wdsl::ir {

// The activation of one call. Heap-allocated and shared, because a closure
// created in it keeps it alive (captured variables are shared, as in JS).
struct Frame : std::enable_shared_from_this<Frame> {
  std::vector<Value> slots;       // Function::slot_count: params, then locals
  std::shared_ptr<Frame> parent;  // the enclosing function's frame (kLocal depth 1)
  Value self;                     // `this`
  const std::vector<Value>* captures = nullptr;  // kCapture i
  std::shared_ptr<ClosureObject> closure;        // keeps `captures` alive
  std::vector<Value> own_captures;               // module captures read live
  int32_t function = -1;
  bool registered = false;  // in Evaluator::captured_frames_
};

enum class Flow : uint8_t { kNormal, kBreak, kContinue, kReturn };

// Counts a step and checks the stack, at the top of Exec and Eval (a macro
// so the frame address is the caller's).
#define WDSL_CHECK_LIMITS()                                                        \
  do {                                                                             \
    if (++steps_ > max_steps_ ||                                                   \
        reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < stack_limit_) { \
      CheckLimits();                                                               \
    }                                                                              \
  } while (false)

// What the evaluator precomputes about a node when it is constructed.
struct NodeAux {
  int32_t name = -1;    // interned `Node::name` (members, methods)
  int32_t target = -1;  // kGlobal: globals_ index; kNew: class index (-1: the
                        // host's); kSuperCall: function to call (-1: none)
};

struct FunctionRuntime {
  const Function* fn = nullptr;
  std::vector<NodeAux> aux;
  bool calls_super_new = false;  // an init that calls the base constructor itself
  // How many frames up its code (or a closure made in it) reads variables:
  // a closure of it needs its enclosing frame only when this is > 0.
  int32_t reach = -1;
  bool decoded_captures = false;
  std::vector<Value> module_captures;  // decoded Function::module_captures
};

struct ClassRuntime {
  const ClassInfo* info = nullptr;
  int32_t base = -1;                                  // index in classes_, -1: none
  std::unordered_map<int32_t, int32_t> methods;       // name id -> function, with inherited
  std::unordered_map<std::string, int32_t> by_name;  // the same by name
};

enum class Receiver : uint8_t { kNil, kBool, kNum, kStr, kDuration, kArray, kSet, kMap, kOther };
inline constexpr size_t kReceiverCount = 9;
auto ReceiverOf(const Value& value) -> Receiver;
auto ReceiverName(const Value& value) -> const char*;

class Evaluator;
using NativeStatic = Value (*)(Evaluator& ev, std::vector<Value>& args);
using NativeMethod = Value (*)(Evaluator& ev, const Value& self, std::vector<Value>& args);
using NativeProperty = Value (*)(Evaluator& ev, const Value& self);

// Every native builtin, by name. Statics are named as kGlobal names them
// ("log", "Json.stringify"); methods and properties per receiver kind.
struct NativeTables {
  std::unordered_map<std::string, NativeStatic> statics;
  std::unordered_map<std::string, NativeMethod> methods[kReceiverCount];
  std::unordered_map<std::string, NativeProperty> properties[kReceiverCount];
};
auto Natives() -> const NativeTables&;
void AddStringNatives(NativeTables& tables);
void AddArrayNatives(NativeTables& tables);
void AddMapNatives(NativeTables& tables);
void AddJsonNatives(NativeTables& tables);
void AddGlobalNatives(NativeTables& tables);
void AddUtilNatives(NativeTables& tables);

// A Wing error raised by a native; the evaluator adds the stack trace when
// it leaves the calling function.
[[noreturn]] void Throw(std::string message);

// `Opts.fromJson(j)` and its siblings for a struct type (no schema: the
// fields are taken as they are).
auto StructStatic(Evaluator& ev, const std::string& struct_name, const std::string& method,
                  std::vector<Value>& args) -> std::optional<Value>;

// Argument helpers for natives: missing arguments are nil.
auto Arg(const std::vector<Value>& args, size_t i) -> const Value&;
auto ArgStr(const std::vector<Value>& args, size_t i) -> std::string;  // display form; nil is ""
auto ArgNum(const std::vector<Value>& args, size_t i) -> double;       // NaN unless a num

class Evaluator {
 public:
  Evaluator(Interpreter& owner, const Program& program, Host& host, Limits limits);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  auto operator=(const Evaluator&) -> Evaluator& = delete;

  // Public entry points (Interpreter forwards to these).
  void RunTopLevel(int32_t function);
  auto CallValue(const Value& callee, std::vector<Value> args) -> Value;
  auto MakeClosure(int32_t function, std::vector<Value> captures) -> Value;
  auto InstanceFields(const std::string& path) const -> const std::vector<std::pair<std::string, Value>>*;
  auto TopLevelSlot(int32_t function, int32_t slot) const -> std::optional<Value>;

  // For natives.
  auto CallGlobal(const std::string& name, std::vector<Value> args) -> Value;
  auto CallMethodByName(const Value& receiver, const std::string& name, std::vector<Value> args) -> Value;
  auto CurrentPos() const -> SourcePos;
  auto host() -> Host& { return host_; }
  auto owner() -> Interpreter& { return owner_; }
  auto program() const -> const Program& { return program_; }
  auto steps() const -> uint64_t { return steps_; }
  auto new_argument_positions() const -> const std::vector<std::pair<std::string, SourcePos>>& {
    return new_argument_positions_;
  }

 private:
  friend struct EntryGuard;
  struct CallRecord {
    const FunctionRuntime* fn;
    uint32_t line;
    uint32_t col;
  };

  // ---- construction (eval.cpp)
  auto Intern(const std::string& name) -> int32_t;
  void Prepare();
  void PrepareGlobal(NodeAux& aux, const std::string& name);
  auto Reach(int32_t function, int guard) -> int32_t;
  auto ClassIndex(const std::string& name) const -> int32_t;

  // ---- statements and expressions (eval_core.cpp)
  auto Exec(Frame& f, NodeId id) -> Flow;
  auto Eval(Frame& f, NodeId id) -> Value;
  auto ExecForIn(Frame& f, const Node& n) -> Flow;
  auto ExecTry(Frame& f, const Node& n) -> Flow;
  auto EvalBinary(Frame& f, const Node& n) -> Value;
  auto BinaryOp(const Node& n, const Value& a, const Value& b) -> Value;
  auto EvalCollection(Frame& f, const Node& n) -> Value;
  auto EvalIndex(Frame& f, const Node& n) -> Value;
  void AssignIndex(Frame& f, const Node& n);
  auto SlotAt(Frame& f, int32_t depth, int32_t slot, const Node& n) -> Value&;
  void CheckLimits();

  // ---- calls, members, classes (eval_call.cpp)
  auto EvalCall(Frame& f, const Node& n, NodeId id) -> Value;
  auto EvalMethodCall(Frame& f, const Node& n, NodeId id) -> Value;
  auto EvalSuperCall(Frame& f, const Node& n, NodeId id) -> Value;
  auto EvalNew(Frame& f, const Node& n, NodeId id) -> Value;
  auto EvalClosure(Frame& f, const Node& n) -> Value;
  auto EvalMember(Frame& f, const Node& n, NodeId id) -> Value;
  void AssignMember(Frame& f, const Node& n, NodeId id);
  auto GetMember(const Value& object, const std::string& name, int32_t name_id, const Node* at) -> Value;
  auto CallMethod(const Value& receiver, const std::string& name, int32_t name_id, std::vector<Value>& args,
                  const Node* at) -> Value;
  auto CallNativeStatic(const std::string& name, std::vector<Value>& args) -> Value;
  auto NewFrame(int32_t function, std::shared_ptr<Frame> parent, Value self,
                std::shared_ptr<ClosureObject> closure) -> std::shared_ptr<Frame>;
  auto FrameForClosure(const ClosureObject& closure, const std::shared_ptr<ClosureObject>& keep)
      -> std::shared_ptr<Frame>;
  auto RunFrame(const std::shared_ptr<Frame>& frame) -> Value;
  auto MemberParent(const Function& fn) const -> std::shared_ptr<Frame>;
  auto CallFunction(int32_t function, Value self, std::vector<Value>& args) -> Value;
  void RunInit(int32_t class_index, bool inflight, const Value& self, std::vector<Value>& args);
  auto UserClassOf(const Value& value) -> int32_t;
  auto WithClient(const Value& resource, int32_t class_index) -> Value;
  auto FindMethod(int32_t class_index, int32_t name_id, const std::string& name) const -> int32_t;
  void RegisterFrame(const std::shared_ptr<Frame>& frame);
  void RegisterInstance(const std::shared_ptr<InstanceObject>& instance);

  // ---- errors
  [[noreturn]] void Fail(const Node& at, std::string message);
  [[noreturn]] void FailHere(std::string message);
  auto BuildTrace() const -> std::vector<TraceEntry>;
  void SetPos(const Node& n) {
    if (!calls_.empty()) calls_.back().line = n.line, calls_.back().col = n.col;
  }
  auto Code(const Frame& f) const -> const ir::Code& { return functions_[f.function].fn->code; }
  auto Aux(const Frame& f, NodeId id) const -> const NodeAux& { return functions_[f.function].aux[id]; }

  Interpreter& owner_;
  const Program& program_;
  Host& host_;
  Limits limits_;
  uint64_t max_steps_;
  uint64_t steps_ = 0;
  uintptr_t stack_limit_ = 0;  // lowest address the evaluator may use
  int entry_depth_ = 0;        // nested public entries (hosts calling back)

  std::vector<FunctionRuntime> functions_;
  std::vector<ClassRuntime> classes_;
  std::unordered_map<std::string, int32_t> class_index_;
  std::unordered_map<std::string, int32_t> names_;
  std::vector<std::string> name_list_;
  std::vector<Value> globals_;  // a callable per distinct kGlobal name
  std::unordered_map<std::string, int32_t> global_index_;
  // Native dispatch by receiver kind and interned name (built once).
  std::vector<NativeMethod> methods_[kReceiverCount];
  std::vector<NativeProperty> properties_[kReceiverCount];

  std::vector<CallRecord> calls_;
  std::vector<std::pair<std::string, SourcePos>> new_argument_positions_;  // see Interpreter::NewArgumentPositions
  Value return_value_;
  std::unordered_map<int32_t, std::shared_ptr<Frame>> toplevel_frames_;
  std::unordered_map<std::string, std::shared_ptr<InstanceObject>> instances_;  // preflight, by path
  std::unordered_map<std::string, std::shared_ptr<InstanceObject>> clients_;    // inflight, by path
  // Frames that closures captured and objects created here: cleared when the
  // evaluator goes away, to break reference cycles (a closure stored in a
  // variable of the frame it captures).
  std::vector<std::weak_ptr<Frame>> captured_frames_;
  std::vector<std::weak_ptr<InstanceObject>> created_instances_;
  size_t prune_frames_at_ = 1024;
  size_t prune_instances_at_ = 1024;
};

}  // namespace wdsl::ir
