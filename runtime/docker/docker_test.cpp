#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/docker/containers.h"
#include "runtime/docker/fake_runner.h"
#include "runtime/docker/images.h"

namespace wdsl::docker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SanitizeName, KeepsValidNames) { EXPECT_EQ(SanitizeName("wdsl-app-web-0"), "wdsl-app-web-0"); }

TEST(SanitizeName, ReplacesSpacesAndSlashes) {
  EXPECT_EQ(SanitizeName("wdsl-my app-root/Default/my web"), "wdsl-my-app-root-Default-my-web");
  EXPECT_EQ(SanitizeName("/leading"), "x-leading");
  EXPECT_EQ(SanitizeName(""), "x");
  EXPECT_EQ(SanitizeName("a  //  b"), "a-b");
}

TEST(SanitizeName, LongNamesStayUnique) {
  std::string a(200, 'a');
  std::string b = a + "b";
  EXPECT_LE(SanitizeName(a).size(), 128u);
  EXPECT_NE(SanitizeName(a), SanitizeName(b));
}

TEST(RunArgs, MapsEveryField) {
  RunSpec spec;
  spec.name = "wdsl-app-web-0";
  spec.image = "wdsl-app-web:abc";
  spec.entrypoint = {"/bin/busybox", "httpd"};
  spec.args = {"-f", "-p", "8080"};
  spec.env = {{"A", "1"}};
  spec.publish = {8080};
  spec.cpus = 0.5;
  spec.memory_mib = 256;
  spec.gpus = 1;
  spec.volumes = {"/data"};
  spec.network = "wdsl-app";
  spec.aliases = {"web"};
  spec.labels = {{"wdsl.app", "app"}};
  EXPECT_THAT(RunArgs(spec),
              ElementsAre("run", "--detach", "--name", "wdsl-app-web-0", "--label", "wdsl.app=app", "--network",
                          "wdsl-app", "--network-alias", "web", "--publish", "127.0.0.1::8080", "--env", "A=1",
                          "--cpus", "0.5", "--memory", "256m", "--gpus", "1", "--volume", "/data", "--restart",
                          "on-failure", "--entrypoint", "/bin/busybox", "wdsl-app-web:abc", "httpd", "-f", "-p",
                          "8080"));
}

TEST(RunArgs, MinimalSpecKeepsImageDefaults) {
  RunSpec spec;
  spec.name = "c";
  spec.image = "redis:7-alpine";
  spec.restart = "";
  EXPECT_THAT(RunArgs(spec), ElementsAre("run", "--detach", "--name", "c", "redis:7-alpine"));
}

TEST(HostPort, ReadsDockerPortOutput) {
  FakeRunner runner;
  runner.answer = [](const std::string&) { return Result{0, "127.0.0.1:32771\n", "", false}; };
  EXPECT_EQ(HostPort(runner, "c", 8080), 32771);
  EXPECT_THAT(runner.Commands(), ElementsAre("port c 8080/tcp"));
}

TEST(CheckEngine, SaysHowToInstallWhenTheBinaryIsMissing) {
  FakeRunner runner;
  std::string message = CheckEngine(runner, /*binary_found=*/false);
  EXPECT_THAT(message, HasSubstr("`docker` command was not found"));
  EXPECT_THAT(message, HasSubstr("apt-get install docker.io"));
  EXPECT_THAT(message, HasSubstr("Docker Desktop"));
  EXPECT_TRUE(runner.Commands().empty());
}

TEST(CheckEngine, ReportsTheEnginesAnswer) {
  FakeRunner runner;
  runner.answer = [](const std::string&) {
    return Result{1, "", "Cannot connect to the Docker daemon at unix:///nowhere.sock", false};
  };
  std::string message = CheckEngine(runner);
  EXPECT_THAT(message, HasSubstr("does not answer"));
  EXPECT_THAT(message, HasSubstr("Cannot connect to the Docker daemon"));
  EXPECT_THAT(message, HasSubstr("usermod -aG docker"));
  runner.answer = [](const std::string&) { return Result{0, "28.2.2\n", "", false}; };
  EXPECT_EQ(CheckEngine(runner), "");
}

auto TwoWorkloadsOneContext() -> std::map<std::string, nlohmann::json> {
  return {
      {"root/Default/web", {{"context", "web"}, {"dockerfile", "Dockerfile"}, {"hash", "h1"}, {"tag", "wdsl-a-web:h1"}}},
      {"root/Default/worker",
       {{"context", "web"}, {"dockerfile", "Dockerfile"}, {"hash", "h1"}, {"tag", "wdsl-a-worker:h1"}}},
      {"root/Default/cache", {{"pull", "redis:7-alpine"}}},
  };
}

TEST(ImageJobs, BuildsASharedContextOnce) {
  std::vector<ImageJob> jobs = ImageJobs(TwoWorkloadsOneContext(), "/app", "a");
  ASSERT_EQ(jobs.size(), 2u);
  const ImageJob& build = jobs[0].local ? jobs[0] : jobs[1];
  const ImageJob& pull = jobs[0].local ? jobs[1] : jobs[0];
  EXPECT_THAT(build.tags, ElementsAre("wdsl-a-web:h1", "wdsl-a-worker:h1"));
  EXPECT_EQ(build.context, "/app/web");
  EXPECT_THAT(pull.tags, ElementsAre("redis:7-alpine"));
}

