// The IR's JSON form: what `wdsl build --target ir` prints and what the
// simulator loads. Function code is written as a readable nested tree,
//   {"k": "MethodCall", "name": "put", "at": "3:5", "kids": [...]}
// with default fields left out. nlohmann::json keeps object keys sorted, so
// the text is stable for golden files.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "ir/ir.h"

namespace wdsl::ir {

auto ToJson(const Program& program) -> nlohmann::json;
// The inverse of ToJson. Node ids are renumbered (children before their
// parent), so ToJson(ProgramFromJson(j)) == j. Missing fields take their
// defaults; malformed parts are skipped and described in `error` (the
// first problem), never thrown.
auto ProgramFromJson(const nlohmann::json& json, std::string* error = nullptr) -> Program;

auto CodeToJson(const Code& code) -> nlohmann::json;
auto CodeFromJson(const nlohmann::json& json, std::string* error = nullptr) -> Code;

// Values as they are stored in Resource::props/fields and TestCase::closure:
// plain JSON for nil, bool, num, str, arrays, sets, maps, structs and Json;
// {"$resource": path}, {"$duration": seconds}, {"$closure": {"function": i,
// "captures": [...]}} (plus "this" for a bound method, or "builtin" for a
// native function); {"$num": "NaN"|"Infinity"|"-Infinity"}. A value with no
// such form (an inflight class instance, a closure over a frame) gives
// nullopt and a message in `error`.
auto ValueToJson(const Value& value, std::string* error = nullptr) -> std::optional<nlohmann::json>;
// The inverse; `program` (optional) gives resources their type.
auto ValueFromJson(const nlohmann::json& json, const Program* program = nullptr) -> Value;

}  // namespace wdsl::ir
