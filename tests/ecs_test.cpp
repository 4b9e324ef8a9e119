// `--target ecs`: task definitions and services checked against the official
// ECS API model (npm's aws-sdk, tests/ecs/check.sh), Fargate sizes, the task
// role's policy against the permissions pass, apply.sh's syntax, and the
// errors for missing platform values. Fails, never skips, without the tools.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kPlatform = "tests/golden/platform.yaml";

auto BuildEcs(const std::string& program, const std::string& out) -> RunResult {
  return RunWdsl({"build", program, "--target", "ecs", "--no-images", "--values", kPlatform, "-o", out});
}

TEST(Ecs, OutputsMatchTheEcsApiModel) {
  for (const std::string& program : {std::string("examples/containers-app/main.w"), std::string("tests/golden/k8s-features.w"),
                                     std::string("tests/golden/services.w")}) {
    SCOPED_TRACE(program);
    std::string out = TempDir("ecs-model");
    RunResult run = BuildEcs(program, out);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    int status = 0;
    std::string report = Shell(std::string(WDSL_SOURCE_DIR) + "/tests/ecs/check.sh --all " + out, &status);
    EXPECT_EQ(status, 0) << report;
    EXPECT_NE(report.find("ok"), std::string::npos) << report;
    std::string syntax = Shell("bash -n " + out + "/apply.sh", &status);
    EXPECT_EQ(status, 0) << syntax;
    fs::remove_all(out);
  }
}

TEST(Ecs, FargateSizesTaskRoleAndServices) {
  std::string out = TempDir("ecs-fields");
  RunResult run = BuildEcs("examples/containers-app/main.w", out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // web asks for 0.5 vCPU and 256 MiB: Fargate's smallest pair with 512 units is 1024 MiB.
  EXPECT_NE(run.err.find("`web`: 0.5 vCPU and 256 MiB rounded up to the Fargate size 0.5 vCPU / 1024 MiB"),
            std::string::npos)
      << run.err;
  Json web = Json::parse(ReadFile(out + "/web.taskdef.json"));
  EXPECT_EQ(web["cpu"], "512");
  EXPECT_EQ(web["memory"], "1024");
  EXPECT_EQ(web["networkMode"], "awsvpc");
  EXPECT_EQ(web["requiresCompatibilities"][0], "FARGATE");
  std::string image = web["containerDefinitions"][0]["image"];
  EXPECT_TRUE(image.starts_with("123456789012.dkr.ecr.us-east-1.amazonaws.com/containers-app-web:")) << image;
  EXPECT_EQ(web["taskRoleArn"], "arn:aws:iam::123456789012:role/containers-app-web-task");

  // The task role allows exactly what the permissions pass computed.
  Json policy = Json::parse(ReadFile(out + "/web.task-role-policy.json"));
  std::set<std::string> actions;
  for (const Json& statement : policy["Statement"]) {
    for (const Json& action : statement["Action"]) actions.insert(action);
    for (const Json& resource : statement["Resource"]) {
      EXPECT_NE(resource.get<std::string>(), "*") << "no `*` resource";
    }
  }
  EXPECT_EQ(actions, (std::set<std::string>{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage",
                                            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                            "sqs:PurgeQueue"}));
  std::string text = ReadFile(out + "/web.task-role-policy.json");
  EXPECT_NE(text.find("arn:aws:s3:::containers-app-uploads/*"), std::string::npos) << text;
  EXPECT_NE(text.find("arn:aws:sqs:us-east-1:123456789012:containers-app-jobs"), std::string::npos) << text;

  Json service = Json::parse(ReadFile(out + "/web.service.json"));
  EXPECT_EQ(service["desiredCount"], 2);
  EXPECT_EQ(service["networkConfiguration"]["awsvpcConfiguration"]["subnets"].size(), 2u);
  Json worker = Json::parse(ReadFile(out + "/worker.service.json"));
  EXPECT_EQ(worker["desiredCount"], 1) << "autoscaling.min";
  EXPECT_NE(ReadFile(out + "/apply.sh").find("register-scalable-target"), std::string::npos);
  fs::remove_all(out);
}

TEST(Ecs, GpuSecretsAndLoadBalancer) {
  std::string out = TempDir("ecs-gpu");
  RunResult run = BuildEcs("tests/golden/k8s-features.w", out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json api = Json::parse(ReadFile(out + "/api.taskdef.json"));
  EXPECT_EQ(api["requiresCompatibilities"][0], "EC2") << "Fargate has no GPUs";
  Json main = api["containerDefinitions"][0];
  EXPECT_EQ(main["resourceRequirements"][0]["type"], "GPU");
  EXPECT_EQ(main["secrets"][0]["valueFrom"], "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token");
  EXPECT_EQ(main["healthCheck"]["command"][0], "CMD");
  EXPECT_EQ(api["containerDefinitions"][1]["name"], "proxy") << "a sidecar is a second container";
  Json service = Json::parse(ReadFile(out + "/api.service.json"));
  EXPECT_EQ(service["loadBalancers"][0]["containerPort"], 8080);
  EXPECT_NE(run.err.find("`site` is public but `ecs.targetGroups.site` is not set"), std::string::npos) << run.err;
  fs::remove_all(out);
}

TEST(Ecs, MissingPlatformValuesAreAnErrorAndWriteNothing) {
  std::string out = TempDir("ecs-missing");
  RunResult run = RunWdsl({"build", "examples/containers-app/main.w", "--target", "ecs", "--no-images", "-o", out + "/o"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("`--target ecs` needs ecs.region, ecs.accountId, ecs.executionRoleArn, ecs.subnets, "
                         "ecs.securityGroups from a platform values file"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(out + "/o"));
  RunResult none = RunWdsl({"build", "examples/notes-api/main.w", "--target", "ecs", "--no-images", "--values",
                            kPlatform, "-o", out + "/o"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("has no `containers.Workload`"), std::string::npos) << none.err;
  fs::remove_all(out);
}

}  // namespace
}  // namespace wdsl::testing
