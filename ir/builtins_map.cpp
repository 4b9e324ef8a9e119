// Map and MutMap methods, and the instance methods of Json and MutJson
// (objects share the Map representation, arrays the Array one; Json
// primitives are plain values).
#include <fmt/format.h>

#include <cmath>

#include "ir/eval_internal.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

auto Entries(const Value& self) -> std::vector<std::pair<std::string, Value>>& { return self.map->entries; }

auto Key(const std::vector<Value>& args) -> std::string {
  const Value& key = Arg(args, 0);
  if (key.kind == ValueKind::kNum) return FormatNumber(key.number);
  return ArgStr(args, 0);
}

auto MapSize(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  return Value::Num(static_cast<double>(Entries(self).size()));
}

auto MapGet(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  std::string key = Key(args);
  const Value* found = self.map->Find(key);
  if (self.map->is_json) {
    // Json null is a value here (JS tells it from undefined; parsed Json has no undefined).
    if (found == nullptr) Throw(fmt::format("Json property \"{}\" does not exist", key));
    return *found;
  }
  if (found == nullptr) {
    Throw(fmt::format("{} does not contain key: \"{}\"", self.map->is_mutable ? "MutMap" : "Map", key));
  }
  return *found;
}

auto MapTryGet(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  const Value* found = self.map->Find(Key(args));
  return found == nullptr ? Value() : *found;
}

auto MapHas(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return Value::Bool(self.map->Find(Key(args)) != nullptr);
}

auto MapCopyAs(const Value& self, bool is_mutable) -> Value {
  Value copy = Value::NewMap({}, is_mutable, self.map->struct_name);
  copy.map->entries = Entries(self);
  copy.map->is_json = self.map->is_json;
  return copy;
}

auto MapCopy(Evaluator&, const Value& self, std::vector<Value>&) -> Value { return MapCopyAs(self, false); }
auto MapCopyMut(Evaluator&, const Value& self, std::vector<Value>&) -> Value { return MapCopyAs(self, true); }

auto MapKeys(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  std::vector<Value> keys;
  keys.reserve(Entries(self).size());
  for (const auto& [key, value] : Entries(self)) keys.push_back(Value::Str(key));
  return Value::NewArray(std::move(keys), false);
}

auto MapValues(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  std::vector<Value> values;
  values.reserve(Entries(self).size());
  for (const auto& [key, value] : Entries(self)) values.push_back(value);
  return Value::NewArray(std::move(values), false);
}

auto MapEntries(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  std::vector<Value> entries;
  entries.reserve(Entries(self).size());
  for (const auto& [key, value] : Entries(self)) {
    entries.push_back(Value::NewMap({{"key", Value::Str(key)}, {"value", value}}, false, "ArrayEntry"));
  }
  return Value::NewArray(std::move(entries), false);
}

auto MapSet(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  self.map->Set(Key(args), Arg(args, 1));
  return Value();
}

auto MapDelete(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  self.map->Erase(Key(args));
  return Value::Bool(true);
}

auto MapClear(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  Entries(self).clear();
  return Value();
}

// ------------------------------------------------------------ Json

// `typeof` and String() of a value, for Json's conversion errors.
auto JsTypeof(const Value& v) -> const char* {
  switch (v.kind) {
    case ValueKind::kNil: return "undefined";
    case ValueKind::kBool: return "boolean";
    case ValueKind::kNum: return "number";
    case ValueKind::kStr: return "string";
    case ValueKind::kClosure: return "function";
    default: return "object";
  }
}

auto JsString(const Value& v) -> std::string {
  switch (v.kind) {
    case ValueKind::kNil: return "undefined";
    case ValueKind::kArray: {
      std::string out;
      for (size_t i = 0; i < v.array->items.size() && out.size() < 4096; ++i) {
        if (i > 0) out += ',';
        if (!v.array->items[i].IsNil()) out += JsString(v.array->items[i]);
      }
      return out;
    }
    case ValueKind::kMap:
    case ValueKind::kInstance:
    case ValueKind::kDuration: return "[object Object]";
    default: return ToDisplayString(v);
  }
}

template <ValueKind kKind>
auto JsonAs(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  if (self.kind != kKind) {
    const char* what = kKind == ValueKind::kStr ? "string" : (kKind == ValueKind::kNum ? "number" : "boolean");
    Throw(fmt::format("unable to parse {} {} as a {}", JsTypeof(self), JsString(self), what));
  }
  return self;
}

