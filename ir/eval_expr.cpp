// Expressions other than calls and members (eval_call.cpp): constants,
// variables, operators, literals, indexing.
#include <fmt/format.h>

#include <cmath>

#include "ir/eval_internal.h"
#include "ir/text.h"

namespace wdsl::ir {

auto Evaluator::Eval(Frame& f, NodeId id) -> Value {
  WDSL_CHECK_LIMITS();
  const Node& n = Code(f).nodes[id];
  switch (n.kind) {
    case NodeKind::kConst:
      return n.constant;
    case NodeKind::kLocal: {
      Frame* frame = &f;
      for (int32_t d = 0; d < n.depth && frame != nullptr; ++d) frame = frame->parent.get();
      if (frame == nullptr || n.slot < 0 || static_cast<size_t>(n.slot) >= frame->slots.size()) {
        return SlotAt(f, n.depth, n.slot, n);  // reports the error
      }
      return frame->slots[n.slot];
    }
    case NodeKind::kCapture:
      if (f.captures == nullptr || n.slot < 0 || static_cast<size_t>(n.slot) >= f.captures->size()) return Value();
      return (*f.captures)[n.slot];
    case NodeKind::kThis:
      return f.self;
    case NodeKind::kGlobal:
      return globals_[Aux(f, id).target];
    case NodeKind::kBinary:
      return EvalBinary(f, n);
    case NodeKind::kUnary: {
      Value v = Eval(f, n.kids[0]);
      if (n.op == Op::kNot) return Value::Bool(!IsTruthy(v));
      if (v.kind != ValueKind::kNum) Fail(n, fmt::format("cannot negate a {}", ReceiverName(v)));
      return Value::Num(-v.number);
    }
    case NodeKind::kInterp: {
      std::string out;
      for (NodeId kid : n.kids) {
        Value part = Eval(f, kid);
        if (part.kind == ValueKind::kStr) {
          out += *part.str;
        } else {
          out += ToDisplayString(part);
        }
      }
      return Value::Str(std::move(out));
    }
    case NodeKind::kUnwrap: {
      Value v = Eval(f, n.kids[0]);
      if (v.IsNil()) Fail(n, "Unexpected nil");
      return v;
    }
    case NodeKind::kArray:
    case NodeKind::kMap:
    case NodeKind::kStruct:
    case NodeKind::kJson:
    case NodeKind::kRange:
      return EvalCollection(f, n);
    case NodeKind::kIndex:
      return EvalIndex(f, n);
    case NodeKind::kMember:
      return EvalMember(f, n, id);
    case NodeKind::kCall:
      return EvalCall(f, n, id);
    case NodeKind::kMethodCall:
      return EvalMethodCall(f, n, id);
    case NodeKind::kSuperCall:
      return EvalSuperCall(f, n, id);
    case NodeKind::kNew:
      return EvalNew(f, n, id);
    case NodeKind::kClosure:
      return EvalClosure(f, n);
    default: {
      // A statement in expression position (a block as a value): run it.
      Flow flow = Exec(f, id);
      (void)flow;
      return Value();
    }
  }
}

auto Evaluator::EvalBinary(Frame& f, const Node& n) -> Value {
  switch (n.op) {
    case Op::kAnd: {
      Value lhs = Eval(f, n.kids[0]);
      return IsTruthy(lhs) ? Eval(f, n.kids[1]) : lhs;
    }
    case Op::kOr: {
      Value lhs = Eval(f, n.kids[0]);
      return IsTruthy(lhs) ? lhs : Eval(f, n.kids[1]);
    }
    case Op::kNilCoalesce: {
      Value lhs = Eval(f, n.kids[0]);
      return lhs.IsNil() ? Eval(f, n.kids[1]) : lhs;
    }
    default:
      break;
  }
  Value a = Eval(f, n.kids[0]);
  Value b = Eval(f, n.kids[1]);
  if (a.kind == ValueKind::kNum && b.kind == ValueKind::kNum) {
    double x = a.number;
    double y = b.number;
    switch (n.op) {
      case Op::kAdd: return Value::Num(x + y);
      case Op::kSub: return Value::Num(x - y);
      case Op::kMul: return Value::Num(x * y);
      case Op::kDiv: return Value::Num(x / y);
      case Op::kLt: return Value::Bool(x < y);
      case Op::kLe: return Value::Bool(x <= y);
      case Op::kGt: return Value::Bool(x > y);
      case Op::kGe: return Value::Bool(x >= y);
      case Op::kEq: return Value::Bool(x == y || (std::isnan(x) && std::isnan(y)));
      case Op::kNe: return Value::Bool(!(x == y || (std::isnan(x) && std::isnan(y))));
      default: break;
    }
  }
  return BinaryOp(n, a, b);
}

namespace {

// JS's `**` (Math.pow differs from C's pow for NaN exponents and 1**Infinity).
auto JsPow(double x, double y) -> double {
  if (std::isnan(y)) return std::nan("");
  if ((x == 1 || x == -1) && std::isinf(y)) return std::nan("");
  return std::pow(x, y);
}

}  // namespace

auto Evaluator::BinaryOp(const Node& n, const Value& a, const Value& b) -> Value {
  switch (n.op) {
    case Op::kEq: return Value::Bool(DeepEqual(a, b));
    case Op::kNe: return Value::Bool(!DeepEqual(a, b));
    case Op::kAdd:
      if (a.kind == ValueKind::kStr || b.kind == ValueKind::kStr) {
        std::string out = a.kind == ValueKind::kStr ? *a.str : ToDisplayString(a);
        out += b.kind == ValueKind::kStr ? *b.str : ToDisplayString(b);
        return Value::Str(std::move(out));
      }
      break;
    default:
      break;
  }
  bool nums = a.kind == ValueKind::kNum && b.kind == ValueKind::kNum;
  bool durations = a.kind == ValueKind::kDuration && b.kind == ValueKind::kDuration;
  bool strs = a.kind == ValueKind::kStr && b.kind == ValueKind::kStr;
  if (nums) {
    double x = a.number;
    double y = b.number;
    switch (n.op) {
      case Op::kIntDiv: return Value::Num(std::trunc(x / y));
      case Op::kMod: return Value::Num(std::fmod(x, y));
      case Op::kPow: return Value::Num(JsPow(x, y));
      default: break;
    }
  }
  if (durations || strs) {
    int cmp = durations ? (a.number < b.number ? -1 : (a.number > b.number ? 1 : 0)) : a.str->compare(*b.str);
    switch (n.op) {
      case Op::kLt: return Value::Bool(cmp < 0);
      case Op::kLe: return Value::Bool(cmp <= 0);
      case Op::kGt: return Value::Bool(cmp > 0);
      case Op::kGe: return Value::Bool(cmp >= 0);
      default: break;
    }
  }
  Fail(n, fmt::format("operator `{}` cannot be applied to a {} and a {}", OpName(n.op), ReceiverName(a),
                      ReceiverName(b)));
}

namespace {

// Json literals mark their containers (and the ones inside) as Json.
void MarkJson(const Value& value, bool is_mutable, int depth) {
  if (depth > 1000) return;
  if (value.kind == ValueKind::kArray) {
    value.array->is_json = true;
    value.array->is_mutable = is_mutable;
    for (const Value& item : value.array->items) MarkJson(item, is_mutable, depth + 1);
  } else if (value.kind == ValueKind::kMap && value.map->struct_name.empty()) {
    value.map->is_json = true;
    value.map->is_mutable = is_mutable;
    for (const auto& [key, item] : value.map->entries) MarkJson(item, is_mutable, depth + 1);
  }
}

}  // namespace

auto Evaluator::EvalCollection(Frame& f, const Node& n) -> Value {
  switch (n.kind) {
    case NodeKind::kArray: {
      std::vector<Value> items;
      items.reserve(n.kids.size());
      for (NodeId kid : n.kids) items.push_back(Eval(f, kid));
      return Value::NewArray(std::move(items), n.flag, n.name == "Set");
    }
    case NodeKind::kMap: {
      Value map = Value::NewMap({}, n.flag);
      map.map->entries.reserve(n.kids.size() / 2);
      for (size_t i = 0; i + 1 < n.kids.size(); i += 2) {
        Value key = Eval(f, n.kids[i]);
        Value value = Eval(f, n.kids[i + 1]);
        map.map->Set(key.kind == ValueKind::kStr ? *key.str : ToDisplayString(key), std::move(value));
      }
      return map;
    }
    case NodeKind::kStruct: {
      Value map = Value::NewMap({}, false, n.name.empty() ? std::string("struct") : n.name);
      const ArrayObject* names = n.constant.kind == ValueKind::kArray ? n.constant.array.get() : nullptr;
      for (size_t i = 0; i < n.kids.size(); ++i) {
        Value value = Eval(f, n.kids[i]);
        // As JSON.stringify would, leave unset optional fields out.
        if (value.IsNil() || names == nullptr || i >= names->items.size()) continue;
        map.map->Set(ToDisplayString(names->items[i]), std::move(value));
      }
      return map;
    }
    case NodeKind::kJson: {
      Value value = n.kids.empty() ? Value() : Eval(f, n.kids[0]);
      MarkJson(value, n.flag, 0);
      if (value.kind == ValueKind::kMap) {
        std::erase_if(value.map->entries, [](const auto& entry) { return entry.second.IsNil(); });
      }
      return value;
    }
    case NodeKind::kRange: {
      Value start = Eval(f, n.kids[0]);
      Value end = Eval(f, n.kids[1]);
      if (start.kind != ValueKind::kNum || end.kind != ValueKind::kNum) Fail(n, "a range needs numbers");
      std::vector<Value> items;
      double i = start.number;
      double limit = n.flag ? (end.number < start.number ? end.number - 1 : end.number + 1) : end.number;
      while (i < limit) items.push_back(Value::Num(i++));
      while (i > limit) items.push_back(Value::Num(i--));
      return Value::NewArray(std::move(items), false);
    }
    default:
      return Value();
  }
}

// `a[i]` as Wing's lookup helper does it: negative array indexes count from
// the end; a missing map key is an error.
auto Evaluator::EvalIndex(Frame& f, const Node& n) -> Value {
  Value object = Eval(f, n.kids[0]);
  Value index = Eval(f, n.kids[1]);
  if (index.kind == ValueKind::kNum) {
    double i = index.number;
    if (object.kind == ValueKind::kArray) {
      double len = static_cast<double>(object.array->items.size());
      if (i < 0 && i >= -len) i += len;
      if (!(i >= 0 && i < len) || i != std::trunc(i)) {
        Fail(n, fmt::format("Index {} out of bounds for array of length {}", FormatNumber(index.number),
                            FormatNumber(len)));
      }
      return object.array->items[static_cast<size_t>(i)];
    }
    if (object.kind == ValueKind::kStr) {
      std::u16string units = ToUtf16(*object.str);
      double len = static_cast<double>(units.size());
      if (i < 0 && i >= -len) i += len;
      if (!(i >= 0 && i < len) || i != std::trunc(i)) {
        Fail(n, fmt::format("Index {} out of bounds for array of length {}", FormatNumber(index.number),
                            FormatNumber(len)));
      }
      return Value::Str(FromUtf16(units.substr(static_cast<size_t>(i), 1)));
    }
    Fail(n, "Index is a number but collection is not an array or string");
  }
  if (index.kind != ValueKind::kStr) {
    Fail(n, fmt::format("Index must be a string or number (found \"{}\")", ReceiverName(index)));
  }
  const std::string& key = *index.str;
  const Value* found = nullptr;
  if (object.kind == ValueKind::kMap) {
    found = object.map->Find(key);
  } else if (object.kind == ValueKind::kInstance || (object.kind == ValueKind::kResource && object.instance)) {
    found = object.instance->Find(key);
  } else {
    Fail(n, fmt::format("Lookup failed, value is not an object (found \"{}\")", ReceiverName(object)));
  }
  if (found == nullptr) Fail(n, fmt::format("Key \"{}\" not found", key));
  return *found;
}

void Evaluator::AssignIndex(Frame& f, const Node& n) {
  Value object = Eval(f, n.kids[0]);
  Value index = Eval(f, n.kids[1]);
  Value value = Eval(f, n.kids[2]);
  if (index.kind == ValueKind::kNum) {
    if (object.kind != ValueKind::kArray) Fail(n, "Index is a number but collection is not an array or string");
    double i = index.number;
    double len = static_cast<double>(object.array->items.size());
    if (i < 0 && i >= -len) i += len;
    if (!(i >= 0 && i < len) || i != std::trunc(i)) {
      Fail(n, fmt::format("Index {} out of bounds for array of length {}", FormatNumber(index.number),
                          FormatNumber(len)));
    }
    object.array->items[static_cast<size_t>(i)] = std::move(value);
    return;
  }
  if (index.kind != ValueKind::kStr) {
    Fail(n, fmt::format("Index must be a string or number (found \"{}\")", ReceiverName(index)));
  }
  if (object.kind == ValueKind::kMap) {
    object.map->Set(*index.str, std::move(value));
  } else if (object.kind == ValueKind::kInstance || (object.kind == ValueKind::kResource && object.instance)) {
    object.instance->Set(*index.str, std::move(value));
  } else {
    Fail(n, fmt::format("Assignment failed, value is not an object (found \"{}\")", ReceiverName(object)));
  }
}

}  // namespace wdsl::ir
