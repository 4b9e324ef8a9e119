// `--target cpln` (c:backends, c:bindings, c:endpoints, c:autoscaling):
// Control Plane (controlplane.com) objects for `cpln apply -f`: a GVC in
// the platform's locations, one workload per `containers.Workload` (its
// containers, ports, probes, scaling and firewall), an identity and policy
// per workload that reads secrets or AWS resources, and a domain holding
// the app's routes. The AWS side of an identity, a customer-managed IAM
// policy with exactly the permissions pass's actions, is created by the
// `aws-iam.sh` written beside it. docs/cpln.md maps every WorkloadProps field.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

struct CplnOptions {
  std::string org;                     // required
  std::string gvc;                     // default: the app's name
  std::vector<std::string> locations;  // required: the GVC's static placement (aws-us-west-2, ...)
  std::string workload_type;           // "standard" (default) or "serverless"
  std::string domain;                  // the routes' domain; without it routes are not written (a warning)
  std::string cloud_account;           // required when a workload binds AWS resources
  std::string registry;  // local images: <registry>/<app>-<name>:<hash> (default: the org's, /org/<org>/image)
};

struct CplnResult {
  OutputFiles files;                  // cpln.yaml, and aws-iam.sh when an identity needs AWS access
  std::vector<std::string> notes;     // what to do before or after `cpln apply`
  std::vector<std::string> warnings;  // props Control Plane cannot express, and what was done instead
  std::vector<std::string> errors;    // missing platform values and props that cannot be deployed
};

auto EmitCpln(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
              const CplnOptions& options) -> CplnResult;

// Where `wdsl build --push` sends local images: `options.registry`, or the
// org's registry `<org>.registry.cpln.io`; "" without an org.
auto CplnPushRegistry(const CplnOptions& options) -> std::string;

}  // namespace wdsl
