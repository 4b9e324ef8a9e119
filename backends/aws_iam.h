// AWS names shared by the backends that grant a workload access to the
// app's cloud resources (ecs, cpln): their ARNs under the names
// `--target tf-aws` gives them, and a host's IAM statements, which are
// exactly the permissions pass's actions (ir/permissions.h).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "ir/ir.h"

namespace wdsl {

// The ARN of the AWS resource behind a bucket, queue, counter or secret of
// `app`; "" for any other type.
auto AwsResourceArn(const ir::Resource& resource, const std::string& app, const std::string& region,
                    const std::string& account_id) -> std::string;

// `host`'s `permissions["tf-aws"]` as IAM statements ({Effect, Action,
// Resource}), each `${wdsl#<path>#arn}` replaced by `arn` of that resource.
// A resource for which `arn` gives "" is left out, and so is a statement
// left with no resource.
auto IamStatements(const ir::Program& program, const ir::Resource& host,
                   const std::function<std::string(const ir::Resource&)>& arn) -> nlohmann::json;

}  // namespace wdsl
