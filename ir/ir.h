// The program as data: the contract between the frontend and every backend
// and the simulator. `wdsl build --target ir` writes it as JSON (ir/json.h).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <unordered_map>
#include <string>
#include <vector>

#include "ir/code.h"

namespace wdsl::ir {

inline constexpr int kIrVersion = 1;

struct SourcePos {
  std::string file;  // as given on the command line / in `bring`
  uint32_t line = 0;
  uint32_t col = 0;
};

enum class FunctionKind : uint8_t {
  kTopLevel,  // a file's top-level preflight code
  kClosure,   // `(x) => {...}`, `inflight (x) => {...}`
  kMethod,    // a class method (static or not)
  kInit,      // a constructor (`new`, or `inflight new` when phase is inflight)
  kTest,      // the body of `test "..." { }`
};

enum class Phase : uint8_t { kPreflight, kInflight, kUnphased };

// One function of the source: its code exists once however many closures
// are made from it at preflight time.
struct Function {
  std::string name;        // "Store.put", "main.w:12:5 closure", "test:stores a value"
  FunctionKind kind = FunctionKind::kClosure;
  Phase phase = Phase::kPreflight;
  std::string class_name;  // kMethod/kInit: qualified class name
  bool is_static = false;
  std::vector<std::string> params;
  int32_t slot_count = 0;  // frame size: params first, then locals
  std::vector<std::string> capture_names;  // kCapture i is capture_names[i]
  SourcePos pos;
  Code code;
  // Methods and constructors of a class run with the top-level frame of the
  // file that declares it as their enclosing frame (preflight), or, when
  // inflight, with `module_captures` as their captures: the values of the
  // top-level variables they use (`module_capture_slots` of that frame),
  // taken when preflight code has finished.
  int32_t module_toplevel = -1;
  std::vector<int32_t> module_capture_slots;
  nlohmann::json module_captures = nlohmann::json::array();
  // `pub inflight` methods of preflight classes: what a container that binds
  // the class (`bindings`) sends and gets back, as ir/signature.h encodes
  // it: {"params": [{"name", "type", "optional"}], "result": type, "doc"}.
  // Null for every other function.
  nlohmann::json signature;
};

struct ClassInfo {
  std::string name;   // qualified: "main.Store"
  std::string base;   // qualified, or empty
  Phase phase = Phase::kPreflight;  // preflight classes are resources
  std::vector<std::string> fields;           // declared fields
  std::vector<std::string> inflight_fields;  // inflight fields (set by `inflight new`)
  std::map<std::string, int32_t> methods;    // name -> function index (own, not inherited)
  int32_t init = -1;           // preflight constructor
  int32_t inflight_init = -1;  // `inflight new()`
};

// A resource that inflight code (or a container) uses, and the inflight
// operations called on it: the result of the bind pass (ir/bind.h).
struct Lift {
  std::string resource;          // path id
  std::vector<std::string> ops;  // sorted, unique
  std::string via;               // "code" (found in inflight code) or "binding" (a workload's `bindings`)
};

// A resource in the tree built by preflight code.
struct Resource {
  std::string path;    // "root/Default/orders": stable, unique
  std::string id;      // the last path segment
  std::string type;    // "cloud.Queue" or a user class "main.Store"
  std::string parent;  // path of the enclosing scope
  // Props with defaults filled in, as Json. Inside, `{"$resource": path}`
  // references another resource and `{"$closure": {"function": i,
  // "captures": [...]}}` is an inflight closure; durations are
  // `{"$duration": seconds}`.
  nlohmann::json props = nlohmann::json::object();
  // User preflight classes: the values of their fields when preflight ended
  // (same encoding), read by their inflight methods through `this`.
  nlohmann::json fields = nlohmann::json::object();
  SourcePos pos;
  // Where each argument of its `new` was written (`port` -> 9:70), so a
  // diagnostic about a prop points at it; positional ones as `#0`. Known
  // while compiling only: not part of ir.json.
  std::map<std::string, SourcePos> arg_positions;
  // Filled by the passes over the IR (issue: lifts, bindings, permissions):
  // what this resource's inflight code or container uses, and the
  // permissions that follow per target ({"tf-aws": [...], "sim": [...]}).
  std::vector<Lift> lifts;
  nlohmann::json permissions = nlohmann::json::object();
};

struct TestCase {
  std::string name;
  std::string path;        // resource-like path id "root/Default/test:name"
  nlohmann::json closure;  // {"$closure": ...}
  SourcePos pos;
  std::vector<Lift> lifts;  // as for Resource
  nlohmann::json permissions = nlohmann::json::object();
};

// A dependency edge: `from` uses `to` (a consumer of a queue writes a bucket).
struct Edge {
  std::string from;
  std::string to;
  std::string reason;  // "binding", "handler", "scope"
};

struct Program {
  std::string app;         // the entry file's stem, or the directory name for main.w
  std::string entry_file;
  std::vector<std::string> files;  // every user file, entry first
  std::vector<Resource> resources; // in creation order
  std::vector<Function> functions; // indices are stable; preflight-only ones may be pruned to stubs
  std::vector<ClassInfo> classes;
  std::vector<TestCase> tests;
  std::vector<Edge> edges;
  // The structs and enums that signatures name (Function::signature), by
  // qualified name: {"struct": [{"name", "type", "optional"}], "doc"} or
  // {"enum": ["RED", ...], "doc"}.
  nlohmann::json types = nlohmann::json::object();

  // Amortized constant time: the index follows appends incrementally and is
  // rebuilt when a vector is replaced or shrinks. Renaming an item in place
  // is not seen by lookups that miss; build a new vector instead.
  auto FindResource(const std::string& path) const -> const Resource*;
  auto FindClass(const std::string& name) const -> const ClassInfo*;

  struct Index {
    std::unordered_map<std::string, size_t> positions;
    size_t covered = 0;          // items[0, covered) are in `positions`
    const void* data = nullptr;  // the vector's storage when indexed
  };

 private:
  mutable Index resource_index_;
  mutable Index class_index_;
};

}  // namespace wdsl::ir
