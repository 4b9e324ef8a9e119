// Golden tests: `wdsl build --target ir|sim|helm|k8s` of every example and of
// every tests/golden/*.w program must produce exactly the committed ir.json,
// simulator.json, chart (its files concatenated, each under a `# file:`
// line) and manifests.yaml; programs with workloads or services also for
// ecs, tf-aws and cpln (cpln.yaml, and aws-iam.sh as `<stem>.cpln-aws-iam.sh`),
// programs with functions or Apis for tf-aws.
// The tag of a cloud.Service's image (and on tf-aws a cloud.Function's) is
// the content hash of a context that holds the wdsl-runtime binary, so it
// changes with every build of wdsl:
// outputs are compared with each such hash as `<service-image-hash>` (and the
// chart's appVersion, a hash of all tags, as `<app-version>`); every other
// image tag is compared as it is.
// Regenerate with `make update-goldens` (WDSL_UPDATE_GOLDENS=1) and review
// the diff like any other change.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>
#include <variant>

#include "ir/hash.h"
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
    std::string text = ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + program);
    // A first line `// targets: ir sim` limits a program to those targets
    // (user-class bindings build only for the simulator; cli_test checks the others' error).
    if (text.starts_with("// targets:")) {
      std::istringstream targets(text.substr(11, text.find('\n') - 11));
      for (std::string target; targets >> target;) cases.push_back({program, target});
      continue;
    }
    for (const char* target : {"ir", "sim", "helm", "k8s"}) cases.push_back({program, target});
    // ECS deploys workloads (a service is one), with the platform values of tests/golden/platform.yaml.
    bool containers =
        text.find("containers.Workload") != std::string::npos || text.find("cloud.Service") != std::string::npos;
    // tf-aws also runs every function (its own, a consumer, an Api handler) on Lambda.
    bool functions = text.find("cloud.Function") != std::string::npos ||
                     text.find(".setConsumer(") != std::string::npos || text.find("cloud.Api(") != std::string::npos;
    if (containers) cases.push_back({program, "ecs"});
    if (containers || functions) cases.push_back({program, "tf-aws"});
    if (containers) cases.push_back({program, "cpln"});
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

// The content hashes of the service image contexts that `wdsl build` wrote
// under the program's `.wdsl/images/` (cli/service_images.h), hashed as the
// build hashes them.
auto ServiceImageHashes(const std::string& program) -> std::vector<std::string> {
  fs::path images = fs::path(WDSL_SOURCE_DIR) / fs::path(program).parent_path() / ".wdsl" / "images";
  std::vector<std::string> hashes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(images, ec)) {
    ir::BuildSpec spec;
    spec.context_dir = entry.path().string();
    std::variant<ir::ContentHash, std::string> hash = ir::HashBuildContext(spec);
    if (auto* content = std::get_if<ir::ContentHash>(&hash)) hashes.push_back(content->hex);
  }
  return hashes;
}

// `text` with each of `hashes` as `<service-image-hash>` and, if there was
// one, the chart's appVersion (backends/k8s/chart.cpp hashes every image tag
// into it) as `<app-version>`.
auto WithoutServiceImageHashes(std::string text, const std::vector<std::string>& hashes) -> std::string {
  auto replace_all = [&text](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  std::string before = text;
  for (const std::string& hash : hashes) replace_all(hash, "<service-image-hash>");
  if (text == before) return text;
  static const std::regex kAppVersion(R"re((?:appVersion|app\.kubernetes\.io/version): "([0-9a-f]{12})")re");
  std::smatch match;
  if (std::regex_search(text, match, kAppVersion)) replace_all(match[1].str(), "<app-version>");
  return text;
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
  std::vector<std::string> service_hashes = ServiceImageHashes(c.program);
  actual = WithoutServiceImageHashes(actual, service_hashes);
  std::vector<std::pair<std::string, std::string>> compared = {{actual, GoldenPath(c)}};
  if (c.target == "cpln") {
    // The AWS policies of the identities, when a workload binds AWS resources.
    std::string script =
        fs::exists(out + "/aws-iam.sh") ? WithoutServiceImageHashes(ReadFile(out + "/aws-iam.sh"), service_hashes) : "";
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
