// Array, MutArray, Set and MutSet methods (and Json arrays, which share
// the Array representation).
#include <cmath>

#include "ir/eval_internal.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

auto Items(const Value& self) -> std::vector<Value>& { return self.array->items; }

auto CopyOf(const Value& self, bool is_mutable) -> Value {
  Value copy = Value::NewArray(Items(self), is_mutable);
  copy.array->is_set = self.array->is_set;
  copy.array->is_json = self.array->is_json;
  return copy;
}

// Strict equality (`indexOf`): like SameValueZero, but NaN is never found.
auto StrictEqual(const Value& a, const Value& b) -> bool {
  if (a.kind == ValueKind::kNum && std::isnan(a.number)) return false;
  return SameValueZero(a, b);
}

// The index an Array method names, or throws "Index out of bounds".
auto CheckedIndex(const Value& self, double index, bool allow_end) -> size_t {
  double len = static_cast<double>(Items(self).size());
  if (std::isnan(index) || index < 0 || (allow_end ? index > len : index >= len)) Throw("Index out of bounds");
  return static_cast<size_t>(ToInteger(index));
}

// Array.prototype.slice's relative index.
auto RelativeIndex(const Value& arg, double len, double fallback) -> size_t {
  double v = arg.IsNil() ? fallback : ToInteger(arg.kind == ValueKind::kNum ? arg.number : NAN);
  if (v < 0) v = std::max(0.0, len + v);
  return static_cast<size_t>(std::min(v, len));
}

// Array.prototype.join: nil is empty, nested arrays join with ",".
void AppendJoined(std::string& out, const Value& item, int depth) {
  switch (item.kind) {
    case ValueKind::kNil: return;
    case ValueKind::kStr: out += *item.str; return;
    case ValueKind::kNum: AppendNumber(out, item.number); return;
    case ValueKind::kArray:
      if (depth > 100) return;
      for (size_t i = 0; i < item.array->items.size(); ++i) {
        if (i > 0) out += ',';
        AppendJoined(out, item.array->items[i], depth + 1);
      }
      return;
    case ValueKind::kMap:
    case ValueKind::kInstance: out += "[object Object]"; return;
    default: out += ToDisplayString(item); return;
  }
}

auto ArrLength(Evaluator&, const Value& self) -> Value { return Value::Num(static_cast<double>(Items(self).size())); }

auto ArrAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  return Items(self)[CheckedIndex(self, ArgNum(args, 0), false)];
}

auto ArrTryAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  double len = static_cast<double>(Items(self).size());
  double i = ToInteger(ArgNum(args, 0));
  if (i < 0) i += len;
  if (i < 0 || i >= len) return Value();
  return Items(self)[static_cast<size_t>(i)];
}

auto ArrConcat(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  Value out = CopyOf(self, self.array->is_mutable);
  for (const Value& arg : args) {
    if (arg.kind == ValueKind::kArray) {
      out.array->items.insert(out.array->items.end(), arg.array->items.begin(), arg.array->items.end());
    } else {
      out.array->items.push_back(arg);
    }
  }
  return out;
}

