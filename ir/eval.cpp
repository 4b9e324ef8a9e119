// The evaluator's public face and its set-up: what is precomputed about the
// program when an Interpreter is made, stack and step budgets, traces.
#include <pthread.h>

#include <fmt/format.h>

#include <algorithm>

#include "ir/eval_internal.h"

namespace wdsl::ir {

// ------------------------------------------------------------ Interpreter

struct Interpreter::Impl : Evaluator {
  using Evaluator::Evaluator;
};

Interpreter::Interpreter(const Program& program, Host& host, Limits limits)
    : impl_(std::make_unique<Impl>(*this, program, host, limits)) {}
Interpreter::~Interpreter() = default;

auto Interpreter::RunTopLevel(int32_t function) -> void { impl_->RunTopLevel(function); }
auto Interpreter::Call(const Value& callee, std::vector<Value> args) -> Value {
  return impl_->CallValue(callee, std::move(args));
}
auto Interpreter::MakeClosure(int32_t function, std::vector<Value> captures) -> Value {
  return impl_->MakeClosure(function, std::move(captures));
}
auto Interpreter::Steps() const -> uint64_t { return impl_->steps(); }
auto Interpreter::NewArgumentPositions() const -> const std::vector<std::pair<std::string, SourcePos>>& {
  return impl_->new_argument_positions();
}
auto Interpreter::GetProgram() const -> const Program& { return impl_->program(); }
auto Interpreter::GetHost() -> Host& { return impl_->host(); }
auto Interpreter::InstanceFields(const std::string& path) const
    -> const std::vector<std::pair<std::string, Value>>* {
  return impl_->InstanceFields(path);
}
auto Interpreter::TopLevelSlot(int32_t function, int32_t slot) const -> std::optional<Value> {
  return impl_->TopLevelSlot(function, slot);
}

// ------------------------------------------------------------ set-up

Evaluator::Evaluator(Interpreter& owner, const Program& program, Host& host, Limits limits)
    : owner_(owner),
      program_(program),
      host_(host),
      limits_(limits),
      max_steps_(limits.max_steps == 0 ? UINT64_MAX : limits.max_steps) {
  Prepare();
}

Evaluator::~Evaluator() {
  // Break the reference cycles JavaScript's GC would have collected.
  for (auto& [index, frame] : toplevel_frames_) {
    frame->slots.clear();
    frame->own_captures.clear();
  }
  for (const std::weak_ptr<Frame>& weak : captured_frames_) {
    if (auto frame = weak.lock()) {
      frame->slots.clear();
      frame->parent.reset();
      frame->self = Value();
    }
  }
  for (const std::weak_ptr<InstanceObject>& weak : created_instances_) {
    if (auto instance = weak.lock()) instance->fields.clear();
  }
  for (auto& [path, instance] : instances_) instance->fields.clear();
  for (auto& [path, instance] : clients_) instance->fields.clear();
}

auto Evaluator::Intern(const std::string& name) -> int32_t {
  auto [it, inserted] = names_.emplace(name, static_cast<int32_t>(name_list_.size()));
  if (inserted) name_list_.push_back(name);
  return it->second;
}

auto Evaluator::ClassIndex(const std::string& name) const -> int32_t {
  auto it = class_index_.find(name);
  return it == class_index_.end() ? -1 : it->second;
}

void Evaluator::Prepare() {
  // Classes first: kNew and kSuperCall nodes refer to them.
  classes_.resize(program_.classes.size());
  for (size_t i = 0; i < program_.classes.size(); ++i) {
    classes_[i].info = &program_.classes[i];
    class_index_.emplace(program_.classes[i].name, static_cast<int32_t>(i));
  }
  for (ClassRuntime& cls : classes_) cls.base = cls.info->base.empty() ? -1 : ClassIndex(cls.info->base);
  for (size_t i = 0; i < classes_.size(); ++i) {
    // Base-most first, so a derived class's own methods override.
    std::vector<int32_t> chain;
    for (int32_t c = static_cast<int32_t>(i); c >= 0 && chain.size() < 256; c = classes_[c].base) chain.push_back(c);
    std::reverse(chain.begin(), chain.end());
    for (int32_t c : chain) {
      for (const auto& [name, function] : classes_[c].info->methods) {
        classes_[i].by_name[name] = function;
        classes_[i].methods[Intern(name)] = function;
      }
    }
  }

  functions_.resize(program_.functions.size());
  for (size_t i = 0; i < program_.functions.size(); ++i) {
    FunctionRuntime& rt = functions_[i];
    rt.fn = &program_.functions[i];
    const auto& nodes = rt.fn->code.nodes;
    rt.aux.resize(nodes.size());
    for (size_t k = 0; k < nodes.size(); ++k) {
      const Node& node = nodes[k];
      NodeAux& aux = rt.aux[k];
      switch (node.kind) {
        case NodeKind::kMember:
        case NodeKind::kMethodCall:
        case NodeKind::kAssignMember:
          aux.name = Intern(node.name);
          break;
        case NodeKind::kGlobal:
          PrepareGlobal(aux, node.name);
          break;
        case NodeKind::kNew:
          aux.target = ClassIndex(node.name);
          break;
        case NodeKind::kSuperCall: {
          size_t dot = node.name.rfind('.');
          std::string cls = dot == std::string::npos ? std::string() : node.name.substr(0, dot);
          std::string method = dot == std::string::npos ? node.name : node.name.substr(dot + 1);
          aux.target = ClassIndex(cls);
          aux.name = Intern(method);
          if (method == "new") rt.calls_super_new = true;
          break;
        }
        default:
          break;
      }
    }
  }

  for (size_t i = 0; i < functions_.size(); ++i) Reach(static_cast<int32_t>(i), 0);

  const NativeTables& natives = Natives();
  for (size_t r = 0; r < kReceiverCount; ++r) {
    methods_[r].assign(name_list_.size(), nullptr);
    properties_[r].assign(name_list_.size(), nullptr);
    for (size_t n = 0; n < name_list_.size(); ++n) {
      if (auto it = natives.methods[r].find(name_list_[n]); it != natives.methods[r].end()) {
        methods_[r][n] = it->second;
      }
      if (auto it = natives.properties[r].find(name_list_[n]); it != natives.properties[r].end()) {
        properties_[r][n] = it->second;
      }
    }
  }
}

auto Evaluator::Reach(int32_t function, int guard) -> int32_t {
  FunctionRuntime& rt = functions_[function];
  if (rt.reach >= 0) return rt.reach;
  rt.reach = 0;  // also stops a (malformed) cycle of closures
  if (guard > 10000) return 0;
  int32_t reach = 0;
  for (const Node& node : rt.fn->code.nodes) {
    switch (node.kind) {
      case NodeKind::kLocal:
      case NodeKind::kAssignLocal:
      case NodeKind::kForIn:
      case NodeKind::kTry:
        reach = std::max(reach, node.depth);
        break;
      case NodeKind::kClosure:
        if (node.slot >= 0 && static_cast<size_t>(node.slot) < functions_.size()) {
          reach = std::max(reach, Reach(node.slot, guard + 1) - 1);
        }
        break;
      default:
        break;
    }
  }
  rt.reach = reach;
  return reach;
}

// A kGlobal is a native (`log`, `util.sleep`), a user static method
// (`main.Store.fmt`), or a name left to the host; its callable value is made
// once.
void Evaluator::PrepareGlobal(NodeAux& aux, const std::string& name) {
  if (auto it = global_index_.find(name); it != global_index_.end()) {
    aux.target = it->second;
    return;
  }
  auto closure = std::make_shared<ClosureObject>();
  size_t dot = name.rfind('.');
  int32_t cls = dot == std::string::npos ? -1 : ClassIndex(name.substr(0, dot));
  int32_t function = -1;
  if (cls >= 0) {
    auto it = classes_[cls].by_name.find(name.substr(dot + 1));
    if (it != classes_[cls].by_name.end()) function = it->second;
  }
  if (function >= 0) {
    closure->function = function;
  } else {
    closure->builtin = name;
  }
  aux.target = static_cast<int32_t>(globals_.size());
  global_index_.emplace(name, aux.target);
  globals_.push_back(Value::Closure(std::move(closure)));
}

// ------------------------------------------------------------ entries

namespace {

auto ThreadStackLow() -> uintptr_t {
  thread_local uintptr_t low = 0;
  thread_local bool known = false;
  if (!known) {
    known = true;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) low = reinterpret_cast<uintptr_t>(addr);
      pthread_attr_destroy(&attr);
    }
  }
  return low;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr uintptr_t kStackMargin = 1024 * 1024;
#else
constexpr uintptr_t kStackMargin = 256 * 1024;
#endif

}  // namespace

