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
#include <set>
#include <string>

#include "ir/ir.h"

namespace wdsl::ir {

// The directory, relative to the build context, that holds the client.
inline constexpr const char* kClientDir = ".wdsl-client";

// A workload's bindings as binding name -> resource kind ("FILES" ->
// "cloud.Bucket"), for bindings to resources (a bad binding is the bind
// pass's business and is left out).
auto BindingKinds(const Program& program, const Resource& workload) -> std::map<std::string, std::string>;

// For each binding of a user class (c:bindings, case 3): the `pub inflight`
// methods it binds that can cross JSON (ir/signature.h), by binding name.
auto BoundMethods(const Program& program, const Resource& workload) -> std::map<std::string, std::set<std::string>>;

// The files of `.wdsl-client/` for these bindings, as path relative to the
// context -> text: the client, `bindings.js`, `bindings.d.ts` and a
// `.gitignore` that keeps the directory out of git. Bindings of user classes
// (`program` given, their methods in `methods`) get an interface named after
// the class, with the structs and enums its methods use.
auto ClientFiles(const std::map<std::string, std::string>& bindings, const Program* program = nullptr,
                 const std::map<std::string, std::set<std::string>>& methods = {})
    -> std::map<std::string, std::string>;

// The TypeScript declarations of the user classes bound as `bindings` (name ->
// class, methods by name): an interface per class, its structs and enums,
// and one `export declare const` per binding (image_client_ts.cpp).
struct ClassTypings {
  std::string dts;                            // declarations for bindings.d.ts
  std::map<std::string, std::string> consts;  // binding name -> its type in bindings.d.ts
};
auto TypeScriptOfClasses(const Program& program, const std::map<std::string, std::string>& bindings,
                         const std::map<std::string, std::set<std::string>>& methods) -> ClassTypings;

}  // namespace wdsl::ir
