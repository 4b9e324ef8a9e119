// What the runtime reads from its environment to reach AWS: the region, and
// endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, as the
// AWS SDKs read them), which is how tests point the clients at stand-ins.
// The environment is passed as a map, so tests never touch the process's.
#pragma once

#include <map>
#include <string>

namespace wdsl::runtime::aws {

using Env = std::map<std::string, std::string>;

// A snapshot of the process environment.
auto ProcessEnv() -> Env;
// The value of `name` in `env`, "" when unset.
auto EnvValue(const Env& env, const std::string& name) -> std::string;

// One AWS service as the clients call it.
struct Service {
  const char* name;          // for messages: "S3", "Secrets Manager"
  const char* signing_name;  // SigV4 service and IAM prefix: "s3", "secretsmanager"
  const char* env_suffix;    // AWS_ENDPOINT_URL_<this>: "S3", "SECRETS_MANAGER"
  const char* host_prefix;   // <this>.<region>.amazonaws.com
};

inline constexpr Service kS3{"S3", "s3", "S3", "s3"};
inline constexpr Service kSqs{"SQS", "sqs", "SQS", "sqs"};
inline constexpr Service kDynamoDb{"DynamoDB", "dynamodb", "DYNAMODB", "dynamodb"};
inline constexpr Service kSecretsManager{"Secrets Manager", "secretsmanager", "SECRETS_MANAGER", "secretsmanager"};
inline constexpr Service kSts{"STS", "sts", "STS", "sts"};

// AWS_REGION, else AWS_DEFAULT_REGION; throws std::runtime_error naming both
// when neither is set (ECS and EKS set AWS_REGION in every container).
auto RegionFrom(const Env& env) -> std::string;

// The base URL (no trailing `/`) of `service`: AWS_ENDPOINT_URL_<SERVICE>,
// else AWS_ENDPOINT_URL, else https://<prefix>.<region>.amazonaws.com.
auto EndpointFor(const Env& env, const Service& service, const std::string& region) -> std::string;
// Whether the endpoint of `service` was overridden (S3 then uses path-style
// URLs, since a stand-in has no per-bucket host names).
auto EndpointOverridden(const Env& env, const Service& service) -> bool;

}  // namespace wdsl::runtime::aws
