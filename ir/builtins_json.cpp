// The static methods of Json, and of num/bool/struct types that read Json.
#include <fmt/format.h>

#include <stdexcept>

#include "ir/eval_internal.h"
#include "ir/json_text.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

auto Stringify(const Value& value, int indent) -> std::string {
  try {
    return StringifyJson(value, indent);
  } catch (const std::runtime_error& error) {
    Throw(error.what());
  }
}

auto JsonKeys(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& json = Arg(args, 0);
  std::vector<Value> keys;
  if (json.kind == ValueKind::kMap) {
    for (const auto& [key, value] : json.map->entries) keys.push_back(Value::Str(key));
  } else if (json.kind == ValueKind::kArray) {
    for (size_t i = 0; i < json.array->items.size(); ++i) keys.push_back(Value::Str(std::to_string(i)));
  }
  return Value::NewArray(std::move(keys), false);
}

auto JsonValues(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& json = Arg(args, 0);
  std::vector<Value> values;
  if (json.kind == ValueKind::kMap) {
    for (const auto& [key, value] : json.map->entries) values.push_back(value);
  } else if (json.kind == ValueKind::kArray) {
    values = json.array->items;
  }
  return Value::NewArray(std::move(values), false);
}

auto JsonEntries(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& json = Arg(args, 0);
  std::vector<Value> entries;
  auto add = [&](std::string key, const Value& value) {
    entries.push_back(Value::NewMap({{"key", Value::Str(std::move(key))}, {"value", value}}, false, "JsonEntry"));
  };
  if (json.kind == ValueKind::kMap) {
    for (const auto& [key, value] : json.map->entries) add(key, value);
  } else if (json.kind == ValueKind::kArray) {
    for (size_t i = 0; i < json.array->items.size(); ++i) add(std::to_string(i), json.array->items[i]);
  }
  return Value::NewArray(std::move(entries), false);
}

auto JsonDelete(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& json = Arg(args, 0);
  if (json.kind == ValueKind::kMap) json.map->Erase(ArgStr(args, 1));
  return Value();
}

auto JsonStringify(Evaluator&, std::vector<Value>& args) -> Value {
  int indent = 0;
  const Value& options = Arg(args, 1);
  if (options.kind == ValueKind::kMap) {
    if (const Value* value = options.map->Find("indent"); value != nullptr && value->kind == ValueKind::kNum) {
      indent = static_cast<int>(std::min(10.0, std::max(0.0, ToInteger(value->number))));
    }
  }
  return Value::Str(Stringify(Arg(args, 0), indent));
}

auto Reparse(const Value& value, bool is_mutable) -> Value {
  if (value.IsNil()) return value;
  std::string text = Stringify(value, 0);
  std::string error;
  std::optional<Value> copy = ParseJson(text, is_mutable, &error);
  if (!copy) Throw(error);
  return *copy;
}

auto JsonDeepCopy(Evaluator&, std::vector<Value>& args) -> Value { return Reparse(Arg(args, 0), false); }
auto JsonDeepCopyMut(Evaluator&, std::vector<Value>& args) -> Value { return Reparse(Arg(args, 0), true); }

auto JsonParse(Evaluator&, std::vector<Value>& args) -> Value {
  std::string error;
  std::string text = ArgStr(args, 0);
  if (Arg(args, 0).IsNil()) text = "undefined";
  std::optional<Value> value = ParseJson(text, false, &error);
  if (!value) Throw(error);
  return *value;
}

auto JsonTryParse(Evaluator&, std::vector<Value>& args) -> Value {
  if (Arg(args, 0).IsNil()) return Value();
  std::optional<Value> value = ParseJson(ArgStr(args, 0), false, nullptr);
  return value ? *value : Value();
}

auto Unsafe(const std::vector<Value>& args, size_t i) -> bool {
  const Value& options = Arg(args, i);
  if (options.kind != ValueKind::kMap) return false;
  const Value* unsafe = options.map->Find("unsafe");
  return unsafe != nullptr && IsTruthy(*unsafe);
}

