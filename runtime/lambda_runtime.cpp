#include "runtime/lambda_runtime.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cstdlib>

#include "ir/json.h"
#include "ir/json_text.h"
#include "runtime/lambda_events.h"

namespace wdsl::runtime {
namespace {

using Json = nlohmann::json;

constexpr const char* kApiVersion = "/2018-06-01";
// Lambda freezes the process between invocations; `next` may wait that long.
constexpr int kNextTimeoutSeconds = 12 * 60 * 60;

auto MakeClient(const std::string& runtime_api) -> std::unique_ptr<httplib::Client> {
  auto client = std::make_unique<httplib::Client>("http://" + runtime_api);
  client->set_keep_alive(true);
  client->set_connection_timeout(10);
  client->set_read_timeout(kNextTimeoutSeconds);
  return client;
}

// Posts `body` to `path`; "" or what went wrong.
auto Post(httplib::Client& client, const std::string& path, const std::string& body, const httplib::Headers& headers)
    -> std::string {
  httplib::Result result = client.Post(kApiVersion + path, headers, body, "application/json");
  if (!result) return fmt::format("POST {} failed: {}", path, httplib::to_string(result.error()));
  if (result->status != 202) return fmt::format("POST {} answered {}: {}", path, result->status, result->body);
  return "";
}

}  // namespace

auto LambdaError::ToJson() const -> Json {
  return {{"errorMessage", message}, {"errorType", type}, {"stackTrace", Json::array()}};
}

FunctionRuntime::FunctionRuntime(ir::Bundle bundle, std::unique_ptr<ResourceBackend> backend, RemoteLog log)
    : bundle_(std::move(bundle)),
      backend_(std::move(backend)),
      host_(bundle_.program, *backend_, std::move(log)),
      interp_(bundle_.program, host_) {
  const ir::Resource* function = bundle_.program.FindResource(bundle_.function);
  if (function != nullptr) {
    handler_ = ir::ValueFromJson(function->props.value("handler", Json()), &bundle_.program);
  }
}

auto FunctionRuntime::Invoke(const std::string& event, LambdaError& error) -> std::optional<std::string> {
  if (handler_.kind != ir::ValueKind::kClosure) {
    error = {"wdsl.NoHandler", fmt::format("the function `{}` has no inflight handler in its bundle", bundle_.function)};
    return std::nullopt;
  }
  std::string where = bundle_.function;
  try {
    if (bundle_.trigger == "invoke") {
      // A cloud.Function's handler takes Json? and returns Json?.
      std::string parse_error;
      std::optional<ir::Value> payload =
          event.empty() ? ir::Value::Nil() : ir::ParseJson(event, false, &parse_error);
      if (!payload) throw std::runtime_error("the invocation's payload is not JSON: " + parse_error);
      ir::Value result = interp_.Call(handler_, {*payload});
      return result.IsNil() ? "null" : ir::StringifyJson(result);
    }
    if (bundle_.trigger == "schedule") {
      // EventBridge's event says only when; a tick handler takes nothing.
      interp_.Call(handler_, {});
      return "null";
    }
    Json parsed = Json::parse(event, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw std::runtime_error("the invocation's event is not JSON");
    if (bundle_.trigger == "queue") return InvokeQueue(parsed);
    where = fmt::format("{} {}", parsed.value("/requestContext/http/method"_json_pointer, std::string("?")),
                        parsed.value("rawPath", std::string("?")));
    return InvokeApi(parsed);
  } catch (const std::exception& thrown) {
    bool wing = dynamic_cast<const ir::ThrownError*>(&thrown) != nullptr;
    error = {wing ? "wdsl.HandlerError" : "wdsl.EventError", DescribeError(thrown)};
    host_.Log().err(fmt::format("error: {}: {}", where, error.message));
    return std::nullopt;
  }
}

auto FunctionRuntime::InvokeApi(const Json& event) -> std::string {
  ir::Value request = ApiRequestFromEvent(event);
  return ApiResponseToEvent(interp_.Call(handler_, {request})).dump();
}

auto FunctionRuntime::InvokeQueue(const Json& event) -> std::string {
  std::vector<std::string> failed;
  for (const SqsRecord& record : SqsRecordsOf(event)) {
    try {
      interp_.Call(handler_, {ir::Value::Str(record.body)});
    } catch (const std::exception& thrown) {
      host_.Log().err(fmt::format("error: {}: message {}: {}", bundle_.function, record.message_id,
                                  DescribeError(thrown)));
      failed.push_back(record.message_id);
    }
  }
  return SqsBatchResponse(failed).dump();
}

auto RunLambdaLoop(const std::string& runtime_api, FunctionRuntime& function, const RemoteLog& log,
                   int max_invocations) -> int {
  std::unique_ptr<httplib::Client> client = MakeClient(runtime_api);
  for (int count = 0; max_invocations == 0 || count < max_invocations; ++count) {
    httplib::Result next = client->Get(std::string(kApiVersion) + "/runtime/invocation/next");
    if (!next || next->status != 200) {
      log.err(fmt::format("error: cannot get the next invocation from the Lambda Runtime API at {}: {}", runtime_api,
                          next ? fmt::format("status {}: {}", next->status, next->body)
                               : httplib::to_string(next.error())));
      return 1;
    }
    std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
    if (id.empty()) {
      log.err("error: the Lambda Runtime API's invocation has no Lambda-Runtime-Aws-Request-Id header");
      return 1;
    }
    // The X-Ray trace of this invocation, where Lambda's own runtimes put it.
    std::string trace = next->get_header_value("Lambda-Runtime-Trace-Id");
    if (trace.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", trace.c_str(), 1);
    }
    LambdaError error;
    std::optional<std::string> response = function.Invoke(next->body, error);
    std::string problem =
        response ? Post(*client, fmt::format("/runtime/invocation/{}/response", id), *response, {})
                 : Post(*client, fmt::format("/runtime/invocation/{}/error", id), error.ToJson().dump(),
                        {{"Lambda-Runtime-Function-Error-Type", error.type}});
    if (!problem.empty()) {
      log.err("error: the Lambda Runtime API refused the result of invocation " + id + ": " + problem);
      return 1;
    }
  }
  return 0;
}

auto ReportInitError(const std::string& runtime_api, const LambdaError& error, const RemoteLog& log) -> bool {
  std::unique_ptr<httplib::Client> client = MakeClient(runtime_api);
  std::string problem = Post(*client, "/runtime/init/error", error.ToJson().dump(),
                             {{"Lambda-Runtime-Function-Error-Type", error.type}});
  if (!problem.empty()) log.err("error: cannot report the init error to the Lambda Runtime API: " + problem);
  return problem.empty();
}

}  // namespace wdsl::runtime
