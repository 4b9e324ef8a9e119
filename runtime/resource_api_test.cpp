// The Resource API: per-host tokens whose allow-list is the host's `sim`
// permissions; anything not bound is 403.
#include <gtest/gtest.h>
#include <httplib.h>

#include "runtime/docker/fake_runner.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

using testing::CompileSource;
using testing::TempDir;

auto Post(httplib::Client& client, const std::string& path, const std::string& token, const std::string& body)
    -> std::pair<int, nlohmann::json> {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = client.Post(path, headers, body, "application/json");
  if (!res) return {-1, nullptr};
  return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
}

// Options for a simulator with the Resource API whose workloads run on a
// fake engine (these tests are about the API, not containers).
auto OptionsWithResourceApi(const TempDir& dir, BufferLogSink& log, docker::FakeRunner& engine) -> SimOptions {
  SimOptions options;
  options.state_dir = dir.Path() / "state";
  options.log = &log;
  options.resource_api = true;
  engine.answer = [](const std::string& command) {
    if (command.starts_with("info")) return docker::Result{0, "28.2.2\n", "", false};
    if (command.starts_with("inspect")) return docker::Result{0, "running\n", "", false};
    // The app network's gateway, where the API listens for containers; loopback here.
    if (command.starts_with("network inspect")) return docker::Result{0, "127.0.0.1 \n", "", false};
    return docker::Result{0, "", "", false};
  };
  options.docker = &engine;
  return options;
}

TEST(ResourceApi, TokensAllowExactlyTheBoundOperations) {
  TempDir dir("resource-api");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
bring containers;
let b = new cloud.Bucket() as "b";
let q = new cloud.Queue() as "q";
let web = new containers.Workload(name: "web", image: "nginx",
  bindings: { "UP" => b.allow(["put"]), "JOBS" => q }) as "web";
let f = new cloud.Function(inflight () => { b.get("x"); }) as "f";
)");
  BufferLogSink log;
  docker::FakeRunner engine;
  SimOptions options = OptionsWithResourceApi(dir, log, engine);
  Simulator sim(program, options);
  ASSERT_EQ(sim.Start(), "");
  std::map<std::string, std::string> tokens = sim.ResourceApiTokens();
  ASSERT_EQ(tokens.count("root/Default/web"), 1u);
  ASSERT_EQ(tokens.count("root/Default/f"), 1u);
  EXPECT_EQ(tokens.count("root/Default/b"), 0u) << "only hosts get tokens";
  EXPECT_NE(tokens["root/Default/web"], tokens["root/Default/f"]);
  httplib::Client client(sim.ResourceApiUrl());
  client.set_read_timeout(5, 0);
  const std::string web = tokens["root/Default/web"], f = tokens["root/Default/f"];
  // The container got its bindings' connection strings.
  std::vector<std::string> runs = engine.CommandsStarting("run");
  ASSERT_EQ(runs.size(), 1u);
  std::string container_api = sim.ResourceApiContainerUrl();
  ASSERT_FALSE(container_api.empty());
  EXPECT_NE(runs[0].find("--env WING_UP_TOKEN=" + web), std::string::npos) << runs[0];
  EXPECT_NE(runs[0].find("--env WING_UP_URL=" + container_api + "/v1/root/Default/b"), std::string::npos) << runs[0];
  EXPECT_NE(runs[0].find("--env WING_JOBS_URL=" + container_api + "/v1/root/Default/q"), std::string::npos);

  EXPECT_EQ(Post(client, "/v1/root/Default/b/put", "", R"({"args": ["k", "v"]})").first, 401);
  EXPECT_EQ(Post(client, "/v1/root/Default/b/put", "wrong", R"({"args": ["k", "v"]})").first, 401);
  auto [status, body] = Post(client, "/v1/root/Default/b/put", f, R"({"args": ["k", "v"]})");
  EXPECT_EQ(status, 403);
  EXPECT_NE(body.value("error", "").find("`root/Default/f` may not call `put` on `root/Default/b`"), std::string::npos)
      << body;
  EXPECT_EQ(Post(client, "/v1/root/Default/b/get", web, R"({"args": ["k"]})").first, 403);

  EXPECT_EQ(Post(client, "/v1/root/Default/b/put", web, R"({"args": ["k", "v"]})").first, 200);
  auto got = Post(client, "/v1/root/Default/b/get", f, R"({"args": ["k"]})");
  EXPECT_EQ(got.first, 200);
  EXPECT_EQ(got.second["result"], "v");
  auto missing = Post(client, "/v1/root/Default/b/get", f, R"({"args": ["nope"]})");
  EXPECT_EQ(missing.first, 500);
  EXPECT_NE(missing.second.value("error", "").find("key=nope"), std::string::npos);

  EXPECT_EQ(Post(client, "/v1/root/Default/q/push", web, R"({"args": ["job"]})").first, 200);
  auto size = Post(client, "/v1/root/Default/q/approxSize", web, "");
  EXPECT_EQ(size.first, 200);
  EXPECT_EQ(size.second["result"], 1);
  EXPECT_EQ(Post(client, "/v1/root/Default/q/push", web, "[1]").first, 400);
  EXPECT_EQ(Post(client, "/v1/root/Default/b/put", web, R"({"args": ["../x", "v"]})").first, 500);
  sim.Stop();
  EXPECT_FALSE(client.Post("/v1/root/Default/q/push")) << "down after Stop";
}

