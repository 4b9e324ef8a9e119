// The JavaScript client that goes into the image of a workload with
// `bindings` (c:bindings, case 2): `.wdsl-client/` in its build context holds
// the client (runtime/clients/js: index.js, index.d.ts, aws.js) and a
// generated `bindings.js`/`bindings.d.ts` with one typed object per binding
// name. The images pass (ir/images.h) puts these files in the image's
// description and into its content hash; the image builder
// (runtime/docker/images.h) writes them into the context before `docker build`.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "ir/ir.h"

namespace wdsl::ir {

// The directory, relative to the build context, that holds the client.
inline constexpr const char* kClientDir = ".wdsl-client";

// A workload's bindings as binding name -> resource kind ("FILES" ->
// "cloud.Bucket"), for bindings to resources (a bad binding is the bind
// pass's business and is left out).
auto BindingKinds(const Program& program, const Resource& workload) -> std::map<std::string, std::string>;

// The files of `.wdsl-client/` for these bindings, as path relative to the
// context -> text: the client, `bindings.js`, `bindings.d.ts` and a
// `.gitignore` that keeps the directory out of git.
auto ClientFiles(const std::map<std::string, std::string>& bindings) -> std::map<std::string, std::string>;

}  // namespace wdsl::ir
