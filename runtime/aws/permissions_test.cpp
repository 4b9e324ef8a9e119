// What the runtime calls on AWS must be allowed by what wdsl grants: the IAM
// actions of each Wing operation's AWS calls (AwsCallsOf, IamActionsFor) are
// among the operation's `tf-aws` permissions in stdlib/resources.json, which
// backends/aws_iam turns into the workload role's policy.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "runtime/aws/call.h"
#include "stdlib/stdlib.h"

namespace wdsl::runtime::aws {
namespace {

TEST(AwsPermissionsTest, EveryCallIsAllowedByTheGrantedActions) {
  nlohmann::json table = nlohmann::json::parse(stdlib::ResourcesJson());
  int checked = 0;
  for (const char* type : {"cloud.Bucket", "cloud.Queue", "cloud.Counter", "cloud.Secret", "cloud.Function"}) {
    const nlohmann::json& permissions = table["resources"][type]["permissions"];
    ASSERT_FALSE(permissions.empty()) << type;
    for (const auto& [operation, targets] : permissions.items()) {
      std::set<std::string> granted;
      for (const auto& statement : targets.value("tf-aws", nlohmann::json::array())) {
        for (const auto& action : statement["actions"]) granted.insert(action.get<std::string>());
      }
      auto calls = AwsCallsOf(type, operation);
      if (granted.empty()) {
        EXPECT_TRUE(calls.empty()) << type << "." << operation << " calls AWS but is granted nothing";
        continue;
      }
      EXPECT_FALSE(calls.empty()) << type << "." << operation << " has no AWS mapping";
      for (const auto& [service, call] : calls) {
        for (const std::string& action : IamActionsFor(*service, call)) {
          EXPECT_TRUE(granted.count(action)) << type << "." << operation << " calls " << call << ", which needs "
                                             << action << ", not granted in stdlib/resources.json";
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 20);
}

}  // namespace
}  // namespace wdsl::runtime::aws
