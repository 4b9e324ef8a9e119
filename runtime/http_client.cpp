#include "runtime/http_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <regex>
#include <set>

#include "ir/eval.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {

using ir::Value;

auto CallHttp(const std::string& function, std::vector<Value>& args) -> std::optional<Value> {
  static const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete", "connect", "trace"};
  if (function != "fetch" && kMethods.count(function) == 0) return std::nullopt;
  std::string url = StrArg(args, 0, "url");
  const Value& options = Arg(args, 1);
  std::string method = function == "fetch" ? "GET" : function;
  if (Value m = FieldOf(options, "method"); m.kind == ir::ValueKind::kStr) method = m.AsStr();
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });

  static const std::regex kUrl(R"(^(https?)://([^/?#]+)([^#]*))", std::regex::icase);
  std::smatch parts;
  if (!std::regex_search(url, parts, kUrl)) {
    Fail(fmt::format("cannot fetch \"{}\": only absolute http:// and https:// URLs are supported", url));
  }
  httplib::Client client(parts[1].str() + "://" + parts[2].str());
  client.set_connection_timeout(10);
  double timeout = 60;
  if (Value t = FieldOf(options, "timeout"); t.kind == ir::ValueKind::kDuration && t.number > 0) {
    timeout = std::min(t.number, 86400.0);
  }
  client.set_read_timeout(static_cast<time_t>(timeout), static_cast<time_t>((timeout - static_cast<time_t>(timeout)) * 1e6));
  Value redirect = FieldOf(options, "redirect");
  client.set_follow_location(redirect.kind != ir::ValueKind::kStr || redirect.AsStr() == "FOLLOW");

  httplib::Request request;
  request.method = method;
  request.path = parts[3].str().empty() ? "/" : parts[3].str();
  if (Value headers = FieldOf(options, "headers"); headers.kind == ir::ValueKind::kMap) {
    for (const auto& [key, value] : headers.map->entries) request.headers.emplace(key, ir::ToDisplayString(value));
  }
  if (Value body = FieldOf(options, "body"); body.kind == ir::ValueKind::kStr) {
    request.body = body.AsStr();
    if (!request.has_header("Content-Type")) request.headers.emplace("Content-Type", "text/plain");
  }
  httplib::Result result = client.send(request);
  if (!result) Fail(fmt::format("fetch failed: {} {}: {}", method, url, httplib::to_string(result.error())));
  std::vector<std::pair<std::string, Value>> headers;
  for (const auto& [key, value] : result->headers) {
    std::string name = key;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    headers.emplace_back(std::move(name), Value::Str(value));
  }
  int status = result->status;
  return Value::NewMap({{"status", Value::Num(status)},
                        {"url", Value::Str(url)},
                        {"ok", Value::Bool(status >= 200 && status < 300)},
                        {"headers", Value::NewMap(std::move(headers), false)},
                        {"body", Value::Str(result->body)}},
                       false, "http.Response");
}

}  // namespace wdsl::runtime
