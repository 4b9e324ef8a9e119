// cloud.Service in its image with a real Docker engine (issue #9): `wdsl
// build` makes the image of wdsl-runtime and the service's bundle FROM
// scratch and builds it once per content hash; `wdsl run` runs a service with
// `runtime: "container"` (or every service with --services-in-containers) in
// it, calling the simulator's resources through the Resource API; start(),
// stop() and started() work from inflight code; Ctrl-C runs the stop handler
// in the container and leaves nothing behind. These tests fail (never skip)
// without a Docker engine (scripts/setup.sh starts one).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/docker_support.h"
#include "tests/run_wdsl.h"
#include "tests/running_app.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The service counts its starts and writes an object on each start and stop;
// the Api reads objects and drives the service.
auto Program(const std::string& runtime_prop) -> std::string {
  return R"(bring cloud;
let b = new cloud.Bucket() as "store";
let c = new cloud.Counter() as "starts";
let s = new cloud.Service(inflight () => {
  let n = c.inc() + 1;
  b.put("started-{n}", "start {n}");
  log("service started {n}");
  return () => {
    b.put("stopped-{n}", "stop {n}");
    log("service stopping {n}");
  };
})" + runtime_prop + R"() as "worker";
let api = new cloud.Api() as "api";
api.get("/object/:key", inflight (req) => {
  return cloud.ApiResponse { status: 200, body: b.tryGet(req.vars.get("key")) ?? "none" };
});
api.get("/started", inflight () => {
  return cloud.ApiResponse { status: 200, body: "{s.started()}" };
});
api.post("/stop", inflight () => { s.stop(); return cloud.ApiResponse { status: 200, body: "stopped" }; });
api.post("/start", inflight () => { s.start(); return cloud.ApiResponse { status: 200, body: "started" }; });
)";
}

auto Leftovers(const std::string& app) -> std::string {
  return Shell("docker ps -aq --filter label=wdsl.app=" + app) +
         Shell("docker network ls -q --filter label=wdsl.app=" + app);
}

// Polls GET url+path until its body is `want` (at most `seconds`).
auto WaitForBody(const std::string& url, const std::string& path, const std::string& want, int seconds = 30)
    -> std::string {
  auto end = Clock::now() + std::chrono::seconds(seconds);
  std::string body;
  while (Clock::now() < end) {
    body = Get(url, path).second;
    if (body == want) return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return body;
}

auto Post(const std::string& url, const std::string& path) -> std::pair<int, std::string> {
  httplib::Client client(url);
  client.set_read_timeout(60, 0);
  auto res = client.Post(path, "", "text/plain");
  if (!res) return {-1, httplib::to_string(res.error())};
  return {res->status, res->body};
}

TEST(ServiceContainer, RunsInItsImageWritesOnStartAndStopAndReusesTheImage) {
  std::string dir = TempDir("svc-e2e");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  WriteFile(dir + "/main.w", Program(R"(, runtime: "container")"));

  // The first build makes the image; the second builds nothing.
  auto built_at = Clock::now();
  RunResult first = RunWdsl({"build", "main.w"}, dir);
  double first_seconds = std::chrono::duration<double>(Clock::now() - built_at).count();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.err.find(" built in "), std::string::npos) << first.err;
  std::string image = Shell("docker images -q --filter label=wdsl.app=" + app);
  ASSERT_FALSE(image.empty()) << "no image was built";
  EXPECT_TRUE(fs::exists(dir + "/.wdsl/images/worker/Dockerfile"));
  EXPECT_TRUE(fs::exists(dir + "/.wdsl/images/worker/rootfs/wdsl/wdsl-runtime"));
  auto again_at = Clock::now();
  RunResult second = RunWdsl({"build", "main.w"}, dir);
  double again_seconds = std::chrono::duration<double>(Clock::now() - again_at).count();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("up to date (no build)"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("(1 unchanged)"), std::string::npos) << second.err;
  EXPECT_EQ(Shell("docker images -q --filter label=wdsl.app=" + app), image);
  std::string size = Shell("docker image inspect --format '{{.Size}}' $(docker images -q --filter label=wdsl.app=" +
                           app + " | head -1)");
  std::cerr << "figures: first build " << first_seconds << " s, unchanged build " << again_seconds
            << " s, image " << size;

  // Run: the service starts in its container and writes through the sim.
  auto run_at = Clock::now();
  RunningApp running(dir, {"--sim", "main.w", "--port", "0", "--no-watch"});
  std::string url = running.WaitForUrl("root/Default/api", 120);
  ASSERT_FALSE(url.empty()) << running.Out() << running.Err();
  EXPECT_EQ(WaitForBody(url, "/object/started-1", "start 1"), "start 1") << running.Out() << running.Err();
  std::cerr << "figures: wdsl run to the start handler's object " 
            << std::chrono::duration<double>(Clock::now() - run_at).count() << " s\n";
  EXPECT_NE(Shell("docker ps -q --filter label=wdsl.app=" + app + " --filter label=wdsl.resource=root/Default/worker"),
            "");
  EXPECT_EQ(Get(url, "/started").second, "true");

  // stop() and start() from inflight code.
  EXPECT_EQ(Post(url, "/stop"), (std::pair<int, std::string>{200, "stopped"}));
  EXPECT_EQ(Get(url, "/object/stopped-1").second, "stop 1");
  EXPECT_EQ(Get(url, "/started").second, "false");
  EXPECT_EQ(Shell("docker ps -aq --filter label=wdsl.resource=root/Default/worker --filter label=wdsl.app=" + app), "");
  EXPECT_EQ(Post(url, "/stop").first, 500);  // not started
  EXPECT_EQ(Post(url, "/start"), (std::pair<int, std::string>{200, "started"}));
  EXPECT_EQ(WaitForBody(url, "/object/started-2", "start 2"), "start 2");

  // Ctrl-C: the stop handler runs in the container before the app is gone.
  EXPECT_EQ(running.SignalAndWait(SIGINT), 0) << running.Err();
  EXPECT_EQ(ReadFile(dir + "/.wdsl/state/store/objects/stopped-2"), "stop 2");
  std::string out = running.Out();
  EXPECT_NE(out.find("[root/Default/worker] service started 1"), std::string::npos) << out;
  EXPECT_NE(out.find("[root/Default/worker] service stopping 2"), std::string::npos) << out;
  EXPECT_EQ(Leftovers(app), "");
  // The run used the image `wdsl build` made.
  EXPECT_EQ(running.Err().find(" built in "), std::string::npos) << running.Err();
}