template <ValueKind kKind>
auto JsonTryAs(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  return self.kind == kKind ? self : Value();
}

auto JsonGetAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  if (self.kind == ValueKind::kArray) {
    double i = ArgNum(args, 0);
    const auto& items = self.array->items;
    if (i >= 0 && i < static_cast<double>(items.size()) && i == std::trunc(i)) {
      return items[static_cast<size_t>(i)];
    }
  } else if (self.kind == ValueKind::kMap) {
    if (const Value* found = self.map->Find(Key(args)); found != nullptr) return *found;
  }
  Throw("Index out of bounds");
}

auto JsonTryGetAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  if (self.kind == ValueKind::kArray) {
    double i = ArgNum(args, 0);
    const auto& items = self.array->items;
    if (i >= 0 && i < static_cast<double>(items.size()) && i == std::trunc(i)) return items[static_cast<size_t>(i)];
    return Value();
  }
  if (self.kind == ValueKind::kMap) {
    const Value* found = self.map->Find(Key(args));
    return found == nullptr ? Value() : *found;
  }
  return Value();
}

auto JsonSetAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  double i = ToInteger(ArgNum(args, 0));
  auto& items = self.array->items;
  if (i < 0 || i > 4294967294.0) return Value();  // JS would add a property; Wing arrays have none
  if (static_cast<size_t>(i) >= items.size()) items.resize(static_cast<size_t>(i) + 1);
  items[static_cast<size_t>(i)] = Arg(args, 1);
  return Value();
}

// `get` on a Json primitive or array: there is no such property.
auto JsonGetMissing(Evaluator&, const Value&, std::vector<Value>& args) -> Value {
  Throw(fmt::format("Json property \"{}\" does not exist", Key(args)));
}

auto JsonTryGetMissing(Evaluator&, const Value&, std::vector<Value>&) -> Value { return Value(); }

auto JsonHasMissing(Evaluator&, const Value&, std::vector<Value>&) -> Value { return Value::Bool(false); }

}  // namespace

void AddMapNatives(NativeTables& t) {
  auto& m = t.methods[static_cast<size_t>(Receiver::kMap)];
  m["size"] = MapSize;
  m["get"] = MapGet;
  m["tryGet"] = MapTryGet;
  m["has"] = MapHas;
  m["copy"] = MapCopy;
  m["copyMut"] = MapCopyMut;
  m["keys"] = MapKeys;
  m["values"] = MapValues;
  m["entries"] = MapEntries;
  m["set"] = MapSet;
  m["delete"] = MapDelete;
  m["clear"] = MapClear;
  m["getAt"] = JsonGetAt;
  m["tryGetAt"] = JsonTryGetAt;
  m["setAt"] = MapSet;  // a MutJson object: the index is a key

  auto& a = t.methods[static_cast<size_t>(Receiver::kArray)];
  a["getAt"] = JsonGetAt;
  a["tryGetAt"] = JsonTryGetAt;
  a["setAt"] = JsonSetAt;
  a["get"] = JsonGetMissing;
  a["tryGet"] = JsonTryGetMissing;
  a["has"] = JsonHasMissing;

  // Json conversions apply to any value; lookups on primitives find nothing.
  for (size_t r = 0; r < kReceiverCount; ++r) {
    auto& any = t.methods[r];
    any["asStr"] = JsonAs<ValueKind::kStr>;
    any["asNum"] = JsonAs<ValueKind::kNum>;
    any["asBool"] = JsonAs<ValueKind::kBool>;
    any["tryAsStr"] = JsonTryAs<ValueKind::kStr>;
    any["tryAsNum"] = JsonTryAs<ValueKind::kNum>;
    any["tryAsBool"] = JsonTryAs<ValueKind::kBool>;
    auto receiver = static_cast<Receiver>(r);
    if (receiver == Receiver::kStr || receiver == Receiver::kNum || receiver == Receiver::kBool) {
      any["get"] = JsonGetMissing;
      any["tryGet"] = JsonTryGetMissing;
      any["getAt"] = JsonGetAt;
      any["tryGetAt"] = JsonTryGetMissing;
      any["has"] = JsonHasMissing;
    }
  }
}

}  // namespace wdsl::ir
