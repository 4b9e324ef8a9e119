#include "ir/value.h"

#include <cmath>
#include <stdexcept>

#include "ir/json_text.h"
#include "ir/text.h"

namespace wdsl::ir {

auto Value::Bool(bool b) -> Value {
  Value v;
  v.kind = ValueKind::kBool;
  v.boolean = b;
  return v;
}

auto Value::Num(double n) -> Value {
  Value v;
  v.kind = ValueKind::kNum;
  v.number = n;
  return v;
}

auto Value::Str(std::string s) -> Value {
  Value v;
  v.kind = ValueKind::kStr;
  v.str = std::make_shared<const std::string>(std::move(s));
  return v;
}

auto Value::Duration(double seconds) -> Value {
  Value v;
  v.kind = ValueKind::kDuration;
  v.number = seconds;
  return v;
}

auto Value::NewArray(std::vector<Value> items, bool is_mutable, bool is_set) -> Value {
  Value v;
  v.kind = ValueKind::kArray;
  v.array = std::make_shared<ArrayObject>();
  v.array->is_mutable = is_mutable;
  v.array->is_set = is_set;
  if (!is_set) {
    v.array->items = std::move(items);
    return v;
  }
  // Sets keep the first occurrence of each value (SameValueZero).
  for (Value& item : items) {
    bool seen = false;
    for (const Value& kept : v.array->items) {
      if (SameValueZero(kept, item)) {
        seen = true;
        break;
      }
    }
    if (!seen) v.array->items.push_back(std::move(item));
  }
  return v;
}

auto Value::NewMap(std::vector<std::pair<std::string, Value>> entries, bool is_mutable, std::string struct_name)
    -> Value {
  Value v;
  v.kind = ValueKind::kMap;
  v.map = std::make_shared<MapObject>();
  v.map->is_mutable = is_mutable;
  v.map->struct_name = std::move(struct_name);
  v.map->entries.reserve(entries.size());
  for (auto& [key, item] : entries) v.map->Set(key, std::move(item));
  return v;
}

auto Value::Resource(std::shared_ptr<const ResourceRef> ref, std::shared_ptr<InstanceObject> instance) -> Value {
  Value v;
  v.kind = ValueKind::kResource;
  v.resource = std::move(ref);
  v.instance = std::move(instance);
  return v;
}

auto Value::Instance(std::shared_ptr<InstanceObject> instance) -> Value {
  Value v;
  v.kind = ValueKind::kInstance;
  v.instance = std::move(instance);
  return v;
}

auto Value::Closure(std::shared_ptr<ClosureObject> closure) -> Value {
  Value v;
  v.kind = ValueKind::kClosure;
  v.closure = std::move(closure);
  return v;
}

// ------------------------------------------------------------ objects

namespace {

// JS objects list "array index" keys ("0", "17"; not "01") first, in
// numeric order, then the other keys in insertion order.
auto ArrayIndexOf(const std::string& key) -> int64_t {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return -1;
  int64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n < 4294967295LL ? n : -1;
}

}  // namespace

auto MapObject::Find(const std::string& key) const -> const Value* {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

void MapObject::Set(const std::string& key, Value value) {
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  int64_t index = ArrayIndexOf(key);
  if (index < 0) {
    entries.emplace_back(key, std::move(value));
    return;
  }
  auto it = entries.begin();
  while (it != entries.end()) {
    int64_t other = ArrayIndexOf(it->first);
    if (other < 0 || other > index) break;
    ++it;
  }
  entries.emplace(it, key, std::move(value));
}

auto MapObject::Erase(const std::string& key) -> bool {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

auto InstanceObject::Find(const std::string& name) const -> const Value* {
  for (const auto& [k, v] : fields) {
    if (k == name) return &v;
  }
  return nullptr;
}

void InstanceObject::Set(const std::string& name, Value value) {
  for (auto& [k, v] : fields) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  fields.emplace_back(name, std::move(value));
}

// ------------------------------------------------------------ display

auto ToDisplayString(const Value& value) -> std::string {
  switch (value.kind) {
    case ValueKind::kNil: return "nil";
    case ValueKind::kBool: return value.boolean ? "true" : "false";
    case ValueKind::kNum: return FormatNumber(value.number);
    case ValueKind::kStr: return *value.str;
    case ValueKind::kResource:
      if (!value.instance) return value.resource ? value.resource->path : "";
      break;
    case ValueKind::kClosure: return "[closure]";
    default: break;
  }
  try {
    return StringifyJson(value);
  } catch (const std::runtime_error&) {
    return "[circular]";
  }
}

// ------------------------------------------------------------ equality

auto SameValueZero(const Value& a, const Value& b) -> bool {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::kNil: return true;
    case ValueKind::kBool: return a.boolean == b.boolean;
    case ValueKind::kNum: return a.number == b.number || (std::isnan(a.number) && std::isnan(b.number));
    case ValueKind::kDuration: return a.number == b.number;
    case ValueKind::kStr: return a.str == b.str || *a.str == *b.str;
    case ValueKind::kArray: return a.array == b.array;
    case ValueKind::kMap: return a.map == b.map;
    case ValueKind::kInstance: return a.instance == b.instance;
    case ValueKind::kClosure: return a.closure == b.closure;
    case ValueKind::kResource:
      return a.resource == b.resource || (a.resource && b.resource && a.resource->path == b.resource->path);
  }
  return false;
}

namespace {

auto FieldsEqual(const std::vector<std::pair<std::string, Value>>& a,
                 const std::vector<std::pair<std::string, Value>>& b, int depth) -> bool;

// Node's deepStrictEqual, which Wing's `==` uses: NaN equals NaN, 0 and -0
// differ, arrays and sets compare element-wise (sets in any order), objects
// by their keys in any order.
auto DeepEqualAt(const Value& a, const Value& b, int depth) -> bool {
  if (depth > 1000) throw std::runtime_error("Maximum call stack size exceeded");
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::kNum:
      if (std::isnan(a.number)) return std::isnan(b.number);
      return a.number == b.number && std::signbit(a.number) == std::signbit(b.number);
    case ValueKind::kArray: {
      if (a.array == b.array) return true;
      const ArrayObject& x = *a.array;
      const ArrayObject& y = *b.array;
      if (x.is_set != y.is_set || x.items.size() != y.items.size()) return false;
      if (!x.is_set) {
        for (size_t i = 0; i < x.items.size(); ++i) {
          if (!DeepEqualAt(x.items[i], y.items[i], depth + 1)) return false;
        }
        return true;
      }
      std::vector<bool> used(y.items.size(), false);
      for (const Value& item : x.items) {
        bool found = false;
        for (size_t j = 0; j < y.items.size() && !found; ++j) {
          if (!used[j] && DeepEqualAt(item, y.items[j], depth + 1)) used[j] = found = true;
        }
        if (!found) return false;
      }
      return true;
    }
    case ValueKind::kMap:
      return a.map == b.map || FieldsEqual(a.map->entries, b.map->entries, depth);
    case ValueKind::kInstance:
      if (a.instance == b.instance) return true;
      return a.instance->class_name == b.instance->class_name &&
             FieldsEqual(a.instance->fields, b.instance->fields, depth);
    default:
      return SameValueZero(a, b);
  }
}

auto FieldsEqual(const std::vector<std::pair<std::string, Value>>& a,
                 const std::vector<std::pair<std::string, Value>>& b, int depth) -> bool {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a) {
    const Value* other = nullptr;
    for (const auto& [k, v] : b) {
      if (k == key) {
        other = &v;
        break;
      }
    }
    if (other == nullptr || !DeepEqualAt(value, *other, depth + 1)) return false;
  }
  return true;
}

}  // namespace

auto DeepEqual(const Value& a, const Value& b) -> bool {
  try {
    return DeepEqualAt(a, b, 0);
  } catch (const std::runtime_error&) {
    return false;
  }
}

auto IsTruthy(const Value& value) -> bool {
  switch (value.kind) {
    case ValueKind::kNil: return false;
    case ValueKind::kBool: return value.boolean;
    case ValueKind::kNum: return value.number != 0 && !std::isnan(value.number);
    case ValueKind::kStr: return !value.str->empty();
    default: return true;
  }
}

}  // namespace wdsl::ir
