// JSON text <-> runtime values, with JavaScript's JSON.stringify/JSON.parse
// semantics (Json.stringify, Json.parse, `log` of arrays and maps). Not the
// IR's own JSON form, which is ir/json.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ir/value.h"

namespace wdsl::ir {

// JSON.stringify(value, null, indent): nil and closures inside objects are
// left out (null inside arrays), NaN and Infinity are null, durations are
// {"seconds":n}, resources their path, sets arrays. `indent` is clamped to
// 0..10 spaces. Throws std::runtime_error on a cyclic structure.
auto StringifyJson(const Value& value, int indent = 0) -> std::string;

// JSON.parse(text): the result's arrays and maps are marked Json (and
// mutable if asked). On bad input returns nullopt and sets `error` to a
// message like JavaScript's ("Unexpected token 'x', "x" is not valid JSON").
auto ParseJson(std::string_view text, bool is_mutable, std::string* error) -> std::optional<Value>;

}  // namespace wdsl::ir
