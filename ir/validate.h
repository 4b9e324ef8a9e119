// The validate pass: checks the final props of every resource, after all
// preflight code has run, against the `constraints` of stdlib/resources.json
// (docs/stdlib.md, "Constraints") and the rules that span the whole app
// (unique workload names and routes, port ranges, probe paths, images).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl::ir {

// A user error found by a pass over the IR, at the resource it concerns. The
// CLI turns it into a diagnostic (E0600 for validate, E0601 for images).
struct ValidateProblem {
  SourcePos pos;
  std::string message;  // lowercase, code in backticks, no final period
};

// Appends one problem per violated constraint or app-wide rule to `problems`,
// in resource order. Uses the stdlib's resources.json.
auto Validate(const Program& program, std::vector<ValidateProblem>& problems) -> void;

// The same with an explicit resource table (the `resources` object of a
// resources.json document), for tests.
auto ValidateWith(const Program& program, const nlohmann::json& resource_table,
                  std::vector<ValidateProblem>& problems) -> void;

// Whether a prop value counts as set: not nil, not `false`, not an empty
// string, array or map (`0` is set). Shared with `when` conditions.
auto IsSet(const nlohmann::json& value) -> bool;

}  // namespace wdsl::ir
