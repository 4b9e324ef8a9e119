// A service in a container (service_container.cpp) on a fake engine: it is
// ready only once wdsl-runtime's ready line comes, a start handler that
// threw fails the start with its error, and the container gets the values
// of the tokens its bundle holds in WDSL_TOKENS.
#include <gtest/gtest.h>

#include "runtime/docker/fake_runner.h"
#include "runtime/service_runtime.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

using testing::CompileSource;
using testing::TempDir;

constexpr const char* kProgram = R"(
bring cloud;
let api = new cloud.Api() as "api";
let base = "{api.url}/v1";
new cloud.Service(inflight () => { log(base); }, runtime: "container", env: { "BASE" => base }) as "svc";
)";

auto Text(BufferLogSink& log) -> std::string {
  std::string text;
  for (const auto& [source, line] : log.Lines()) text += "[" + source + "] " + line + "\n";
  return text;
}

// A fake engine whose `docker logs` of the service prints `lines`.
auto Engine(std::vector<std::string> lines) -> std::unique_ptr<docker::FakeRunner> {
  auto engine = std::make_unique<docker::FakeRunner>();
  engine->answer = [](const std::string& command) {
    if (command.starts_with("info")) return docker::Result{0, "28.2.2\n", "", false};
    if (command.starts_with("inspect")) return docker::Result{0, "running\n", "", false};
    if (command.starts_with("network inspect")) return docker::Result{0, "127.0.0.1 \n", "", false};
    return docker::Result{0, "", "", false};
  };
  engine->stream = [lines](const std::string& command) {
    return command.starts_with("logs --follow") ? lines : std::vector<std::string>{};
  };
  return engine;
}

auto Options(const TempDir& dir, BufferLogSink& log, docker::FakeRunner& engine) -> SimOptions {
  SimOptions options;
  options.state_dir = dir.Path() / "state";
  options.log = &log;
  options.docker = &engine;
  options.ready_timeout_seconds = 2;
  options.images["root/Default/svc"] = {{"tag", "wdsl-app-svc:0123"}};
  return options;
}

TEST(ServiceContainer, ReadyWhenTheReadyLineComesWithTheTokensValues) {
  TempDir dir("svc-container");
  BufferLogSink log;
  std::unique_ptr<docker::FakeRunner> engine = Engine({"first line", kReadyLine});
  Simulator sim(CompileSource(dir.Path(), kProgram), Options(dir, log, *engine));
  ASSERT_EQ(sim.Start(), "");
  std::vector<std::string> runs = engine->CommandsStarting("run");
  ASSERT_EQ(runs.size(), 1u);
  std::string api_url;
  for (const EndpointInfo& endpoint : sim.Endpoints()) {
    if (endpoint.path == "root/Default/api") api_url = endpoint.url;
  }
  ASSERT_FALSE(api_url.empty());
  // The bundle keeps the token; the container gets its value.
  EXPECT_NE(runs[0].find("WDSL_TOKENS={\"root/Default/api#url\":\"http://127.0.0.1:"), std::string::npos) << runs[0];
  EXPECT_NE(runs[0].find("--env BASE=http://127.0.0.1:"), std::string::npos) << runs[0];
  EXPECT_EQ(runs[0].find("${wdsl#"), std::string::npos) << runs[0];
  sim.Stop();
  EXPECT_NE(Text(log).find("[root/Default/svc] first line"), std::string::npos) << Text(log);
  EXPECT_EQ(Text(log).find(kReadyLine), std::string::npos) << "the ready line is not logged";
}

TEST(ServiceContainer, AStartHandlerThatThrewFailsTheStart) {
  TempDir dir("svc-container-throw");
  BufferLogSink log;
  std::unique_ptr<docker::FakeRunner> engine =
      Engine({"connecting", std::string(kStartFailedPrefix) + "no database (main.w:5:36)"});
  Simulator sim(CompileSource(dir.Path(), kProgram), Options(dir, log, *engine));
  std::string error = sim.Start();
  EXPECT_NE(error.find("service `root/Default/svc`: its start handler failed in container"), std::string::npos)
      << error;
  EXPECT_NE(error.find("no database (main.w:5:36)"), std::string::npos) << error;
  EXPECT_FALSE(engine->CommandsStarting("rm --force").empty()) << "the container is removed";
}

TEST(ServiceContainer, NoReadyLineIsAnErrorAfterTheTimeout) {
  TempDir dir("svc-container-slow");
  BufferLogSink log;
  std::unique_ptr<docker::FakeRunner> engine = Engine({"still starting"});
  Simulator sim(CompileSource(dir.Path(), kProgram), Options(dir, log, *engine));
  auto started = std::chrono::steady_clock::now();
  std::string error = sim.Start();
  EXPECT_NE(error.find("its start handler has not returned after 2 s"), std::string::npos) << error;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace wdsl::runtime
