// The runtime images (c:cloud-service, issue 9): `wdsl build` writes a build
// context per `cloud.Service` - and, for `--target tf-aws`, per
// `cloud.Function` (queue consumers and Api handlers are functions too), which
// runs as a Lambda function of its image - under `<app>/.wdsl/images/<name>/`:
// the `wdsl-runtime` binary with the shared libraries `ldd` lists, CA
// certificates, the resource's bundle (ir/bundle.h) and a Dockerfile
// `FROM scratch` whose entry point runs it. Each is described like any
// local image (ir/images.h), so its tag is the content hash of runtime and
// bundle, an unchanged one builds nothing, and every backend finds it under
// the resource's path.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "ir/ir.h"

namespace wdsl {

// Where the runtime binary is: $WDSL_RUNTIME_BINARY, else `wdsl-runtime`
// beside the running executable.
auto RuntimeBinary() -> std::filesystem::path;

// Writes the contexts of the services `include` accepts (every service when
// it is empty) and adds their descriptions to `images`
// ({"context": ".wdsl/images/<name>", "dockerfile", "hash", "tag",
// "service": true}). Files already up to date are not written again.
// Returns "" or what went wrong (a missing runtime, an unwritable `.wdsl/`).
auto AddServiceImages(const ir::Program& program, const std::filesystem::path& app_dir,
                      const std::filesystem::path& runtime_binary, std::map<std::string, nlohmann::json>& images,
                      const std::function<bool(const ir::Resource&)>& include = {}) -> std::string;

// The same for every cloud.Function (descriptions with "function": true and
// the bundle's "trigger"), whose runtime serves Lambda's Runtime API.
auto AddFunctionImages(const ir::Program& program, const std::filesystem::path& app_dir,
                       const std::filesystem::path& runtime_binary, std::map<std::string, nlohmann::json>& images)
    -> std::string;

// The name of a runtime image and its context: the resource's path below
// root/Default, `/` as `-`, sanitized for Docker ("root/Default/jobs/Worker"
// -> "jobs-worker").
auto RuntimeImageName(const std::string& path) -> std::string;

}  // namespace wdsl