TEST(ServiceContainer, ServicesInContainersFlagRunsEveryService) {
  std::string dir = TempDir("svc-flag-e2e");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  WriteFile(dir + "/main.w", Program(""));
  RunningApp running(dir, {"--sim", "main.w", "--port", "0", "--no-watch", "--services-in-containers"});
  std::string url = running.WaitForUrl("root/Default/api", 120);
  ASSERT_FALSE(url.empty()) << running.Out() << running.Err();
  EXPECT_EQ(WaitForBody(url, "/object/started-1", "start 1"), "start 1") << running.Out() << running.Err();
  EXPECT_NE(Shell("docker ps -q --filter label=wdsl.resource=root/Default/worker --filter label=wdsl.app=" + app), "");
  EXPECT_EQ(running.SignalAndWait(SIGINT), 0) << running.Err();
  EXPECT_EQ(ReadFile(dir + "/.wdsl/state/store/objects/stopped-1"), "stop 1");
  EXPECT_EQ(Leftovers(app), "");

  // Without the flag the same service runs in the simulator: no container.
  RunningApp in_process(dir, {"--sim", "main.w", "--port", "0", "--no-watch"});
  url = in_process.WaitForUrl("root/Default/api", 60);
  ASSERT_FALSE(url.empty()) << in_process.Err();
  EXPECT_EQ(WaitForBody(url, "/object/started-2", "start 2"), "start 2");
  EXPECT_EQ(Shell("docker ps -aq --filter label=wdsl.app=" + app), "");
  EXPECT_EQ(in_process.SignalAndWait(SIGINT), 0);
}

// Readiness and deploy-time tokens: the start handler takes 2 s, then calls
// the Api through a URL captured at preflight (`${wdsl#...#url}` in the
// bundle, resolved from WDSL_TOKENS to the Api at the network's gateway)
// and through `api.url` read inflight, and a workload through its
// `publicUrl` (the router's listener on the gateway), and writes what it got.
auto SlowStartProgram() -> std::string {
  return R"(bring cloud;
bring containers;
bring http;
bring util;
let b = new cloud.Bucket() as "store";
let web = new containers.Workload(name: "web", image: "./web", port: 8080, public: true) as "web";
let webUrl = web.publicUrl ?? "none";
let api = new cloud.Api() as "api";
let hello = "{api.url}/hello";
api.get("/hello", inflight () => { return cloud.ApiResponse { status: 200, body: "hi from the api" }; });
api.get("/object/:key", inflight (req) => {
  return cloud.ApiResponse { status: 200, body: b.tryGet(req.vars.get("key")) ?? "none" };
});
let s = new cloud.Service(inflight () => {
  util.sleep(2s);
  b.put("captured", http.get(hello).body);
  b.put("inflight", http.get("{api.url}/hello").body);
  b.put("url", api.url);
  // The workload may still be starting: the router answers 502 until it is ready.
  let var page = "";
  for i in 0..100 {
    let res = http.get(webUrl);
    if res.ok {
      page = res.body;
      break;
    }
    util.sleep(100ms);
  }
  b.put("web", page);
}, runtime: "container") as "slow";
api.get("/started", inflight () => { return cloud.ApiResponse { status: 200, body: "{s.started()}" }; });
test "waits for the start handler" {
  assert(s.started());
  assert(b.get("captured") == "hi from the api");
}
)";
}

