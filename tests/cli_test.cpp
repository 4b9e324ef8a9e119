// Command-line behaviour of `wdsl`: help, versions, exit codes, bad input
// that must give diagnostics (never a crash or hang), and atomic output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

TEST(CliTest, VersionAndHelp) {
  RunResult version = RunWdsl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("wdsl "), std::string::npos);
  RunResult help = RunWdsl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"build", "run", "test", "check", "lsp"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command << " missing from --help";
  }
  RunResult build_help = RunWdsl({"build", "--help"});
  EXPECT_EQ(build_help.exit_code, 0);
  EXPECT_NE(build_help.out.find("--target"), std::string::npos);
}

TEST(CliTest, MissingFileIsAnEnvironmentError) {
  RunResult run = RunWdsl({"check", "no/such/file.w"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("E0001"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("no/such/file.w"), std::string::npos) << run.err;
}

TEST(CliTest, SimContainerIsAnErrorOnHelm) {
  std::string dir = TempDir("simonly");
  WriteFile(dir + "/main.w", "bring sim;\nlet c = new sim.Container(name: \"db\", image: \"postgres:16\") as \"db\";\n");
  for (const char* target : {"helm", "k8s"}) {
    RunResult run = RunWdsl({"build", dir + "/main.w", "--target", target, "--no-images"});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_NE(run.err.find("main.w:2:9: error[E0603]: `root/Default/db` is a `sim.Container`, which runs only in the "
                           "simulator; `--target " + std::string(target) + "` cannot deploy it"),
              std::string::npos)
        << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/target/main.helm"));
  RunResult sim = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images"});
  EXPECT_EQ(sim.exit_code, 0) << sim.err;
  std::filesystem::remove_all(dir);
}

// Deploy-time tokens a service captures (or a workload's env holds):
// resolved where the target knows them (a workload's internalUrl on
// helm/k8s: in `env`, and for the image's bundle in WDSL_TOKENS), an E0603
// error naming the service or workload, the token and the target where it
// does not (an Api's url; tf-aws has no cluster DNS).
TEST(CliTest, ServiceTokensResolveOnK8sAndAreAnErrorWhereTheyCannot) {
  std::string dir = TempDir("svctokens");
  WriteFile(dir + "/main.w", R"(bring cloud;
bring containers;
let db = new containers.Workload(name: "db", image: "redis:7", port: 6379) as "db";
let dbUrl = db.internalUrl ?? "";
new cloud.Service(inflight () => { log("db at {dbUrl}"); }, env: { "DB" => "{dbUrl}/0" }) as "svc";
new containers.Workload(name: "web", image: "nginx:1.27", env: { "DB" => dbUrl }) as "web";
)");
  RunResult k8s = RunWdsl({"build", dir + "/main.w", "--target", "k8s", "--no-images"});
  ASSERT_EQ(k8s.exit_code, 0) << k8s.err;
  std::string manifests = ReadFile(dir + "/target/main.k8s/manifests.yaml");
  EXPECT_EQ(manifests.find("${wdsl#"), std::string::npos) << manifests;
  EXPECT_NE(manifests.find("value: \"http://db:6379/0\""), std::string::npos) << manifests;
  EXPECT_NE(manifests.find("value: \"http://db:6379\""), std::string::npos) << "the workload's env: " << manifests;
  EXPECT_NE(manifests.find("WDSL_TOKENS"), std::string::npos) << manifests;
  EXPECT_NE(manifests.find("root/Default/db#internalUrl"), std::string::npos) << manifests;
  EXPECT_NE(manifests.find("--ready-check"), std::string::npos) << manifests;

  RunResult tf = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images"});
  EXPECT_EQ(tf.exit_code, 1) << tf.err;
  EXPECT_NE(tf.err.find("main.w:5:1: error[E0603]: the service `root/Default/svc` uses "
                        "`${wdsl#root/Default/db#internalUrl}` (the `internalUrl` of `root/Default/db`, a "
                        "`containers.Workload`), which `--target tf-aws` cannot resolve"),
            std::string::npos)
      << tf.err;
  EXPECT_NE(tf.err.find("main.w:6:1: error[E0603]: the workload `root/Default/web` uses "
                        "`${wdsl#root/Default/db#internalUrl}`"),
            std::string::npos)
      << tf.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/target/main.tfaws"));

  WriteFile(dir + "/main.w", R"(bring cloud;
let api = new cloud.Api() as "api";
let base = api.url;
new cloud.Service(inflight () => { log(base); }) as "svc";
)");
  RunResult helm = RunWdsl({"build", dir + "/main.w", "--target", "helm", "--no-images"});
  EXPECT_EQ(helm.exit_code, 1) << helm.err;
  EXPECT_NE(helm.err.find("error[E0603]: the service `root/Default/svc` uses `${wdsl#root/Default/api#url}` (the "
                          "`url` of `root/Default/api`, a `cloud.Api`), which `--target helm` cannot resolve"),
            std::string::npos)
      << helm.err;
  // The simulator resolves it.
  RunResult sim = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images"});
  EXPECT_EQ(sim.exit_code, 0) << sim.err;
  std::filesystem::remove_all(dir);
}

// `autoStart: false` deploys a service that does not run (0 replicas, as it
// is idle in the simulator until start()); deployed code that would start,
// stop or query a service is an error where the target cannot do it, and so
// is `autoStart: false` with autoscaling, which would start it anyway.
TEST(CliTest, ServiceControlOnDeploymentTargets) {
  std::string dir = TempDir("svccontrol");
  WriteFile(dir + "/main.w", R"(bring cloud;
let s = new cloud.Service(inflight () => { log("up"); }, autoStart: false, replicas: 3) as "worker";
)");
  RunResult k8s = RunWdsl({"build", dir + "/main.w", "--target", "k8s", "--no-images"});
  ASSERT_EQ(k8s.exit_code, 0) << k8s.err;
  EXPECT_NE(ReadFile(dir + "/target/main.k8s/manifests.yaml").find("replicas: 0"), std::string::npos);
  RunResult tf = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "--values",
                          "tests/golden/platform.yaml", "-o", dir + "/tf"});
  ASSERT_EQ(tf.exit_code, 0) << tf.err;
  EXPECT_NE(ReadFile(dir + "/tf/main.tf.json").find("\"desired_count\": 0"), std::string::npos);

  WriteFile(dir + "/main.w", R"(bring cloud;
bring containers;
let s = new cloud.Service(inflight () => { log("up"); }, autoStart: false) as "worker";
new cloud.Function(inflight () => { s.start(); }) as "starter";
new containers.Workload(name: "web", image: "nginx:1.27", bindings: { "W" => s.allow(["stop", "started"]) }) as "web";
new cloud.Service(inflight () => { log("up"); }, autoStart: false,
  autoscaling: cloud.ServiceScaling { min: 1, max: 2 }) as "scaled";
)");
  RunResult aws = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "--no-images", "--values",
                           "tests/golden/platform.yaml", "-o", dir + "/tf2"});
  EXPECT_EQ(aws.exit_code, 1);
  EXPECT_NE(aws.err.find("main.w:4:1: error[E0603]: `root/Default/starter` calls `start` of the cloud.Service "
                         "`root/Default/worker`, which deployed code cannot do on `--target tf-aws` yet"),
            std::string::npos)
      << aws.err;
  EXPECT_NE(aws.err.find("main.w:5:1: error[E0603]: `root/Default/web` calls `started`, `stop` of the cloud.Service "
                         "`root/Default/worker`"),
            std::string::npos)
      << aws.err;
  EXPECT_NE(aws.err.find("main.w:6:1: error[E0603]: the cloud.Service `root/Default/scaled` has `autoStart: false` "
                         "and `autoscaling`"),
            std::string::npos)
      << aws.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/tf2"));
  // On helm functions are not deployed: only the workload's binding is an error.
  RunResult helm = RunWdsl({"build", dir + "/main.w", "--target", "helm", "--no-images"});
  EXPECT_EQ(helm.exit_code, 1);
  EXPECT_EQ(helm.err.find("`root/Default/starter` calls"), std::string::npos) << helm.err;
  EXPECT_NE(helm.err.find("`root/Default/web` calls `started`, `stop`"), std::string::npos) << helm.err;
  // The simulator does all of it.
  RunResult sim = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images"});
  EXPECT_EQ(sim.exit_code, 0) << sim.err;
  std::filesystem::remove_all(dir);
}

