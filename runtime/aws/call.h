// The integration point of the in-container runtime: a Wing inflight
// operation on a bound resource (`bucket.put(k, v)`) carried out with the
// AWS service behind it. The runtime makes one AwsClients at start when it
// runs on AWS (docs/aws-runtime.md) and calls CallAws for each operation.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ir/value.h"
#include "runtime/aws/json_services.h"
#include "runtime/aws/s3.h"
#include "runtime/aws/session.h"

namespace wdsl::runtime::aws {

// A resource as a workload's environment names it (backends/ecs, k8s):
// WING_<NAME>_TYPE, WING_<NAME>_NAME (bucket name, queue URL or name, table
// name, secret name, function name) and, for a secret ECS injected, WING_<NAME>_SECRET.
struct AwsBinding {
  std::string type;  // "cloud.Bucket"
  std::string name;
  std::optional<std::string> secret_value;
  nlohmann::json props = nlohmann::json::object();  // the resource's IR props, when the runtime has them
};

// The binding `binding` ("UPLOADS") of `env`; nullopt when it has neither
// _TYPE/_NAME nor _SECRET.
auto BindingFromEnv(const Env& env, const std::string& binding) -> std::optional<AwsBinding>;

class AwsClients {
 public:
  // Throws std::runtime_error when `env` names no region.
  explicit AwsClients(Env env, std::function<Clock::time_point()> now = Clock::now);
  auto Session() -> AwsSession& { return session_; }
  auto S3() -> S3Client& { return s3_; }
  auto Sqs() -> SqsClient& { return sqs_; }
  auto Counter() -> DynamoDbCounter& { return counter_; }

 private:
  AwsSession session_;
  S3Client s3_;
  SqsClient sqs_;
  DynamoDbCounter counter_;
};

// Runs `operation` of a `resource_type` resource (cloud.Bucket, cloud.Queue,
// cloud.Counter, cloud.Secret, cloud.Function) with `args` as the evaluator passes them, and
// returns the Wing result. Every failure, AWS's included, is thrown as
// ir::ThrownError (catchable by Wing's `try`), naming the resource, the
// operation and what to do.
auto CallAws(AwsClients& clients, const std::string& resource_type, const std::string& operation,
             const std::vector<ir::Value>& args, const AwsBinding& binding) -> ir::Value;

// The AWS calls (service, operation) that `operation` of `resource_type`
// makes; empty for one CallAws does not know. The docs' table and the
// permissions test read this.
auto AwsCallsOf(const std::string& resource_type, const std::string& operation)
    -> std::vector<std::pair<const Service*, std::string>>;

}  // namespace wdsl::runtime::aws