TEST(EnsureImages, RunsNoBuildWhenEveryTagExists) {
  FakeRunner runner;  // every `image inspect` succeeds
  std::vector<ImageOutcome> outcomes = EnsureImages(runner, ImageJobs(TwoWorkloadsOneContext(), "/app", "a"), 2, {});
  EXPECT_EQ(runner.Commands().size(), 1u) << "one batch inspect, nothing else";
  EXPECT_TRUE(runner.CommandsStarting("build").empty());
  EXPECT_TRUE(runner.CommandsStarting("pull").empty());
  for (const ImageOutcome& outcome : outcomes) EXPECT_NE(outcome.state, ImageState::kFailed);
}

TEST(EnsureImages, BuildsMissingTagsWithLabelsAndPullsMissingImages) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    bool inspect = command.starts_with("image inspect");
    return Result{inspect ? 1 : 0, "", inspect ? "No such image" : "", false};
  };
  int reported = 0;
  std::vector<ImageOutcome> outcomes = EnsureImages(runner, ImageJobs(TwoWorkloadsOneContext(), "/app", "a"), 2,
                                                    [&](const ImageOutcome&) { ++reported; });
  EXPECT_EQ(reported, 2);
  EXPECT_THAT(runner.CommandsStarting("build"),
              ElementsAre("build --label wdsl.app=a --label wdsl.hash=h1 -f /app/web/Dockerfile -t wdsl-a-web:h1 -t "
                          "wdsl-a-worker:h1 /app/web"));
  EXPECT_THAT(runner.CommandsStarting("pull"), ElementsAre("pull --quiet redis:7-alpine"));
}

TEST(EnsureImages, TagsInsteadOfBuildingWhenOneTagExists) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    // The batch inspect finds every image but the worker's tag.
    if (command.starts_with("image inspect") && command.find("wdsl-a-worker:h1") != std::string::npos) {
      return Result{1, "sha256:1\nsha256:2\n\n", "Error: No such image: wdsl-a-worker:h1", false};
    }
    return Result{0, "", "", false};
  };
  EnsureImages(runner, ImageJobs(TwoWorkloadsOneContext(), "/app", "a"), 1, {});
  EXPECT_TRUE(runner.CommandsStarting("build").empty());
  EXPECT_THAT(runner.CommandsStarting("tag"), ElementsAre("tag wdsl-a-web:h1 wdsl-a-worker:h1"));
}

TEST(ExistingImages, NoEngineMeansNoImage) {
  FakeRunner runner;
  runner.answer = [](const std::string&) {
    return Result{1, "\n", "Cannot connect to the Docker daemon at unix:///x.sock", false};
  };
  EXPECT_TRUE(ExistingImages(runner, {"a:1", "b:2"}).empty());
}

TEST(EnsureImages, AFailedPullSaysWhatToCheck) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    if (command.starts_with("pull")) return Result{1, "", "Error response from daemon: pull access denied", false};
    return Result{1, "", "No such image", false};
  };
  std::map<std::string, nlohmann::json> images = {{"root/Default/c", {{"pull", "nope/nothing:1"}}}};
  std::vector<ImageOutcome> outcomes = EnsureImages(runner, ImageJobs(images, "/app", "a"), 1, {});
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].state, ImageState::kFailed);
  EXPECT_THAT(outcomes[0].error, HasSubstr("cannot pull image `nope/nothing:1`: Error response from daemon"));
  EXPECT_THAT(outcomes[0].error, HasSubstr("docker login"));
}

TEST(EnsureImages, AFailedBuildShowsTheEndOfItsLog) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    if (command.starts_with("build")) return Result{1, "Step 1/2 : FROM scratch\n", "COPY failed: no such file", false};
    return Result{1, "", "No such image", false};
  };
  std::map<std::string, nlohmann::json> images = {
      {"root/Default/web", {{"context", "web"}, {"hash", "h"}, {"tag", "wdsl-a-web:h"}}}};
  std::vector<ImageOutcome> outcomes = EnsureImages(runner, ImageJobs(images, "/app", "a"), 1, {});
  EXPECT_EQ(outcomes[0].state, ImageState::kFailed);
  EXPECT_THAT(outcomes[0].error, HasSubstr("COPY failed: no such file"));
  EXPECT_THAT(outcomes[0].error, HasSubstr("/app/web/Dockerfile"));
}

TEST(RemoveLabelled, RemovesContainersThenNetworks) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    if (command.starts_with("ps")) return Result{0, "c1\nc2\n", "", false};
    if (command.starts_with("network ls")) return Result{0, "n1\n", "", false};
    return Result{0, "", "", false};
  };
  EXPECT_EQ(RemoveLabelled(runner, "wdsl.home=abc"), 2);
  EXPECT_THAT(runner.Commands(),
              ElementsAre("ps --all --quiet --filter label=wdsl.home=abc", "rm --force --volumes c1 c2",
                          "network ls --quiet --filter label=wdsl.home=abc", "network rm n1"));
}

}  // namespace
}  // namespace wdsl::docker
