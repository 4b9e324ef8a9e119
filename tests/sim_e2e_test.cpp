// `wdsl test` and `wdsl run --sim` through the real binary: output and exit
// codes, HTTP on 127.0.0.1 against a running app, Ctrl-C, and a kill -9
// followed by a restart that must lose nothing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"
#include "tests/running_app.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTestProgram = R"(bring cloud;
let b = new cloud.Bucket() as "b";
test "stores a value" {
  b.put("k", "v");
  assert(b.get("k") == "v");
}
test "starts from a fresh state" {
  assert(!b.exists("k"));
}
test "fails on purpose" {
  b.put("k", "other");
  assert(b.get("k") == "v");
}
)";

TEST(SimTest, PassingAndFailingTests) {
  std::string dir = TempDir("simtest");
  WriteFile(dir + "/main.w", kTestProgram);
  RunResult run = RunWdsl({"test", "main.w"}, dir);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("pass ─ stores a value\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pass ─ starts from a fresh state\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("fail ─ fails on purpose\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("main.w:12:3"), std::string::npos) << "the failing line: " << run.out;
  EXPECT_TRUE(run.out.ends_with("2 passed, 1 failed\n")) << run.out;
  EXPECT_FALSE(fs::exists(dir + "/.wdsl/state")) << "tests never touch the app's own state";

  RunResult filtered = RunWdsl({"test", "main.w", "-t", "^st"}, dir);
  EXPECT_EQ(filtered.exit_code, 0) << filtered.out << filtered.err;
  EXPECT_TRUE(filtered.out.ends_with("2 passed, 0 failed\n")) << filtered.out;

  RunResult none = RunWdsl({"test", "main.w", "-t", "nothing-matches"}, dir);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no test in main.w matches `nothing-matches`"), std::string::npos) << none.err;

  RunResult bad = RunWdsl({"test", "main.w", "-t", "("}, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("invalid test filter `(`"), std::string::npos) << bad.err;

  RunResult missing = RunWdsl({"test", "nope.w"}, dir);
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  fs::remove_all(dir);
}

