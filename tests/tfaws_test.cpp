// `--target tf-aws`: main.tf.json checked against the AWS provider's schema
// (npm's @cdktf/provider-aws, tests/tfaws/check.sh), then what each part of
// the program became: bound resources, publishing by content hash, one IAM
// role per workload with exactly the permissions pass's actions, ECS
// services behind one load balancer with a rule per route, and functions,
// consumers and Api handlers as Lambda functions behind an HTTP API.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Output under the app's own target/ folder, where build contexts are ../../<dir>.
auto OutDir(const std::string& program, const std::string& name) -> std::string {
  return (fs::path(WDSL_SOURCE_DIR) / fs::path(program).parent_path() / "target" /
          (name + "-" + std::to_string(getpid()) + ".tfaws"))
      .string();
}

auto Build(const std::string& program, const std::string& out) -> std::pair<RunResult, Json> {
  RunResult run = RunWdsl({"build", program, "--target", "tf-aws", "--no-images", "--values",
                           "tests/golden/platform.yaml", "-o", out});
  Json tf = Json::parse(ReadFile(out + "/main.tf.json"), nullptr, false);
  return {run, tf};
}

TEST(TfAws, MatchesTheAwsProviderSchema) {
  for (const std::string& program : {std::string("examples/containers-app/main.w"), std::string("tests/golden/k8s-features.w"),
                                     std::string("tests/golden/services.w"), std::string("tests/golden/functions.w")}) {
    SCOPED_TRACE(program);
    std::string out = OutDir(program, "schema");
    auto [run, tf] = Build(program, out);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    int status = 0;
    std::string report = Shell(std::string(WDSL_SOURCE_DIR) + "/tests/tfaws/check.sh " + out + "/main.tf.json", &status);
    EXPECT_EQ(status, 0) << report;
    fs::remove_all(out);
  }
}

