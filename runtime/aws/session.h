// One runtime's connection to AWS: its environment, region and credentials,
// and the call every client makes through it. A call that AWS answers with
// an error becomes an AwsError that names the service, the operation, AWS's
// error code and message, and for a denied call the IAM actions the role
// lacks.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/aws/aws_env.h"
#include "runtime/aws/credentials.h"
#include "runtime/aws/http.h"

namespace wdsl::runtime::aws {

struct AwsError : std::runtime_error {
  AwsError(const std::string& message, std::string code, long status)
      : std::runtime_error(message), code(std::move(code)), status(status) {}
  std::string code;  // "NoSuchKey", "AccessDenied", "QueueDoesNotExist", ...
  long status = 0;   // the HTTP status
};

// The IAM actions that allow `operation` of `service` (kS3, "GetObject" ->
// {"s3:GetObject"}). Also what the runtime's docs and permissions test use.
auto IamActionsFor(const Service& service, const std::string& operation) -> std::vector<std::string>;

class AwsSession {
 public:
  // Throws when `env` names no region.
  explicit AwsSession(Env env, std::function<Clock::time_point()> now = Clock::now);

  auto Region() const -> const std::string& { return region_; }
  auto Environment() const -> const Env& { return env_; }
  auto Endpoint(const Service& service) const -> std::string { return EndpointFor(env_, service, region_); }
  auto Credentials() -> CredentialChain& { return credentials_; }

  // Signs and sends `request` to `service`; returns a 2xx answer, throws
  // AwsError for any other status and std::runtime_error when none came.
  auto Call(const Service& service, const std::string& operation, const HttpRequest& request) -> HttpResponse;

 private:
  Env env_;
  std::string region_;
  CredentialChain credentials_;
};

// The AwsError for a non-2xx `response` of `operation` (exposed for tests).
auto ErrorFromResponse(const Service& service, const std::string& operation, const HttpResponse& response,
                       const std::string& credential_source) -> AwsError;

}  // namespace wdsl::runtime::aws
