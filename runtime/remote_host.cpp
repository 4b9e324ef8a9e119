#include "runtime/remote_host.h"

#include "runtime/aws/aws_env.h"

#include <fmt/format.h>
#include <httplib.h>

#include <regex>

#include "ir/json.h"
#include "runtime/http_client.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {

// ------------------------------------------------------------ Resource API

struct ResourceApiBackend::Impl {
  std::string base;    // scheme://host:port
  std::string prefix;  // a path before /v1, without a trailing slash
  std::string token;
  std::mutex mutex;    // one connection, kept alive; calls come from the service's threads one at a time
  std::unique_ptr<httplib::Client> client;
};

ResourceApiBackend::ResourceApiBackend(std::string url, std::string token) : impl_(std::make_unique<Impl>()) {
  static const std::regex kUrl(R"(^(https?://[^/?#]+)(/[^?#]*)?$)", std::regex::icase);
  std::smatch parts;
  if (std::regex_match(url, parts, kUrl)) {
    impl_->base = parts[1].str();
    impl_->prefix = parts[2].str();
    while (!impl_->prefix.empty() && impl_->prefix.back() == '/') impl_->prefix.pop_back();
  }
  impl_->token = std::move(token);
  if (!impl_->base.empty()) {
    impl_->client = std::make_unique<httplib::Client>(impl_->base);
    impl_->client->set_keep_alive(true);
    impl_->client->set_tcp_nodelay(true);
    impl_->client->set_connection_timeout(10);
    impl_->client->set_read_timeout(300);
  }
}

ResourceApiBackend::~ResourceApiBackend() = default;

auto ResourceApiBackend::Call(const ir::Resource& resource, const std::string& operation, const nlohmann::json& args)
    -> nlohmann::json {
  if (!impl_->client) Fail("WDSL_RESOURCE_API_URL is not an http:// or https:// URL");
  std::string path = fmt::format("{}/v1/{}/{}", impl_->prefix, resource.path, operation);
  std::string body = nlohmann::json{{"args", args}}.dump();
  httplib::Headers headers;
  if (!impl_->token.empty()) headers.emplace("Authorization", "Bearer " + impl_->token);
  std::unique_lock lock(impl_->mutex);
  httplib::Result result = impl_->client->Post(path, headers, body, "application/json");
  lock.unlock();
  if (!result) {
    Fail(fmt::format("cannot reach the Resource API at {} for `{}.{}`: {}", impl_->base, resource.path, operation,
                     httplib::to_string(result.error())));
  }
  nlohmann::json answer = nlohmann::json::parse(result->body, nullptr, false);
  if (result->status == 200 && answer.is_object() && answer.contains("result")) return answer["result"];
  std::string message = answer.is_object() && answer.contains("error") && answer["error"].is_string()
                            ? answer["error"].get<std::string>()
                            : result->body;
  // 500 is the operation's own error (`Object does not exist`), as Wing code expects it.
  if (result->status == 500) Fail(message);
  Fail(fmt::format("the Resource API refused `{}.{}` ({}): {}", resource.path, operation, result->status, message));
}

auto MakeResourceBackend(const EnvLookup& env, std::string& error) -> std::unique_ptr<ResourceBackend> {
  std::string kind = env("WDSL_RESOURCE_BACKEND");
  if (kind.empty() || kind == "resource-api") {
    std::string url = env("WDSL_RESOURCE_API_URL");
    if (url.empty()) {
      error = "WDSL_RESOURCE_API_URL is not set: the service needs the Resource API's URL (`wdsl run` sets it, with "
              "WDSL_RESOURCE_API_TOKEN, for services that run in containers)";
      return nullptr;
    }
    static const std::regex kUrl(R"(^https?://[^/?#]+(/[^?#]*)?$)", std::regex::icase);
    if (!std::regex_match(url, kUrl)) {
      error = fmt::format("WDSL_RESOURCE_API_URL `{}` is not an http:// or https:// URL such as "
                          "http://172.18.0.1:41235",
                          url);
      return nullptr;
    }
    return std::make_unique<ResourceApiBackend>(url, env("WDSL_RESOURCE_API_TOKEN"));
  }
  if (kind == "aws") return MakeAwsBackend(aws::ProcessEnv(), error);
  error = fmt::format("WDSL_RESOURCE_BACKEND `{}` is unknown: expected `resource-api` (the default) or `aws`", kind);
  return nullptr;
}

