// The bundle of a cloud.Service (ir/bundle.h) and the runtime that runs it
// outside the simulator (service_runtime.h, remote_host.h): with a
// recording backend, and over the wire against a simulator's Resource API.
#include "runtime/service_runtime.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>

#include "ir/json.h"
#include "runtime/live_resource.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

using testing::CompileSource;
using testing::TempDir;

const char* kProgram = R"(bring cloud;
let b = new cloud.Bucket() as "b";
let other = new cloud.Bucket() as "other";
let s = new cloud.Service(inflight () => {
  b.put("started", "yes");
  try {
    b.get("missing");
  } catch e {
    log("caught: {e}");
  }
  return () => {
    b.put("stopped", "yes");
    log("bye");
  };
}, autoStart: false) as "s";
test "unrelated" { other.put("x", "y"); }
)";

// Records each call; `get` of a missing key fails as the simulator's does.
class RecordingBackend : public ResourceBackend {
 public:
  explicit RecordingBackend(std::vector<std::string>& calls) : calls_(calls) {}
  auto Call(const ir::Resource& resource, const std::string& operation, const nlohmann::json& args)
      -> nlohmann::json override {
    calls_.push_back(resource.path + "." + operation + args.dump());
    if (operation == "get") Fail("Object does not exist (key=missing).");
    return nullptr;
  }

 private:
  std::vector<std::string>& calls_;
};

auto Bundle(const ir::Program& program) -> ir::Bundle {
  std::string error;
  std::optional<nlohmann::json> json = ir::MakeServiceBundle(program, "root/Default/s", &error);
  EXPECT_TRUE(json) << error;
  // Through text, as the image carries it.
  std::optional<ir::Bundle> bundle = ir::BundleFromJson(nlohmann::json::parse(json->dump()), &error);
  EXPECT_TRUE(bundle) << error;
  return std::move(*bundle);
}

TEST(ServiceBundle, HoldsTheServiceAndWhatItReachesOnly) {
  TempDir dir("bundle");
  ir::Program program = CompileSource(dir.Path(), kProgram);
  ir::Bundle bundle = Bundle(program);
  EXPECT_EQ(bundle.service, "root/Default/s");
  std::vector<std::string> paths;
  for (const ir::Resource& resource : bundle.program.resources) paths.push_back(resource.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"root/Default/b", "root/Default/s"}));
  EXPECT_TRUE(bundle.program.tests.empty());

  // Another resource's change does not change the bundle.
  std::string changed = std::string(kProgram) + "let more = new cloud.Queue() as \"q\";\nlog(\"preflight\");\n";
  ir::Program program2 = CompileSource(dir.Path(), changed);
  EXPECT_EQ(ir::MakeServiceBundle(program, "root/Default/s")->dump(),
            ir::MakeServiceBundle(program2, "root/Default/s")->dump());
}

TEST(ServiceBundle, BadInputGivesClearErrors) {
  TempDir dir("bundle-errors");
  ir::Program program = CompileSource(dir.Path(), kProgram);
  std::string error;
  EXPECT_FALSE(ir::MakeServiceBundle(program, "root/Default/b", &error));
  EXPECT_NE(error.find("is not a cloud.Service"), std::string::npos) << error;
  EXPECT_FALSE(ir::BundleFromJson(nlohmann::json{{"x", 1}}, &error));
  EXPECT_NE(error.find("not a wdsl service bundle"), std::string::npos) << error;
  nlohmann::json json = *ir::MakeServiceBundle(program, "root/Default/s");
  json["wdsl_bundle"] = 99;
  EXPECT_FALSE(ir::BundleFromJson(json, &error));
  EXPECT_NE(error.find("rebuild the image"), std::string::npos) << error;
  json["wdsl_bundle"] = ir::kBundleVersion;
  json["service"] = "root/Default/nope";
  EXPECT_FALSE(ir::BundleFromJson(json, &error));
  EXPECT_NE(error.find("no cloud.Service `root/Default/nope`"), std::string::npos) << error;
}

