// How the deployment backends (helm, k8s, ecs, tf-aws) deploy a
// `cloud.Service` (c:cloud-service): as a `containers.Workload` of the
// service's image (cli/service_images.h: wdsl-runtime and the service's
// bundle), so each backend emits it with the code it has for workloads.
// The workload keeps the service's lifts and permissions (its role gets
// exactly the permissions pass's statements) and binds every resource the
// service lifts, so their connection info is in its environment
// (`WING_<ID>_NAME`, `_TYPE`); `WDSL_RESOURCE_BACKEND=aws` tells the runtime
// to call the cloud's APIs. Replicas come from the service's `replicas`.
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
// (same path, so the images pass's description of it applies).
auto ServicesAsWorkloads(const ir::Program& program) -> ir::Program;

}  // namespace wdsl
