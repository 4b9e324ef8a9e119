#include "runtime/lambda_events.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "ir/text.h"
#include "runtime/live_resource.h"

namespace wdsl::runtime {
namespace {

using Json = nlohmann::json;
using ir::Value;

auto Lower(std::string text) -> std::string {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// `%XX` and `+` of a query string component.
auto UrlDecode(std::string_view text) -> std::string {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "a=1&b=x%20y&a=2" -> a=2, b="x y" (first appearance order, last value wins, as the simulator).
auto QueryOf(const std::string& raw) -> std::vector<std::pair<std::string, Value>> {
  std::vector<std::pair<std::string, Value>> query;
  if (raw.empty()) return query;
  size_t start = 0;
  while (true) {
    size_t end = raw.find('&', start);
    std::string_view part(raw.data() + start, (end == std::string::npos ? raw.size() : end) - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key = UrlDecode(part.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1));
      auto it = std::find_if(query.begin(), query.end(), [&](const auto& entry) { return entry.first == key; });
      if (it == query.end()) {
        query.emplace_back(key, Value::Str(value));
      } else {
        it->second = Value::Str(value);
      }
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return query;
}

auto StringOr(const Json& object, const char* name, const std::string& fallback) -> std::string {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

auto ApiRequestFromEvent(const Json& event) -> Value {
  const Json* http = nullptr;
  if (event.is_object() && event.contains("requestContext") && event["requestContext"].is_object()) {
    auto it = event["requestContext"].find("http");
    if (it != event["requestContext"].end() && it->is_object()) http = &*it;
  }
  if (http == nullptr || !http->contains("method") || !event.contains("rawPath")) {
    throw std::runtime_error("the event is not an API Gateway HTTP API request (payload format 2.0: it needs "
                             "`rawPath` and `requestContext.http.method`); is the function's integration "
                             "`payload_format_version` 2.0?");
  }
  // Held in locals: items() of a temporary would dangle.
  const Json path_parameters = event.value("pathParameters", Json::object());
  const Json event_headers = event.value("headers", Json::object());
  const Json cookies = event.value("cookies", Json::array());
  std::vector<std::pair<std::string, Value>> vars;
  for (const auto& [name, value] : path_parameters.items()) {
    if (value.is_string()) vars.emplace_back(name, Value::Str(value.get<std::string>()));
  }
  std::vector<std::pair<std::string, Value>> headers;
  for (const auto& [name, value] : event_headers.items()) {
    if (value.is_string()) headers.emplace_back(Lower(name), Value::Str(value.get<std::string>()));
  }
  // Payload 2.0 moves the Cookie header into `cookies`.
  std::string cookie;
  for (const Json& item : cookies) {
    if (item.is_string()) cookie += (cookie.empty() ? "" : "; ") + item.get<std::string>();
  }
  if (!cookie.empty()) headers.emplace_back("cookie", Value::Str(cookie));
  std::string body = StringOr(event, "body", "");
  if (event.value("isBase64Encoded", false)) body = ir::Base64Decode(body, false);
  return Value::NewMap({{"method", Value::Str(StringOr(*http, "method", "GET"))},
                        {"path", Value::Str(StringOr(event, "rawPath", "/"))},
                        {"query", Value::NewMap(QueryOf(StringOr(event, "rawQueryString", "")), false)},
                        {"vars", Value::NewMap(std::move(vars), false)},
                        {"body", Value::Str(std::move(body))},
                        {"headers", Value::NewMap(std::move(headers), false)}},
                       false, "cloud.ApiRequest");
}

auto ApiResponseToEvent(const Value& response) -> Json {
  int status = 200;
  Value given = FieldOf(response, "status");
  if (given.kind == ir::ValueKind::kNum) {
    if (!(given.number >= 100 && given.number <= 599)) {
      throw std::runtime_error(fmt::format("the handler returned status {}, which is not an HTTP status (100-599)",
                                           ir::ToDisplayString(given)));
    }
    status = static_cast<int>(given.number);
  }
  Json headers = {{"content-type", "text/plain"}};
  Value headers_out = FieldOf(response, "headers");
  if (headers_out.kind == ir::ValueKind::kMap) {
    for (const auto& [key, value] : headers_out.map->entries) {
      std::string name = Lower(key);
      headers[name] = ir::ToDisplayString(value);
    }
  }
  Json out = {{"statusCode", status}, {"headers", headers}, {"isBase64Encoded", false}};
  Value body = FieldOf(response, "body");
  if (!body.IsNil()) out["body"] = ir::ToDisplayString(body);
  return out;
}

auto SqsRecordsOf(const Json& event) -> std::vector<SqsRecord> {
  if (!event.is_object() || !event.contains("Records") || !event["Records"].is_array()) {
    throw std::runtime_error("the event is not an SQS event (it has no `Records` array); a queue consumer's function "
                             "is invoked by its queue's event source mapping");
  }
  std::vector<SqsRecord> records;
  for (const Json& record : event["Records"]) {
    if (!record.is_object() || !record.contains("messageId") || !record["messageId"].is_string() ||
        !record.contains("body") || !record["body"].is_string()) {
      throw std::runtime_error(fmt::format("SQS record {} has no string `messageId` and `body`", records.size() + 1));
    }
    records.push_back({record["messageId"].get<std::string>(), record["body"].get<std::string>()});
  }
  return records;
}

auto SqsBatchResponse(const std::vector<std::string>& failed_message_ids) -> Json {
  Json failures = Json::array();
  for (const std::string& id : failed_message_ids) failures.push_back({{"itemIdentifier", id}});
  return {{"batchItemFailures", failures}};
}

}  // namespace wdsl::runtime
