// The bind pass: which resources each host of inflight code (a resource
// whose props hold inflight closures, a test) or container (a workload's
// `bindings`) uses, and which inflight operations it calls on each. The
// result is Resource::lifts / TestCase::lifts; ir/permissions.h turns them
// into per-target permissions.
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl::ir {

// Something the pass could not follow (a resource reached through an array
// index, a call of a function it cannot identify) or a binding it rejects.
// The driver turns these into diagnostics.
struct BindProblem {
  SourcePos pos;
  std::string message;
};

// Fills the lifts of every host by an abstract interpretation of the inflight
// code it can run, and from workload bindings; reports what it cannot follow.
auto Bind(Program& program, std::vector<BindProblem>& problems) -> void;

// The name a binding of `id` gets in a container's environment
// (`WING_<NAME>_...`): upper case, every other character `_`.
auto BindingEnvName(const std::string& id) -> std::string;

}  // namespace wdsl::ir