// User-class bindings run in the simulator only: every deployment target
// says so instead of writing a workload whose calls could not work.
TEST(CliTest, UserClassBindingIsAnErrorOnCloudTargets) {
  std::string dir = TempDir("classbind");
  WriteFile(dir + "/main.w", R"(bring cloud;
bring containers;
class Store {
  data: cloud.Bucket;
  new() { this.data = new cloud.Bucket(); }
  pub inflight get(key: str): str? { return this.data.tryGet(key); }
}
let store = new Store();
let web = new containers.Workload(name: "web", image: "nginx:1.27", bindings: { "STORE" => store }) as "web";
)");
  WriteFile(dir + "/platform.yaml", ReadFile(std::string(WDSL_SOURCE_DIR) + "/tests/golden/platform.yaml"));
  for (const char* target : {"helm", "k8s", "ecs", "tf-aws", "cpln"}) {
    std::vector<std::string> args = {"build", dir + "/main.w", "--target", target, "--no-images"};
    if (std::string(target) == "ecs" || std::string(target) == "tf-aws" || std::string(target) == "cpln") {
      args.insert(args.end(), {"--values", dir + "/platform.yaml"});
    }
    RunResult run = RunWdsl(args);
    EXPECT_EQ(run.exit_code, 1) << target << ": " << run.err;
    EXPECT_NE(run.err.find("main.w:9:11: error[E0603]: `root/Default/web` binds `root/Default/Store`, an instance of "
                           "the user class `main.Store`: user-class bindings run in the simulator only for now, so "
                           "`--target " + std::string(target) + "` cannot deploy it"),
              std::string::npos)
        << run.err;
  }
  RunResult sim = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images"});
  EXPECT_EQ(sim.exit_code, 0) << sim.err;
  std::filesystem::remove_all(dir);
}

