// Function mode of `wdsl-runtime`: one `cloud.Function` (a function's own
// handler, a queue consumer or an Api route handler; ir/bundle.h's
// `trigger`) run from its bundle as an AWS Lambda function packaged as a
// container image. The process is the function's runtime: it asks Lambda's
// Runtime API (AWS_LAMBDA_RUNTIME_API, "host:port") for the next invocation,
// runs the handler on its event (runtime/lambda_events.h) and posts the
// result, or Lambda's error JSON, back:
//   GET  /2018-06-01/runtime/invocation/next
//   POST /2018-06-01/runtime/invocation/<request id>/response | /error
//   POST /2018-06-01/runtime/init/error   (the bundle or environment is unusable)
// Invocations run one at a time in one interpreter, so module state lives
// as long as the execution environment, as in Lambda's own runtimes.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "ir/bundle.h"
#include "ir/eval.h"
#include "runtime/remote_host.h"

namespace wdsl::runtime {

// A failure as Lambda records it: {"errorMessage", "errorType", "stackTrace"}.
struct LambdaError {
  std::string type;
  std::string message;
  auto ToJson() const -> nlohmann::json;
};

class FunctionRuntime {
 public:
  // `bundle` must be a function bundle (bundle.function set).
  FunctionRuntime(ir::Bundle bundle, std::unique_ptr<ResourceBackend> backend, RemoteLog log);
  FunctionRuntime(const FunctionRuntime&) = delete;
  auto operator=(const FunctionRuntime&) -> FunctionRuntime& = delete;

  // Runs the handler on one event (the invocation's body, JSON text): the
  // response body, or nullopt and `error`. A queue consumer's records are
  // handled one by one; those that failed are named in the response
  // (ReportBatchItemFailures), so the invocation itself succeeds.
  auto Invoke(const std::string& event, LambdaError& error) -> std::optional<std::string>;

 private:
  auto InvokeApi(const nlohmann::json& event) -> std::string;
  auto InvokeQueue(const nlohmann::json& event) -> std::string;

  ir::Bundle bundle_;
  std::unique_ptr<ResourceBackend> backend_;
  RemoteHost host_;
  ir::Interpreter interp_;
  ir::Value handler_;
};

// Serves invocations from the Runtime API at `runtime_api` ("host:port")
// until `max_invocations` have run (0: for ever, as in Lambda). Returns 0,
// or 1 when the Runtime API cannot be reached or refuses a result (Lambda
// then starts a new execution environment).
auto RunLambdaLoop(const std::string& runtime_api, FunctionRuntime& function, const RemoteLog& log,
                   int max_invocations = 0) -> int;

// Posts `error` to the Runtime API's /runtime/init/error; false (and the
// reason on `log.err`) when that fails.
auto ReportInitError(const std::string& runtime_api, const LambdaError& error, const RemoteLog& log) -> bool;

}  // namespace wdsl::runtime
