// cloud.Api in the simulator: a real server on 127.0.0.1, routes with
// `:name` segments, requests and responses as Wing structs, busy ports, and
// `api.url` both inflight and as a preflight token.
#include <gtest/gtest.h>
#include <httplib.h>

#include "runtime/live_resource.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using testing::CompileSource;
using testing::TempDir;

constexpr const char* kApiProgram = R"(
bring cloud;
bring http;
let api = new cloud.Api() as "api";
let url = api.url;
api.get("/items/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let id = req.vars.get("id");
  let q = req.query.tryGet("q") ?? "-";
  let h = req.headers?.tryGet("x-test") ?? "-";
  return cloud.ApiResponse { status: 200, body: "{req.method} {req.path} id={id} q={q} h={h}", headers: { "x-out": "yes" } };
});
api.get("/items/:id/special", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: "special" };
});
api.post("/items", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 201, body: "created {req.body ?? ""}" };
});
api.get("/boom", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  throw "kaboom";
});
test "client" {
  let r = http.get("{api.url}/items/7?q=z");
  assert(r.status == 200);
  assert(r.body == "GET /items/7 id=7 q=z h=-");
  assert(r.headers.get("x-out") == "yes");
  let p = http.post("{url}/items", body: "abc");
  assert(p.status == 201);
  assert(p.body == "created abc");
  assert(http.get("{url}/nope").status == 404);
}
)";

auto Options(const fs::path& dir, LogSink* log, int port) -> SimOptions {
  SimOptions options = testing::Options(dir, log);
  options.first_port = port;
  return options;
}

TEST(Api, RoutesRequestsToHandlers) {
  TempDir dir("api");
  ir::Program program = CompileSource(dir.Path(), kApiProgram);
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log, 0));
  ASSERT_EQ(sim.Start(), "");
  std::vector<EndpointInfo> endpoints = sim.Endpoints();
  std::string url;
  for (const auto& e : endpoints) {
    if (e.path == "root/Default/api") url = e.url;
  }
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << url;
  httplib::Client client(url);
  client.set_read_timeout(5, 0);
  auto get = client.Get("/items/42?q=hello", {{"X-Test", "t"}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /items/42 id=42 q=hello h=t");
  EXPECT_EQ(get->get_header_value("x-out"), "yes");
  auto special = client.Get("/items/9/special");
  ASSERT_TRUE(special);
  EXPECT_EQ(special->body, "special");
  auto post = client.Post("/items", "payload", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->body, "created payload");
  auto missing = client.Get("/nothing/here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto wrong_method = client.Delete("/items/1");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  auto boom = client.Get("/boom");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(boom->body, "kaboom");
  bool logged = false;
  for (const auto& [source, text] : log.Lines()) {
    logged = logged || (source == "root/Default/api/OnRequestHandler3" && text.find("kaboom") != std::string::npos &&
                        text.find("main.w:") != std::string::npos);
  }
  EXPECT_TRUE(logged) << "a failing handler is logged with its resource and line";
  // Inflight code reaches the server through `http` and both forms of the URL.
  const ir::TestCase& test = sim.GetProgram().tests.at(0);
  EXPECT_NO_THROW(sim.RunClosure(test.closure, {}, test.path));
  sim.Stop();
  EXPECT_FALSE(client.Get("/items/1")) << "the server is down after Stop";
}

TEST(Api, BusyPortIsSkippedWithANote) {
  TempDir dir("ports");
  ir::Program program = CompileSource(dir.Path(), kApiProgram);
  httplib::Server blocker;
  int busy = blocker.bind_to_any_port("127.0.0.1");
  ASSERT_GT(busy, 0);
  BufferLogSink log;
  std::vector<std::string> notes;
  SimOptions options = Options(dir.Path(), &log, busy);
  options.note = [&](const std::string& text) { notes.push_back(text); };
  Simulator sim(program, options);
  std::string error = sim.Start();
  if (!error.empty()) GTEST_SKIP() << "no free port after " << busy << ": " << error;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find(std::to_string(busy) + " is in use"), std::string::npos) << notes[0];
  for (const auto& e : sim.Endpoints()) {
    if (e.path == "root/Default/api") {
      EXPECT_NE(e.url, "http://127.0.0.1:" + std::to_string(busy));
    }
  }
}

TEST(Api, CorsAndClientErrors) {
  TempDir dir("cors");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
bring http;
let api = new cloud.Api(cors: true) as "api";
api.get("/x", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 99 };
});
test "refused" {
  let var message = "";
  try { http.get("http://127.0.0.1:1/nothing"); } catch e { message = e; }
  assert(message.contains("fetch failed: GET http://127.0.0.1:1/nothing"));
  let var relative = "";
  try { http.get("/relative"); } catch e { relative = e; }
  assert(relative.contains("only absolute http:// and https:// URLs"));
}
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log, 0));
  ASSERT_EQ(sim.Start(), "");
  httplib::Client client(sim.Endpoints().at(0).url);
  client.set_read_timeout(5, 0);
  auto preflight = client.Options("/x");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "*");
  auto bad_status = client.Get("/x");
  ASSERT_TRUE(bad_status);
  EXPECT_EQ(bad_status->status, 500) << "a status outside 100-599 is the handler's error";
  EXPECT_EQ(bad_status->get_header_value("Access-Control-Allow-Origin"), "*");
  const ir::TestCase& test = sim.GetProgram().tests.at(0);
  try {
    sim.RunClosure(test.closure, {}, test.path);
  } catch (const ir::ThrownError& error) {
    ADD_FAILURE() << error.what() << " at line " << (error.trace.empty() ? 0 : error.trace[0].pos.line);
  }
}

}  // namespace
}  // namespace wdsl::runtime
