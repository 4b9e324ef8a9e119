// `--target ecs` (c:backends, c:bindings, c:endpoints, c:autoscaling): per
// workload the exact input of ECS `RegisterTaskDefinition` (Fargate, or EC2
// when it needs a GPU) and of `CreateService`, the task role's IAM policy
// (exactly the permissions pass's actions on the bound resources' ARNs), and
// an `apply.sh` that registers and creates or updates them with the AWS CLI.
// docs/ecs.md maps every WorkloadProps field.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

struct EcsOptions {
  std::string region;
  std::string account_id;
  std::string cluster;   // default: the app's name
  std::string registry;  // local images: <registry>/<app>-<name>:<hash>
  std::string execution_role_arn;
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  bool assign_public_ip = false;
  std::map<std::string, std::string> target_groups;  // workload name -> target group ARN
};

struct EcsResult {
  OutputFiles files;
  std::vector<std::string> notes;   // decisions people should know (cpu/memory rounded up to Fargate sizes)
  std::vector<std::string> errors;  // missing platform values: what, and how to fix
};

auto EmitEcs(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
             const EcsOptions& options) -> EcsResult;

// How a task definition names what lies outside it; `--target ecs` gives
// literal ARNs, `--target tf-aws` Terraform references.
struct EcsRefs {
  std::string region;
  std::string execution_role_arn;
  std::function<std::string(const ir::Resource&)> arn;      // a bound resource's ARN
  std::function<std::string(const ir::Resource&)> name_of;  // what WING_<NAME>_NAME says (bucket, queue URL, table)
  std::function<std::string(const std::string&)> local_image;  // "<app>-<name>:<hash>" -> image reference
};

struct EcsTask {
  std::string name;    // the workload's
  std::string family;  // <app>-<name>
  nlohmann::json taskdef;     // RegisterTaskDefinition input, without taskRoleArn and tags
  nlohmann::json statements;  // the task role's IAM statements (empty: no role needed)
  std::vector<int> ports;
  bool gpu = false;
};

// One workload's task definition; nullopt (with an error) when it cannot run on ECS.
auto EcsTaskOf(const ir::Program& program, const ir::Resource& workload,
               const std::map<std::string, nlohmann::json>& images, const EcsRefs& refs,
               std::vector<std::string>& notes, std::vector<std::string>& errors) -> std::optional<EcsTask>;

// The smallest valid Fargate (cpu units, memory MiB) pair with at least
// `cpu` units and `memory` MiB; {0, 0} when nothing is that large.
auto FargateSize(int cpu, int memory) -> std::pair<int, int>;

}  // namespace wdsl
