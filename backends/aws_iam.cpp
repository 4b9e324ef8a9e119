#include "backends/aws_iam.h"

#include <fmt/format.h>

#include "backends/workload_props.h"

namespace wdsl {

using Json = nlohmann::json;

auto AwsResourceArn(const ir::Resource& resource, const std::string& app, const std::string& region,
                    const std::string& account_id) -> std::string {
  std::string name = CloudResourceName(app, resource);
  if (resource.type == "cloud.Bucket") return "arn:aws:s3:::" + name;
  if (resource.type == "cloud.Queue") return fmt::format("arn:aws:sqs:{}:{}:{}", region, account_id, name);
  if (resource.type == "cloud.Counter") return fmt::format("arn:aws:dynamodb:{}:{}:table/{}", region, account_id, name);
  if (resource.type == "cloud.Secret") {
    return fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}", region, account_id,
                       resource.props.value("name", resource.id));
  }
  return "";
}

auto IamStatements(const ir::Program& program, const ir::Resource& host,
                   const std::function<std::string(const ir::Resource&)>& arn) -> Json {
  Json statements = Json::array();
  if (!host.permissions.contains("tf-aws")) return statements;
  for (const Json& statement : host.permissions["tf-aws"]) {
    Json arns = Json::array();
    for (const Json& item : statement.value("resources", Json::array())) {
      // "${wdsl#<path>#arn}" and what follows it ("/*").
      std::string text = item.get<std::string>();
      size_t start = text.find("${wdsl#");
      if (start == std::string::npos) {
        arns.push_back(text);
        continue;
      }
      size_t end = text.find('}', start);
      std::string inner = text.substr(start + 7, end - start - 7);  // <path>#arn
      const ir::Resource* resource = program.FindResource(inner.substr(0, inner.rfind('#')));
      std::string resolved = resource == nullptr ? "" : arn(*resource);
      if (!resolved.empty()) arns.push_back(text.substr(0, start) + resolved + text.substr(end + 1));
    }
    if (!arns.empty())
      statements.push_back({{"Effect", "Allow"}, {"Action", statement["actions"]}, {"Resource", arns}});
  }
  return statements;
}

}  // namespace wdsl
