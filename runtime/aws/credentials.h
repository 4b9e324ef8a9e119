// Where the runtime's AWS credentials come from, in the order of the AWS
// SDKs' default chain (for the sources a container has):
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//   2. EKS IRSA: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, exchanged with
//      STS AssumeRoleWithWebIdentity (an unsigned call);
//   3. ECS (and EKS Pod Identity) container credentials:
//      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on http://169.254.170.2, or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN
//      (or _TOKEN_FILE) as its Authorization header.
// Temporary credentials are cached and fetched again shortly before their
// Expiration (docs/aws-runtime.md).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/aws/aws_env.h"

namespace wdsl::runtime::aws {

using Clock = std::chrono::system_clock;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;                // "" for long-term keys
  std::optional<Clock::time_point> expires;  // nullopt: never
  std::string source;                       // for messages: "environment", "ECS container credentials", ...
};

// Fetched again this long before they expire, so no request is signed with
// credentials that run out on the way (the SDKs use a few minutes too).
inline constexpr std::chrono::minutes kRefreshBefore{5};

class CredentialChain {
 public:
  // `now` is the clock (tests move it); `region` chooses the STS endpoint.
  CredentialChain(Env env, std::string region, std::function<Clock::time_point()> now = Clock::now);
  // The current credentials, loaded on first use and again when they are
  // within kRefreshBefore of expiring. Thread-safe. Throws std::runtime_error
  // saying which sources were tried and what to set.
  auto Get() -> Credentials;

 private:
  auto Load() -> Credentials;
  auto FromWebIdentity() -> Credentials;
  auto FromContainer() -> Credentials;

  Env env_;
  std::string region_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;
};

// "2024-05-01T12:00:00Z" (also with fractional seconds or a +00:00 offset)
// as a time point; nullopt when it is not such a UTC time.
auto ParseAwsTime(const std::string& text) -> std::optional<Clock::time_point>;

}  // namespace wdsl::runtime::aws
