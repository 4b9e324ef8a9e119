// `--target sim`: the manifest that `wdsl run --sim` and `wdsl test` load,
// `simulator.json`.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

inline constexpr int kSimManifestVersion = 1;

// The manifest as JSON:
//   {"version": 1, "app", "entry",
//    "sources": the program's files relative to the entry's directory
//               (`wdsl run` rebuilds the manifest when one is newer),
//    "resources": [{"path", "id", "type", "parent", "props", "fields", "pos",
//                   "lifts", "permissions", "image" (containers only)}],
//    "functions", "classes", "tests" (with "lifts", "permissions"), "edges"}
// Functions keep their indices (closures refer to them); preflight ones keep
// only their header, since the simulator never runs them. `images` is the
// result of ir::DescribeImages, by resource path. Keys are sorted, so the text
// is stable for golden files.
auto SimManifest(const ir::Program& program, const std::map<std::string, nlohmann::json>& images)
    -> nlohmann::json;

// The program a manifest describes, read back for the simulator (resources
// with lifts and permissions, inflight functions, tests). Sets `error` when
// `manifest` is not a manifest of this version.
auto ProgramFromSimManifest(const nlohmann::json& manifest, std::string* error) -> ir::Program;

// {"simulator.json": SimManifest(...) as indented text}.
auto EmitSim(const ir::Program& program, const std::map<std::string, nlohmann::json>& images) -> OutputFiles;

}  // namespace wdsl
