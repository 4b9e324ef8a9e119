#include "ir/images.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "ir/hash.h"

namespace wdsl::ir {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

auto MakeContainer(const std::string& id, const std::string& type, Json props) -> Resource {
  Resource resource;
  resource.path = "root/Default/" + id;
  resource.id = id;
  resource.type = type;
  resource.parent = "root/Default";
  resource.props = std::move(props);
  resource.pos = SourcePos{"main.w", 4, 1};
  return resource;
}

class TempApp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wdsl-images-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  auto Program(std::vector<Resource> resources) -> ir::Program {
    ir::Program program;
    program.app = "app";
    program.entry_file = (dir_ / "main.w").string();
    program.resources = std::move(resources);
    return program;
  }

  fs::path dir_;
};

TEST(Images, LocalImagesStartWithADotSlash) {
  EXPECT_TRUE(IsLocalImage("./web"));
  EXPECT_TRUE(IsLocalImage("../shared/web"));
  EXPECT_TRUE(IsLocalImage("."));
  EXPECT_FALSE(IsLocalImage("nginx:1.27"));
  EXPECT_FALSE(IsLocalImage("ghcr.io/acme/web"));
  EXPECT_FALSE(IsLocalImage(".hidden"));
}

TEST(Images, NamesAreSanitizedToDockersRules) {
  EXPECT_EQ(SanitizeImageName("web"), "web");
  EXPECT_EQ(SanitizeImageName("My App"), "my-app");
  EXPECT_EQ(SanitizeImageName("Web_Server.v2"), "web_server.v2");
  EXPECT_EQ(SanitizeImageName("__x..y__"), "x-y");
  EXPECT_EQ(SanitizeImageName("a---b"), "a---b");
  EXPECT_EQ(SanitizeImageName("a/b:c"), "a-b-c");
  EXPECT_EQ(SanitizeImageName("-héllo-"), "h--llo");
  EXPECT_EQ(SanitizeImageName("!!!"), "x");
  EXPECT_TRUE(std::regex_match(SanitizeImageName("Ünïcode App 2"), std::regex("[a-z0-9][a-z0-9_.-]*")));
}

TEST(Images, ContainersAppExample) {
  ir::Program program;
  program.app = "containers-app";
  program.entry_file = std::string(WDSL_SOURCE_DIR) + "/examples/containers-app/main.w";
  program.resources.push_back(
      MakeContainer("web", "containers.Workload", {{"name", "web"}, {"image", "./web"}, {"sources", {"web/**"}}}));
  program.resources.push_back(MakeContainer("worker", "containers.Workload", {{"name", "worker"}, {"image", "./web"}}));
  program.resources.push_back(MakeContainer("jobs", "cloud.Queue", Json::object()));
  std::vector<ValidateProblem> problems;
  std::map<std::string, Json> images = DescribeImages(program, problems);
  ASSERT_TRUE(problems.empty()) << problems[0].message;
  ASSERT_EQ(images.size(), 2u);
  const Json& web = images.at("root/Default/web");
  EXPECT_EQ(web["context"], "web");
  EXPECT_EQ(web["dockerfile"], "Dockerfile");
  std::string hash = web["hash"];
  EXPECT_TRUE(std::regex_match(hash, std::regex("[0-9a-f]{32}"))) << hash;
  EXPECT_EQ(web["tag"], "wdsl-containers-app-web:" + hash);
  EXPECT_EQ(web["sources"], Json({"**"}));
  // The worker hashes the whole context, the web only what `sources` selects.
  const Json& worker = images.at("root/Default/worker");
  EXPECT_EQ(worker["tag"], "wdsl-containers-app-worker:" + worker["hash"].get<std::string>());
  BuildSpec spec;
  spec.context_dir = std::string(WDSL_SOURCE_DIR) + "/examples/containers-app/web";
  auto direct = HashBuildContext(spec);
  ASSERT_TRUE(std::holds_alternative<ContentHash>(direct));
  EXPECT_EQ(worker["hash"], std::get<ContentHash>(direct).hex);
}

