#include "ir/validate.h"

#include <gtest/gtest.h>

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

auto MakeResource(const std::string& id, const std::string& type, Json props) -> Resource {
  Resource resource;
  resource.path = "root/Default/" + id;
  resource.id = id;
  resource.type = type;
  resource.parent = "root/Default";
  resource.props = std::move(props);
  resource.pos = SourcePos{"main.w", 3, 7};
  return resource;
}

// Validates one resource of type "t.T" against one constraint.
auto Check(const Json& constraint, const Json& props) -> std::vector<ValidateProblem> {
  Program program;
  program.resources.push_back(MakeResource("r", "t.T", props));
  Json table = {{"t.T", {{"constraints", Json::array({constraint})}}}};
  std::vector<ValidateProblem> problems;
  ValidateWith(program, table, problems);
  return problems;
}

auto Messages(const std::vector<ValidateProblem>& problems) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const ValidateProblem& problem : problems) out.push_back(problem.message);
  return out;
}

TEST(Validate, IsSetFollowsTheWhenRules) {
  EXPECT_FALSE(IsSet(Json()));
  EXPECT_FALSE(IsSet(false));
  EXPECT_FALSE(IsSet(""));
  EXPECT_FALSE(IsSet(Json::array()));
  EXPECT_FALSE(IsSet(Json::object()));
  EXPECT_TRUE(IsSet(0));
  EXPECT_TRUE(IsSet(true));
  EXPECT_TRUE(IsSet("x"));
  EXPECT_TRUE(IsSet(Json{{"$duration", 0}}));
}