TEST(ServiceRuntime, RunsStartThenStopThroughTheBackend) {
  TempDir dir("runtime");
  std::vector<std::string> calls;
  std::vector<std::string> out, err;
  ServiceRuntime runtime(Bundle(CompileSource(dir.Path(), kProgram)), std::make_unique<RecordingBackend>(calls),
                         {[&](const std::string& line) { out.push_back(line); },
                          [&](const std::string& line) { err.push_back(line); }});
  runtime.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return runtime.StartFinished(); }));
  EXPECT_FALSE(runtime.StartFailed());
  EXPECT_EQ(calls, (std::vector<std::string>{R"(root/Default/b.put["started","yes"])",
                                             R"(root/Default/b.get["missing"])"}));
  EXPECT_TRUE(runtime.Stop());
  EXPECT_EQ(calls.back(), R"(root/Default/b.put["stopped","yes"])");
  EXPECT_EQ(out, (std::vector<std::string>{"caught: Object does not exist (key=missing).", "bye"}));
  EXPECT_TRUE(err.empty());
}

TEST(ServiceRuntime, AFailingStartHandlerIsReported) {
  TempDir dir("runtime-fail");
  ir::Program program = CompileSource(dir.Path(), R"(bring cloud;
let s = new cloud.Service(inflight () => { throw "no config"; }) as "s";
)");
  std::vector<std::string> calls, err;
  ServiceRuntime runtime(Bundle(program), std::make_unique<RecordingBackend>(calls),
                         {[](const std::string&) {}, [&](const std::string& line) { err.push_back(line); }});
  runtime.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return runtime.StartFinished(); }));
  EXPECT_TRUE(runtime.StartFailed());
  EXPECT_FALSE(runtime.Stop());
  ASSERT_EQ(err.size(), 1u);
  EXPECT_NE(err[0].find("start handler failed: no config ("), std::string::npos) << err[0];
  EXPECT_NE(err[0].find("main.w:2:44)"), std::string::npos) << err[0];
}

TEST(ServiceRuntime, CallsTheSimulatorsResourceApiWithTheServicesToken) {
  TempDir dir("runtime-api");
  ir::Program program = CompileSource(dir.Path(), kProgram);
  ir::Bundle bundle = Bundle(program);
  BufferLogSink log;
  SimOptions options = testing::Options(dir.Path(), &log);
  options.resource_api = true;
  Simulator sim(program, options);
  ASSERT_EQ(sim.Start(), "");
  std::map<std::string, std::string> env = {{"WDSL_RESOURCE_API_URL", sim.ResourceApiUrl()},
                                            {"WDSL_RESOURCE_API_TOKEN", sim.ResourceApiTokens().at("root/Default/s")}};
  std::string error;
  std::unique_ptr<ResourceBackend> backend =
      MakeResourceBackend([&](const std::string& name) { return env[name]; }, error);
  ASSERT_TRUE(backend) << error;
  std::vector<std::string> out;
  {
    ServiceRuntime runtime(std::move(bundle), std::move(backend),
                           {[&](const std::string& line) { out.push_back(line); }, [](const std::string&) {}});
    runtime.Start();
    ASSERT_TRUE(testing::WaitFor([&] { return runtime.StartFinished(); }));
    EXPECT_TRUE(runtime.Stop());
  }
  auto objects = dir.Path() / "state" / "b" / "objects";
  EXPECT_EQ(testing::WaitFor([&] { return std::filesystem::exists(objects / "stopped"); }), true);
  EXPECT_TRUE(std::filesystem::exists(objects / "started"));
  EXPECT_EQ(out.front(), "caught: Object does not exist (key=missing).");

  // A wrong token is refused, with the status in the message.
  env["WDSL_RESOURCE_API_TOKEN"] = "0000";
  backend = MakeResourceBackend([&](const std::string& name) { return env[name]; }, error);
  try {
    backend->Call(*program.FindResource("root/Default/b"), "put", nlohmann::json::array({"k", "v"}));
    ADD_FAILURE() << "a wrong token was accepted";
  } catch (const ir::ThrownError& thrown) {
    EXPECT_NE(std::string(thrown.what()).find("refused `root/Default/b.put` (401)"), std::string::npos) << thrown.what();
  }
  backend.reset();  // its kept-alive connection would hold the server's stop for its keep-alive timeout
  sim.Stop();
}

