// The images pass: how each container of the app gets its image. A local
// build context (`image: "./web"`, relative to the entry file's directory) is
// described with its content hash (ir/hash.h) and the tag
// `wdsl-<app>-<name>:<hash>`; any other image is pulled.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/ir.h"
#include "ir/validate.h"

namespace wdsl::ir {

// For every `containers.Workload` and `sim.Container`, keyed by resource path:
//   {"context": "web", "dockerfile": "Dockerfile", "hash": "<32 hex>",
//    "tag": "wdsl-<app>-<name>:<hash>"}   (context relative to the entry dir)
// or {"pull": "<image>"}. A local sidecar image of a workload is described
// the same way under "<path>#sidecar:<name>". A missing context or
// Dockerfile, an unreadable file or a bad `sources` glob appends a problem
// (with a hint) and leaves the resource out.
auto DescribeImages(const Program& program, std::vector<ValidateProblem>& problems)
    -> std::map<std::string, nlohmann::json>;

// Whether `image` names a local build context: it starts with `./` or `../`
// (or is `.`/`..`).
auto IsLocalImage(std::string_view image) -> bool;

// A name component as Docker accepts it in a repository name: lowercase
// `[a-z0-9]` runs joined by `.`, `_`, `__` or dashes; anything else becomes
// `-`, leading and trailing separators are dropped; "x" when nothing is left.
auto SanitizeImageName(std::string_view name) -> std::string;

}  // namespace wdsl::ir
