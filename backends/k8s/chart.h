// The Kubernetes backends (c:backends, c:environment, c:endpoints,
// c:autoscaling, c:bindings): `--target helm` writes a chart that follows
// `helm create`'s conventions, and `--target k8s` writes the objects that
// chart renders with its default values, byte for byte what
// `helm template <app> <chart>` prints. Both come from one writer that runs
// in two modes, so they cannot drift apart. docs/kubernetes.md maps every
// WorkloadProps field.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

struct ChartOptions {
  // Prefix of local images: `<registry>/<app>-<name>:<hash>` (values: global.registry).
  std::string registry;
};

// `<app>/Chart.yaml`, `values.yaml`, `templates/...` (paths under the chart's folder).
auto EmitHelm(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
              const ChartOptions& options) -> OutputFiles;

// The values.yaml key of a workload or resource name ("my-web" -> "myWeb").
auto ChartValuesKey(const std::string& name) -> std::string;

// `manifests.yaml`: the chart rendered with its defaults, release name = app.
auto EmitK8s(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
             const ChartOptions& options) -> OutputFiles;

}  // namespace wdsl