TEST(TfAws, ResourcesPublishingRolesAndRoutes) {
  std::string out = OutDir("examples/containers-app/main.w", "fields");
  auto [run, tf] = Build("examples/containers-app/main.w", out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json& r = tf["resource"];
  EXPECT_EQ(r["aws_s3_bucket"]["uploads"]["bucket"], "containers-app-uploads");
  EXPECT_EQ(r["aws_s3_bucket_public_access_block"]["uploads"]["block_public_acls"], true) << "private by default";
  EXPECT_EQ(r["aws_sqs_queue"]["jobs"]["name"], "containers-app-jobs");
  EXPECT_EQ(r["aws_dynamodb_table"]["hits"]["hash_key"], "id");
  EXPECT_EQ(tf["terraform"]["required_providers"]["docker"]["source"], "kreuzwerker/docker");

  // Publishing: the image is tagged and triggered by the content hash.
  const Json& image = r["docker_image"]["containers_app_web"];
  std::string hash = image["triggers"]["content_hash"];
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_TRUE(image["name"].get<std::string>().ends_with(":" + hash));
  EXPECT_EQ(image["build"]["context"], "${path.module}/../../web");
  EXPECT_EQ(r["docker_registry_image"]["containers_app_web"]["triggers"]["content_hash"], hash);
  EXPECT_EQ(r["aws_ecr_repository"]["containers_app_web"]["image_tag_mutability"], "IMMUTABLE");

  // One role per workload, exactly the permissions pass's actions, no `*`.
  EXPECT_TRUE(r["aws_iam_role"].contains("web"));
  EXPECT_TRUE(r["aws_iam_role"].contains("worker"));
  Json policy = Json::parse(r["aws_iam_role_policy"]["web"]["policy"].get<std::string>());
  std::set<std::string> actions;
  for (const Json& statement : policy["Statement"]) {
    for (const Json& action : statement["Action"]) {
      actions.insert(action);
      EXPECT_EQ(action.get<std::string>().find('*'), std::string::npos);
    }
    for (const Json& resource : statement["Resource"]) {
      EXPECT_TRUE(resource.get<std::string>().starts_with("${aws_")) << resource;
    }
  }
  EXPECT_EQ(actions, (std::set<std::string>{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage",
                                            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                            "sqs:PurgeQueue"}));
  EXPECT_EQ(r["aws_ecs_task_definition"]["web"]["task_role_arn"], "${aws_iam_role.web.arn}");
  std::string containers = r["aws_ecs_task_definition"]["web"]["container_definitions"];
  EXPECT_NE(containers.find("\"image\":\"${docker_registry_image.containers_app_web.name}\""), std::string::npos);
  EXPECT_NE(containers.find("${aws_sqs_queue.jobs.url}"), std::string::npos);

  // Routes: a listener rule per route, longest first; autoscaling for the worker.
  EXPECT_EQ(r["aws_lb_listener_rule"].size(), 2u);
  EXPECT_EQ(r["aws_lb_listener_rule"]["web_1"]["condition"]["path_pattern"]["values"][0], "/static");
  EXPECT_EQ(r["aws_ecs_service"]["web"]["desired_count"], 2);
  EXPECT_EQ(r["aws_appautoscaling_target"]["worker"]["max_capacity"], 4);
  fs::remove_all(out);
}

TEST(TfAws, ProgramTextIsNotTerraformInterpolation) {
  std::string dir = TempDir("tf-escape");
  WriteFile(dir + "/main.w", R"(bring containers;
new containers.Workload(name: "w", image: "busybox:1", args: ["echo", "$\{HOME} and %\{x}"]) as "w";
)");
  WriteFile(dir + "/platform.yaml", "containers:\n  backend: ecs\n");
  RunResult run = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "--values",
                           dir + "/platform.yaml", "-o", dir + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string text = ReadFile(dir + "/out/main.tf.json");
  EXPECT_NE(text.find("$${HOME} and %%{x}"), std::string::npos) << text;
  // The workload is not public: no load balancer, nor a security group for one.
  Json tf = Json::parse(text);
  EXPECT_FALSE(tf["resource"].contains("aws_lb"));
  EXPECT_FALSE(tf["resource"]["aws_security_group"].contains("lb")) << tf["resource"]["aws_security_group"].dump(2);
  EXPECT_EQ(tf["resource"]["aws_security_group"]["tasks"]["ingress"][0]["security_groups"], Json::array());
  fs::remove_all(dir);
}

// Without `containers.backend: ecs` workloads go to EKS: a cluster of their
// own, IRSA roles, and a helm_release of the chart written beside main.tf.json.
TEST(TfAws, WorkloadsOnANewEksCluster) {
  std::string out = OutDir("examples/containers-app/main.w", "eks");
  RunResult run = RunWdsl({"build", "examples/containers-app/main.w", "--target", "tf-aws", "--no-images", "-o", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  int status = 0;
  std::string report = Shell(std::string(WDSL_SOURCE_DIR) + "/tests/tfaws/check.sh " + out + "/main.tf.json", &status);
  EXPECT_EQ(status, 0) << report;
  Json tf = Json::parse(ReadFile(out + "/main.tf.json"));
  const Json& r = tf["resource"];
  for (const char* type : {"aws_vpc", "aws_subnet", "aws_eks_cluster", "aws_eks_node_group",
                           "aws_iam_openid_connect_provider", "helm_release"}) {
    EXPECT_TRUE(r.contains(type)) << type;
  }
  EXPECT_FALSE(r.contains("aws_ecs_service"));
  EXPECT_EQ(tf["terraform"]["required_providers"]["helm"]["source"], "hashicorp/helm");
  // IRSA: only the workload's own service account may assume its role.
  Json trust = Json::parse(r["aws_iam_role"]["web"]["assume_role_policy"].get<std::string>());
  EXPECT_EQ(trust["Statement"][0]["Action"], "sts:AssumeRoleWithWebIdentity");
  std::string conditions = trust["Statement"][0]["Condition"].dump();
  EXPECT_NE(conditions.find("system:serviceaccount:default:containers-app-web"), std::string::npos) << conditions;
  Json policy = Json::parse(r["aws_iam_role_policy"]["web"]["policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"].size(), 3u);
  // The release installs the chart with ECR images and each workload's role.
  const Json& release = r["helm_release"]["app"];
  EXPECT_EQ(release["chart"], "${path.module}/chart/containers-app");
  std::map<std::string, std::string> set;
  for (const Json& item : release["set"]) set[item["name"]] = item["value"];
  EXPECT_EQ(set["workloads.web.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"], "${aws_iam_role.web.arn}");
  EXPECT_EQ(set["resources.uploads.name"], "${aws_s3_bucket.uploads.bucket}");
  EXPECT_NE(set["global.registry"].find(".dkr.ecr.${var.region}.amazonaws.com"), std::string::npos);
  std::string helm = HelmBinary();
  ASSERT_FALSE(helm.empty());
  std::string lint = Shell(helm + " lint --strict " + out + "/chart/containers-app", &status);
  EXPECT_EQ(status, 0) << lint;
  fs::remove_all(out);
}

TEST(TfAws, WorkloadsOnAnExistingEksCluster) {
  std::string dir = TempDir("tf-existing");
  WriteFile(dir + "/platform.yaml", "eks:\n  clusterName: prod\n  namespace: shop\n");
  std::string out = OutDir("examples/containers-app/main.w", "existing");
  RunResult run = RunWdsl({"build", "examples/containers-app/main.w", "--target", "tf-aws", "--no-images", "--values",
                           dir + "/platform.yaml", "-o", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  int status = 0;
  std::string report = Shell(std::string(WDSL_SOURCE_DIR) + "/tests/tfaws/check.sh " + out + "/main.tf.json", &status);
  EXPECT_EQ(status, 0) << report;
  Json tf = Json::parse(ReadFile(out + "/main.tf.json"));
  EXPECT_FALSE(tf["resource"].contains("aws_eks_cluster")) << "no cluster is made";
  EXPECT_FALSE(tf["resource"].contains("aws_vpc"));
  EXPECT_EQ(tf["data"]["aws_eks_cluster"]["main"]["name"], "prod");
  EXPECT_EQ(tf["resource"]["helm_release"]["app"]["namespace"], "shop");
  EXPECT_NE(tf["resource"]["aws_iam_role"]["web"]["assume_role_policy"].get<std::string>().find(
                "system:serviceaccount:shop:containers-app-web"),
            std::string::npos);
  fs::remove_all(out);
  fs::remove_all(dir);
}

// Adding an operation to a binding adds exactly that operation's actions to
// the workload's role, and removing it takes them away again.
TEST(TfAws, AnOperationMoreIsExactlyItsActionsMore) {
  auto actions_for = [](const std::string& ops) {
    std::string dir = TempDir("tf-iam");
    WriteFile(dir + "/main.w", "bring cloud;\nbring containers;\nlet b = new cloud.Bucket() as \"b\";\n"
                               "new containers.Workload(name: \"w\", image: \"busybox:1\", bindings: { \"B\" => "
                               "b.allow([" + ops + "]) }) as \"w\";\n");
    RunResult run = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "-o", dir + "/out"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    Json tf = Json::parse(ReadFile(dir + "/out/main.tf.json"));
    std::set<std::string> actions;
    Json policy = Json::parse(tf["resource"]["aws_iam_role_policy"]["w"]["policy"].get<std::string>());
    for (const Json& statement : policy["Statement"]) {
      for (const Json& action : statement["Action"]) actions.insert(action);
    }
    fs::remove_all(dir);
    return actions;
  };
  std::set<std::string> put = actions_for("\"put\"");
  std::set<std::string> put_get = actions_for("\"put\", \"get\"");
  std::set<std::string> put_delete = actions_for("\"put\", \"delete\"");
  EXPECT_EQ(put, (std::set<std::string>{"s3:PutObject"}));
  std::set<std::string> added;
  std::set_difference(put_get.begin(), put_get.end(), put.begin(), put.end(), std::inserter(added, added.end()));
  EXPECT_EQ(added, (std::set<std::string>{"s3:GetObject", "s3:ListBucket"}));
  std::set<std::string> deleted;
  std::set_difference(put_delete.begin(), put_delete.end(), put.begin(), put.end(),
                      std::inserter(deleted, deleted.end()));
  EXPECT_EQ(deleted, (std::set<std::string>{"s3:DeleteObject", "s3:ListBucket"}));
}

TEST(TfAws, FunctionsConsumersAndApiHandlersAreLambdaFunctionsOfTheirImages) {
  std::string out = OutDir("tests/golden/functions.w", "lambda");
  auto [run, tf] = Build("tests/golden/functions.w", out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json& r = tf["resource"];
  ASSERT_EQ(r["aws_lambda_function"].size(), 5u) << r["aws_lambda_function"].dump(2);
  const Json& enqueue = r["aws_lambda_function"]["enqueue"];
  EXPECT_EQ(enqueue["package_type"], "Image");
  EXPECT_EQ(enqueue["image_uri"], "${docker_registry_image.functions_enqueue.name}");
  EXPECT_EQ(enqueue["timeout"], 30);
  EXPECT_EQ(enqueue["memory_size"], 512);
  const Json& env = enqueue["environment"]["variables"];
  EXPECT_EQ(env["MODE"], "fast");
  EXPECT_EQ(env["WDSL_RESOURCE_BACKEND"], "aws");
  EXPECT_EQ(env["WING_TASKS_NAME"], "${aws_sqs_queue.tasks.url}");
  EXPECT_EQ(env["WING_TASKS_TYPE"], "cloud.Queue");
  // Exactly the permissions pass's statements: enqueue only sends.
  Json policy = Json::parse(r["aws_iam_role_policy"]["enqueue"]["policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"], Json::parse(R"([{"Action":["sqs:SendMessage"],"Effect":"Allow",)"
                                             R"("Resource":["${aws_sqs_queue.tasks.arn}"]}])"));

  // The consumer: an event source mapping, polling rights apart from its code's.
  const Json& mapping = r["aws_lambda_event_source_mapping"]["tasks_Consumer0"];
  EXPECT_EQ(mapping["batch_size"], 5);
  EXPECT_EQ(mapping["event_source_arn"], "${aws_sqs_queue.tasks.arn}");
  EXPECT_EQ(mapping["function_response_types"][0], "ReportBatchItemFailures");
  Json consumer_policy = Json::parse(r["aws_iam_role_policy"]["tasks_Consumer0"]["policy"].get<std::string>());
  EXPECT_EQ(consumer_policy["Statement"][0]["Action"], Json::array({"s3:PutObject"}));
  EXPECT_TRUE(r["aws_iam_role_policy"].contains("tasks_Consumer0_trigger"));

  // The Api: an HTTP API, a route per handler with `{var}` for `:var`, and the right to invoke.
  std::set<std::string> keys;
  for (const auto& [name, route] : r["aws_apigatewayv2_route"].items()) keys.insert(route["route_key"]);
  EXPECT_EQ(keys, (std::set<std::string>{"GET /items/{id}", "POST /items"}));
  EXPECT_EQ(r["aws_apigatewayv2_api"]["api"]["protocol_type"], "HTTP");
  EXPECT_TRUE(r["aws_apigatewayv2_api"]["api"].contains("cors_configuration"));
  EXPECT_EQ(r["aws_apigatewayv2_stage"]["api"]["name"], "$default");
  EXPECT_EQ(r["aws_apigatewayv2_integration"]["api_0"]["payload_format_version"], "2.0");
  EXPECT_TRUE(r["aws_lambda_permission"].contains("api_0") && r["aws_lambda_permission"].contains("api_1"));
  EXPECT_EQ(r["aws_lambda_permission"]["api_0"]["principal"], "apigateway.amazonaws.com");
  EXPECT_TRUE(tf["output"].contains("url_api"));

  // The schedule: an EventBridge rule per ticking function, UNIX cron turned
  // into EventBridge's (year field, `?`, Sunday 1), and the right to invoke.
  ASSERT_EQ(r["aws_cloudwatch_event_rule"].size(), 1u) << r.dump(2);
  auto first = r["aws_cloudwatch_event_rule"].begin();  // not items(): its proxy would be a destroyed temporary
  const std::string tick = first.key();
  const Json& rule = first.value();
  EXPECT_EQ(rule["schedule_expression"], "cron(0 3 ? * 2-6 *)");
  EXPECT_EQ(r["aws_cloudwatch_event_target"][tick]["arn"], "${aws_lambda_function." + tick + ".arn}");
  EXPECT_EQ(r["aws_lambda_permission"][tick + "_schedule"]["principal"], "events.amazonaws.com");
  Json tick_policy = Json::parse(r["aws_iam_role_policy"][tick]["policy"].get<std::string>());
  EXPECT_EQ(tick_policy["Statement"][0]["Action"], Json::array({"s3:PutObject"}));
  fs::remove_all(out);
}

TEST(TfAws, SchedulesEventBridgeCannotExpressAreErrors) {
  struct Case {
    const char* props;
    bool error;
    const char* expected;  // in the error, or the expression written
  };
  for (const Case& c : {Case{"rate: 1m", false, "rate(1 minute)"}, Case{"rate: 2h", false, "rate(120 minutes)"},
                        Case{"cron: \"*/5 * * * *\"", false, "cron(*/5 * * * ? *)"},
                        Case{"cron: \"0 9 1 * *\"", false, "cron(0 9 1 * ? *)"},
                        Case{"cron: \"0 0 * * 0,6\"", false, "cron(0 0 ? * 1,7 *)"},
                        Case{"rate: 90s", true, "its rate of 90s is not a whole number of minutes"},
                        Case{"cron: \"0 9 1 * 1\"", true, "names both a day of the month and a day of the week"}}) {
    SCOPED_TRACE(c.props);
    std::string dir = TempDir("tf-schedule");
    WriteFile(dir + "/main.w", std::string("bring cloud;\nlet s = new cloud.Schedule(") + c.props +
                                   ") as \"tick\";\ns.onTick(inflight () => { log(\"tick\"); });\n");
    RunResult run = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "-o", dir + "/out"});
    if (c.error) {
      EXPECT_NE(run.exit_code, 0);
      EXPECT_NE(run.err.find("the cloud.Schedule `root/Default/tick` ("), std::string::npos) << run.err;
      EXPECT_NE(run.err.find("main.w:2:9) cannot be deployed to AWS"), std::string::npos) << run.err;
      EXPECT_NE(run.err.find(c.expected), std::string::npos) << run.err;
      EXPECT_FALSE(fs::exists(dir + "/out/main.tf.json"));
      continue;
    }
    ASSERT_EQ(run.exit_code, 0) << run.err;
    Json tf = Json::parse(ReadFile(dir + "/out/main.tf.json"));
    const Json& rules = tf["resource"]["aws_cloudwatch_event_rule"];
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules.begin().value()["schedule_expression"], c.expected);
  }
}

TEST(TfAws, EveryCloudResourceIsDeployed) {
  // One of each cloud resource, and a queue with a dead-letter queue: no
  // "not deployed" note, and SQS moves failed messages after 3 receives.
  std::string dir = TempDir("tf-every");
  WriteFile(dir + "/main.w", R"(bring cloud;
let dead = new cloud.Queue() as "dead";
let q = new cloud.Queue(dlq: { queue: dead, maxDeliveryAttempts: 3 }) as "q";
let b = new cloud.Bucket() as "b";
let c = new cloud.Counter() as "c";
let s = new cloud.Secret(name: "token") as "s";
let api = new cloud.Api() as "api";
q.setConsumer(inflight (m: str) => { b.put(m, s.value()); });
api.get("/", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { body: "{c.inc()}" };
});
new cloud.Schedule(rate: 10m).onTick(inflight () => { q.push("tick"); });
new cloud.Service(inflight () => { log("up"); }) as "svc";
new cloud.Endpoint("https://example.com") as "docs";
)");
  RunResult run = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "-o", dir + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("not deployed"), std::string::npos) << run.err;
  Json tf = Json::parse(ReadFile(dir + "/out/main.tf.json"));
  const Json& r = tf["resource"];
  EXPECT_EQ(Json::parse(r["aws_sqs_queue"]["q"]["redrive_policy"].get<std::string>()),
            (Json{{"deadLetterTargetArn", "${aws_sqs_queue.dead.arn}"}, {"maxReceiveCount", 3}}));
  EXPECT_FALSE(r["aws_sqs_queue"]["dead"].contains("redrive_policy"));
  for (const char* type : {"aws_s3_bucket", "aws_dynamodb_table", "aws_secretsmanager_secret", "aws_lambda_function",
                           "aws_apigatewayv2_api", "aws_cloudwatch_event_rule", "aws_lambda_event_source_mapping"}) {
    EXPECT_TRUE(r.contains(type)) << type;
  }
}

// An Api's url captured by a function, an Api handler or a service is only
// known once Terraform has made the HTTP API: it reaches each as a reference
// to the API's endpoint, in WDSL_TOKENS (which wdsl-runtime substitutes into
// its bundle) and in `env`, with the program's own `${` still escaped. What
// AWS cannot resolve is an error rather than a token that would reach AWS.
TEST(TfAws, AnApisUrlReachesFunctionsAndServicesAsItsEndpoint) {
  std::string dir = TempDir("tf-tokens");
  WriteFile(dir + "/main.w", R"(bring cloud;
let api = new cloud.Api() as "api";
let base = "{api.url}/v1";
api.get("/", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { body: "self {base}" };
});
new cloud.Function(inflight (event: Json?): Json? => {
  log("calling {base}");
  return nil;
}, env: { "BASE" => "{api.url}/x $\{HOME}" }) as "caller";
new cloud.Service(inflight () => { log("svc {base}"); }, env: { "API" => api.url }) as "svc";
)");
  auto [run, tf] = Build(dir + "/main.w", dir + "/out");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string endpoint = "${aws_apigatewayv2_api.api.api_endpoint}";
  const Json tokens = {{"root/Default/api#url", endpoint}};
  EXPECT_EQ(tf.dump().find("${wdsl#"), std::string::npos) << "a token reached AWS: " << tf.dump(2);
  const Json& lambdas = tf["resource"]["aws_lambda_function"];
  const Json& caller = lambdas["caller"]["environment"]["variables"];
  EXPECT_EQ(caller["BASE"], endpoint + "/x $${HOME}");
  EXPECT_EQ(Json::parse(caller["WDSL_TOKENS"].get<std::string>()), tokens);
  EXPECT_EQ(Json::parse(lambdas["api_OnRequestHandler0"]["environment"]["variables"]["WDSL_TOKENS"].get<std::string>()),
            tokens);
  Json containers = Json::parse(tf["resource"]["aws_ecs_task_definition"]["svc"]["container_definitions"].get<std::string>());
  std::map<std::string, std::string> env;
  for (const Json& pair : containers[0]["environment"]) env[pair["name"]] = pair["value"];
  EXPECT_EQ(env["API"], endpoint);
  EXPECT_EQ(Json::parse(env["WDSL_TOKENS"]), tokens);
  int status = 0;
  std::string report = Shell(std::string(WDSL_SOURCE_DIR) + "/tests/tfaws/check.sh " + dir + "/out/main.tf.json", &status);
  EXPECT_EQ(status, 0) << report;

  // On EKS the chart's values cannot carry the reference.
  RunResult eks = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "-o", dir + "/eks"});
  EXPECT_EQ(eks.exit_code, 1);
  EXPECT_NE(eks.err.find("the workload `root/Default/svc` (" + dir + "/main.w:11:1) uses `${wdsl#root/Default/api#url}`"),
            std::string::npos)
      << eks.err;
  EXPECT_NE(eks.err.find("cannot pass into the chart it deploys on EKS"), std::string::npos) << eks.err;
  EXPECT_FALSE(fs::exists(dir + "/eks"));

  // A workload's internalUrl has no AWS value a function could read.
  WriteFile(dir + "/main.w", R"(bring cloud;
bring containers;
let db = new containers.Workload(name: "db", image: "redis:7", port: 6379) as "db";
let dbUrl = db.internalUrl ?? "";
new cloud.Function(inflight () => { log("db at {dbUrl}"); }) as "f";
)");
  auto [bad, nothing] = Build(dir + "/main.w", dir + "/bad");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("main.w:5:1: error[E0603]: the function `root/Default/f` uses "
                         "`${wdsl#root/Default/db#internalUrl}` (the `internalUrl` of `root/Default/db`, a "
                         "`containers.Workload`), which `--target tf-aws` cannot resolve"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir + "/bad"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