// `wdsl test` simulates target/main.sim/simulator.json: written on the
// first run, read (not rewritten) while up to date, rebuilt when a source
// changed or the file is not a manifest.
TEST(SimTest, UsesTheManifestAndRebuildsItWhenStale) {
  std::string dir = TempDir("simmanifest");
  WriteFile(dir + "/main.w", kTestProgram);
  fs::path manifest = fs::path(dir) / "target" / "main.sim" / "simulator.json";
  ASSERT_EQ(RunWdsl({"test", "main.w", "-t", "^st"}, dir).exit_code, 0);
  ASSERT_TRUE(fs::exists(manifest));
  auto built = fs::last_write_time(manifest);
  RunResult again = RunWdsl({"test", "main.w", "-t", "^st"}, dir);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(fs::last_write_time(manifest), built) << "an up-to-date manifest is read, not rebuilt";

  // A changed source: the new test exists only in the rebuilt manifest.
  WriteFile(dir + "/main.w", std::string(kTestProgram) + "test \"added later\" {\n  assert(true);\n}\n");
  fs::last_write_time(dir + "/main.w", built + std::chrono::seconds(2));
  RunResult changed = RunWdsl({"test", "main.w", "-t", "added"}, dir);
  EXPECT_EQ(changed.exit_code, 0) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("pass ─ added later"), std::string::npos) << changed.out;
  EXPECT_GT(fs::last_write_time(manifest), built);

  // Not a manifest any more: rebuilt, never trusted.
  WriteFile(manifest.string(), "{\"version\": 1}");
  RunResult broken = RunWdsl({"test", "main.w", "-t", "added"}, dir);
  EXPECT_EQ(broken.exit_code, 0) << broken.out << broken.err;
  EXPECT_NE(ReadFile(manifest.string()).find("\"sources\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(SimTest, ATestThatNeverEndsTimesOut) {
  std::string dir = TempDir("simtimeout");
  WriteFile(dir + "/main.w", R"(test "loops forever" {
  let var i = 0;
  while true { i = i + 1; }
}
test "still runs" { assert(true); }
)");
  auto start = std::chrono::steady_clock::now();
  RunResult run = RunWdsl({"test", "main.w", "--timeout", "0.3", "-j", "1"}, dir);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("fail ─ loops forever\n    timed out after 0.3 s"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pass ─ still runs"), std::string::npos) << run.out;
  EXPECT_TRUE(run.out.ends_with("1 passed, 1 failed\n")) << run.out;
  fs::remove_all(dir);
}

TEST(SimTest, ExamplesPass) {
  for (const char* example : {"examples/notes-api/main.w", "examples/class-store/main.w"}) {
    RunResult run = RunWdsl({"test", example});
    EXPECT_EQ(run.exit_code, 0) << example << "\n" << run.out << run.err;
    EXPECT_NE(run.out.find(" passed, 0 failed"), std::string::npos) << run.out;
  }
}

auto Client(const std::string& url) -> httplib::Client {
  httplib::Client client(url);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  return client;
}

TEST(SimRun, NotesApiOverHttpThenCtrlC) {
  std::string dir = TempDir("simrun");
  WriteFile(dir + "/main.w", ReadFile(std::string(WDSL_SOURCE_DIR) + "/examples/notes-api/main.w"));
  RunningApp app(dir, {"--sim", "main.w", "--port", "0"});
  std::string url = app.WaitForUrl();
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << url << "\n" << app.Out() << app.Err();
  httplib::Client client = Client(url);
  auto created = client.Post("/notes", "remember the milk", "text/plain");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  auto read = client.Get("/notes/" + created->body);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_EQ(read->body, "remember the milk");
  auto empty = client.Post("/notes", "", "text/plain");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  auto missing = client.Get("/notes/999");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // The consumer audits the creation in the background.
  fs::path audit = fs::path(dir) / ".wdsl/state/audit/objects" / ("create-" + created->body);
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!fs::exists(audit) && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(fs::exists(audit));
  EXPECT_EQ(app.SignalAndWait(SIGINT), 0) << app.Err();
  std::string out = app.Out();
  EXPECT_NE(out.find("root/Default/api  "), std::string::npos) << out;
  EXPECT_NE(out.find(url), std::string::npos) << out;
  EXPECT_NE(out.find("[root/Default/changes/Consumer0] audited create-"), std::string::npos) << out;
  EXPECT_NE(app.Err().find("wdsl: stopped"), std::string::npos) << app.Err();
  std::string logged = ReadFile(dir + "/.wdsl/logs/run.log");
  EXPECT_NE(logged.find("[root/Default/changes/Consumer0] audited create-"), std::string::npos) << logged;
  EXPECT_NE(logged.find("[wdsl] stopped"), std::string::npos) << logged;
  fs::remove_all(dir);
}

constexpr const char* kStoreProgram = R"(bring cloud;
let files = new cloud.Bucket() as "files";
let jobs = new cloud.Queue() as "jobs";
let api = new cloud.Api() as "api";
api.post("/files/:key", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  files.put(req.vars.get("key"), req.body ?? "");
  jobs.push(req.vars.get("key"));
  return cloud.ApiResponse { status: 201 };
});
api.get("/files/:key", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: files.tryGet(req.vars.get("key")) ?? "missing" };
});
api.get("/jobs", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: "{jobs.approxSize()} {jobs.pop() ?? "none"}" };
});
)";

TEST(SimRun, KillDashNineLosesNothing) {
  std::string dir = TempDir("simkill");
  WriteFile(dir + "/main.w", kStoreProgram);
  {
    RunningApp app(dir, {"main.w", "--port", "0"});
    std::string url = app.WaitForUrl();
    ASSERT_FALSE(url.empty()) << app.Out() << app.Err();
    httplib::Client client = Client(url);
    for (const char* key : {"a", "b"}) {
      auto put = client.Post(std::string("/files/") + key, std::string("body of ") + key, "text/plain");
      ASSERT_TRUE(put);
      EXPECT_EQ(put->status, 201);
    }
    EXPECT_EQ(app.SignalAndWait(SIGKILL), 128 + SIGKILL);
  }
  RunningApp again(dir, {"main.w", "--port", "0"});
  std::string url = again.WaitForUrl();
  ASSERT_FALSE(url.empty()) << again.Out() << again.Err();
  httplib::Client client = Client(url);
  auto a = client.Get("/files/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "body of a");
  auto jobs = client.Get("/jobs");
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->body, "2 a");
  jobs = client.Get("/jobs");
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->body, "1 b");
  EXPECT_EQ(again.SignalAndWait(SIGTERM), 0) << again.Err();
  fs::remove_all(dir);
}