TEST(ServiceContainer, ReadyOnlyOnceTheStartHandlerReturnedAndTokensResolveInTheContainer) {
  std::string dir = TempDir("svc-ready-e2e");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  WriteFile(dir + "/main.w", SlowStartProgram());
  ASSERT_TRUE(fs::exists("/bin/busybox")) << "install busybox-static (scripts/setup.sh does)";
  fs::create_directories(dir + "/web/srv");
  fs::copy_file("/bin/busybox", dir + "/web/busybox");
  WriteFile(dir + "/web/srv/index.html", "hello from web\n");
  WriteFile(dir + "/web/Dockerfile",
            "FROM scratch\nCOPY busybox /bin/busybox\nCOPY srv /srv\n"
            "ENTRYPOINT [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/srv\"]\n");
  RunResult built = RunWdsl({"build", "main.w"}, dir);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  std::string bundle = ReadFile(dir + "/.wdsl/images/slow/bundle.json");
  EXPECT_NE(bundle.find("${wdsl#root/Default/web#publicUrl}"), std::string::npos) << bundle;
  EXPECT_NE(bundle.find("${wdsl#root/Default/api#url}/hello"), std::string::npos)
      << "the image holds the token, not a port";

  auto run_at = Clock::now();
  RunningApp running(dir, {"--sim", "main.w", "--port", "0", "--no-watch"});
  std::string url = running.WaitForUrl("root/Default/api", 120);
  double ready_seconds = std::chrono::duration<double>(Clock::now() - run_at).count();
  ASSERT_FALSE(url.empty()) << running.Out() << running.Err();
  // Ready means the start handler returned: its objects exist at once.
  EXPECT_GE(ready_seconds, 2.0);
  EXPECT_EQ(Get(url, "/started").second, "true");
  EXPECT_EQ(Get(url, "/object/captured").second, "hi from the api") << running.Out() << running.Err();
  EXPECT_EQ(Get(url, "/object/inflight").second, "hi from the api");
  std::string container_url = Get(url, "/object/url").second;
  EXPECT_TRUE(container_url.starts_with("http://") && !container_url.starts_with("http://127.0.0.1"))
      << container_url;
  EXPECT_EQ(Get(url, "/object/web").second, "hello from web\n") << running.Out() << running.Err();
  EXPECT_EQ(running.Out().find("wdsl-runtime: ready"), std::string::npos) << "the readiness line is not logged";
  std::cerr << "figures: wdsl run to ready with a 2 s start handler " << ready_seconds << " s\n";
  EXPECT_EQ(running.SignalAndWait(SIGINT), 0) << running.Err();
  EXPECT_EQ(Leftovers(app), "");

  // `wdsl test` waits too: started() and the object hold in the test's first line.
  RunResult tested = RunWdsl({"test", "main.w"}, dir);
  EXPECT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  EXPECT_NE(tested.out.find("pass ─ waits for the start handler"), std::string::npos) << tested.out;
  EXPECT_EQ(Leftovers(app), "");
}

TEST(ServiceContainer, AStartHandlerThatThrowsFailsTheRunWithItsOutput) {
  std::string dir = TempDir("svc-throw-e2e");
  std::string app = fs::path(dir).filename().string();
  CleanUpApp cleanup{app};
  WriteFile(dir + "/main.w", R"(bring cloud;
new cloud.Service(inflight () => {
  log("about to fail");
  throw "no database";
}, runtime: "container") as "broken";
)");
  auto run_at = Clock::now();
  RunResult run = RunWdsl({"run", "--sim", "main.w", "--port", "0", "--no-watch"}, dir);
  double seconds = std::chrono::duration<double>(Clock::now() - run_at).count();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // an error of the program, not of the machine
  EXPECT_NE(run.err.find("service `root/Default/broken`: its start handler failed in container"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("no database"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("about to fail"), std::string::npos) << "the container's last output: " << run.err;
  EXPECT_LT(seconds, 60) << "not the whole ready timeout";
  EXPECT_EQ(Leftovers(app), "");
}

}  // namespace
}  // namespace wdsl::testing
