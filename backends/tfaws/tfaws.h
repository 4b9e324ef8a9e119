// `--target tf-aws` (c:backends, c:publishing, c:bindings, c:endpoints,
// c:autoscaling, c:cluster): one Terraform JSON file, `main.tf.json`, with
// the app's bound resources (S3, SQS, DynamoDB, Secrets Manager), an ECR
// repository per local image and the image itself built and pushed during
// `terraform apply` (kreuzwerker/docker, tagged and triggered by the content
// hash), one IAM role per workload whose policy is exactly the permissions
// pass's output, and the workloads either on EKS (default: a cluster per
// app, or an existing one, and a helm_release of the --target helm chart,
// written beside it under chart/) or on ECS Fargate behind an ALB.
// docs/tf-aws.md says what each resource and prop becomes.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "backends/output.h"
#include "ir/ir.h"

namespace wdsl {

struct TfAwsOptions {
  std::string region = "us-east-1";  // default of the `region` variable
  std::string backend;               // containers.backend: "eks" (default) or "ecs"
  std::string eks_cluster;           // eks.clusterName: deploy to this existing cluster (no VPC, no cluster made)
  std::string eks_namespace = "default";  // eks.namespace: where the chart is installed
};

struct TfAwsResult {
  OutputFiles files;
  std::vector<std::string> notes;
  std::vector<std::string> errors;
};

// `main.tf.json`. Build contexts (relative to `app_dir`) are referenced
// relative to the output directory (`${path.module}/../../web`), so the
// output works in any checkout.
auto EmitTfAws(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
               const TfAwsOptions& options, const std::filesystem::path& app_dir,
               const std::filesystem::path& output_dir) -> TfAwsResult;

}  // namespace wdsl
