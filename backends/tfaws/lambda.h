// The serverless half of `--target tf-aws` (issue 9): every `cloud.Function`
// - a function of its own, a queue's consumer, an Api's route handler - as
// an AWS Lambda function of its runtime image (cli/service_images.h,
// runtime/lambda_runtime.h), and every `cloud.Api` as an API Gateway HTTP
// API in front of its handlers' functions:
//   aws_lambda_function        package_type Image, image_uri the pushed image,
//                              timeout, memory_size, env (the function's own,
//                              WDSL_RESOURCE_BACKEND=aws, WING_<NAME>_NAME/_TYPE)
//   aws_iam_role (+ policy)    per function; its policy is exactly the
//                              permissions pass's statements; logs through
//                              AWSLambdaBasicExecutionRole
//   aws_cloudwatch_log_group   /aws/lambda/<name>, logRetentionDays
//   aws_lambda_event_source_mapping  per consumer (batch size, partial batch responses)
//   aws_apigatewayv2_api/_stage/_integration/_route, aws_lambda_permission  per Api
//   aws_cloudwatch_event_rule/_target, aws_lambda_permission  per function a
//                              cloud.Schedule ticks (EventBridge rate or cron)
// docs/tf-aws.md says what each prop becomes.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl {

struct LambdaRefs {
  std::string app;
  // A reference to the ARN of a bound resource's block, or "".
  std::function<std::string(const ir::Resource&)> arn_of;
  // What WING_<NAME>_NAME says: bucket, queue URL, table or secret name.
  std::function<std::string(const ir::Resource&)> name_of;
  // An image's tag without its `wdsl-` prefix -> the pushed image's name.
  std::map<std::string, std::string> image_refs;
};

// Adds the blocks above to `root` (Terraform JSON). A function without an
// image in `images` is an error (the build writes one for each), as is a
// schedule EventBridge cannot express (a rate below a minute, a cron naming
// both a day of the month and a day of the week).
void EmitLambdas(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
                 const LambdaRefs& refs, nlohmann::json& root, std::vector<std::string>& notes,
                 std::vector<std::string>& errors);

}  // namespace wdsl
