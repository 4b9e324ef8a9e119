// The permissions pass: from the lifts of every host (ir/bind.h) and the
// per-operation permission tables of stdlib/resources.json, the permissions
// each host needs per target: `permissions["tf-aws"]` (IAM statements with
// exact actions, merged by resource) and `permissions["sim"]` (operations the
// simulator's resource API allows).
#pragma once

#include <nlohmann/json.hpp>

#include "ir/ir.h"

namespace wdsl::ir {

// The "resources" object of stdlib/resources.json (type -> permissions,
// attributes, ...), parsed once.
auto ResourcePermissionTable() -> const nlohmann::json&;

// Fills Resource::permissions and TestCase::permissions from their lifts.
auto ComputePermissions(Program& program) -> void;

}  // namespace wdsl::ir
