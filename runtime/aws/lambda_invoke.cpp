#include "runtime/aws/lambda_invoke.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wdsl::runtime::aws {

auto InvokeFunction(AwsSession& session, const std::string& function, const std::string& payload, bool async)
    -> std::optional<std::string> {
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}/2015-03-31/functions/{}/invocations", session.Endpoint(kLambda), UriEncode(function));
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Amz-Invocation-Type", async ? "Event" : "RequestResponse"}};
  request.body = payload.empty() ? "null" : payload;
  HttpResponse response = session.Call(kLambda, "Invoke", request);
  if (async) return std::nullopt;
  auto failed = response.headers.find("x-amz-function-error");
  if (failed != response.headers.end()) {
    // Lambda's error JSON: {"errorMessage", "errorType", ...}.
    nlohmann::json error = nlohmann::json::parse(response.body, nullptr, false);
    std::string message = error.is_object() ? error.value("errorMessage", response.body) : response.body;
    throw std::runtime_error(fmt::format("the function `{}` failed ({}): {}", function, failed->second, message));
  }
  return response.body.empty() ? "null" : response.body;
}

}  // namespace wdsl::runtime::aws