// wdsl-runtime on this machine (no Docker): WDSL_TOKENS fills the bundle's
// tokens, the ready line comes once the start handler returned, and
// `--ready-check` (the Kubernetes and ECS probe) fails before and passes after.
TEST(CliTest, RuntimeResolvesTokensAndAnswersTheReadyCheckOnceStarted) {
  std::string dir = TempDir("runtimeready");
  WriteFile(dir + "/main.w", R"(bring cloud;
bring util;
let api = new cloud.Api() as "api";
let base = "{api.url}/v1";
new cloud.Service(inflight () => {
  util.sleep(1s);
  log("calling {base}");
}) as "svc";
)");
  RunResult built = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  std::string runtime = (std::filesystem::path(WDSL_BINARY).parent_path() / "wdsl-runtime").string();
  std::string env = "WDSL_READY_SOCKET=wdsl-cli-test-" + std::to_string(::getpid()) + " ";
  std::string check = env + runtime + " --ready-check";
  int status = 0;
  std::string pid = Shell("cd " + dir + " && " + env +
                          "WDSL_RESOURCE_API_URL=http://127.0.0.1:9 "
                          "WDSL_TOKENS='{\"root/Default/api#url\": \"http://172.18.0.1:3000\"}' " +
                          runtime + " .wdsl/images/svc/bundle.json > out.txt 2>&1 & echo $!");
  Shell(check, &status);
  EXPECT_EQ(status, 1) << "ready before the start handler returned";
  for (int i = 0; i < 100 && status != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Shell(check, &status);
  }
  EXPECT_EQ(status, 0) << ReadFile(dir + "/out.txt");
  Shell("kill -TERM " + pid + "; while kill -0 " + pid + " 2>/dev/null; do sleep 0.05; done");
  std::string out = ReadFile(dir + "/out.txt");
  EXPECT_NE(out.find("calling http://172.18.0.1:3000/v1"), std::string::npos) << out;
  EXPECT_NE(out.find("wdsl-runtime: ready (the start handler returned)"), std::string::npos) << out;
  Shell(check, &status);
  EXPECT_EQ(status, 1) << "still ready after it stopped";
  std::filesystem::remove_all(dir);
}