TEST(SimRun, BusyPortIsSkippedWithANote) {
  std::string dir = TempDir("simport");
  WriteFile(dir + "/main.w", kStoreProgram);
  httplib::Server blocker;
  int busy = blocker.bind_to_any_port("127.0.0.1");
  ASSERT_GT(busy, 0);
  RunningApp app(dir, {"main.w", "--port", std::to_string(busy)});
  std::string url = app.WaitForUrl();
  ASSERT_FALSE(url.empty()) << app.Out() << app.Err();
  EXPECT_NE(url, "http://127.0.0.1:" + std::to_string(busy));
  EXPECT_EQ(app.SignalAndWait(SIGINT), 0);
  EXPECT_NE(app.Err().find("port " + std::to_string(busy) + " is in use"), std::string::npos) << app.Err();
  fs::remove_all(dir);
}

TEST(SimRun, SecondCtrlCForcesTheExit) {
  std::string dir = TempDir("simforce");
  WriteFile(dir + "/main.w", R"(bring cloud;
bring util;
let api = new cloud.Api() as "api";
let slow = new cloud.Service(inflight () => {
  return () => { log("stop handler runs"); util.sleep(60s); };
}) as "slow";
)");
  RunningApp app(dir, {"main.w", "--port", "0"});
  ASSERT_FALSE(app.WaitForUrl().empty()) << app.Out() << app.Err();
  kill(app.Pid(), SIGINT);
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (app.Out().find("stop handler runs") == std::string::npos && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A repeat within 250 ms counts as the same signal delivered twice.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto forced = std::chrono::steady_clock::now();
  EXPECT_EQ(app.SignalAndWait(SIGINT), 130) << app.Err();
  EXPECT_LT(std::chrono::steady_clock::now() - forced, std::chrono::seconds(5));
  EXPECT_NE(app.Err().find("forced exit"), std::string::npos) << app.Err();
  fs::remove_all(dir);
}

TEST(SimRun, ResourceApiAllowsOnlyBoundOperations) {
  std::string dir = TempDir("simapi");
  WriteFile(dir + "/main.w", R"(bring cloud;
bring containers;
let b = new cloud.Bucket() as "b";
let api = new cloud.Api() as "api";
api.get("/b/:key", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: b.tryGet(req.vars.get("key")) ?? "missing" };
});
let writer = new cloud.Function(inflight () => { b.put("k", "v"); }) as "writer";
)");
  RunningApp app(dir, {"main.w", "--port", "0"});
  std::string url = app.WaitForUrl();
  ASSERT_FALSE(url.empty()) << app.Out() << app.Err();
  EXPECT_EQ(fs::status(dir + "/.wdsl/resource-api.json").permissions() & fs::perms::others_read, fs::perms::none);
  auto config = nlohmann::json::parse(ReadFile(dir + "/.wdsl/resource-api.json"));
  std::string token = config["tokens"].value("root/Default/writer", "");
  ASSERT_FALSE(token.empty()) << config;
  httplib::Client resources = Client(config.value("url", ""));
  httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto put = resources.Post("/v1/root/Default/b/put", auth, R"({"args": ["k", "from a container"]})",
                            "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
  auto get = resources.Post("/v1/root/Default/b/get", auth, R"({"args": ["k"]})", "application/json");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 403) << get->body;
  auto anonymous = resources.Post("/v1/root/Default/b/put", R"({"args": ["k", "x"]})", "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  httplib::Client client = Client(url);
  auto read = client.Get("/b/k");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->body, "from a container");
  EXPECT_EQ(app.SignalAndWait(SIGINT), 0) << app.Err();
  fs::remove_all(dir);
}

TEST(SimRun, ProgramErrorsExitOneWithoutStarting) {
  std::string dir = TempDir("simerror");
  WriteFile(dir + "/main.w", "bring cloud;\nlet b = new cloud.Bucket() as \"b\";\nb.nope();\n");
  RunResult run = RunWdsl({"run", "main.w"}, dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_FALSE(fs::exists(dir + "/.wdsl/endpoints.json"));
  RunResult bad_port = RunWdsl({"run", "main.w", "--port", "70000"}, dir);
  EXPECT_EQ(bad_port.exit_code, 2) << bad_port.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
