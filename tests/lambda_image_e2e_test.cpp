// A cloud.Function's runtime image as AWS Lambda runs it, with the real
// engine: `wdsl build --target tf-aws` builds the image (wdsl-runtime and the
// function's bundle, FROM scratch); the test runs it as Lambda would, with
// AWS_LAMBDA_RUNTIME_API pointing at a stand-in of the Runtime API, and S3
// at a stand-in endpoint, both served by the test on 127.0.0.1 (the
// container shares the host's network). It checks what Lambda relies on:
// the image's entry point polls for invocations, answers each one, reports
// a handler's error as Lambda's error JSON, and signs its S3 calls with the
// credentials in its environment. Fails (never skips) without an engine.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The Runtime API (events once each, then long-polls until stopped) and S3
// (PUT objects), on one server.
class StandInLambda {
 public:
  explicit StandInLambda(std::vector<std::string> events) : events_(events.begin(), events.end()) {
    server_.Get("/2018-06-01/runtime/invocation/next", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      // Lambda holds `next` open until there is an event; so does this, briefly.
      changed_.wait_for(lock, std::chrono::seconds(2), [this] { return !events_.empty(); });
      if (events_.empty()) {
        res.status = 503;
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
                   results_[req.matches[1]] = {req.matches[2], req.body,
                                               req.get_header_value("Lambda-Runtime-Function-Error-Type")};
                   changed_.notify_all();
                   res.status = 202;
                 });
    server_.Put(R"(/([^/]+)/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      objects_[std::string(req.matches[1]) + "/" + std::string(req.matches[2])] = req.body;
      authorizations_.push_back(req.get_header_value("Authorization"));
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~StandInLambda() {
    server_.stop();
    thread_.join();
  }

  struct Result {
    std::string kind, body, error_type;
  };
  auto Address() const -> std::string { return "127.0.0.1:" + std::to_string(port_); }
  // Waits until `count` invocations were answered (at most `seconds`).
  auto WaitForResults(size_t count, int seconds) -> std::map<std::string, Result> {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(seconds), [&] { return results_.size() >= count; });
    return results_;
  }
  auto Objects() -> std::map<std::string, std::string> {
    std::lock_guard lock(mutex_);
    return objects_;
  }
  auto Authorizations() -> std::vector<std::string> {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> events_;
  int served_ = 0;
  std::map<std::string, Result> results_;
  std::map<std::string, std::string> objects_;
  std::vector<std::string> authorizations_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(LambdaImage, ServesTheRuntimeApiAndCallsS3SignedAsLambdaWould) {
  std::string dir = TempDir("lambda-image");
  WriteFile(dir + "/main.w", R"(bring cloud;
let b = new cloud.Bucket() as "photos";
new cloud.Function(inflight (event: Json?): Json? => {
  let name = event?.get("name")?.asStr() ?? "nobody";
  if name == "boom" { throw "no boom allowed"; }
  b.put("hello-{name}", "hi {name}");
  return { greeting: "hello {name}" };
}) as "greeter";
)");
  RunResult build = RunWdsl({"build", dir + "/main.w", "--target", "tf-aws", "-o", dir + "/out"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  Json tf = Json::parse(ReadFile(dir + "/out/main.tf.json"));
  const Json& function = tf["resource"]["aws_lambda_function"]["greeter"];
  // The tag Terraform pushes is the content hash `wdsl build` built locally.
  std::string hash = tf["resource"]["docker_image"].begin().value()["triggers"]["content_hash"];
  std::string output = build.out + build.err;
  size_t at = output.find("-greeter:" + hash);
  ASSERT_NE(at, std::string::npos) << output;
  size_t start = output.find_last_of(" \n", at) + 1;  // the word holding the tag
  std::string image = output.substr(start, at - start) + "-greeter:" + hash;
  int status = 0;
  Shell("docker image inspect " + image, &status);
  ASSERT_EQ(status, 0) << "wdsl build did not build " << image << "\n" << build.err;

  StandInLambda lambda({R"({"name":"ada"})", R"({"name":"boom"})", ""});
  const Json& env = function["environment"]["variables"];
  std::string bucket = "photos-bucket";  // what ${aws_s3_bucket.photos.bucket} would be
  ASSERT_EQ(env["WING_PHOTOS_NAME"], "${aws_s3_bucket.photos.bucket}");
  std::string name = "wdsl-lambda-e2e-" + std::to_string(getpid());
  std::string command = "docker run -d --name " + name + " --network host" +
                        " -e AWS_LAMBDA_RUNTIME_API=" + lambda.Address() + " -e AWS_REGION=eu-west-2" +
                        " -e AWS_ACCESS_KEY_ID=AKIDLAMBDA -e AWS_SECRET_ACCESS_KEY=secret" +
                        " -e AWS_SESSION_TOKEN=session -e AWS_ENDPOINT_URL=http://" + lambda.Address() +
                        " -e WDSL_RESOURCE_BACKEND=" + env["WDSL_RESOURCE_BACKEND"].get<std::string>() +
                        " -e WING_PHOTOS_TYPE=" + env["WING_PHOTOS_TYPE"].get<std::string>() +
                        " -e WING_PHOTOS_NAME=" + bucket + " " + image;
  std::string started = Shell(command, &status);
  ASSERT_EQ(status, 0) << started;
  auto results = lambda.WaitForResults(3, 60);
  std::string logs = Shell("docker logs " + name);
  Shell("docker rm -f " + name + "; docker rmi " + image);  // the tag is this run's own
  ASSERT_EQ(results.size(), 3u) << logs;

  EXPECT_EQ(results["req-1"].kind, "response") << logs;
  EXPECT_EQ(Json::parse(results["req-1"].body), (Json{{"greeting", "hello ada"}}));
  EXPECT_EQ(results["req-2"].kind, "error");
  EXPECT_EQ(results["req-2"].error_type, "wdsl.HandlerError");
  EXPECT_NE(Json::parse(results["req-2"].body)["errorMessage"].get<std::string>().find("no boom allowed"),
            std::string::npos);
  EXPECT_NE(logs.find("no boom allowed"), std::string::npos) << logs;  // CloudWatch gets the error
  EXPECT_EQ(Json::parse(results["req-3"].body), (Json{{"greeting", "hello nobody"}}));
  // S3 calls went to the endpoint, signed with the environment's keys.
  EXPECT_EQ(lambda.Objects(), (std::map<std::string, std::string>{{bucket + "/hello-ada", "hi ada"},
                                                                  {bucket + "/hello-nobody", "hi nobody"}}));
  for (const std::string& authorization : lambda.Authorizations()) {
    EXPECT_TRUE(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLAMBDA/")) << authorization;
    EXPECT_NE(authorization.find("/eu-west-2/s3/aws4_request"), std::string::npos) << authorization;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wdsl::testing
