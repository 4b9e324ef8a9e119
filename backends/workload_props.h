// What the deployment backends (k8s, ecs, cpln) read from a
// `containers.Workload`'s props, in one place so that they read it alike:
// its ports, list props, probe durations, bound resources and local images.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl {

// The strings of the array `props[name]`; empty when it is absent.
auto PropStrings(const nlohmann::json& props, const char* name) -> std::vector<std::string>;

struct WorkloadPort {
  int number = 0;
  std::string protocol;  // http, http2, grpc, tcp
};

// `ports`, or else `port` as one http port; empty without either.
auto WorkloadPorts(const nlohmann::json& props) -> std::vector<WorkloadPort>;

// A probe's duration field (`{"$duration": seconds}`) in seconds, or `fallback`.
auto ProbeSeconds(const nlohmann::json& probe, const char* name, double fallback) -> double;

struct WorkloadBinding {
  std::string name;  // the env prefix the program chose ("UPLOADS")
  const ir::Resource* target = nullptr;
};

// The resources of `bindings` (`{"$resource": path}` or `{"resource": ...,
// "ops": [...]}`), in the order of their names.
auto WorkloadBindings(const ir::Program& program, const nlohmann::json& props) -> std::vector<WorkloadBinding>;

// "<app>-<name>:<hash>" when `key` (a resource path, or "<path>#sidecar:<name>")
// has a local image (ir/images.h), else "".
auto LocalImageTag(const std::map<std::string, nlohmann::json>& images, const std::string& key) -> std::string;

// The name a bound cloud resource has in the cloud account, "<app>-<id>"
// as `--target tf-aws` creates it.
auto CloudResourceName(const std::string& app, const ir::Resource& resource) -> std::string;

}  // namespace wdsl
