// Live update of `wdsl run` (issue #8) with a real Docker engine: a file a
// `sync` rule covers is copied into the running container (same container,
// owned by the image's user, no rebuild); other changes in the build
// context rebuild the image and replace the replica while the app keeps
// serving; a broken Dockerfile or program leaves the app as it was; a fixed
// program restarts it. Images are FROM scratch with Debian's busybox-static.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"
#include "tests/docker_support.h"
#include "tests/running_app.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;



// Polls until `done` or `seconds` pass.
auto Eventually(const std::function<bool()>& done, int seconds = 60) -> bool {
  auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

auto Trim(std::string text) -> std::string {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// busybox httpd FROM scratch as user 1000 (which has no /etc/passwd entry,
// as in most scratch images), serving web/srv.
void WriteContext(const std::string& dir) {
  ASSERT_TRUE(fs::exists("/bin/busybox")) << "install busybox-static (scripts/setup.sh does)";
  fs::create_directories(dir + "/web/srv");
  fs::copy_file("/bin/busybox", dir + "/web/busybox", fs::copy_options::overwrite_existing);
  WriteFile(dir + "/web/Dockerfile", R"(FROM scratch
COPY busybox /bin/busybox
COPY srv /srv
USER 1000:1000
ENTRYPOINT ["/bin/busybox"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]
)");
  WriteFile(dir + "/web/srv/index.html", "v1\n");
  WriteFile(dir + "/web/srv/gone.html", "still here\n");
}

auto Program(const std::string& greeting) -> std::string {
  return R"(bring containers;
new containers.Workload(
  name: "web",
  image: "./web",
  port: 8080,
  public: true,
  env: { "GREETING": ")" + greeting + R"(" },
  sync: [containers.SyncRule { src: "web/srv", dest: "/srv" }],
) as "web";
)";
}

// "" when there is no such container.
auto ContainerId(const std::string& name) -> std::string {
  int status = 0;
  std::string id = Shell("docker inspect --type container --format '{{.Id}}' " + name, &status);
  return status == 0 ? Trim(id) : "";
}

TEST(LiveUpdate, SyncedFilesLandInTheRunningContainerOtherChangesRebuildAndReplace) {
  std::string dir = TempDir("lsync");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  WriteFile(dir + "/main.w", Program("hi"));
  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  std::string url = run.WaitForUrl("ingress", 120);
  ASSERT_FALSE(url.empty()) << run.Out() << run.Err();
  ASSERT_EQ(Get(url, "/index.html").second, "v1\n");
  std::string first = "wdsl-" + app + "-web-0";
  std::string id = ContainerId(first);
  ASSERT_FALSE(id.empty());

  // A synced file: the same container serves the new content, which belongs
  // to the image's user; so does a new file in a new directory.
  WriteFile(dir + "/web/srv/index.html", "v2\n");
  fs::create_directories(dir + "/web/srv/deep/er");
  WriteFile(dir + "/web/srv/deep/er/new.html", "new\n");
  EXPECT_TRUE(Eventually([&] { return Get(url, "/index.html").second == "v2\n"; }, 30)) << run.Out();
  EXPECT_TRUE(Eventually([&] { return Get(url, "/deep/er/new.html").second == "new\n"; }, 30)) << run.Out();
  EXPECT_EQ(ContainerId(first), id) << "a synced change must not replace the container";
  EXPECT_EQ(Trim(Shell("docker exec " + first + " /bin/busybox stat -c %u:%g /srv/index.html /srv/deep/er")),
            "1000:1000\n1000:1000");
  EXPECT_NE(run.Out().find("no rebuild, no restart"), std::string::npos) << run.Out();

  // A Dockerfile that does not build: the app keeps serving what it had.
  std::string dockerfile = ReadFile(dir + "/web/Dockerfile");
  WriteFile(dir + "/web/Dockerfile", dockerfile + "NOT-AN-INSTRUCTION\n");
  EXPECT_TRUE(Eventually([&] { return run.Out().find("the build failed") != std::string::npos; })) << run.Out();
  EXPECT_EQ(Get(url, "/index.html").second, "v2\n");
  EXPECT_EQ(ContainerId(first), id);

  // A change no sync rule covers (the Dockerfile, fixed): a new image and a
  // new replica; the log names the file; the app answers all along.
  WriteFile(dir + "/web/Dockerfile", dockerfile + "ENV BUILT=again\n");
  std::string second = first + "-1";
  int failures = 0, answers = 0;
  EXPECT_TRUE(Eventually([&] {
    auto [status, body] = Get(url, "/index.html");
    ++answers;
    if (status != 200) ++failures;
    return ContainerId(first).empty() && !ContainerId(second).empty();
  }, 120)) << run.Out() << Shell("docker ps -a --format '{{.Names}} {{.Status}}' --filter label=wdsl.app=" + app);
  EXPECT_EQ(failures, 0) << "of " << answers << " requests during the replacement";
  EXPECT_NE(run.Out().find("`web/Dockerfile` changed and no sync rule covers it"), std::string::npos) << run.Out();
  EXPECT_EQ(Trim(Shell("docker exec " + second + " /bin/busybox env")).find("BUILT=again") != std::string::npos, true);
  EXPECT_EQ(Get(url, "/index.html").second, "v2\n") << "the new image holds the synced files";

  // Deleting a synced file needs `rm` in the container; this image has none
  // (only /bin/busybox), so it is rebuilt without the file.
  fs::remove(dir + "/web/srv/gone.html");
  EXPECT_TRUE(Eventually([&] { return Get(url, "/gone.html").first == 404; }, 120)) << run.Out();
  EXPECT_NE(run.Out().find("has no `rm`"), std::string::npos) << run.Out();

  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
  EXPECT_EQ(Shell("docker ps -aq --filter label=wdsl.app=" + app), "");
}

// A workload and an Api beside it; `reply` is the Api handler's text.
auto TwoPartProgram(const std::string& greeting, const std::string& reply) -> std::string {
  return Program(greeting) + R"(bring cloud;
let hits = new cloud.Counter() as "hits";
let api = new cloud.Api() as "api";
api.get("/hits", inflight (req) => {
  return cloud.ApiResponse { status: 200, body: ")" + reply + R"( {hits.peek()}" };
});
api.post("/hits", inflight (req) => {
  hits.inc();
  return cloud.ApiResponse { status: 204 };
});
)";
}

