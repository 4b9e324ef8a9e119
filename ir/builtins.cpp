// The table of native builtins and the helpers natives share.
#include <limits>

#include "ir/eval_internal.h"

namespace wdsl::ir {

auto Natives() -> const NativeTables& {
  static const NativeTables tables = [] {
    NativeTables t;
    AddStringNatives(t);
    AddArrayNatives(t);
    AddMapNatives(t);
    AddJsonNatives(t);
    AddGlobalNatives(t);
    AddUtilNatives(t);
    return t;
  }();
  return tables;
}

void Throw(std::string message) { throw ThrownError(std::move(message), {}); }

auto Arg(const std::vector<Value>& args, size_t i) -> const Value& {
  static const Value kNil;
  return i < args.size() ? args[i] : kNil;
}

auto ArgStr(const std::vector<Value>& args, size_t i) -> std::string {
  const Value& v = Arg(args, i);
  if (v.kind == ValueKind::kStr) return *v.str;
  return v.IsNil() ? std::string() : ToDisplayString(v);
}

auto ArgNum(const std::vector<Value>& args, size_t i) -> double {
  const Value& v = Arg(args, i);
  return v.kind == ValueKind::kNum || v.kind == ValueKind::kDuration ? v.number
                                                                     : std::numeric_limits<double>::quiet_NaN();
}

auto ReceiverOf(const Value& value) -> Receiver {
  switch (value.kind) {
    case ValueKind::kNil: return Receiver::kNil;
    case ValueKind::kBool: return Receiver::kBool;
    case ValueKind::kNum: return Receiver::kNum;
    case ValueKind::kStr: return Receiver::kStr;
    case ValueKind::kDuration: return Receiver::kDuration;
    case ValueKind::kArray: return value.array->is_set ? Receiver::kSet : Receiver::kArray;
    case ValueKind::kMap: return Receiver::kMap;
    default: return Receiver::kOther;
  }
}

auto ReceiverName(const Value& value) -> const char* {
  switch (value.kind) {
    case ValueKind::kNil: return "nil";
    case ValueKind::kBool: return "bool";
    case ValueKind::kNum: return "num";
    case ValueKind::kStr: return "str";
    case ValueKind::kDuration: return "duration";
    case ValueKind::kArray:
      if (value.array->is_set) return value.array->is_mutable ? "MutSet" : "Set";
      if (value.array->is_json) return value.array->is_mutable ? "MutJson" : "Json";
      return value.array->is_mutable ? "MutArray" : "Array";
    case ValueKind::kMap:
      if (!value.map->struct_name.empty()) return "struct";
      if (value.map->is_json) return value.map->is_mutable ? "MutJson" : "Json";
      return value.map->is_mutable ? "MutMap" : "Map";
    case ValueKind::kInstance: return "object";
    case ValueKind::kClosure: return "function";
    case ValueKind::kResource: return "resource";
  }
  return "value";
}

}  // namespace wdsl::ir
