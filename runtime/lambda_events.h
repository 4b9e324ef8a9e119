// The events AWS Lambda hands a function of `wdsl-runtime` (function mode,
// runtime/lambda_runtime.h) as Wing values, and the handler's results as the
// responses Lambda expects, for the two triggers whose events have a shape:
//   queue  an SQS event ({"Records": [{"messageId", "body", ...}]}); each
//          record's body is one message for the consumer
//   api    an API Gateway HTTP API event, payload format 2.0, as a
//          `cloud.ApiRequest`; the `cloud.ApiResponse` back as the 2.0
//          response ({"statusCode", "headers", "body", "isBase64Encoded"})
// A `cloud.Function`'s own handler gets the event as Json and returns Json,
// which needs no mapping (ir/json_text.h).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ir/value.h"

namespace wdsl::runtime {

// A request as a cloud.Api handler sees it, as the simulator builds it
// (runtime/api.cpp): method, path, query (the last of repeated keys), vars
// (the route's `:name` segments), body (base64-decoded when the event says
// so) and headers (names in lower case; the event's `cookies` as `cookie`).
// Throws std::runtime_error naming what is missing when `event` is not an
// HTTP API 2.0 event.
auto ApiRequestFromEvent(const nlohmann::json& event) -> ir::Value;

// A handler's cloud.ApiResponse as a 2.0 response: status 200 when it has
// none, `content-type` text/plain unless the handler set one, no body when it
// has none. Throws std::runtime_error for a status outside 100-599.
auto ApiResponseToEvent(const ir::Value& response) -> nlohmann::json;

struct SqsRecord {
  std::string message_id;
  std::string body;
};

// The records of an SQS event. Throws std::runtime_error when `event` has no
// `Records` array or a record no string `messageId` and `body`.
auto SqsRecordsOf(const nlohmann::json& event) -> std::vector<SqsRecord>;

// The answer to an SQS event with partial batch responses
// (ReportBatchItemFailures): the ids of the records whose handling failed,
// so Lambda returns only those to the queue.
auto SqsBatchResponse(const std::vector<std::string>& failed_message_ids) -> nlohmann::json;

}  // namespace wdsl::runtime