TEST(LiveUpdate, AProgramChangeActsOnlyOnWhatChanged) {
  std::string dir = TempDir("lprog");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  WriteFile(dir + "/main.w", TwoPartProgram("one", "first"));
  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  std::string url = run.WaitForUrl("ingress", 120);
  ASSERT_FALSE(url.empty()) << run.Out() << run.Err();
  std::string api = run.WaitForUrl("root/Default/api", 10);
  EXPECT_EQ(httplib::Client(api).Post("/hits")->status, 204);
  EXPECT_EQ(Get(api, "/hits").second, "first 1");
  std::string web = "wdsl-" + app + "-web-0";
  std::string id = ContainerId(web);
  ASSERT_FALSE(id.empty());

  // A broken program: diagnostics, and the app keeps running as it was.
  WriteFile(dir + "/main.w", TwoPartProgram("one", "first") + "let broken: num = \"text\";\n");
  EXPECT_TRUE(Eventually([&] { return run.Err().find("keeps running as it was") != std::string::npos; })) << run.Err();
  EXPECT_NE(run.Err().find("E0"), std::string::npos) << "the diagnostics are printed: " << run.Err();
  EXPECT_EQ(Get(url, "/index.html").first, 200);

  // Fixed, with a new handler body: the Api takes the new code on the same
  // port, the counter keeps its value, the container is not touched.
  WriteFile(dir + "/main.w", TwoPartProgram("one", "second"));
  EXPECT_TRUE(Eventually([&] { return Get(api, "/hits").second == "second 1"; }, 30)) << run.Err();
  EXPECT_TRUE(Eventually([&] {
    return run.Err().find("~ root/Default/api (cloud.Api): inflight code reloaded in place") != std::string::npos;
  })) << run.Err();
  EXPECT_EQ(run.Err().find("root/Default/web"), std::string::npos) << run.Err();
  EXPECT_EQ(ContainerId(web), id) << "a handler change must not touch the workload";

  // The workload's env: only it is replaced (a new container), behind the
  // same router URL; the Api and the counter keep running.
  WriteFile(dir + "/main.w", TwoPartProgram("two", "second"));
  EXPECT_TRUE(Eventually([&] {
    return Shell("docker exec " + web + " /bin/busybox env 2>/dev/null").find("GREETING=two") != std::string::npos;
  }, 120)) << run.Err();
  EXPECT_NE(ContainerId(web), id);
  EXPECT_TRUE(Eventually([&] {
    return run.Err().find("~ root/Default/web (containers.Workload): changed, replaced") != std::string::npos;
  })) << run.Err();
  EXPECT_TRUE(Eventually([&] { return Get(url, "/index.html").second == "v1\n"; }, 60)) << run.Err();
  EXPECT_EQ(Get(api, "/hits").second, "second 1");
  EXPECT_EQ(run.Err().find("restarting the whole app"), std::string::npos) << run.Err();

  // Removing the Api stops it; its port no longer answers.
  WriteFile(dir + "/main.w", Program("two"));
  EXPECT_TRUE(Eventually([&] { return run.Err().find("- root/Default/api: removed, stopped") != std::string::npos; }))
      << run.Err();
  EXPECT_EQ(Get(api, "/hits").first, -1);
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
  EXPECT_EQ(Shell("docker ps -aq --filter label=wdsl.app=" + app), "");
}