TEST_F(TempApp, PulledImagesArePassedThrough) {
  std::vector<ValidateProblem> problems;
  auto images = DescribeImages(
      Program({MakeContainer("db", "sim.Container", {{"name", "db"}, {"image", "postgres:16"}})}), problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(images.at("root/Default/db"), Json({{"pull", "postgres:16"}}));
}

TEST_F(TempApp, MissingDockerfileIsAnErrorWithAHint) {
  Write("web/index.html", "hi");
  std::vector<ValidateProblem> problems;
  auto images = DescribeImages(
      Program({MakeContainer("web", "containers.Workload", {{"name", "web"}, {"image", "./web"}})}), problems);
  EXPECT_TRUE(images.empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("no `Dockerfile` in the build context `./web` of workload `web`"),
            std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find("add one, or give the name of an image to pull"), std::string::npos);
  EXPECT_EQ(problems[0].pos.line, 4u);
}

TEST_F(TempApp, MissingContextIsAnError) {
  std::vector<ValidateProblem> problems;
  DescribeImages(Program({MakeContainer("web", "containers.Workload", {{"name", "web"}, {"image", "./nope"}})}),
                 problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("the build context `./nope` of workload `web` does not exist"), std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find("relative to the directory of `main.w`"), std::string::npos);
}

TEST_F(TempApp, SourcesOutsideTheContextAreAnError) {
  Write("web/Dockerfile", "FROM scratch\n");
  std::vector<ValidateProblem> problems;
  DescribeImages(Program({MakeContainer("web", "containers.Workload",
                                        {{"name", "web"}, {"image", "./web"}, {"sources", {"src/**"}}})}),
                 problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("the `sources` glob `src/**` of workload `web` is outside its build context"),
            std::string::npos)
      << problems[0].message;
}

TEST_F(TempApp, SourcesNarrowTheHash) {
  Write("web/Dockerfile", "FROM scratch\nCOPY . /\n");
  Write("web/a.go", "package a\n");
  Write("web/README.md", "readme\n");
  auto hash_with = [&](Json sources) {
    std::vector<ValidateProblem> problems;
    Json props = {{"name", "web"}, {"image", "./web/"}};
    if (!sources.is_null()) props["sources"] = sources;
    auto images = DescribeImages(Program({MakeContainer("web", "containers.Workload", props)}), problems);
    EXPECT_TRUE(problems.empty());
    return images.at("root/Default/web")["hash"].get<std::string>();
  };
  std::string go_only = hash_with(Json({"web/*.go"}));
  Write("web/README.md", "changed\n");
  EXPECT_EQ(hash_with(Json({"web/*.go"})), go_only);  // README is not a source
  std::string all = hash_with(Json());
  Write("web/README.md", "changed again\n");
  EXPECT_NE(hash_with(Json()), all);
}

TEST_F(TempApp, SanitizedTagAndSidecars) {
  Write("Web Server/Dockerfile", "FROM scratch\n");
  Write("log/Dockerfile", "FROM scratch\n");
  ir::Program program = Program({MakeContainer(
      "api", "containers.Workload",
      {{"name", "API_Server"}, {"image", "./Web Server"}, {"sidecars", {{{"name", "log"}, {"image", "./log"}}}}})});
  program.app = "My Shop";
  std::vector<ValidateProblem> problems;
  auto images = DescribeImages(program, problems);
  ASSERT_TRUE(problems.empty()) << problems[0].message;
  const Json& api = images.at("root/Default/api");
  EXPECT_EQ(api["context"], "Web Server");
  EXPECT_EQ(api["tag"], "wdsl-my-shop-api_server:" + api["hash"].get<std::string>());
  const Json& log = images.at("root/Default/api#sidecar:log");
  EXPECT_EQ(log["tag"], "wdsl-my-shop-api_server-log:" + log["hash"].get<std::string>());
}

TEST_F(TempApp, SimContainerUsesSourceHashWhenGiven) {
  Write("svc/Dockerfile", "FROM scratch\n");
  std::vector<ValidateProblem> problems;
  auto images = DescribeImages(Program({MakeContainer("svc", "sim.Container",
                                                      {{"name", "svc"}, {"image", "./svc"}, {"sourceHash", "abc123"}})}),
                               problems);
  ASSERT_TRUE(problems.empty());
  EXPECT_EQ(images.at("root/Default/svc")["tag"], "wdsl-app-svc:abc123");
}

}  // namespace
}  // namespace wdsl::ir
