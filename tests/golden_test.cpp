// Golden tests: `wdsl build --target ir|sim|helm|k8s` of every example and of
// every tests/golden/*.w program must produce exactly the committed ir.json,
// simulator.json, chart (its files concatenated, each under a `# file:`
// line) and manifests.yaml; programs with workloads also for ecs, tf-aws and
// cpln (cpln.yaml, and aws-iam.sh as `<stem>.cpln-aws-iam.sh`).
// Regenerate with `make update-goldens` (WDSL_UPDATE_GOLDENS=1) and review
// the diff like any other change.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string program;
  std::string target;  // "ir", "sim", "helm", "k8s", "ecs", "tf-aws" or "cpln"
};

auto Cases() -> std::vector<Case> {
  std::vector<std::string> programs;
  for (const std::string& file : ListFiles("examples", "/main.w")) programs.push_back(file);
  for (const std::string& file : ListFiles("tests/golden", ".w")) programs.push_back(file);
  std::vector<Case> cases;
  for (const std::string& program : programs) {
    for (const char* target : {"ir", "sim", "helm", "k8s"}) cases.push_back({program, target});
    // ECS deploys workloads, with the platform values of tests/golden/platform.yaml.
    if (ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + program).find("containers.Workload") != std::string::npos) {
      cases.push_back({program, "ecs"});
      cases.push_back({program, "tf-aws"});
      cases.push_back({program, "cpln"});
    }
  }
  return cases;
}

auto Stem(const std::string& program) -> std::string {
  fs::path path(program);
  return path.filename() == "main.w" ? path.parent_path().filename().string() : path.stem().string();
}

// examples/api/main.w -> tests/golden/api.ir.json or api.simulator.json
auto GoldenPath(const Case& c) -> std::string {
  std::string suffix = c.target == "ir"     ? ".ir.json"
                       : c.target == "sim"  ? ".simulator.json"
                       : c.target == "helm" ? ".helm.txt"
                       : c.target == "ecs"  ? ".ecs.txt"
                       : c.target == "tf-aws" ? ".tf.json"
                       : c.target == "cpln" ? ".cpln.yaml"
                                            : ".k8s.yaml";
  return "tests/golden/" + Stem(c.program) + suffix;
}

// Every file under `dir`, sorted, each after a `# file: <path>` line.
auto Concatenated(const std::string& dir) -> std::string {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).generic_string());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const std::string& file : files) out += "# file: " + file + "\n" + ReadFile(dir + "/" + file);
  return out;
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, MatchesCommittedOutput) {
  const Case& c = GetParam();
  // tf-aws names build contexts relative to its output: write it where a
  // user's would be, so the golden reads the same in every checkout.
  std::string out = c.target == "tf-aws" ? (fs::path(WDSL_SOURCE_DIR) / fs::path(c.program).parent_path() / "target" /
                                            ("golden-" + std::to_string(getpid()) + ".tfaws"))
                                               .string()
                                         : TempDir("golden");
  // Output only: images are built by the Docker end-to-end tests.
  std::vector<std::string> args = {"build", c.program, "--target", c.target, "-o", out, "--no-images"};
  if (c.target == "ecs" || c.target == "tf-aws" || c.target == "cpln") {
    args.insert(args.end(), {"--values", "tests/golden/platform.yaml"});
  }
  RunResult run = RunWdsl(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string actual = c.target == "ir"       ? ReadFile(out + "/ir.json")
                       : c.target == "tf-aws" ? ReadFile(out + "/main.tf.json")
                       : c.target == "sim"  ? ReadFile(out + "/simulator.json")
                       : c.target == "cpln" ? ReadFile(out + "/cpln.yaml")
                       : c.target == "helm" || c.target == "ecs" ? Concatenated(out)
                                            : ReadFile(out + "/manifests.yaml");
  std::vector<std::pair<std::string, std::string>> compared = {{actual, GoldenPath(c)}};
  if (c.target == "cpln") {
    // The AWS policies of the identities, when a workload binds AWS resources.
    std::string script = fs::exists(out + "/aws-iam.sh") ? ReadFile(out + "/aws-iam.sh") : "";
    std::string path = "tests/golden/" + Stem(c.program) + ".cpln-aws-iam.sh";
    if (!script.empty() || fs::exists(std::string(WDSL_SOURCE_DIR) + "/" + path)) compared.emplace_back(script, path);
  }
  for (const auto& [text, path] : compared) {
    std::string golden = std::string(WDSL_SOURCE_DIR) + "/" + path;
    if (std::getenv("WDSL_UPDATE_GOLDENS") != nullptr) {
      WriteFile(golden, text);
    } else {
      ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run `make update-goldens`";
      EXPECT_EQ(text, ReadFile(golden)) << c.target << " output of " << c.program << " (" << path
                                        << ") changed; if intended, run `make update-goldens`";
    }
  }
  fs::remove_all(out);
}

auto CaseName(const ::testing::TestParamInfo<Case>& info) -> std::string {
  std::string name = Stem(info.param.program) + "_" + info.param.target;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Programs, Golden, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace wdsl::testing
