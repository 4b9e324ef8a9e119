#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "runtime/docker/containers.h"
#include "runtime/docker/copy.h"
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

// ---- copying into containers (live update)

auto TempFile(const std::string& name, const std::string& text) -> std::filesystem::path {
  auto dir = std::filesystem::temp_directory_path() / ("wdsl-copy-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

// Runs a shell command with `input` on its standard input; its output.
auto Pipe(const std::string& command, const std::string& input) -> std::string {
  auto archive = TempFile("archive.tar", input);
  std::string out;
  FILE* pipe = popen((command + " < " + archive.string() + " 2>&1").c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(TarArchive, GnuTarReadsItWithOwnersModesAndParents) {
  auto script = TempFile("run.sh", "#!/bin/sh\necho hi\n");
  std::filesystem::permissions(script, std::filesystem::perms(0755));
  auto page = TempFile("page.html", "<p>hello</p>\n");
  std::string error;
  std::string tar = TarArchive({{page, "index.html"}, {script, "bin/deep/run.sh"}}, {1000, 1001}, error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(tar.size() % 512, 0u);
  std::string listing;
  for (char c : Pipe("tar --numeric-owner -tvf -", tar)) {
    if (c != ' ' || listing.empty() || listing.back() != ' ') listing += c;  // one space between columns
  }
  EXPECT_NE(listing.find("-rw-r--r-- 1000/1001 13 "), std::string::npos) << listing;
  EXPECT_NE(listing.find("index.html"), std::string::npos) << listing;
  EXPECT_NE(listing.find("drwxr-xr-x 1000/1001"), std::string::npos) << listing;
  EXPECT_NE(listing.find("bin/deep/\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("-rwxr-xr-x 1000/1001 18 "), std::string::npos) << listing;
  EXPECT_EQ(Pipe("tar -xOf - bin/deep/run.sh", tar), "#!/bin/sh\necho hi\n");
  bool found = false;
  EXPECT_EQ(FirstTarMember(tar, found), "<p>hello</p>\n");
  EXPECT_TRUE(found);
}

TEST(TarArchive, LongPathsUseThePrefixFieldTooLongOnesAreErrors) {
  auto page = TempFile("p.txt", "x");
  std::string dir(120, 'd');
  std::string error;
  std::string tar = TarArchive({{page, dir + "/file.txt"}}, {}, error);
  ASSERT_EQ(error, "");
  EXPECT_NE(Pipe("tar -tf -", tar).find(dir + "/file.txt"), std::string::npos);
  TarArchive({{page, std::string(300, 'n')}}, {}, error);
  EXPECT_NE(error.find("too long"), std::string::npos);
  TarArchive({{"/nonexistent/file", "a"}}, {}, error);
  EXPECT_NE(error.find("cannot read `/nonexistent/file`"), std::string::npos);
}

TEST(ContainerUser, NumbersAsTheyAreNamesFromTheContainersPasswd) {
  FakeRunner runner;
  std::string user = "1000:50";
  std::string passwd_tar, group_tar, error;
  passwd_tar = TarArchive({{TempFile("passwd", "root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n"),
                            "passwd"}}, {}, error);
  group_tar = TarArchive({{TempFile("group", "root:x:0:\nstaff:x:50:\n"), "group"}}, {}, error);
  runner.answer = [&](const std::string& command) {
    if (command.starts_with("inspect")) return Result{0, user + "\n", "", false};
    if (command == "cp c:/etc/passwd -") return Result{0, passwd_tar, "", false};
    if (command == "cp c:/etc/group -") return Result{0, group_tar, "", false};
    return Result{1, "", "no", false};
  };
  UserIds ids = ContainerUser(runner, "c");
  EXPECT_EQ(ids.uid, 1000);
  EXPECT_EQ(ids.gid, 50);
  user = "node";
  ids = ContainerUser(runner, "c");
  EXPECT_EQ(ids.uid, 1000);
  EXPECT_EQ(ids.gid, 1000);
  user = "node:staff";
  EXPECT_EQ(ContainerUser(runner, "c").gid, 50);
  user = "";
  EXPECT_EQ(ContainerUser(runner, "c").uid, 0);
  user = "nobody-here";
  EXPECT_EQ(ContainerUser(runner, "c").uid, 0);
}

TEST(CopyIntoContainer, MakesAMissingDestinationInsideItsNearestAncestor) {
  FakeRunner runner;
  runner.answer = [](const std::string& command) {
    if (command == "cp - c:/srv/new/dir") return Result{1, "", "Error: Could not find the file /srv/new/dir in container c", false};
    if (command == "cp - c:/srv/new") return Result{1, "", "Error: Could not find the file /srv/new in container c", false};
    return Result{0, "", "", false};
  };
  auto page = TempFile("x.html", "x");
  EXPECT_EQ(CopyIntoContainer(runner, "c", "/srv/new/dir/", {{page, "a/x.html"}}, {1000, 1000}), "");
  std::vector<std::string> commands = runner.Commands();
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[2], "cp - c:/srv");
  std::string listing = Pipe("tar -tf -", runner.Inputs()[2]);
  EXPECT_EQ(listing, "new/\nnew/dir/\nnew/dir/a/\nnew/dir/a/x.html\n");
  // Any other refusal is an error that names the container.
  runner.answer = [](const std::string&) { return Result{1, "", "Error: container c is not running", false}; };
  EXPECT_NE(CopyIntoContainer(runner, "c", "/srv", {{page, "x.html"}}, {}).find("cannot copy into `c`"), std::string::npos);
}

}  // namespace
}  // namespace wdsl::docker