// Builds of one app for several targets write its runtime image contexts at
// once (ctest -j runs the golden cases of a program side by side). The hash
// one build records must not depend on the temporaries another is writing
// right then: the CI run that saw it had services_sim's simulator.json name a
// hash no quiet context has.
TEST(CliTest, RuntimeImageHashIgnoresTemporariesOfOtherBuilds) {
  std::string dir = TempDir("ctxtemps");
  WriteFile(dir + "/main.w", R"(bring cloud;
new cloud.Service(inflight () => { log("up"); }) as "svc";
)");
  auto hash = [&dir]() {
    RunResult built = RunWdsl({"build", dir + "/main.w", "--target", "sim", "--no-images", "-o", dir + "/out"});
    EXPECT_EQ(built.exit_code, 0) << built.err;
    std::string manifest = ReadFile(dir + "/out/simulator.json");
    size_t at = manifest.find("\"hash\": \"");
    if (at == std::string::npos) return "no hash in " + manifest;
    return manifest.substr(at + 9, manifest.find('"', at + 9) - at - 9);
  };
  std::string quiet = hash();
  // What another live build leaves while it copies (pid 1 is always alive).
  std::string context = dir + "/.wdsl/images/svc";
  WriteFile(context + "/rootfs/wdsl/wdsl-runtime.1.tmp", "half a copy");
  WriteFile(context + "/bundle.json.tmp-1-0", "{\"half\":");
  EXPECT_EQ(hash(), quiet);
  EXPECT_TRUE(fs::exists(context + "/rootfs/wdsl/wdsl-runtime.1.tmp")) << "another build's copy was removed";
  EXPECT_NE(ReadFile(context + "/.dockerignore").find("**/*.tmp"), std::string::npos);
  fs::remove_all(dir);
}

TEST(CliTest, InvalidUtf8IsReported) {
  std::string dir = TempDir("utf8");
  WriteFile(dir + "/main.w", "let x = \"ok\";\nlet y = \"\xff\xfe\";\n");
  RunResult run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("E0002"), std::string::npos) << run.err;
  fs::remove_all(dir);
}

TEST(CliTest, DeepNestingGivesADiagnostic) {
  std::string dir = TempDir("nesting");
  WriteFile(dir + "/main.w", "let x = " + std::string(10000, '(') + "1" + std::string(10000, ')') + ";\n");
  RunResult run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("E0003"), std::string::npos) << run.err.substr(0, 2000);
  WriteFile(dir + "/main.w", std::string(10000, '{') + std::string(10000, '}'));
  run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1) << run.err.substr(0, 2000);
  fs::remove_all(dir);
}

TEST(CliTest, RandomBytesGiveDiagnosticsQuickly) {
  std::string dir = TempDir("random");
  std::mt19937 rng(42);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  WriteFile(dir + "/main.w", bytes);
  // A hang is caught by the test's ctest timeout; speed is measured in bench/.
  RunResult run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1);
  // Printable garbage too: looks like code, is not.
  std::string text;
  const std::string alphabet = "abc{}()[];:=\"' \n.,+-*/<>!?@#0123456789inflightletclassnew";
  for (int i = 0; i < (1 << 20); ++i) text += alphabet[rng() % alphabet.size()];
  WriteFile(dir + "/main.w", text);
  run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1);
  fs::remove_all(dir);
}