// A workload replaced by a program change starts from an image that does
// not hold what was synced since (its `sources` leave the synced files out,
// so the image is not rebuilt): the new container gets them (initial sync).
TEST(LiveUpdate, ANewReplicaGetsTheFilesSyncedEarlier) {
  std::string dir = TempDir("linitial");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  auto program = [](const std::string& greeting) {
    return R"(bring containers;
new containers.Workload(name: "web", image: "./web", port: 8080, public: true, env: { "GREETING": ")" +
           greeting + R"(" },
  sources: ["web/Dockerfile"], sync: [containers.SyncRule { src: "web/srv", dest: "/srv" }]) as "web";
)";
  };
  WriteFile(dir + "/main.w", program("one"));
  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  std::string url = run.WaitForUrl("ingress", 120);
  ASSERT_FALSE(url.empty()) << run.Out() << run.Err();
  WriteFile(dir + "/web/srv/index.html", "synced\n");
  ASSERT_TRUE(Eventually([&] { return Get(url, "/index.html").second == "synced\n"; }, 30)) << run.Out();
  std::string web = "wdsl-" + app + "-web-0";
  std::string id = ContainerId(web);

  WriteFile(dir + "/main.w", program("two"));
  EXPECT_TRUE(Eventually([&] { return !ContainerId(web).empty() && ContainerId(web) != id; }, 60)) << run.Err();
  EXPECT_TRUE(Eventually([&] { return run.Out().find("initial sync of 1 file synced earlier") != std::string::npos; },
                         30))
      << run.Out();
  EXPECT_TRUE(Eventually([&] { return Get(url, "/index.html").second == "synced\n"; }, 30))
      << "the new container serves what was synced, not the image's v1: " << Get(url, "/index.html").second;
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
}

