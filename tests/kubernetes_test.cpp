// `--target helm` and `--target k8s` checked by the real tools of the field:
// the official Helm binary (`helm lint`, `helm template`, via scripts/helm.sh),
// the Kubernetes OpenAPI schemas (npm's kubernetes-models, via
// tests/k8s/check.sh) and yaml-cpp; then where each WorkloadProps field lands.
// These tests fail, never skip, when a tool cannot be installed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

struct Built {
  std::string chart;      // the chart's folder
  std::string manifests;  // manifests.yaml's text
  std::string app;
};

auto Build(const std::string& program, const std::string& out, const std::vector<std::string>& extra = {})
    -> Built {
  std::vector<std::string> helm = {"build", program, "--target", "helm", "--no-images", "-o", out + "/helm"};
  std::vector<std::string> k8s = {"build", program, "--target", "k8s", "--no-images", "-o", out + "/k8s"};
  helm.insert(helm.end(), extra.begin(), extra.end());
  k8s.insert(k8s.end(), extra.begin(), extra.end());
  RunResult a = RunWdsl(helm);
  RunResult b = RunWdsl(k8s);
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  Built built;
  for (const auto& entry : fs::directory_iterator(out + "/helm")) built.chart = entry.path().string();
  built.app = fs::path(built.chart).filename().string();
  built.manifests = ReadFile(out + "/k8s/manifests.yaml");
  return built;
}

auto Programs() -> std::vector<std::string> {
  std::vector<std::string> programs = ListFiles("examples", "/main.w");
  programs.push_back("tests/golden/k8s-features.w");
  programs.push_back("tests/golden/services.w");
  return programs;
}

TEST(Kubernetes, HelmLintsTheChartAndTemplateEqualsTheK8sTarget) {
  std::string helm = HelmBinary();
  ASSERT_FALSE(helm.empty()) << "scripts/helm.sh could not provide helm";
  for (const std::string& program : Programs()) {
    SCOPED_TRACE(program);
    std::string out = TempDir("k8s-" + fs::path(program).parent_path().filename().string() +
                              fs::path(program).stem().string());
    Built built = Build(program, out);
    int status = 0;
    std::string lint = Shell(helm + " lint --strict " + built.chart, &status);
    EXPECT_EQ(status, 0) << lint;
    std::string rendered = Shell(helm + " template " + built.app + " " + built.chart, &status);
    ASSERT_EQ(status, 0) << rendered;
    EXPECT_EQ(rendered, built.manifests) << "`--target k8s` must be byte for byte what the chart renders";
    fs::remove_all(out);
  }
}

TEST(Kubernetes, EveryObjectMatchesTheKubernetesSchemas) {
  for (const std::string& program : Programs()) {
    SCOPED_TRACE(program);
    std::string out = TempDir("k8s-schema");
    Build(program, out);
    int status = 0;
    std::string report =
        Shell(std::string(WDSL_SOURCE_DIR) + "/tests/k8s/check.sh " + out + "/k8s/manifests.yaml", &status);
    EXPECT_EQ(status, 0) << report;
    EXPECT_NE(report.find("object(s) valid"), std::string::npos) << report;
    fs::remove_all(out);
  }
}

// The objects of manifests.yaml by "Kind/name", parsed by yaml-cpp.
auto Objects(const std::string& text) -> std::map<std::string, YAML::Node> {
  std::map<std::string, YAML::Node> objects;
  for (const YAML::Node& doc : YAML::LoadAll(text)) {
    if (!doc.IsMap()) continue;
    objects[doc["kind"].as<std::string>() + "/" + doc["metadata"]["name"].as<std::string>()] = doc;
  }
  return objects;
}

