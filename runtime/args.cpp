// The argument helpers of inflight operations (live_resource.h), apart from
// the simulator so that code which only needs them (the http client of
// wdsl-runtime) does not pull the whole simulator into its binary.
#include <fmt/format.h>

#include "ir/eval.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {

void Fail(const std::string& message) { throw ir::ThrownError(message, {}); }

auto Arg(const std::vector<ir::Value>& args, size_t i) -> const ir::Value& {
  static const ir::Value kNil;
  return i < args.size() ? args[i] : kNil;
}

auto StrArg(const std::vector<ir::Value>& args, size_t i, const char* what) -> std::string {
  const ir::Value& value = Arg(args, i);
  if (value.kind != ir::ValueKind::kStr) Fail(fmt::format("expected a string for `{}`", what));
  return value.AsStr();
}

auto OptNumArg(const std::vector<ir::Value>& args, size_t i, double fallback) -> double {
  const ir::Value& value = Arg(args, i);
  return value.kind == ir::ValueKind::kNum ? value.number : fallback;
}

auto OptStrArg(const std::vector<ir::Value>& args, size_t i, const std::string& fallback) -> std::string {
  const ir::Value& value = Arg(args, i);
  return value.kind == ir::ValueKind::kStr ? value.AsStr() : fallback;
}

auto FieldOf(const ir::Value& value, const char* name) -> ir::Value {
  if (value.kind != ir::ValueKind::kMap) return ir::Value::Nil();
  const ir::Value* field = value.map->Find(name);
  return field == nullptr ? ir::Value::Nil() : *field;
}

auto DurationProp(const nlohmann::json& props, const char* name, double fallback) -> double {
  auto it = props.find(name);
  if (it == props.end() || !it->is_object() || !it->contains("$duration") || !(*it)["$duration"].is_number()) {
    return fallback;
  }
  return (*it)["$duration"].get<double>();
}

}  // namespace wdsl::runtime
