// Values of the running program, shared by preflight evaluation (compile
// time) and the simulator's inflight interpreter. Cheap to copy: containers
// and objects are reference-counted and shared, as in JavaScript.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wdsl::ir {

struct Value;
struct ArrayObject;    // Array, MutArray, Set, MutSet, Json arrays
struct MapObject;      // Map, MutMap, structs, Json objects (insertion-ordered)
struct InstanceObject; // an instance of a user class (inflight classes, or
                       // preflight classes while preflight code runs)
struct ClosureObject;  // a closure or bound method
struct ResourceRef;    // a preflight object with a path id

enum class ValueKind : uint8_t {
  kNil, kBool, kNum, kStr, kDuration,
  kArray, kMap, kInstance, kClosure, kResource,
};

struct Value {
  ValueKind kind = ValueKind::kNil;
  bool boolean = false;
  double number = 0;  // kNum; kDuration in seconds
  std::shared_ptr<const std::string> str;
  std::shared_ptr<ArrayObject> array;
  std::shared_ptr<MapObject> map;
  std::shared_ptr<InstanceObject> instance;
  std::shared_ptr<ClosureObject> closure;
  std::shared_ptr<const ResourceRef> resource;

  static auto Nil() -> Value { return Value{}; }
  static auto Bool(bool b) -> Value;
  static auto Num(double n) -> Value;
  static auto Str(std::string s) -> Value;
  static auto Duration(double seconds) -> Value;
  static auto NewArray(std::vector<Value> items, bool is_mutable, bool is_set = false) -> Value;
  static auto NewMap(std::vector<std::pair<std::string, Value>> entries, bool is_mutable,
                     std::string struct_name = {}) -> Value;
  // A resource reference; `instance` is set for a user preflight class while
  // its object is alive in the evaluator (its fields live there).
  static auto Resource(std::shared_ptr<const ResourceRef> ref,
                       std::shared_ptr<InstanceObject> instance = nullptr) -> Value;
  static auto Instance(std::shared_ptr<InstanceObject> instance) -> Value;
  static auto Closure(std::shared_ptr<ClosureObject> closure) -> Value;

  auto IsNil() const -> bool { return kind == ValueKind::kNil; }
  auto AsStr() const -> const std::string& { return *str; }
};

struct ArrayObject {
  std::vector<Value> items;
  bool is_mutable = false;
  bool is_set = false;   // unique items, insertion order
  bool is_json = false;  // came from a Json literal or Json.parse
};

struct MapObject {
  std::vector<std::pair<std::string, Value>> entries;  // insertion order
  bool is_mutable = false;
  bool is_json = false;
  std::string struct_name;  // non-empty for struct values

  auto Find(const std::string& key) const -> const Value*;
  void Set(const std::string& key, Value value);
  auto Erase(const std::string& key) -> bool;
};

struct InstanceObject {
  std::string class_name;  // qualified: "main.Store"
  std::vector<std::pair<std::string, Value>> fields;
  // Set while a preflight class instance is alive at compile time: its path id.
  std::shared_ptr<const ResourceRef> resource;
  // The inflight side of a user preflight class in the simulator: holds only
  // the fields `inflight new()` sets; the others are read through
  // Host::GetResourceField.
  bool inflight_client = false;

  auto Find(const std::string& name) const -> const Value*;
  void Set(const std::string& name, Value value);
};

struct Frame;

struct ClosureObject {
  int32_t function = -1;            // index into Program::functions
  std::vector<Value> captures;      // kCapture values (lifted preflight values)
  std::shared_ptr<Frame> enclosing; // frame the closure was created in (same phase)
  Value receiver;                   // bound `this` for methods, else nil
  std::string builtin;              // non-empty: a native (`log`, `util.sleep`)
};

// A preflight object: a stdlib resource or an instance of a user preflight
// class. Inflight code sees resources only through these references.
struct ResourceRef {
  std::string path;  // "root/Default/orders"
  std::string type;  // "cloud.Queue", "main.Store"
};

// Renders a value the way Wing's `log`/interpolation does ("1", "true",
// "[1,2]", Json as compact JSON).
auto ToDisplayString(const Value& value) -> std::string;
// Deep structural equality (Wing's `==`).
auto DeepEqual(const Value& a, const Value& b) -> bool;
// JavaScript's SameValueZero (`Array.includes`, sets): primitives by value,
// objects by identity, resources by path.
auto SameValueZero(const Value& a, const Value& b) -> bool;
// JavaScript truthiness (conditions of `if`, `while`, `!`).
auto IsTruthy(const Value& value) -> bool;

}  // namespace wdsl::ir