// Counts nested public entries; the outermost one fixes the stack budget.
struct EntryGuard {
  explicit EntryGuard(Evaluator& ev) : ev_(ev) {
    if (ev_.entry_depth_++ > 0) return;
    auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    uintptr_t low = ThreadStackLow();
    // Without a known stack (or with an "unlimited" one) assume 4 MB, and
    // never plan on more than 1 GB.
    uintptr_t limit = low != 0 && low + kStackMargin < here ? low + kStackMargin : here - std::min<uintptr_t>(here, 4u << 20);
    limit = std::max(limit, here - std::min<uintptr_t>(here, uintptr_t{1} << 30));
    if (ev_.limits_.max_stack_bytes != 0 && here > ev_.limits_.max_stack_bytes) {
      limit = std::max(limit, here - ev_.limits_.max_stack_bytes);
    }
    ev_.stack_limit_ = limit;
  }
  ~EntryGuard() { --ev_.entry_depth_; }
  EntryGuard(const EntryGuard&) = delete;
  auto operator=(const EntryGuard&) -> EntryGuard& = delete;
  Evaluator& ev_;
};

void Evaluator::RunTopLevel(int32_t function) {
  if (function < 0 || static_cast<size_t>(function) >= functions_.size()) {
    throw ThrownError(fmt::format("no function {}", function), {});
  }
  EntryGuard guard(*this);
  auto frame = NewFrame(function, nullptr, Value(), nullptr);
  toplevel_frames_[function] = frame;
  RunFrame(frame);
}

