// Function mode of wdsl-runtime (lambda_runtime.h, lambda_events.h): the
// bundle of a function, a queue consumer and an Api handler, each served to
// a stand-in of Lambda's Runtime API on 127.0.0.1, with a recording backend.
#include "runtime/lambda_runtime.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/lambda_events.h"
#include "runtime/live_resource.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

using Json = nlohmann::json;
using testing::CompileSource;
using testing::TempDir;

const char* kProgram = R"(bring cloud;
let b = new cloud.Bucket() as "b";
let q = new cloud.Queue() as "q";
let api = new cloud.Api() as "api";
let f = new cloud.Function(inflight (event: Json?): Json? => {
  let name = event?.get("name")?.asStr() ?? "nobody";
  if name == "boom" { throw "no boom allowed"; }
  b.put("last", name);
  return { greeting: "hello {name}" };
}) as "f";
q.setConsumer(inflight (m: str) => {
  if m == "poison" { throw "cannot digest {m}"; }
  b.put(m, "seen");
}, batchSize: 5);
api.get("/notes/:id", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  let page = req.query.tryGet("page") ?? "1";
  if req.vars.get("id") == "teapot" { return cloud.ApiResponse { status: 999 }; }
  return cloud.ApiResponse {
    status: 201,
    headers: { "X-Page" => page, "Content-Type" => "application/json" },
    body: "{req.method} {req.path} {req.vars.get("id")} {req.headers?.tryGet("cookie") ?? "-"} [{req.body ?? ""}]",
  };
});
let tick = new cloud.Schedule(rate: 5m) as "tick";
tick.onTick(inflight () => {
  b.put("ticked", "yes");
});
)";

class RecordingBackend : public ResourceBackend {
 public:
  explicit RecordingBackend(std::vector<std::string>& calls) : calls_(calls) {}
  auto Call(const ir::Resource& resource, const std::string& operation, const Json& args) -> Json override {
    calls_.push_back(resource.id + "." + operation + args.dump());
    return nullptr;
  }

 private:
  std::vector<std::string>& calls_;
};

// Lambda's Runtime API as far as a runtime uses it: each event once, with
// request ids req-1, req-2, ...; records what comes back.
class StandInRuntimeApi {
 public:
  explicit StandInRuntimeApi(std::vector<std::string> events) : events_(events.begin(), events.end()) {
    server_.Get("/2018-06-01/runtime/invocation/next", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      if (events_.empty()) {
        res.status = 500;
        return;
      }
      res.set_header("Lambda-Runtime-Aws-Request-Id", "req-" + std::to_string(++served_));
      res.set_header("Lambda-Runtime-Deadline-Ms", "4102444800000");
      res.set_content(events_.front(), "application/json");
      events_.pop_front();
    });
    server_.Post(R"(/2018-06-01/runtime/invocation/([^/]+)/(response|error))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard lock(mutex_);
                   std::string kind = req.matches[2];
                   std::string type = req.get_header_value("Lambda-Runtime-Function-Error-Type");
                   results_[req.matches[1]] = {kind, req.body, type};
                   res.status = 202;
                 });
    server_.Post("/2018-06-01/runtime/init/error", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      results_["init"] = {"init-error", req.body, req.get_header_value("Lambda-Runtime-Function-Error-Type")};
      res.status = 202;
    });
    // Bound and listening before the accept loop starts: no wait needed.
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~StandInRuntimeApi() {
    server_.stop();
    thread_.join();
  }

  struct Result {
    std::string kind;  // "response", "error" or "init-error"
    std::string body;
    std::string error_type;
  };

  auto Address() const -> std::string { return "127.0.0.1:" + std::to_string(port_); }
  auto ResultOf(const std::string& id) -> Result {
    std::lock_guard lock(mutex_);
    return results_[id];
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> events_;
  int served_ = 0;
  std::map<std::string, Result> results_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

struct Fixture {
  explicit Fixture(const std::string& function_path) : dir("lambda") {
    ir::Program program = CompileSource(dir.Path(), kProgram);
    std::string error;
    std::optional<Json> json = ir::MakeFunctionBundle(program, function_path, &error);
    EXPECT_TRUE(json) << error;
    std::optional<ir::Bundle> bundle = ir::BundleFromJson(Json::parse(json->dump()), &error);
    EXPECT_TRUE(bundle) << error;
    log = {[this](const std::string& line) { out.push_back(line); },
           [this](const std::string& line) { err.push_back(line); }};
    runtime = std::make_unique<FunctionRuntime>(std::move(*bundle), std::make_unique<RecordingBackend>(calls), log);
  }
  auto Serve(std::vector<std::string> events) -> std::unique_ptr<StandInRuntimeApi> {
    size_t count = events.size();
    auto api = std::make_unique<StandInRuntimeApi>(std::move(events));
    EXPECT_EQ(RunLambdaLoop(api->Address(), *runtime, log, static_cast<int>(count)), 0);
    return api;
  }

  TempDir dir;
  std::vector<std::string> calls, out, err;
  RemoteLog log;
  std::unique_ptr<FunctionRuntime> runtime;
};

// The path of the function a queue's consumer or an Api's route runs.
auto FunctionOf(const ir::Program& program, const char* owner, const char* list) -> std::string {
  return program.FindResource(owner)->props[list][0]["function"]["$resource"].get<std::string>();
}

// The path of the function the schedule `tick` runs.
auto ScheduledFunction(const ir::Program& program) -> std::string {
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "cloud.Function" && resource.parent == "root/Default/tick") return resource.path;
  }
  ADD_FAILURE() << "no function below root/Default/tick";
  return "";
}