// `wdsl run --trace --debug web`, `wdsl logs` and `wdsl exec` on a running app.
TEST(LiveUpdate, TraceDebugLogsAndExec) {
  std::string dir = TempDir("ldebug");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  WriteFile(dir + "/main.w", R"(bring containers;
bring cloud;
let notes = new cloud.Bucket() as "notes";
new containers.Workload(
  name: "web",
  image: "./web",
  port: 8080,
  public: true,
  debug: containers.DebugSpec { port: 9229, command: ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/srv"] },
) as "site";
let api = new cloud.Api() as "api";
api.get("/note", inflight (req) => {
  notes.put("k", "hello");
  return cloud.ApiResponse { status: 200, body: notes.get("k") };
});
)");
  RunningApp run(dir, {"--sim", "main.w", "--port", "0", "--trace", "--debug", "web"});
  std::string api = run.WaitForUrl("root/Default/api", 120);
  ASSERT_FALSE(api.empty()) << run.Out() << run.Err();
  EXPECT_EQ(Get(api, "/note").second, "hello");
  EXPECT_TRUE(Eventually([&] {
    return run.Out().find("trace: notes.put(\"k\", \"hello\") -> nil (") != std::string::npos &&
           run.Out().find("trace: notes.get(\"k\") -> \"hello\" (") != std::string::npos;
  }, 10)) << run.Out();
  EXPECT_NE(run.Out().find("trace: handler({\"method\":\"GET\""), std::string::npos) << run.Out();

  // The debug port is published on 127.0.0.1 and named in the log and endpoints.json.
  auto endpoints = nlohmann::json::parse(ReadFile(dir + "/.wdsl/endpoints.json"), nullptr, false);
  std::string debug = endpoints["root/Default/site"]["replicas"][0].value("debug", "");
  EXPECT_TRUE(debug.starts_with("127.0.0.1:")) << endpoints.dump(2);
  EXPECT_NE(run.Out().find("attach your debugger to " + debug), std::string::npos) << run.Out();
  std::string container = "wdsl-" + app + "-web-0";
  EXPECT_EQ(Trim(Shell("docker port " + container + " 9229/tcp")), debug);

  // exec by workload name; logs of one resource, by name.
  RunResult id = RunWdsl({"exec", "web", "--", "/bin/busybox", "id", "-u"}, dir);
  EXPECT_EQ(id.exit_code, 0) << id.err;
  EXPECT_EQ(Trim(id.out), "1000");
  RunResult missing = RunWdsl({"exec", "nope"}, dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("its workloads: `web` (root/Default/site)"), std::string::npos) << missing.err;
  RunResult logs = RunWdsl({"logs", "web"}, dir);
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("[root/Default/site] " + container + " is ready"), std::string::npos) << logs.out;
  EXPECT_EQ(logs.out.find("trace:"), std::string::npos) << "only the workload's lines: " << logs.out;
  RunResult handler = RunWdsl({"logs", "root/Default/api", "-n", "1"}, dir);
  EXPECT_NE(handler.out.find("trace: handler("), std::string::npos) << handler.out;

  // Bad --debug names are refused before anything starts.
  RunResult unknown = RunWdsl({"run", "main.w", "--debug", "nope"}, dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("`--debug nope`: no workload has that name"), std::string::npos) << unknown.err;
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
}

// A replacement whose new replica never gets ready does not hold up Ctrl-C,
// and nothing is left behind.
TEST(LiveUpdate, CtrlCDuringAReplacementStopsAtOnce) {
  std::string dir = TempDir("lstuck");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  WriteFile(dir + "/web/srv/ready", "ok\n");
  WriteFile(dir + "/main.w", R"(bring containers;
new containers.Workload(name: "web", image: "./web", port: 8080, public: true,
  readiness: containers.Probe { path: "/ready" }) as "web";
)");
  RunningApp run(dir, {"--sim", "main.w", "--port", "0"});
  ASSERT_FALSE(run.WaitForUrl("ingress", 120).empty()) << run.Out() << run.Err();
  fs::remove(dir + "/web/srv/ready");  // the new image's replica is never ready
  EXPECT_TRUE(Eventually([&] { return !ContainerId("wdsl-" + app + "-web-0-1").empty(); }, 60)) << run.Out();
  auto began = Clock::now();
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - began).count(), 10.0);
  EXPECT_EQ(Shell("docker ps -aq --filter label=wdsl.app=" + app), "");
}

TEST(LiveUpdate, NoWatchLeavesTheAppAlone) {
  std::string dir = TempDir("lnowatch");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  ASSERT_NO_FATAL_FAILURE(WriteContext(dir));
  WriteFile(dir + "/main.w", Program("one"));
  RunningApp run(dir, {"--sim", "main.w", "--port", "0", "--no-watch"});
  std::string url = run.WaitForUrl("ingress", 120);
  ASSERT_FALSE(url.empty()) << run.Out() << run.Err();
  EXPECT_EQ(run.Out().find("watching for changes"), std::string::npos);
  WriteFile(dir + "/web/srv/index.html", "v2\n");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(Get(url, "/index.html").second, "v1\n");
  EXPECT_EQ(run.SignalAndWait(SIGINT), 0) << run.Err();
}

}  // namespace
}  // namespace wdsl::testing
