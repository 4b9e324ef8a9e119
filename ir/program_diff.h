// How a recompiled program differs from the running one, resource by
// resource, for the simulator's live update (Simulator::Update). Source
// positions do not count: a line added above a handler does not change it.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "ir/ir.h"

namespace wdsl::ir {

enum class ResourceChange {
  kSame,     // type, props and the code of its handlers are as they were
  kCode,     // only the inflight code its closures run changed
  kProps,    // type, props (other than code), permissions or image changed
  kAdded,
  kRemoved,
};

auto ResourceChangeName(ResourceChange change) -> const char*;

// Every resource path of either program and how it changed. `images_*`:
// DescribeImages of each program (a changed image hash is a kProps change).
auto DiffPrograms(const Program& before, const Program& after, const std::map<std::string, nlohmann::json>& images_before,
                  const std::map<std::string, nlohmann::json>& images_after)
    -> std::map<std::string, ResourceChange>;

}  // namespace wdsl::ir
