// `cloud.Function.invoke` and `invokeAsync` on AWS: Lambda's Invoke
// (POST /2015-03-31/functions/<name>/invocations, SigV4 service `lambda`),
// synchronous (RequestResponse) or queued (Event). A function whose handler
// threw answers 200 with X-Amz-Function-Error and Lambda's error JSON; that
// becomes an error carrying the handler's message, as in the simulator.
#pragma once

#include <optional>
#include <string>

#include "runtime/aws/session.h"

namespace wdsl::runtime::aws {

inline constexpr Service kLambda{"Lambda", "lambda", "LAMBDA", "lambda"};

// Invokes `function` (a name or ARN) with `payload` (JSON text, "" for
// none). Synchronous: the handler's result (JSON text, "null" for none);
// asynchronous: nullopt once Lambda queued the event. Throws AwsError when
// Lambda refuses the call, std::runtime_error when the handler threw.
auto InvokeFunction(AwsSession& session, const std::string& function, const std::string& payload, bool async)
    -> std::optional<std::string>;

}  // namespace wdsl::runtime::aws
