// The evaluator of IR code. The same engine runs preflight code at compile
// time (frontend/preflight.cpp is its host) and inflight code in the
// simulator (runtime/ is its host). What differs between the two - creating
// resources, calling resource operations, logging - goes through `Host`.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl::ir {

// One entry of an inflight/preflight stack trace.
struct TraceEntry {
  std::string function;  // Function::name
  SourcePos pos;
};

// A Wing exception (`throw`, a failed `assert`, a runtime error such as
// unwrapping nil or an index out of range). Catchable by `try`.
struct ThrownError : std::runtime_error {
  ThrownError(std::string message, std::vector<TraceEntry> trace)
      : std::runtime_error(message), trace(std::move(trace)) {}
  std::vector<TraceEntry> trace;
};

// Raised when a Limits budget is exhausted; not catchable by `try`.
struct LimitExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Limits {
  uint64_t max_steps = 0;     // 0: unlimited (nodes evaluated)
  uint32_t max_depth = 2000;  // call depth
  // C++ stack the evaluator may use below the point where it was entered;
  // 0: whatever the running thread has left, minus a safety margin. Deep
  // expressions and calls past it fail as "maximum call depth exceeded".
  size_t max_stack_bytes = 0;
};

class Interpreter;

class Host {
 public:
  virtual ~Host() = default;
  // `new T(args)` for a stdlib class (resources at preflight).
  virtual auto NewResource(Interpreter& interp, const std::string& type, std::vector<Value> args,
                           const Value& id, const Value& scope, const SourcePos& pos) -> Value = 0;
  // A user preflight class is being constructed: returns the ResourceRef
  // that becomes the instance's identity (and the scope of resources its
  // constructor creates); EndInstance is called when the constructor returns.
  virtual auto BeginInstance(Interpreter& interp, const std::string& type, const Value& id, const Value& scope,
                             const SourcePos& pos) -> std::shared_ptr<const ResourceRef> = 0;
  virtual void EndInstance(Interpreter& interp, const std::shared_ptr<const ResourceRef>& ref) = 0;
  // A method of a stdlib resource (preflight API at compile time, inflight
  // API in the simulator).
  virtual auto CallResource(Interpreter& interp, const Value& resource, const std::string& method,
                            std::vector<Value> args, const SourcePos& pos) -> Value = 0;
  // A field of a resource: a stdlib attribute (`api.url`) or, in inflight
  // code, a preflight field of a user class instance.
  virtual auto GetResourceField(Interpreter& interp, const Value& resource, const std::string& name,
                                const SourcePos& pos) -> Value = 0;
  // A builtin the evaluator does not implement itself (`log`, `util.sleep`
  // may be overridden too); return nullopt to fall back to the evaluator's own.
  virtual auto CallBuiltin(Interpreter& interp, const std::string& name, std::vector<Value>& args,
                           const SourcePos& pos) -> std::optional<Value> = 0;
};

// Runs IR code for one program and host. Not thread-safe: use one
// interpreter per thread (values are shared by reference, so hand a value to
// another thread only when nothing can change it). Hosts may call back into
// the interpreter (Call) from within a Host method.
class Interpreter {
 public:
  Interpreter(const Program& program, Host& host, Limits limits = {});
  ~Interpreter();

  // Runs a kTopLevel function (no arguments).
  auto RunTopLevel(int32_t function) -> void;
  // Calls any callable value (closure, bound method, builtin).
  auto Call(const Value& callee, std::vector<Value> args) -> Value;
  // Makes a closure value for `function` with the given captures.
  auto MakeClosure(int32_t function, std::vector<Value> captures) -> Value;
  auto Steps() const -> uint64_t;
  // While Host::NewResource runs: where each argument of the `new` was
  // written, so diagnostics about a prop can point at it. Named arguments
  // by field name (`port`), positional ones as `#0`, `#1`, ...
  auto NewArgumentPositions() const -> const std::vector<std::pair<std::string, SourcePos>>&;
  auto GetProgram() const -> const Program&;
  auto GetHost() -> Host&;
  // The fields of the user preflight class instance with this path, as they
  // are now (null if no such instance was created by this interpreter).
  auto InstanceFields(const std::string& path) const -> const std::vector<std::pair<std::string, Value>>*;
  // A slot of the frame of a kTopLevel function that has run (or is
  // running); nullopt if it has not or the slot does not exist.
  auto TopLevelSlot(int32_t function, int32_t slot) const -> std::optional<Value>;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wdsl::ir