TEST(Kubernetes, WorkloadPropsLandWhereTheyShould) {
  std::string out = TempDir("k8s-fields");
  Built built = Build("tests/golden/k8s-features.w", out);
  std::map<std::string, YAML::Node> objects = Objects(built.manifests);
  ASSERT_TRUE(objects.count("Deployment/api"));
  YAML::Node api = objects["Deployment/api"];
  EXPECT_FALSE(api["spec"]["replicas"]) << "an HPA manages the replicas";
  ASSERT_TRUE(objects.count("HorizontalPodAutoscaler/api"));
  YAML::Node hpa = objects["HorizontalPodAutoscaler/api"]["spec"];
  EXPECT_EQ(hpa["minReplicas"].as<int>(), 2);
  EXPECT_EQ(hpa["maxReplicas"].as<int>(), 10);
  EXPECT_EQ(hpa["metrics"][0]["resource"]["target"]["averageUtilization"].as<int>(), 60);
  EXPECT_EQ(hpa["metrics"][1]["resource"]["name"].as<std::string>(), "memory");
  EXPECT_EQ(objects["Deployment/site"]["spec"]["replicas"].as<int>(), 3);
  EXPECT_FALSE(objects.count("HorizontalPodAutoscaler/site"));

  YAML::Node pod = api["spec"]["template"]["spec"];
  YAML::Node main = pod["containers"][0];
  EXPECT_EQ(main["image"].as<std::string>(), "ghcr.io/example/api:1.4.2");
  EXPECT_EQ(main["command"][0].as<std::string>(), "/app/server");
  EXPECT_EQ(main["args"][1].as<std::string>(), ":8080");
  EXPECT_EQ(main["ports"][1]["containerPort"].as<int>(), 9090);
  EXPECT_EQ(main["resources"]["requests"]["cpu"].as<std::string>(), "250m");
  EXPECT_EQ(main["resources"]["limits"]["memory"].as<std::string>(), "512Mi");
  EXPECT_EQ(main["resources"]["limits"]["nvidia.com/gpu"].as<int>(), 1);
  EXPECT_EQ(main["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/ready");
  EXPECT_EQ(main["readinessProbe"]["initialDelaySeconds"].as<int>(), 2);
  EXPECT_EQ(main["livenessProbe"]["exec"]["command"][0].as<std::string>(), "/app/health");
  EXPECT_EQ(main["livenessProbe"]["periodSeconds"].as<int>(), 20);
  EXPECT_EQ(main["volumeMounts"][0]["mountPath"].as<std::string>(), "/cache");
  EXPECT_TRUE(pod["volumes"][0]["emptyDir"]);
  EXPECT_EQ(pod["containers"][1]["name"].as<std::string>(), "proxy") << "a sidecar is a second container";
  std::map<std::string, YAML::Node> env;
  for (const YAML::Node& var : main["env"]) env[var["name"].as<std::string>()] = var;
  EXPECT_EQ(env["LOG_LEVEL"]["value"].as<std::string>(), "debug");
  EXPECT_EQ(env["REDIS_URL"]["value"].as<std::string>(), "redis://cache:6379");
  EXPECT_EQ(env["WING_UPLOADS_NAME"]["value"].as<std::string>(), "k8s-features-uploads");
  EXPECT_EQ(env["WING_TOKEN_SECRET"]["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "api-token");

  YAML::Node service = objects["Service/api"]["spec"];
  EXPECT_EQ(service["ports"][1]["appProtocol"].as<std::string>(), "kubernetes.io/h2c") << "grpc";
  ASSERT_TRUE(objects.count("Ingress/k8s-features"));
  YAML::Node paths = objects["Ingress/k8s-features"]["spec"]["rules"][0]["http"]["paths"];
  std::vector<std::string> routes;
  for (const YAML::Node& path : paths) {
    routes.push_back(path["path"].as<std::string>() + "->" +
                     path["backend"]["service"]["name"].as<std::string>());
    EXPECT_EQ(path["pathType"].as<std::string>(), "Prefix");
  }
  EXPECT_EQ(routes, (std::vector<std::string>{"/api/v2->api", "/api->api", "/->site"})) << "longest prefix first";
  fs::remove_all(out);
}

TEST(Kubernetes, NoSecretValueAppearsInTheOutput) {
  std::string dir = TempDir("k8s-secret");
  WriteFile(dir + "/main.w", ReadFile(std::string(WDSL_SOURCE_DIR) + "/tests/golden/k8s-features.w"));
  // The value the simulator would read; it must never reach a chart.
  WriteFile(dir + "/.wdsl/secrets.json", R"({"api-token": "s3cr3t-VALUE-42"})");
  Built built = Build(dir + "/main.w", dir + "/out");
  int status = 0;
  std::string found = Shell("grep -r s3cr3t-VALUE-42 " + dir + "/out", &status);
  EXPECT_NE(status, 0) << found;
  EXPECT_NE(built.manifests.find("secretKeyRef"), std::string::npos);
  EXPECT_NE(ReadFile(built.chart + "/templates/NOTES.txt").find("kubectl create secret generic api-token"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(Kubernetes, PlatformValuesFileSetsTheRegistry) {
  std::string dir = TempDir("k8s-platform");
  WriteFile(dir + "/platform.yaml", "helm:\n  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com\n");
  Built built = Build("examples/containers-app/main.w", dir + "/out", {"--values", dir + "/platform.yaml"});
  EXPECT_NE(built.manifests.find("image: \"123456789012.dkr.ecr.us-east-1.amazonaws.com/containers-app-web:"),
            std::string::npos);
  WriteFile(dir + "/bad.yaml", "helm:\n  registy: x\n");
  RunResult bad = RunWdsl({"build", "examples/containers-app/main.w", "--target", "k8s", "--no-images", "--values",
                           dir + "/bad.yaml", "-o", dir + "/bad"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.yaml:2: unknown key `helm.registy`; the key of `helm` is `registry`"), std::string::npos)
      << bad.err;
  WriteFile(dir + "/broken.yaml", "helm: [\n");
  RunResult broken = RunWdsl({"build", "examples/containers-app/main.w", "--target", "k8s", "--no-images",
                              "--values", dir + "/broken.yaml", "-o", dir + "/bad"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken.yaml:"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("invalid YAML"), std::string::npos) << broken.err;
  RunResult missing = RunWdsl({"build", "examples/containers-app/main.w", "--target", "k8s", "--no-images",
                               "--values", dir + "/nope.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir + "/bad"));
  fs::remove_all(dir);
}

TEST(Kubernetes, ValuesAreKnobs) {
  std::string helm = HelmBinary();
  ASSERT_FALSE(helm.empty());
  std::string out = TempDir("k8s-values");
  Built built = Build("examples/containers-app/main.w", out, {"--registry", "registry.example.com/team"});
  std::map<std::string, YAML::Node> objects = Objects(built.manifests);
  std::string image = objects["Deployment/web"]["spec"]["template"]["spec"]["containers"][0]["image"].as<std::string>();
  EXPECT_TRUE(image.starts_with("registry.example.com/team/containers-app-web:")) << image;
  int status = 0;
  std::string rendered = Shell(helm + " template shop " + built.chart +
                                   " --set workloads.web.replicaCount=5 --set workloads.worker.autoscaling.enabled=false"
                                   " --set ingress.host=shop.example.com --set ingress.className=nginx"
                                   " --set workloads.web.serviceAccount.create=true"
                                   " --set 'workloads.web.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::1:role/web'",
                               &status);
  ASSERT_EQ(status, 0) << rendered;
  std::map<std::string, YAML::Node> changed = Objects(rendered);
  EXPECT_EQ(changed["Deployment/web"]["spec"]["replicas"].as<int>(), 5);
  EXPECT_EQ(changed["Deployment/worker"]["spec"]["replicas"].as<int>(), 1) << "no HPA: replicas come back";
  EXPECT_FALSE(changed.count("HorizontalPodAutoscaler/worker"));
  // A workload's own service account (IRSA on EKS).
  ASSERT_TRUE(changed.count("ServiceAccount/containers-app-web"));
  EXPECT_EQ(changed["ServiceAccount/containers-app-web"]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
                .as<std::string>(),
            "arn:aws:iam::1:role/web");
  EXPECT_EQ(changed["Deployment/web"]["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
            "containers-app-web");
  EXPECT_EQ(changed["Deployment/worker"]["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
            "containers-app");
  YAML::Node ingress = changed["Ingress/containers-app"]["spec"];
  EXPECT_EQ(ingress["ingressClassName"].as<std::string>(), "nginx");
  EXPECT_EQ(ingress["rules"][0]["host"].as<std::string>(), "shop.example.com");
  fs::remove_all(out);
}

}  // namespace
}  // namespace wdsl::testing
