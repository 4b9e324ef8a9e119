// `wdsl build --values platform.yaml`: settings of the platform an app is
// deployed to, kept out of main.w (a registry, a cluster, locations). Read
// with yaml-cpp; docs/cli.md lists the keys.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wdsl {

struct PlatformValues {
  std::string helm_registry;  // helm.registry: prefix of local images
  std::string containers_backend;  // containers.backend: where tf-aws runs workloads ("ecs"; default EKS)
  std::string eks_cluster;         // eks.clusterName: an existing cluster for tf-aws
  std::string eks_namespace;       // eks.namespace
  // ecs.*: where `--target ecs` deploys (backends/ecs/ecs.h, docs/ecs.md).
  struct Ecs {
    std::string region;
    std::string account_id;
    std::string cluster;
    std::string registry;
    std::string execution_role_arn;
    std::vector<std::string> subnets;
    std::vector<std::string> security_groups;
    bool assign_public_ip = false;
    std::map<std::string, std::string> target_groups;  // workload name -> target group ARN
    bool present = false;  // the file has an `ecs` section
  } ecs;
  // cpln.*: where `--target cpln` deploys (backends/cpln/cpln.h, docs/cpln.md).
  struct Cpln {
    std::string org;
    std::string gvc;
    std::vector<std::string> locations;
    std::string workload_type;  // standard | serverless
    std::string domain;
    std::string cloud_account;
    std::string registry;
  } cpln;
};

// Reads `path`; on a problem sets `error` (what, where, how to fix) and
// `exit_code` (2: cannot read the file, 1: its content is wrong).
auto ReadPlatformValues(const std::string& path, std::string& error, int& exit_code) -> std::optional<PlatformValues>;

}  // namespace wdsl