// A bound user class: its `pub inflight` methods run here in the
// interpreter with arguments converted to their parameter types.
TEST(ResourceApi, UserClassMethodsRunInTheSimulator) {
  TempDir dir("resource-api-class");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
bring containers;
struct Entry { key: str; value: str?; }
enum Mode { FAST, SAFE }
class Store {
  data: cloud.Bucket;
  new() { this.data = new cloud.Bucket() as "data"; }
  pub inflight put(entry: Entry, mode: Mode?): str {
    if entry.key == "boom" { throw "no key may be boom"; }
    this.data.put(entry.key, entry.value ?? "");
    return "{mode ?? Mode.FAST}";
  }
  pub inflight get(key: str): str? { return this.data.tryGet(key); }
  pub inflight entries(keys: Array<str>): Array<Entry> {
    let out = MutArray<Entry>[];
    for k in keys { out.push(Entry { key: k, value: this.data.tryGet(k) }); }
    return out.copy();
  }
  pub inflight wipe(key: str): void { this.data.delete(key); }
}
let store = new Store() as "store";
new containers.Workload(name: "web", image: "nginx",
  bindings: { "STORE" => store.allow(["put", "get", "entries"]) }) as "web";
)");
  BufferLogSink log;
  docker::FakeRunner engine;
  SimOptions options = OptionsWithResourceApi(dir, log, engine);
  Simulator sim(program, options);
  ASSERT_EQ(sim.Start(), "");
  const std::string web = sim.ResourceApiTokens()["root/Default/web"];
  ASSERT_FALSE(web.empty());
  httplib::Client client(sim.ResourceApiUrl());
  client.set_read_timeout(5, 0);

  auto put = Post(client, "/v1/root/Default/store/put", web, R"({"args": [{"key": "k", "value": "v"}, "SAFE"]})");
  EXPECT_EQ(put.first, 200) << put.second;
  EXPECT_EQ(put.second["result"], "SAFE");
  EXPECT_EQ(Post(client, "/v1/root/Default/store/put", web, R"({"args": [{"key": "j"}]})").second["result"], "FAST");
  auto got = Post(client, "/v1/root/Default/store/get", web, R"({"args": ["k"]})");
  EXPECT_EQ(got.first, 200);
  EXPECT_EQ(got.second["result"], "v") << "the method wrote the class's bucket";
  EXPECT_EQ(Post(client, "/v1/root/Default/store/get", web, R"({"args": ["nope"]})").second["result"], nullptr);
  auto entries = Post(client, "/v1/root/Default/store/entries", web, R"({"args": [["k", "nope"]]})");
  EXPECT_EQ(entries.second["result"], nlohmann::json::parse(R"([{"key": "k", "value": "v"}, {"key": "nope"}])"))
      << "an empty optional field is left out";

  // Not bound: 403 with the explanation every operation gets.
  auto wipe = Post(client, "/v1/root/Default/store/wipe", web, R"({"args": ["k"]})");
  EXPECT_EQ(wipe.first, 403);
  EXPECT_NE(wipe.second.value("error", "").find("`root/Default/web` may not call `wipe` on `root/Default/store`"),
            std::string::npos)
      << wipe.second;
  // Arguments that do not fit the parameters: 400, naming the argument.
  auto few = Post(client, "/v1/root/Default/store/put", web, R"({"args": []})");
  EXPECT_EQ(few.first, 400);
  EXPECT_EQ(few.second.value("error", ""), "`main.Store.put` of `root/Default/store`: expected 1 to 2 arguments, got 0");
  auto wrong = Post(client, "/v1/root/Default/store/put", web, R"({"args": [{"key": "k"}, "SLOW"]})");
  EXPECT_EQ(wrong.first, 400);
  EXPECT_NE(wrong.second.value("error", "").find("argument 2 (`mode`) must be one of \"FAST\", \"SAFE\""),
            std::string::npos)
      << wrong.second;
  // A method that throws answers as an operation that throws.
  auto thrown = Post(client, "/v1/root/Default/store/put", web, R"({"args": [{"key": "boom"}]})");
  EXPECT_EQ(thrown.first, 500);
  EXPECT_NE(thrown.second.value("error", "").find("no key may be boom"), std::string::npos) << thrown.second;
  sim.Stop();
}

}  // namespace
}  // namespace wdsl::runtime