// ------------------------------------------------------------ the Host

auto DescribeError(const std::exception& error) -> std::string {
  if (const auto* thrown = dynamic_cast<const ir::ThrownError*>(&error); thrown != nullptr && !thrown->trace.empty()) {
    const ir::SourcePos& pos = thrown->trace.front().pos;
    return fmt::format("{} ({}:{}:{})", thrown->what(), pos.file, pos.line, pos.col);
  }
  return error.what();
}

RemoteHost::RemoteHost(const ir::Program& program, ResourceBackend& backend, RemoteLog log)
    : program_(program), backend_(backend), log_(std::move(log)) {}

auto RemoteHost::NewResource(ir::Interpreter&, const std::string& type, std::vector<ir::Value>, const ir::Value&,
                             const ir::Value&, const ir::SourcePos&) -> ir::Value {
  Fail(fmt::format("cannot create a `{}` in inflight code: resources are created in preflight code", type));
}

auto RemoteHost::BeginInstance(ir::Interpreter&, const std::string& type, const ir::Value&, const ir::Value&,
                               const ir::SourcePos&) -> std::shared_ptr<const ir::ResourceRef> {
  Fail(fmt::format("cannot create a `{}` in inflight code: preflight classes are created in preflight code", type));
}

auto RemoteHost::CallResource(ir::Interpreter&, const ir::Value& resource, const std::string& method,
                              std::vector<ir::Value> args, const ir::SourcePos&) -> ir::Value {
  if (resource.kind != ir::ValueKind::kResource || !resource.resource) Fail("`" + method + "` called on a non-resource");
  const ir::Resource* target = program_.FindResource(resource.resource->path);
  if (target == nullptr) Fail(fmt::format("`{}` is not in the service's bundle", resource.resource->path));
  nlohmann::json encoded = nlohmann::json::array();
  for (size_t i = 0; i < args.size(); ++i) {
    std::string error;
    std::optional<nlohmann::json> json = ir::ValueToJson(args[i], &error);
    if (!json) Fail(fmt::format("argument {} of `{}.{}` cannot be sent: {}", i + 1, target->id, method, error));
    encoded.push_back(std::move(*json));
  }
  return ir::ValueFromJson(backend_.Call(*target, method, encoded), &program_);
}

auto RemoteHost::GetResourceField(ir::Interpreter&, const ir::Value& resource, const std::string& name,
                                  const ir::SourcePos&) -> ir::Value {
  if (resource.kind != ir::ValueKind::kResource || !resource.resource) Fail("`" + name + "` read from a non-resource");
  const ir::Resource* target = program_.FindResource(resource.resource->path);
  if (target == nullptr) Fail(fmt::format("`{}` is not in the service's bundle", resource.resource->path));
  if (auto it = target->fields.find(name); it != target->fields.end()) return ir::ValueFromJson(*it, &program_);
  if (auto it = target->props.find(name); it != target->props.end()) return ir::ValueFromJson(*it, &program_);
  if (program_.FindClass(target->type) != nullptr) return ir::Value::Nil();
  Fail(fmt::format("`{}` ({}) has no attribute `{}` outside the simulator", target->path, target->type, name));
}

auto RemoteHost::CallBuiltin(ir::Interpreter&, const std::string& name, std::vector<ir::Value>& args,
                             const ir::SourcePos&) -> std::optional<ir::Value> {
  if (name == "log") {
    std::string line;
    for (size_t i = 0; i < args.size(); ++i) line += (i > 0 ? " " : "") + ir::ToDisplayString(args[i]);
    log_.out(line);
    return ir::Value::Nil();
  }
  if (name.starts_with("http.")) return CallHttp(name.substr(5), args);
  return std::nullopt;
}

}  // namespace wdsl::runtime
