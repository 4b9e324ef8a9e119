// `--target cpln` checked with the Control Plane CLI where it works offline
// (tests/cpln/check.sh: the real `cpln apply` against a stand-in API, and
// `cpln convert` of `--target k8s` compared with our output), a field check
// of every object (tests/cpln/validate.mjs), and yaml-cpp: where each
// WorkloadProps field lands, the identities' AWS policies against the
// permissions pass, and the errors and warnings for platform values. Fails,
// never skips, without the tools.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kPlatform = "tests/golden/platform.yaml";  // org example-org, domain app.example.com
const std::string kCheck = std::string(WDSL_SOURCE_DIR) + "/tests/cpln/check.sh ";

auto BuildCpln(const std::string& program, const std::string& out, const std::vector<std::string>& extra = {})
    -> RunResult {
  std::vector<std::string> args = {"build", program, "--target", "cpln", "--no-images", "-o", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunWdsl(args);
}

auto Programs() -> std::vector<std::string> {
  return {"examples/containers-app/main.w", "tests/golden/k8s-features.w", "tests/golden/services.w"};
}

// The objects of cpln.yaml by "kind/name".
auto Objects(const std::string& dir) -> std::map<std::string, YAML::Node> {
  std::map<std::string, YAML::Node> objects;
  for (const YAML::Node& doc : YAML::LoadAll(ReadFile(dir + "/cpln.yaml"))) {
    if (doc.IsMap()) objects[doc["kind"].as<std::string>() + "/" + doc["name"].as<std::string>()] = doc;
  }
  return objects;
}

TEST(Cpln, CplnApplyTakesEveryObjectAndEachFieldChecks) {
  for (const std::string& program : Programs()) {
    SCOPED_TRACE(program);
    std::string out = TempDir("cpln-check");
    RunResult run = BuildCpln(program, out, {"--values", kPlatform});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    int status = 0;
    std::string fields = Shell(kCheck + "validate " + out, &status);
    EXPECT_EQ(status, 0) << fields;
    EXPECT_NE(fields.find("object(s) valid"), std::string::npos) << fields;
    std::string applied = Shell(kCheck + "apply --org example-org " + out, &status);
    EXPECT_EQ(status, 0) << applied;
    EXPECT_NE(applied.find("ok: cpln apply sent all"), std::string::npos) << applied;
    std::string syntax = Shell("bash -n " + out + "/aws-iam.sh", &status);
    EXPECT_EQ(status, 0) << syntax;
    fs::remove_all(out);
  }
}

TEST(Cpln, MatchesCplnConvertOfTheK8sTarget) {
  for (const std::string& program : Programs()) {
    SCOPED_TRACE(program);
    std::string out = TempDir("cpln-cross");
    RunResult k8s = RunWdsl({"build", program, "--target", "k8s", "--no-images", "-o", out + "/k8s"});
    ASSERT_EQ(k8s.exit_code, 0) << k8s.err;
    RunResult cpln = BuildCpln(program, out + "/cpln", {"--values", kPlatform});
    ASSERT_EQ(cpln.exit_code, 0) << cpln.err;
    std::string gvc = Objects(out + "/cpln").begin()->second["name"].as<std::string>();  // the gvc sorts first
    int status = 0;
    std::string report = Shell(kCheck + "crosscheck --org example-org --gvc " + gvc + " --host app.example.com " + out +
                                   "/k8s/manifests.yaml " + out + "/cpln",
                               &status);
    EXPECT_EQ(status, 0) << report;
    EXPECT_EQ(report.find("FAIL"), std::string::npos) << report;
    EXPECT_NE(report.find("ok  routes"), std::string::npos) << report;
    fs::remove_all(out);
  }
}

TEST(Cpln, WorkloadPropsLandWhereTheyShould) {
  std::string out = TempDir("cpln-fields");
  RunResult run = BuildCpln("tests/golden/k8s-features.w", out, {"--values", kPlatform});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, YAML::Node> objects = Objects(out);
  ASSERT_TRUE(objects.count("gvc/k8s-features"));
  EXPECT_EQ(objects["gvc/k8s-features"]["spec"]["staticPlacement"]["locationLinks"][1].as<std::string>(),
            "//location/aws-eu-central-1");
  ASSERT_TRUE(objects.count("workload/api"));
  YAML::Node api = objects["workload/api"];
  EXPECT_EQ(api["gvc"].as<std::string>(), "k8s-features") << "cpln apply puts it in the app's GVC";
  YAML::Node spec = api["spec"];
  EXPECT_EQ(spec["type"].as<std::string>(), "standard");
  YAML::Node main = spec["containers"][0];
  EXPECT_EQ(main["image"].as<std::string>(), "ghcr.io/example/api:1.4.2");
  EXPECT_EQ(main["command"].as<std::string>(), "/app/server");
  EXPECT_EQ(main["args"][1].as<std::string>(), ":8080");
  EXPECT_EQ(main["cpu"].as<std::string>(), "250m");
  EXPECT_EQ(main["memory"].as<std::string>(), "512Mi");
  EXPECT_EQ(main["ports"][1]["number"].as<int>(), 9090);
  EXPECT_EQ(main["ports"][1]["protocol"].as<std::string>(), "grpc");
  EXPECT_EQ(main["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/ready");
  EXPECT_EQ(main["readinessProbe"]["initialDelaySeconds"].as<int>(), 2);
  EXPECT_EQ(main["livenessProbe"]["exec"]["command"][0].as<std::string>(), "/app/health");
  EXPECT_EQ(main["livenessProbe"]["periodSeconds"].as<int>(), 20);
  EXPECT_EQ(main["volumes"][0]["uri"].as<std::string>(), "scratch://volume-0");
  std::map<std::string, std::string> env;
  for (const YAML::Node& var : main["env"]) env[var["name"].as<std::string>()] = var["value"].as<std::string>();
  EXPECT_EQ(env["LOG_LEVEL"], "debug");
  EXPECT_EQ(env["WING_UPLOADS_NAME"], "k8s-features-uploads");
  EXPECT_EQ(env["WING_TOKEN_SECRET"], "cpln://secret/api-token") << "a reference, never a value";
  EXPECT_FALSE(env.count("REDIS_URL")) << "ex.Redis has no Control Plane form";
  EXPECT_NE(run.err.find("warning: `api` binds `root/Default/cache` (ex.Redis)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("warning: `api` asks for 1 GPU(s)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cpln secret create-opaque --name api-token"), std::string::npos) << run.err;
  YAML::Node proxy = spec["containers"][1];
  EXPECT_EQ(proxy["name"].as<std::string>(), "proxy") << "a sidecar is a second container";
  EXPECT_EQ(proxy["memory"].as<std::string>(), "64Mi");
  EXPECT_EQ(proxy["env"][0]["value"].as<std::string>(), "0");
  YAML::Node scaling = spec["defaultOptions"]["autoscaling"];
  EXPECT_EQ(scaling["minScale"].as<int>(), 2);
  EXPECT_EQ(scaling["maxScale"].as<int>(), 10);
  EXPECT_EQ(scaling["multi"][0]["metric"].as<std::string>(), "cpu");
  EXPECT_EQ(scaling["multi"][0]["target"].as<int>(), 60);
  EXPECT_EQ(scaling["multi"][1]["metric"].as<std::string>(), "memory");
  EXPECT_EQ(scaling["multi"][1]["target"].as<int>(), 80);
  EXPECT_EQ(spec["firewallConfig"]["external"]["inboundAllowCIDR"][0].as<std::string>(), "0.0.0.0/0");
  EXPECT_EQ(spec["identityLink"].as<std::string>(), "//gvc/k8s-features/identity/api");
  YAML::Node policy = objects["policy/k8s-features-api-secrets"];
  EXPECT_EQ(policy["targetLinks"][0].as<std::string>(), "//secret/api-token");
  EXPECT_EQ(policy["bindings"][0]["permissions"][0].as<std::string>(), "reveal");
  EXPECT_EQ(objects["identity/api"]["aws"]["cloudAccountLink"].as<std::string>(), "//cloudaccount/example-aws");
  EXPECT_EQ(objects["identity/api"]["aws"]["policyRefs"][0].as<std::string>(), "k8s-features-api");

  YAML::Node site = objects["workload/site"]["spec"]["defaultOptions"]["autoscaling"];
  EXPECT_EQ(site["metric"].as<std::string>(), "disabled");
  EXPECT_EQ(site["minScale"].as<int>(), 3) << "replicas";
  EXPECT_EQ(site["maxScale"].as<int>(), 3);
  EXPECT_FALSE(objects["workload/site"]["spec"]["identityLink"]) << "site uses nothing";
  EXPECT_FALSE(objects.count("identity/site"));
  ASSERT_TRUE(objects.count("domain/app.example.com"));
  std::vector<std::string> routes;
  for (const YAML::Node& route : objects["domain/app.example.com"]["spec"]["ports"][0]["routes"]) {
    routes.push_back(route["prefix"].as<std::string>() + "->" + route["workloadLink"].as<std::string>() + ":" +
                     route["port"].as<std::string>());
  }
  EXPECT_EQ(routes, (std::vector<std::string>{"/api/v2->//gvc/k8s-features/workload/api:8080",
                                              "/api->//gvc/k8s-features/workload/api:8080",
                                              "/->//gvc/k8s-features/workload/site:80"}))
      << "longest prefix first; a public workload without routes gets /";
  for (const auto& [key, object] : objects) EXPECT_NE(object["kind"].as<std::string>(), "secret") << key;
  fs::remove_all(out);
}

TEST(Cpln, LocalImagesAreInTheOrgsRegistryUnderTheirContentHash) {
  std::string out = TempDir("cpln-images");
  RunResult run = BuildCpln("examples/containers-app/main.w", out, {"--values", kPlatform});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, YAML::Node> objects = Objects(out);
  std::string image = objects["workload/web"]["spec"]["containers"][0]["image"].as<std::string>();
  EXPECT_TRUE(std::regex_match(image, std::regex("/org/example-org/image/containers-app-web:[0-9a-f]{32}"))) << image;
  YAML::Node worker = objects["workload/worker"]["spec"];
  EXPECT_EQ(worker["firewallConfig"]["external"]["inboundAllowCIDR"].size(), 0u) << "not public";
  EXPECT_EQ(worker["firewallConfig"]["internal"]["inboundAllowType"].as<std::string>(), "same-gvc");
  EXPECT_EQ(worker["defaultOptions"]["autoscaling"]["metric"].as<std::string>(), "cpu");
  EXPECT_EQ(worker["defaultOptions"]["autoscaling"]["target"].as<int>(), 70);
  EXPECT_EQ(worker["containers"][0]["command"].as<std::string>(), "/bin/busybox");
  EXPECT_EQ(worker["containers"][0]["args"][0].as<std::string>(), "sh") << "the rest of the entrypoint";
  EXPECT_EQ(worker["containers"][0]["args"][1].as<std::string>(), "-c");

  // --registry (or cpln.registry) puts them elsewhere.
  RunResult other = BuildCpln("examples/containers-app/main.w", out + "/other",
                              {"--values", kPlatform, "--registry", "registry.example.com/team"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  image = Objects(out + "/other")["workload/web"]["spec"]["containers"][0]["image"].as<std::string>();
  EXPECT_TRUE(image.starts_with("registry.example.com/team/containers-app-web:")) << image;
  fs::remove_all(out);
}

// The policies in aws-iam.sh, by the workload each is for.
auto ScriptPolicies(const std::string& script) -> std::map<std::string, Json> {
  std::map<std::string, Json> out;
  std::regex block(R"re(put_policy [a-z0-9-]+-([a-z0-9-]+) "\$\(cat <<JSON\n([\s\S]*?)\nJSON\n\)")re");
  for (std::sregex_iterator it(script.begin(), script.end(), block), end; it != end; ++it) {
    out[(*it)[1]] = Json::parse((*it)[2].str());
  }
  return out;
}

TEST(Cpln, IdentitiesGetExactlyThePermissionsPasssActions) {
  for (const std::string& program : Programs()) {
    SCOPED_TRACE(program);
    std::string out = TempDir("cpln-iam");
    ASSERT_EQ(BuildCpln(program, out + "/cpln", {"--values", kPlatform}).exit_code, 0);
    ASSERT_EQ(RunWdsl({"build", program, "--target", "ir", "-o", out + "/ir"}).exit_code, 0);
    std::map<std::string, Json> policies = ScriptPolicies(ReadFile(out + "/cpln/aws-iam.sh"));
    std::map<std::string, YAML::Node> objects = Objects(out + "/cpln");
    Json ir = Json::parse(ReadFile(out + "/ir/ir.json"));
    for (const Json& resource : ir["resources"]) {
      if (resource["type"] != "containers.Workload") continue;
      std::string name = resource["props"]["name"];
      // Expected: every tf-aws action but Secrets Manager's (secrets are Control Plane secrets here).
      std::set<std::string> expected;
      Json permissions = resource.value("permissions", Json::object());
      for (const Json& statement : permissions.value("tf-aws", Json::array())) {
        for (const Json& action : statement["actions"]) {
          if (!action.get<std::string>().starts_with("secretsmanager:")) expected.insert(action);
        }
      }
      std::set<std::string> actual;
      if (policies.count(name)) {
        for (const Json& statement : policies[name]["Statement"]) {
          for (const Json& action : statement["Action"]) actual.insert(action);
          for (const Json& arn : statement["Resource"]) {
            EXPECT_NE(arn.get<std::string>(), "*");
            EXPECT_TRUE(arn.get<std::string>().starts_with("arn:aws:")) << arn;
          }
        }
      }
      EXPECT_EQ(actual, expected) << name;
      if (!expected.empty()) {
        ASSERT_TRUE(objects.count("identity/" + name)) << name;
        EXPECT_EQ(objects["identity/" + name]["aws"]["policyRefs"][0].as<std::string>(),
                  ir["app"].get<std::string>() + "-" + name);
        EXPECT_EQ(objects["workload/" + name]["spec"]["identityLink"].as<std::string>(),
                  "//gvc/" + ir["app"].get<std::string>() + "/identity/" + name);
      }
    }
    fs::remove_all(out);
  }
}

// aws-iam.sh with a stand-in `aws` that records its arguments: it fills in
// the caller's account and region and creates one policy per identity.
TEST(Cpln, AwsIamScriptCreatesThePoliciesWithTheCallersAccountAndRegion) {
  std::string out = TempDir("cpln-aws");
  ASSERT_EQ(BuildCpln("examples/containers-app/main.w", out + "/cpln", {"--values", kPlatform}).exit_code, 0);
  WriteFile(out + "/bin/aws",
            "#!/usr/bin/env bash\n"
            "if [[ $1 == sts ]]; then echo 123456789012; exit 0; fi\n"
            "if [[ $2 == get-policy ]]; then exit 254; fi\n"
            "printf '%s\\n' \"$@\" >>\"$(dirname \"$0\")/calls\"\n");
  fs::permissions(out + "/bin/aws", fs::perms::owner_all);
  int status = 0;
  std::string run = Shell("PATH=" + out + "/bin:$PATH AWS_REGION=eu-west-1 bash " + out + "/cpln/aws-iam.sh", &status);
  ASSERT_EQ(status, 0) << run;
  EXPECT_NE(run.find("IAM policy containers-app-worker is up to date"), std::string::npos) << run;
  std::string calls = ReadFile(out + "/bin/calls");
  EXPECT_NE(calls.find("create-policy\n--policy-name\ncontainers-app-web\n"), std::string::npos) << calls;
  EXPECT_NE(calls.find("arn:aws:sqs:eu-west-1:123456789012:containers-app-jobs"), std::string::npos) << calls;
  EXPECT_NE(calls.find("arn:aws:dynamodb:eu-west-1:123456789012:table/containers-app-hits"), std::string::npos)
      << calls;
  EXPECT_EQ(calls.find("${"), std::string::npos) << "every placeholder filled in: " << calls;
  fs::remove_all(out);
}

TEST(Cpln, MissingPlatformValuesAreAnErrorAndWriteNothing) {
  std::string dir = TempDir("cpln-missing");
  RunResult none = BuildCpln("examples/containers-app/main.w", dir + "/o");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("`--target cpln` needs cpln.org, cpln.locations from a platform values file"),
            std::string::npos)
      << none.err;
  EXPECT_FALSE(fs::exists(dir + "/o"));
  WriteFile(dir + "/no-account.yaml", "cpln:\n  org: o\n  locations: [aws-us-west-2]\n");
  RunResult account = BuildCpln("examples/containers-app/main.w", dir + "/o", {"--values", dir + "/no-account.yaml"});
  EXPECT_EQ(account.exit_code, 1);
  EXPECT_NE(account.err.find("needs cpln.cloudAccount (workloads bind AWS resources)"), std::string::npos)
      << account.err;
  EXPECT_FALSE(fs::exists(dir + "/o"));
  // Without AWS bindings no cloud account is needed.
  WriteFile(dir + "/site.w",
            "bring containers;\nnew containers.Workload(name: \"site\", image: \"nginx:1.27\", port: "
            "80, public: true) as \"site\";\n");
  RunResult site = BuildCpln(dir + "/site.w", dir + "/o", {"--values", dir + "/no-account.yaml"});
  EXPECT_EQ(site.exit_code, 0) << site.err;
  EXPECT_FALSE(fs::exists(dir + "/o/aws-iam.sh"));
  RunResult nothing = BuildCpln("examples/notes-api/main.w", dir + "/n", {"--values", kPlatform});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("has no `containers.Workload`"), std::string::npos) << nothing.err;
  WriteFile(dir + "/bad.yaml", "cpln:\n  org: o\n  locations: aws-us-west-2\n  workloadType: lambda\n");
  RunResult bad = BuildCpln("examples/containers-app/main.w", dir + "/n", {"--values", dir + "/bad.yaml"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.yaml:3: `cpln.locations` must be a list"), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

TEST(Cpln, RoutesWithoutADomainAreAWarningThatSaysHowToFixIt) {
  std::string dir = TempDir("cpln-domain");
  WriteFile(dir + "/platform.yaml",
            "cpln:\n  org: example-org\n  locations: [aws-us-west-2]\n  cloudAccount: example-aws\n");
  RunResult run = BuildCpln("examples/containers-app/main.w", dir + "/o", {"--values", dir + "/platform.yaml"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("warning: `web`'s routes (/app, /static) need a domain on Control Plane and are not "
                         "written: set `cpln.domain` in the --values file"),
            std::string::npos)
      << run.err;
  for (const auto& [key, object] : Objects(dir + "/o")) EXPECT_NE(object["kind"].as<std::string>(), "domain");
  fs::remove_all(dir);
}

TEST(Cpln, ServerlessWhenTheValuesAskAndTheWorkloadCanBe) {
  std::string dir = TempDir("cpln-serverless");
  WriteFile(dir + "/platform.yaml",
            ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + kPlatform) + "  workloadType: serverless\n  gvc: features\n");
  RunResult run = BuildCpln("tests/golden/k8s-features.w", dir + "/o", {"--values", dir + "/platform.yaml"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, YAML::Node> objects = Objects(dir + "/o");
  EXPECT_EQ(objects["workload/site"]["spec"]["type"].as<std::string>(), "serverless");
  EXPECT_EQ(objects["workload/site"]["gvc"].as<std::string>(), "features");
  EXPECT_EQ(objects["workload/api"]["spec"]["type"].as<std::string>(), "standard");
  EXPECT_NE(run.err.find("warning: `api`: a serverless workload serves exactly one HTTP port and it has 2 ports"),
            std::string::npos)
      << run.err;
  int status = 0;
  std::string fields = Shell(kCheck + "validate " + dir + "/o", &status);
  EXPECT_EQ(status, 0) << fields;
  fs::remove_all(dir);
}

TEST(Cpln, NoSecretValueAppearsInTheOutput) {
  std::string dir = TempDir("cpln-secret");
  WriteFile(dir + "/main.w", ReadFile(std::string(WDSL_SOURCE_DIR) + "/tests/golden/k8s-features.w"));
  WriteFile(dir + "/.wdsl/secrets.json", R"({"api-token": "s3cr3t-VALUE-42"})");
  // Without -o: target/main.cpln beside the program.
  RunResult run = RunWdsl({"build", "main.w", "--target", "cpln", "--no-images", "--values",
                           std::string(WDSL_SOURCE_DIR) + "/" + kPlatform},
                          dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(fs::exists(dir + "/target/main.cpln/cpln.yaml"));
  int status = 0;
  std::string found = Shell("grep -r s3cr3t-VALUE-42 " + dir + "/target", &status);
  EXPECT_NE(status, 0) << found;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