TEST(CliTest, ErrorCountIsCapped) {
  std::string dir = TempDir("cap");
  std::string text;
  for (int i = 0; i < 300; ++i) text += "let v" + std::to_string(i) + " = unknown" + std::to_string(i) + ";\n";
  WriteFile(dir + "/main.w", text);
  RunResult run = RunWdsl({"check", dir + "/main.w"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("E0004"), std::string::npos);
  fs::remove_all(dir);
}

TEST(CliTest, BuildWritesIrAndAFailedBuildKeepsThePreviousOutput) {
  std::string dir = TempDir("build");
  WriteFile(dir + "/main.w", "bring cloud;\nlet b = new cloud.Bucket();\n");
  RunResult ok = RunWdsl({"build", "main.w", "--target", "ir"}, dir);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::string ir = ReadFile(dir + "/target/main.ir/ir.json");
  EXPECT_NE(ir.find("root/Default/Bucket"), std::string::npos) << ir;
  WriteFile(dir + "/main.w", "bring cloud;\nlet b = new cloud.Bucket(;\n");
  RunResult bad = RunWdsl({"build", "main.w", "--target", "ir"}, dir);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(ReadFile(dir + "/target/main.ir/ir.json"), ir) << "a failed build must not touch the previous output";
  for (const auto& entry : fs::directory_iterator(dir + "/target")) {
    EXPECT_EQ(entry.path().filename(), "main.ir") << "leftover " << entry.path();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing

namespace wdsl::testing {
namespace {

// `wdsl graph` on a real program: lifts become edges labelled with the
// operations; SVG through Graphviz lands atomically in the -o file.
TEST(CliGraph, DrawsLiftsOfARealProgram) {
  RunResult dot = RunWdsl({"graph", "examples/notes-api/main.w"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_NE(dot.out.find("digraph \"notes-api\""), std::string::npos) << dot.out;
  EXPECT_NE(dot.out.find("\"root/Default/changes/Consumer0\" -> \"root/Default/audit\" [label=\"put\"];"),
            std::string::npos)
      << dot.out;
  RunResult mermaid = RunWdsl({"graph", "examples/notes-api/main.w", "--format", "mermaid"});
  ASSERT_EQ(mermaid.exit_code, 0) << mermaid.err;
  EXPECT_EQ(mermaid.out.rfind("flowchart", 0), 0u) << mermaid.out;
  EXPECT_NE(mermaid.out.find("-->|\"put\"|"), std::string::npos) << mermaid.out;

  std::string dir = TempDir("graph-svg");
  RunResult svg = RunWdsl({"graph", "examples/notes-api/main.w", "--format", "svg", "-o", dir + "/app.svg"});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;  // setup.sh installs Graphviz
  EXPECT_NE(ReadFile(dir + "/app.svg").find("<svg"), std::string::npos);

  RunResult bad = RunWdsl({"graph", "tests/diagnostics/unknown_name.w"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.out.empty()) << bad.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing

namespace wdsl::testing {
namespace {

// `wdsl run|test` exec `wdsl-sim` from wdsl's own directory; without it the
// user is told what is missing, with exit code 2.
TEST(CliSim, MissingSimulatorBinaryIsAClearError) {
  std::string dir = TempDir("no-sim");
  std::filesystem::copy_file(WDSL_BINARY, dir + "/wdsl");
  for (const char* command : {"run", "test"}) {
    RunResult run = RunWdslBinary(dir + "/wdsl", {command, "examples/notes-api/main.w"});
    EXPECT_EQ(run.exit_code, 2) << command;
    EXPECT_NE(run.err.find("cannot start the simulator `" + dir + "/wdsl-sim`"), std::string::npos) << run.err;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