TEST(Validate, MinPassesAndFails) {
  Json min = {{"kind", "min"}, {"prop", "memory"}, {"value", 128}, {"message", "`memory` is {value}, too small"}};
  EXPECT_TRUE(Check(min, {{"memory", 128}}).empty());
  EXPECT_TRUE(Check(min, Json::object()).empty());  // nil: nothing to check
  std::vector<ValidateProblem> problems = Check(min, {{"memory", 64}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "`memory` is 64, too small");
  EXPECT_EQ(problems[0].pos.file, "main.w");
  EXPECT_EQ(problems[0].pos.line, 3u);
  EXPECT_EQ(problems[0].pos.col, 7u);
}

TEST(Validate, MinComparesDurationsInSeconds) {
  Json min = {{"kind", "min"}, {"prop", "rate"}, {"value", 60}, {"message", "rate {value}"}};
  EXPECT_TRUE(Check(min, {{"rate", {{"$duration", 60}}}}).empty());
  EXPECT_EQ(Messages(Check(min, {{"rate", {{"$duration", 30}}}})), std::vector<std::string>{"rate 30s"});
}

TEST(Validate, MinOnANestedPathNeedsItsParent) {
  Json min = {{"kind", "min"}, {"prop", "dlq.maxDeliveryAttempts"}, {"value", 1}, {"message", "m"}};
  EXPECT_TRUE(Check(min, Json::object()).empty());
  EXPECT_TRUE(Check(min, {{"dlq", {{"maxDeliveryAttempts", 1}}}}).empty());
  EXPECT_EQ(Check(min, {{"dlq", {{"maxDeliveryAttempts", 0}}}}).size(), 1u);
}

TEST(Validate, PatternPassesAndFails) {
  Json pattern = {{"kind", "pattern"}, {"prop", "routes[]"}, {"regex", "^/"}, {"message", "route `{value}` bad"}};
  EXPECT_TRUE(Check(pattern, {{"routes", {"/a", "/b"}}}).empty());
  EXPECT_EQ(Messages(Check(pattern, {{"routes", {"/a", "b", "c"}}})),
            (std::vector<std::string>{"route `b` bad", "route `c` bad"}));
}

TEST(Validate, PatternIsAnchoredOnlyByTheRegex) {
  Json pattern = {{"kind", "pattern"}, {"prop", "name"}, {"regex", "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},
                  {"message", "name `{value}`"}};
  EXPECT_TRUE(Check(pattern, {{"name", "web-1"}}).empty());
  EXPECT_EQ(Messages(Check(pattern, {{"name", "Web_1"}})), std::vector<std::string>{"name `Web_1`"});
}

TEST(Validate, OneOfOverArrayElements) {
  Json one_of = {{"kind", "oneOf"}, {"prop", "ports[].protocol"}, {"values", {"http", "tcp"}},
                 {"message", "unknown protocol `{value}`"}};
  EXPECT_TRUE(Check(one_of, {{"ports", {{{"port", 1}, {"protocol", "tcp"}}, {{"port", 2}}}}}).empty());
  EXPECT_EQ(Messages(Check(one_of, {{"ports", {{{"port", 1}, {"protocol", "udp"}}}}})),
            std::vector<std::string>{"unknown protocol `udp`"});
}

TEST(Validate, ExactlyOne) {
  Json exactly = {{"kind", "exactlyOne"}, {"props", {"rate", "cron"}}, {"message", "one of `rate` and `cron`"}};
  EXPECT_TRUE(Check(exactly, {{"rate", {{"$duration", 60}}}}).empty());
  EXPECT_TRUE(Check(exactly, {{"cron", "* * * * *"}}).empty());
  EXPECT_EQ(Check(exactly, Json::object()).size(), 1u);
  EXPECT_EQ(Check(exactly, {{"rate", {{"$duration", 60}}}, {"cron", "* * * * *"}}).size(), 1u);
}

TEST(Validate, ExactlyOneOnNestedPropsOnlyWhereTheParentExists) {
  Json exactly = {{"kind", "exactlyOne"}, {"props", {"readiness.path", "readiness.command"}}, {"message", "probe"}};
  EXPECT_TRUE(Check(exactly, Json::object()).empty());
  EXPECT_TRUE(Check(exactly, {{"readiness", {{"path", "/h"}}}}).empty());
  EXPECT_EQ(Check(exactly, {{"readiness", {{"period", {{"$duration", 5}}}}}}).size(), 1u);
  EXPECT_EQ(Check(exactly, {{"readiness", {{"path", "/h"}, {"command", {"true"}}}}}).size(), 1u);
}

TEST(Validate, AtMostOne) {
  Json at_most = {{"kind", "atMostOne"}, {"props", {"port", "ports"}}, {"message", "not both"}};
  EXPECT_TRUE(Check(at_most, Json::object()).empty());
  EXPECT_TRUE(Check(at_most, {{"port", 80}, {"ports", Json::array()}}).empty());  // empty array: not set
  EXPECT_EQ(Messages(Check(at_most, {{"port", 80}, {"ports", {{{"port", 81}}}}})),
            std::vector<std::string>{"not both"});
}

TEST(Validate, RequiresWithAlternatives) {
  Json needs = {{"kind", "requires"}, {"prop", "public"}, {"requires", {"port|ports"}},
                   {"message", "a public workload needs `port` or `ports`"}};
  EXPECT_TRUE(Check(needs, {{"public", false}}).empty());
  EXPECT_TRUE(Check(needs, {{"public", true}, {"port", 0}}).empty());  // 0 is set
  EXPECT_TRUE(Check(needs, {{"public", true}, {"ports", {{{"port", 80}}}}}).empty());
  EXPECT_EQ(Check(needs, {{"public", true}}).size(), 1u);
  EXPECT_EQ(Check(needs, {{"public", true}, {"ports", Json::array()}}).size(), 1u);
}

TEST(Validate, LessOrEqual) {
  Json less = {{"kind", "lessOrEqual"}, {"props", {"autoscaling.min", "autoscaling.max"}}, {"message", "min > max"}};
  EXPECT_TRUE(Check(less, Json::object()).empty());
  EXPECT_TRUE(Check(less, {{"autoscaling", {{"min", 2}, {"max", 2}}}}).empty());
  EXPECT_TRUE(Check(less, {{"autoscaling", {{"min", 2}}}}).empty());  // only when both are set
  EXPECT_EQ(Messages(Check(less, {{"autoscaling", {{"min", 5}, {"max", 2}}}})), std::vector<std::string>{"min > max"});
}

TEST(Validate, UnknownTypesAndKindsAreIgnored) {
  Json strange = {{"kind", "someday"}, {"prop", "x"}, {"message", "m"}};
  EXPECT_TRUE(Check(strange, {{"x", 1}}).empty());
  Program program;
  program.resources.push_back(MakeResource("s", "main.Store", {{"anything", 1}}));
  std::vector<ValidateProblem> problems;
  Validate(program, problems);
  EXPECT_TRUE(problems.empty());
}

// ------------------------------------------------------------ with the stdlib

auto Workload(const std::string& id, Json props) -> Resource {
  if (!props.contains("name")) props["name"] = id;
  if (!props.contains("image")) props["image"] = "nginx:1.27";
  return MakeResource(id, "containers.Workload", std::move(props));
}

auto ValidateAll(std::vector<Resource> resources) -> std::vector<std::string> {
  Program program;
  program.resources = std::move(resources);
  std::vector<ValidateProblem> problems;
  Validate(program, problems);
  return Messages(problems);
}

TEST(ValidateStdlib, AValidWorkloadHasNoProblems) {
  EXPECT_EQ(ValidateAll({Workload("web", {{"port", 8080},
                                          {"public", true},
                                          {"routes", {"/app"}},
                                          {"replicas", 2},
                                          {"readiness", {{"path", "/healthz"}}},
                                          {"autoscaling", {{"min", 1}, {"max", 4}}}})}),
            std::vector<std::string>{});
}

TEST(ValidateStdlib, WorkloadConstraintsFromResourcesJson) {
  std::vector<std::string> messages =
      ValidateAll({Workload("web", {{"name", "Web"}, {"routes", {"app"}}, {"autoscaling", {{"min", 3}, {"max", 2}}}})});
  auto has = [&](const std::string& fragment) {
    for (const std::string& message : messages) {
      if (message.find(fragment) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("workload name `Web` must be a DNS label")) << testing::PrintToString(messages);
  EXPECT_TRUE(has("route `app` must start with `/`")) << testing::PrintToString(messages);
  EXPECT_TRUE(has("routes only apply to a public workload")) << testing::PrintToString(messages);
  EXPECT_TRUE(has("`autoscaling.min` must not exceed `autoscaling.max`")) << testing::PrintToString(messages);
}

TEST(ValidateStdlib, WorkloadNamesAreUniqueAcrossTheApp) {
  EXPECT_EQ(ValidateAll({Workload("a", {{"name", "web"}}), Workload("b", {{"name", "web"}})}),
            std::vector<std::string>{"workload name `web` is already used by `root/Default/a`; workload names must "
                                     "be unique within the app"});
}

TEST(ValidateStdlib, RoutesAreUniqueAcrossWorkloads) {
  Json a = {{"port", 80}, {"public", true}, {"routes", {"/app"}}};
  Json b = {{"port", 80}, {"public", true}, {"routes", {"/api", "/app"}}};
  EXPECT_EQ(ValidateAll({Workload("a", a), Workload("b", b)}),
            std::vector<std::string>{"route `/app` is already routed to workload `a`"});
}

TEST(ValidateStdlib, PortsAreInRange) {
  EXPECT_EQ(ValidateAll({Workload("a", {{"port", 0}})}),
            std::vector<std::string>{"port `0` must be a whole number from 1 to 65535"});
  EXPECT_EQ(ValidateAll({Workload("a", {{"ports", {{{"port", 70000}, {"protocol", "tcp"}}}}})}),
            std::vector<std::string>{"port `70000` must be a whole number from 1 to 65535"});
  EXPECT_EQ(ValidateAll({Workload("a", {{"port", 1}}), Workload("b", {{"port", 65535}})}), std::vector<std::string>{});
  EXPECT_EQ(ValidateAll({MakeResource("c", "sim.Container", {{"name", "c"}, {"image", "x"}, {"containerPort", 8.5}})}),
            std::vector<std::string>{"port `8.5` must be a whole number from 1 to 65535"});
}

TEST(ValidateStdlib, ProbePathsStartWithASlash) {
  EXPECT_EQ(ValidateAll({Workload("a", {{"port", 80}, {"liveness", {{"path", "healthz"}}}})}),
            std::vector<std::string>{"probe path `healthz` must start with `/`"});
}

TEST(ValidateStdlib, ImageIsRequired) {
  EXPECT_EQ(ValidateAll({Workload("a", {{"image", ""}})}),
            std::vector<std::string>{"the workload `a` needs an `image`: a name to pull, or `./dir` to build from "
                                     "that directory's Dockerfile"});
  EXPECT_EQ(ValidateAll({Workload("a", {{"sidecars", {{{"name", "log"}, {"image", " "}}}}})}),
            std::vector<std::string>{"the sidecar `log` needs an `image`: a name to pull, or `./dir` to build from "
                                     "that directory's Dockerfile"});
}

TEST(ValidateStdlib, FunctionAndScheduleConstraints) {
  EXPECT_EQ(ValidateAll({MakeResource("f", "cloud.Function", {{"memory", 64}})}),
            std::vector<std::string>{"`memory` of a function must be at least 128 MB"});
  std::vector<std::string> schedule = ValidateAll({MakeResource("s", "cloud.Schedule", {{"cron", "* * *"}})});
  EXPECT_EQ(schedule, std::vector<std::string>{
                          "`cron` must have five fields: minute hour day-of-month month day-of-week"});
}

}  // namespace
}  // namespace wdsl::ir