TEST(FunctionBundle, NamesItsTrigger) {
  TempDir dir("lambda-bundle");
  ir::Program program = CompileSource(dir.Path(), kProgram);
  std::string consumer = FunctionOf(program, "root/Default/q", "consumers");
  std::string handler = FunctionOf(program, "root/Default/api", "routes");
  EXPECT_EQ(ir::MakeFunctionBundle(program, "root/Default/f")->value("trigger", ""), "invoke");
  EXPECT_EQ(ir::MakeFunctionBundle(program, consumer)->value("trigger", ""), "queue");
  EXPECT_EQ(ir::MakeFunctionBundle(program, handler)->value("trigger", ""), "api");
  EXPECT_EQ(ir::MakeFunctionBundle(program, ScheduledFunction(program))->value("trigger", ""), "schedule");
  std::string error;
  EXPECT_FALSE(ir::MakeFunctionBundle(program, "root/Default/b", &error));
  EXPECT_NE(error.find("is not a cloud.Function"), std::string::npos) << error;
  Json json = *ir::MakeFunctionBundle(program, "root/Default/f");
  json["trigger"] = "cron";
  EXPECT_FALSE(ir::BundleFromJson(json, &error));
  EXPECT_NE(error.find("trigger `cron`"), std::string::npos) << error;
}

TEST(LambdaRuntime, FunctionHandlerGetsTheEventAndItsResultIsTheResponse) {
  Fixture fixture("root/Default/f");
  auto api = fixture.Serve({R"({"name":"ada"})", R"({"name":"boom"})", ""});
  EXPECT_EQ(api->ResultOf("req-1").kind, "response");
  EXPECT_EQ(Json::parse(api->ResultOf("req-1").body), (Json{{"greeting", "hello ada"}}));
  // A thrown error is Lambda's error JSON, and logged.
  StandInRuntimeApi::Result failed = api->ResultOf("req-2");
  EXPECT_EQ(failed.kind, "error");
  EXPECT_EQ(failed.error_type, "wdsl.HandlerError");
  Json error = Json::parse(failed.body);
  EXPECT_EQ(error["errorType"], "wdsl.HandlerError");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("no boom allowed (main.w:"), std::string::npos) << error;
  ASSERT_EQ(fixture.err.size(), 1u);
  EXPECT_NE(fixture.err[0].find("root/Default/f: no boom allowed"), std::string::npos) << fixture.err[0];
  // No payload is nil.
  EXPECT_EQ(Json::parse(api->ResultOf("req-3").body), (Json{{"greeting", "hello nobody"}}));
  EXPECT_EQ(fixture.calls, (std::vector<std::string>{R"(b.put["last","ada"])", R"(b.put["last","nobody"])"}));
}

TEST(LambdaRuntime, QueueConsumerHandlesEachRecordAndReportsTheFailedOnes) {
  TempDir dir("lambda-queue-path");
  Fixture fixture(FunctionOf(CompileSource(dir.Path(), kProgram), "root/Default/q", "consumers"));
  Json event = {{"Records", Json::array({{{"messageId", "m1"}, {"body", "one"}, {"eventSource", "aws:sqs"}},
                                         {{"messageId", "m2"}, {"body", "poison"}, {"eventSource", "aws:sqs"}},
                                         {{"messageId", "m3"}, {"body", "three"}, {"eventSource", "aws:sqs"}}})}};
  auto api = fixture.Serve({event.dump(), R"({"not":"sqs"})"});
  EXPECT_EQ(api->ResultOf("req-1").kind, "response");
  EXPECT_EQ(Json::parse(api->ResultOf("req-1").body),
            (Json{{"batchItemFailures", Json::array({{{"itemIdentifier", "m2"}}})}}));
  EXPECT_EQ(fixture.calls, (std::vector<std::string>{R"(b.put["one","seen"])", R"(b.put["three","seen"])"}));
  ASSERT_FALSE(fixture.err.empty());
  EXPECT_NE(fixture.err[0].find("message m2: cannot digest poison"), std::string::npos) << fixture.err[0];
  // An event that is not SQS's fails the invocation and says why.
  EXPECT_EQ(api->ResultOf("req-2").kind, "error");
  EXPECT_EQ(api->ResultOf("req-2").error_type, "wdsl.EventError");
  EXPECT_NE(api->ResultOf("req-2").body.find("not an SQS event"), std::string::npos);
}

