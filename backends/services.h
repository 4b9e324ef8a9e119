// How the deployment backends (helm, k8s, ecs, tf-aws) deploy a
// `cloud.Service` (c:cloud-service): as a `containers.Workload` of the
// service's image (cli/service_images.h: wdsl-runtime and the service's
// bundle), so each backend emits it with the code it has for workloads.
// The workload keeps the service's lifts and permissions (its role gets
// exactly the permissions pass's statements) and binds every resource the
// service lifts, so their connection info is in its environment
// (`WING_<ID>_NAME`, `_TYPE`); `WDSL_RESOURCE_BACKEND=aws` tells the runtime
// to call the cloud's APIs. Replicas come from the service's `replicas`,
// or `autoscaling` as for a workload. Readiness and liveness run
// `wdsl-runtime --ready-check` (ready once the start handler has returned).
// Deploy-time tokens the target can resolve (ir::DeployTokenValue) are
// resolved in `env` and passed to the runtime in WDSL_TOKENS.
#pragma once

#include <nlohmann/json.hpp>

#include "ir/ir.h"

namespace wdsl {

// A binding per resource `host` lifts, as a workload's `bindings` prop:
// {"<NAME>": {"resource": {"$resource": path}, "ops": [...]}}, named by the
// resource's id in upper case (`_` for the rest), or by its path below
// root/Default when two lifted resources share an id - the names
// wdsl-runtime looks up (`WING_<NAME>_NAME`, `_TYPE`).
auto LiftBindings(const ir::Program& program, const ir::Resource& host) -> nlohmann::json;

// A copy of `program` with every cloud.Service replaced by such a workload
// (same path, so the images pass's description of it applies), and the
// deploy-time tokens in every workload's props that `target` can resolve
// resolved (`env: {"DB": db.internalUrl}` on helm and k8s; the driver
// rejects the others, E0603).
auto ServicesAsWorkloads(const ir::Program& program, const std::string& target) -> ir::Program;

}  // namespace wdsl