auto NumberFromJson(Evaluator&, std::vector<Value>& args) -> Value {
  if (Arg(args, 0).kind != ValueKind::kNum && !Unsafe(args, 1)) Throw("unable to parse num:\n- num must be number");
  return Arg(args, 0);
}

auto BooleanFromJson(Evaluator&, std::vector<Value>& args) -> Value {
  if (Arg(args, 0).kind != ValueKind::kBool && !Unsafe(args, 1)) Throw("unable to parse bool:\n- bool must be boolean");
  return Arg(args, 0);
}

// Json object -> struct value: Json nulls are dropped (recursively in
// objects), as Wing's struct parsing does.
auto ToStruct(const Value& json, const std::string& name, int depth) -> Value {
  if (depth > 1000) Throw("Maximum call stack size exceeded");
  if (json.kind == ValueKind::kArray) {
    std::vector<Value> items;
    for (const Value& item : json.array->items) items.push_back(ToStruct(item, "", depth + 1));
    return Value::NewArray(std::move(items), false);
  }
  if (json.kind != ValueKind::kMap) return json;
  Value out = Value::NewMap({}, false, name);
  for (const auto& [key, value] : json.map->entries) {
    if (!value.IsNil()) out.map->Set(key, ToStruct(value, "", depth + 1));
  }
  return out;
}

auto ShortName(const std::string& name) -> std::string {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

}  // namespace

auto StructStatic(Evaluator& ev, const std::string& struct_name, const std::string& method, std::vector<Value>& args)
    -> std::optional<Value> {
  (void)ev;
  bool parse = method == "parseJson" || method == "tryParseJson";
  bool try_ = method == "tryFromJson" || method == "tryParseJson";
  if (!parse && !try_ && method != "fromJson") return std::nullopt;
  // "Struct.fromJson" when the frontend names the generic declaration.
  std::string name = struct_name == "Struct" || struct_name == "std.Struct" ? std::string("struct") : struct_name;
  Value json = Arg(args, 0);
  if (parse) {
    if (json.IsNil()) {
      if (try_) return Value();
      Throw("Unexpected end of JSON input");
    }
    std::string error;
    std::optional<Value> parsed = ParseJson(ArgStr(args, 0), false, &error);
    if (!parsed) {
      if (try_) return Value();
      Throw(error);
    }
    json = *parsed;
  }
  if (json.kind != ValueKind::kMap && !(method == "fromJson" && Unsafe(args, 1))) {
    if (try_) return Value();
    std::string id = ShortName(name);
    Throw(fmt::format("unable to parse {}:\n- {} must be object", id, id));
  }
  return ToStruct(json, name, 0);
}

void AddJsonNatives(NativeTables& t) {
  t.statics["Json.keys"] = JsonKeys;
  t.statics["Json.values"] = JsonValues;
  t.statics["Json.entries"] = JsonEntries;
  t.statics["Json.delete"] = JsonDelete;
  t.statics["Json.stringify"] = JsonStringify;
  t.statics["Json.deepCopy"] = JsonDeepCopy;
  t.statics["Json.deepCopyMut"] = JsonDeepCopyMut;
  t.statics["Json.parse"] = JsonParse;
  t.statics["Json.tryParse"] = JsonTryParse;
  t.statics["Number.fromJson"] = NumberFromJson;
  t.statics["Boolean.fromJson"] = BooleanFromJson;
  // When the frontend names the generic declaration rather than the struct.
  t.statics["Struct.fromJson"] = [](Evaluator& ev, std::vector<Value>& args) {
    return *StructStatic(ev, "Struct", "fromJson", args);
  };
  t.statics["Struct.tryFromJson"] = [](Evaluator& ev, std::vector<Value>& args) {
    return *StructStatic(ev, "Struct", "tryFromJson", args);
  };
  t.statics["Struct.parseJson"] = [](Evaluator& ev, std::vector<Value>& args) {
    return *StructStatic(ev, "Struct", "parseJson", args);
  };
  t.statics["Struct.tryParseJson"] = [](Evaluator& ev, std::vector<Value>& args) {
    return *StructStatic(ev, "Struct", "tryParseJson", args);
  };
}

}  // namespace wdsl::ir