TEST(LambdaRuntime, ApiHandlerMapsHttpApiEventsBothWays) {
  TempDir dir("lambda-api-path");
  Fixture fixture(FunctionOf(CompileSource(dir.Path(), kProgram), "root/Default/api", "routes"));
  Json event = {{"version", "2.0"},
                {"routeKey", "GET /notes/{id}"},
                {"rawPath", "/notes/42"},
                {"rawQueryString", "page=1&page=2&q=a%20b+c"},
                {"cookies", {"a=1", "b=2"}},
                {"headers", {{"Host", "example.com"}}},
                {"pathParameters", {{"id", "42"}}},
                {"requestContext", {{"http", {{"method", "GET"}, {"path", "/notes/42"}}}}},
                {"body", "aGk="},
                {"isBase64Encoded", true}};
  Json teapot = event;
  teapot["rawPath"] = "/notes/teapot";
  teapot["pathParameters"]["id"] = "teapot";
  auto api = fixture.Serve({event.dump(), teapot.dump(), R"({"rawPath":"/x"})"});
  ASSERT_EQ(api->ResultOf("req-1").kind, "response") << api->ResultOf("req-1").body;
  Json response = Json::parse(api->ResultOf("req-1").body);
  EXPECT_EQ(response["statusCode"], 201);
  EXPECT_EQ(response["headers"], (Json{{"content-type", "application/json"}, {"x-page", "2"}}));
  EXPECT_EQ(response["body"], "GET /notes/42 42 a=1; b=2 [hi]");
  EXPECT_EQ(response["isBase64Encoded"], false);
  // A status that is not HTTP's fails the invocation (API Gateway answers 500).
  EXPECT_EQ(api->ResultOf("req-2").kind, "error");
  EXPECT_NE(api->ResultOf("req-2").body.find("status 999"), std::string::npos);
  EXPECT_NE(api->ResultOf("req-3").body.find("payload format 2.0"), std::string::npos);
}

TEST(LambdaRuntime, ScheduleHandlerRunsOnEachEventBridgeTick) {
  TempDir dir("lambda-schedule-path");
  Fixture fixture(ScheduledFunction(CompileSource(dir.Path(), kProgram)));
  Json tick = {{"version", "0"},
               {"detail-type", "Scheduled Event"},
               {"source", "aws.events"},
               {"time", "2026-11-25T03:00:00Z"},
               {"detail", Json::object()}};
  auto api = fixture.Serve({tick.dump(), tick.dump()});
  EXPECT_EQ(api->ResultOf("req-1").kind, "response");
  EXPECT_EQ(api->ResultOf("req-1").body, "null");
  EXPECT_EQ(api->ResultOf("req-2").kind, "response");
  EXPECT_EQ(fixture.calls, (std::vector<std::string>{R"(b.put["ticked","yes"])", R"(b.put["ticked","yes"])"}));
}

TEST(LambdaEvents, RequestQueryAndResponseDefaults) {
  Json event = {{"rawPath", "/"}, {"rawQueryString", "x=%41&flag"}, {"requestContext", {{"http", {{"method", "POST"}}}}}};
  ir::Value request = ApiRequestFromEvent(event);
  EXPECT_EQ(ir::ToDisplayString(FieldOf(FieldOf(request, "query"), "x")), "A");
  EXPECT_EQ(ir::ToDisplayString(FieldOf(FieldOf(request, "query"), "flag")), "");
  EXPECT_EQ(ir::ToDisplayString(FieldOf(request, "body")), "");
  Json response = ApiResponseToEvent(ir::Value::NewMap({}, false, "cloud.ApiResponse"));
  EXPECT_EQ(response, (Json{{"statusCode", 200}, {"headers", {{"content-type", "text/plain"}}}, {"isBase64Encoded", false}}));
}

TEST(LambdaRuntime, LoopStopsWhenTheRuntimeApiIsGoneAndInitErrorsAreReported) {
  Fixture fixture("root/Default/f");
  StandInRuntimeApi api({});
  EXPECT_EQ(RunLambdaLoop(api.Address(), *fixture.runtime, fixture.log, 1), 1);
  ASSERT_FALSE(fixture.err.empty());
  EXPECT_NE(fixture.err.back().find("cannot get the next invocation"), std::string::npos) << fixture.err.back();
  EXPECT_TRUE(ReportInitError(api.Address(), {"wdsl.InitError", "no region"}, fixture.log));
  EXPECT_EQ(api.ResultOf("init").error_type, "wdsl.InitError");
  EXPECT_EQ(Json::parse(api.ResultOf("init").body)["errorMessage"], "no region");
}

}  // namespace
}  // namespace wdsl::runtime