TEST(ResourceBackendChoice, MissingOrUnwiredBackendsAreClearErrors) {
  std::map<std::string, std::string> env;
  auto lookup = [&](const std::string& name) { return env[name]; };
  std::string error;
  EXPECT_FALSE(MakeResourceBackend(lookup, error));
  EXPECT_NE(error.find("WDSL_RESOURCE_API_URL is not set"), std::string::npos) << error;
  env["WDSL_RESOURCE_API_URL"] = "172.18.0.1:1234";
  EXPECT_FALSE(MakeResourceBackend(lookup, error));
  EXPECT_NE(error.find("not an http:// or https:// URL"), std::string::npos) << error;
  env["WDSL_RESOURCE_BACKEND"] = "aws";  // reads the process's environment (AwsBackend below)
  if (!MakeResourceBackend(lookup, error)) {
    EXPECT_NE(error.find("region"), std::string::npos) << error;
  }
  env["WDSL_RESOURCE_BACKEND"] = "gcp";
  EXPECT_FALSE(MakeResourceBackend(lookup, error));
  EXPECT_NE(error.find("`gcp` is unknown"), std::string::npos) << error;
  env["WDSL_RESOURCE_BACKEND"] = "resource-api";
  env["WDSL_RESOURCE_API_URL"] = "http://127.0.0.1:9/prefix";
  EXPECT_TRUE(MakeResourceBackend(lookup, error));
}

// S3 as far as the service's bucket calls need it, on 127.0.0.1: PUT
// stores, GET of a missing key is NoSuchKey. Records "METHOD path signed".
class FakeS3 {
 public:
  FakeS3() {
    auto record = [this](const httplib::Request& req) {
      std::lock_guard lock(mutex_);
      bool signed_request = req.get_header_value("Authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/");
      seen_.push_back(req.method + " " + req.path + (signed_request ? " signed" : " unsigned"));
    };
    server_.Put(".*", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 200;
    });
    server_.Get(".*", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 404;
      res.set_content("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
                      "application/xml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    testing::WaitFor([this] { return server_.is_running(); });
  }
  ~FakeS3() {
    server_.stop();
    thread_.join();
  }
  auto Url() const -> std::string { return "http://127.0.0.1:" + std::to_string(port_); }
  auto Seen() -> std::vector<std::string> {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

TEST(ServiceRuntime, OnAwsCallsTheServicesBehindItsBindingsSigned) {
  TempDir dir("runtime-aws");
  FakeS3 s3;
  std::map<std::string, std::string> env = {{"AWS_REGION", "eu-west-1"},
                                            {"AWS_ACCESS_KEY_ID", "AKIDTEST"},
                                            {"AWS_SECRET_ACCESS_KEY", "secret"},
                                            {"AWS_ENDPOINT_URL", s3.Url()},
                                            {"WING_B_NAME", "app-b-1234"},
                                            {"WING_B_TYPE", "cloud.Bucket"}};
  std::string error;
  std::unique_ptr<ResourceBackend> backend = MakeAwsBackend(env, error);
  ASSERT_TRUE(backend) << error;
  std::vector<std::string> out;
  {
    ServiceRuntime runtime(Bundle(CompileSource(dir.Path(), kProgram)), std::move(backend),
                           {[&](const std::string& line) { out.push_back(line); }, [](const std::string&) {}});
    runtime.Start();
    ASSERT_TRUE(testing::WaitFor([&] { return runtime.StartFinished(); }));
    EXPECT_FALSE(runtime.StartFailed());
    EXPECT_TRUE(runtime.Stop());
  }
  EXPECT_EQ(s3.Seen(), (std::vector<std::string>{"PUT /app-b-1234/started signed", "GET /app-b-1234/missing signed",
                                                 "PUT /app-b-1234/stopped signed"}));
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out.front().find("caught: "), std::string::npos) << out.front();

  // A resource the container has no binding for is a clear error.
  env.erase("WING_B_NAME");
  backend = MakeAwsBackend(env, error);
  ir::Program program = CompileSource(dir.Path(), kProgram);
  try {
    backend->Call(*program.FindResource("root/Default/b"), "put", nlohmann::json::array({"k", "v"}));
    ADD_FAILURE() << "an unbound resource was called";
  } catch (const ir::ThrownError& thrown) {
    EXPECT_NE(std::string(thrown.what()).find("is not bound in this container: neither WING_B_NAME"),
              std::string::npos)
        << thrown.what();
  }
  env.erase("AWS_REGION");
  EXPECT_FALSE(MakeAwsBackend(env, error));
  EXPECT_NE(error.find("WDSL_RESOURCE_BACKEND=aws: "), std::string::npos) << error;
}

}  // namespace
}  // namespace wdsl::runtime