auto Evaluator::CallValue(const Value& callee, std::vector<Value> args) -> Value {
  EntryGuard guard(*this);
  if (callee.kind != ValueKind::kClosure || !callee.closure) {
    throw ThrownError(fmt::format("a {} is not callable", ReceiverName(callee)), BuildTrace());
  }
  const ClosureObject& closure = *callee.closure;
  if (!closure.builtin.empty()) {
    if (!closure.receiver.IsNil()) return CallMethod(closure.receiver, closure.builtin, -1, args, nullptr);
    return CallNativeStatic(closure.builtin, args);
  }
  if (closure.function < 0 || static_cast<size_t>(closure.function) >= functions_.size()) {
    throw ThrownError(fmt::format("no function {}", closure.function), BuildTrace());
  }
  auto frame = FrameForClosure(closure, callee.closure);
  size_t n = std::min(args.size(), frame->slots.size());
  for (size_t i = 0; i < n; ++i) frame->slots[i] = std::move(args[i]);
  return RunFrame(frame);
}

auto Evaluator::MakeClosure(int32_t function, std::vector<Value> captures) -> Value {
  auto closure = std::make_shared<ClosureObject>();
  closure->function = function;
  closure->captures = std::move(captures);
  return Value::Closure(std::move(closure));
}

auto Evaluator::InstanceFields(const std::string& path) const -> const std::vector<std::pair<std::string, Value>>* {
  auto it = instances_.find(path);
  return it == instances_.end() ? nullptr : &it->second->fields;
}

auto Evaluator::TopLevelSlot(int32_t function, int32_t slot) const -> std::optional<Value> {
  auto it = toplevel_frames_.find(function);
  if (it == toplevel_frames_.end() || slot < 0 || static_cast<size_t>(slot) >= it->second->slots.size()) {
    return std::nullopt;
  }
  return it->second->slots[slot];
}

auto Evaluator::CallGlobal(const std::string& name, std::vector<Value> args) -> Value {
  if (auto it = global_index_.find(name); it != global_index_.end()) {
    const Value& callee = globals_[it->second];
    if (callee.closure->function >= 0) return CallValue(callee, std::move(args));
  }
  return CallNativeStatic(name, args);
}

auto Evaluator::CallMethodByName(const Value& receiver, const std::string& name, std::vector<Value> args) -> Value {
  auto it = names_.find(name);
  return CallMethod(receiver, name, it == names_.end() ? -1 : it->second, args, nullptr);
}

// ------------------------------------------------------------ errors

auto Evaluator::BuildTrace() const -> std::vector<TraceEntry> {
  constexpr size_t kMaxTrace = 64;
  std::vector<TraceEntry> trace;
  for (size_t i = calls_.size(); i-- > 0 && trace.size() < kMaxTrace;) {
    const CallRecord& rec = calls_[i];
    trace.push_back(TraceEntry{rec.fn->fn->name, SourcePos{rec.fn->fn->pos.file, rec.line, rec.col}});
  }
  return trace;
}

auto Evaluator::CurrentPos() const -> SourcePos {
  if (calls_.empty()) return SourcePos{};
  const CallRecord& rec = calls_.back();
  return SourcePos{rec.fn->fn->pos.file, rec.line, rec.col};
}

void Evaluator::Fail(const Node& at, std::string message) {
  SetPos(at);
  throw ThrownError(std::move(message), BuildTrace());
}

void Evaluator::FailHere(std::string message) { throw ThrownError(std::move(message), BuildTrace()); }

void Evaluator::CheckLimits() {
  if (steps_ > max_steps_) {
    throw LimitExceeded(fmt::format("the program ran for more than {} steps", limits_.max_steps));
  }
  FailHere("maximum call depth exceeded");
}

void Evaluator::RegisterFrame(const std::shared_ptr<Frame>& frame) {
  if (frame->registered) return;
  frame->registered = true;
  if (captured_frames_.size() >= prune_frames_at_) {
    std::erase_if(captured_frames_, [](const std::weak_ptr<Frame>& w) { return w.expired(); });
    prune_frames_at_ = std::max<size_t>(1024, captured_frames_.size() * 2);
  }
  captured_frames_.push_back(frame);
}

void Evaluator::RegisterInstance(const std::shared_ptr<InstanceObject>& instance) {
  if (created_instances_.size() >= prune_instances_at_) {
    std::erase_if(created_instances_, [](const std::weak_ptr<InstanceObject>& w) { return w.expired(); });
    prune_instances_at_ = std::max<size_t>(1024, created_instances_.size() * 2);
  }
  created_instances_.push_back(instance);
}

}  // namespace wdsl::ir