auto ArrContains(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  for (const Value& item : Items(self)) {
    if (SameValueZero(item, Arg(args, 0))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

auto ArrCopy(Evaluator&, const Value& self, std::vector<Value>&) -> Value { return CopyOf(self, false); }
auto ArrCopyMut(Evaluator&, const Value& self, std::vector<Value>&) -> Value { return CopyOf(self, true); }

auto ArrIndexOf(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  const auto& items = Items(self);
  for (size_t i = 0; i < items.size(); ++i) {
    if (StrictEqual(items[i], Arg(args, 0))) return Value::Num(static_cast<double>(i));
  }
  return Value::Num(-1);
}

auto ArrLastIndexOf(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  const auto& items = Items(self);
  for (size_t i = items.size(); i-- > 0;) {
    if (StrictEqual(items[i], Arg(args, 0))) return Value::Num(static_cast<double>(i));
  }
  return Value::Num(-1);
}

auto ArrJoin(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  std::string separator = Arg(args, 0).IsNil() ? "," : ArgStr(args, 0);
  std::string out;
  const auto& items = Items(self);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    AppendJoined(out, items[i], 0);
  }
  return Value::Str(std::move(out));
}

auto ArrSlice(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  const auto& items = Items(self);
  double len = static_cast<double>(items.size());
  size_t start = RelativeIndex(Arg(args, 0), len, 0);
  size_t end = RelativeIndex(Arg(args, 1), len, len);
  std::vector<Value> out;
  if (start < end) out.assign(items.begin() + static_cast<ptrdiff_t>(start), items.begin() + static_cast<ptrdiff_t>(end));
  Value result = Value::NewArray(std::move(out), self.array->is_mutable);
  result.array->is_json = self.array->is_json;
  return result;
}

auto ArrClear(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  Items(self).clear();
  return Value();
}

auto ArrPush(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  for (Value& arg : args) Items(self).push_back(std::move(arg));
  return Value::Num(static_cast<double>(Items(self).size()));
}

auto ArrPop(Evaluator&, const Value& self, std::vector<Value>&) -> Value {
  auto& items = Items(self);
  if (items.empty()) return Value();
  Value last = std::move(items.back());
  items.pop_back();
  return last;
}

auto ArrPopAt(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  size_t i = CheckedIndex(self, ArgNum(args, 0), false);
  auto& items = Items(self);
  Value removed = std::move(items[i]);
  items.erase(items.begin() + static_cast<ptrdiff_t>(i));
  return removed;
}

auto ArrSet(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  size_t i = CheckedIndex(self, ArgNum(args, 0), false);
  Items(self)[i] = Arg(args, 1);
  return Value();
}

auto ArrInsert(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  size_t i = CheckedIndex(self, ArgNum(args, 0), true);
  Items(self).insert(Items(self).begin() + static_cast<ptrdiff_t>(i), Arg(args, 1));
  return Value();
}

auto ArrRemoveFirst(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  auto& items = Items(self);
  for (size_t i = 0; i < items.size(); ++i) {
    if (StrictEqual(items[i], Arg(args, 0))) {
      items.erase(items.begin() + static_cast<ptrdiff_t>(i));
      return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

// ------------------------------------------------------------ sets

auto SetHas(Evaluator& ev, const Value& self, std::vector<Value>& args) -> Value { return ArrContains(ev, self, args); }

auto SetAdd(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  for (const Value& item : Items(self)) {
    if (SameValueZero(item, Arg(args, 0))) return self;
  }
  Items(self).push_back(Arg(args, 0));
  return self;
}

auto SetDelete(Evaluator&, const Value& self, std::vector<Value>& args) -> Value {
  auto& items = Items(self);
  for (size_t i = 0; i < items.size(); ++i) {
    if (SameValueZero(items[i], Arg(args, 0))) {
      items.erase(items.begin() + static_cast<ptrdiff_t>(i));
      return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

auto SetToArray(Evaluator&, const Value& self, std::vector<Value>&) -> Value { return Value::NewArray(Items(self), false); }

}  // namespace

void AddArrayNatives(NativeTables& t) {
  auto& a = t.methods[static_cast<size_t>(Receiver::kArray)];
  a["at"] = ArrAt;
  a["tryAt"] = ArrTryAt;
  a["concat"] = ArrConcat;
  a["contains"] = ArrContains;
  a["copy"] = ArrCopy;
  a["copyMut"] = ArrCopyMut;
  a["indexOf"] = ArrIndexOf;
  a["join"] = ArrJoin;
  a["lastIndexOf"] = ArrLastIndexOf;
  a["slice"] = ArrSlice;
  a["clear"] = ArrClear;
  a["insert"] = ArrInsert;
  a["pop"] = ArrPop;
  a["popAt"] = ArrPopAt;
  a["push"] = ArrPush;
  a["removeFirst"] = ArrRemoveFirst;
  a["set"] = ArrSet;
  t.properties[static_cast<size_t>(Receiver::kArray)]["length"] = ArrLength;

  auto& s = t.methods[static_cast<size_t>(Receiver::kSet)];
  s["has"] = SetHas;
  s["add"] = SetAdd;
  s["clear"] = ArrClear;
  s["copy"] = ArrCopy;
  s["copyMut"] = ArrCopyMut;
  s["delete"] = SetDelete;
  s["toArray"] = SetToArray;
  t.properties[static_cast<size_t>(Receiver::kSet)]["size"] = ArrLength;
}

}  // namespace wdsl::ir
