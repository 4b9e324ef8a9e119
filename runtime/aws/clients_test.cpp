// The clients against FakeAws through the SigV4-checking proxy (the AWS
// SDK's signer recomputes every signature): Wing operations through CallAws,
// AWS errors as Wing errors, and requests the signer must reject.
#include <gtest/gtest.h>

#include "ir/eval.h"
#include "ir/json_text.h"
#include "runtime/aws/aws_test_support.h"
#include "runtime/aws/call.h"

namespace wdsl::runtime::aws {
namespace {

using ir::Value;
using testing::FakeAws;
using testing::SigV4Proxy;

constexpr const char* kRegion = "eu-west-2";

class ClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fake_ = new FakeAws();
    nlohmann::json keys = {{"AKIDTEST", {{"secret", "s3cr3t/key+"}}},
                           {"ASIATEMP", {{"secret", "tempsecret"}, {"token", "tok/en+=="}}}};
    proxy_ = new SigV4Proxy(fake_->Url(), kRegion, keys);
  }
  static void TearDownTestSuite() {
    delete proxy_;
    delete fake_;
  }
  void SetUp() override {
    ASSERT_TRUE(proxy_->Ok()) << "tests/aws_sigv4/start.sh did not start (node, npm and the npm registry on first run)";
    std::lock_guard lock(fake_->mutex_);
    fake_->objects.clear();
    fake_->queues = {{"https://sqs.eu-west-2.amazonaws.com/123456789012/app-jobs", {}},
                     {proxy_->Url() + "/123456789012/app-named", {}}};
    fake_->counters.clear();
    fake_->secrets = {{"db-password", "hunter2"}, {"db-config", R"({"host":"db","port":5432})"}};
  }

  auto Env() const -> aws::Env {
    return {{"AWS_REGION", kRegion}, {"AWS_ACCESS_KEY_ID", "AKIDTEST"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t/key+"},
            {"AWS_ENDPOINT_URL", proxy_->Url()}};
  }
  static auto S(const std::string& s) -> Value { return Value::Str(s); }
  // Every request FakeAws saw came through the proxy's signature check.
  static void ExpectAllChecked() {
    for (const testing::SeenRequest& seen : fake_->Seen()) {
      EXPECT_TRUE(seen.signature_checked) << seen.method << " " << seen.path << " bypassed the signature check";
    }
  }
  static auto ErrorOf(const std::function<void()>& call) -> std::string {
    try {
      call();
    } catch (const ir::ThrownError& error) {
      return error.what();
    }
    return "(no error)";
  }

  static FakeAws* fake_;
  static SigV4Proxy* proxy_;
};

FakeAws* ClientsTest::fake_ = nullptr;
SigV4Proxy* ClientsTest::proxy_ = nullptr;

TEST_F(ClientsTest, BucketOperationsAreSignedAndMapToS3) {
  AwsClients clients(Env());
  AwsBinding bucket{"cloud.Bucket", "app-uploads", std::nullopt, {}};
  auto call = [&](const std::string& op, std::vector<Value> args) {
    return CallAws(clients, "cloud.Bucket", op, args, bucket);
  };
  call("put", {S("a.txt"), S("hello world")});
  EXPECT_EQ(call("get", {S("a.txt")}).AsStr(), "hello world");
  Value range = Value::NewMap({{"startByte", Value::Num(6)}, {"endByte", Value::Num(10)}}, false);
  EXPECT_EQ(call("get", {S("a.txt"), range}).AsStr(), "world");
  // Spaces, `+`, `=` and non-ASCII keys are encoded once and signed as sent.
  std::string odd = "reports/2024 q1+x=\xC3\xBC.txt";
  call("put", {S(odd), S("odd")});
  EXPECT_EQ(call("get", {S(odd)}).AsStr(), "odd");
  EXPECT_TRUE(call("exists", {S("a.txt")}).boolean);
  EXPECT_FALSE(call("exists", {S("missing")}).boolean);
  EXPECT_TRUE(call("tryGet", {S("missing")}).IsNil());
  EXPECT_EQ(ErrorOf([&] { call("get", {S("missing")}); }), "Object does not exist (key=missing).");

  std::string error;
  call("putJson", {S("c.json"), *ir::ParseJson(R"({"n":1,"s":"x"})", false, &error)});
  EXPECT_EQ(ir::StringifyJson(call("getJson", {S("c.json")})), R"({"n":1,"s":"x"})");
  EXPECT_TRUE(call("tryGetJson", {S("nope.json")}).IsNil());

  call("copy", {S("a.txt"), S("b.txt")});
  call("rename", {S("b.txt"), S("d.txt")});
  EXPECT_FALSE(call("exists", {S("b.txt")}).boolean);
  EXPECT_EQ(call("get", {S("d.txt")}).AsStr(), "hello world");

  EXPECT_TRUE(call("tryDelete", {S("d.txt")}).boolean);
  EXPECT_FALSE(call("tryDelete", {S("d.txt")}).boolean);
  Value must = Value::NewMap({{"mustExist", Value::Bool(true)}}, false);
  EXPECT_EQ(ErrorOf([&] { call("delete", {S("d.txt"), must}); }), "Object does not exist (key=d.txt).");
  call("delete", {S("d.txt")});  // without mustExist: fine
  ExpectAllChecked();
}

TEST_F(ClientsTest, ListFollowsContinuationTokens) {
  AwsClients clients(Env());
  AwsBinding bucket{"cloud.Bucket", "app-list", std::nullopt, {}};
  for (const char* key : {"a/1", "a/2", "a/3", "a/4", "a/5", "b/1"}) {
    CallAws(clients, "cloud.Bucket", "put", {S(key), S("x")}, bucket);
  }
  auto keys = [&](std::vector<Value> args) {
    std::string out;
    Value listed = CallAws(clients, "cloud.Bucket", "list", args, bucket);  // alive while the loop reads it
    for (const Value& v : listed.array->items) out += v.AsStr() + " ";
    return out;
  };
  EXPECT_EQ(keys({}), "a/1 a/2 a/3 a/4 a/5 b/1 ");  // three pages of two
  EXPECT_EQ(keys({S("a/")}), "a/1 a/2 a/3 a/4 a/5 ");
  size_t lists = 0;
  for (const auto& seen : fake_->Seen()) lists += seen.method == "GET" && seen.path == "/app-list/";
  EXPECT_EQ(lists, 6u);
  ExpectAllChecked();
}

TEST_F(ClientsTest, AccessDeniedSaysWhichPermissionIsMissing) {
  AwsClients clients(Env());
  AwsBinding bucket{"cloud.Bucket", "locked", std::nullopt, {}};
  std::string error = ErrorOf([&] { CallAws(clients, "cloud.Bucket", "get", {S("k")}, bucket); });
  EXPECT_NE(error.find("cloud.Bucket `locked`.get: S3 GetObject failed: AccessDenied (HTTP 403): Access Denied"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("lack the IAM permission s3:GetObject"), std::string::npos) << error;
  error = ErrorOf([&] { CallAws(clients, "cloud.Bucket", "list", {}, bucket); });
  EXPECT_NE(error.find("s3:ListBucket"), std::string::npos) << error;
}

TEST_F(ClientsTest, TheSdkSignerRejectsAWrongRegionOrSecret) {
  // The proxy signs for eu-west-2: a request signed for another region, or
  // with another secret, must not pass.
  aws::Env env = Env();
  env["AWS_REGION"] = "us-west-1";
  AwsClients wrong_region(env);
  AwsBinding bucket{"cloud.Bucket", "app-uploads", std::nullopt, {}};
  std::string error = ErrorOf([&] { CallAws(wrong_region, "cloud.Bucket", "get", {S("k")}, bucket); });
  EXPECT_NE(error.find("SignatureDoesNotMatch"), std::string::npos) << error;
  EXPECT_NE(error.find("check AWS_REGION"), std::string::npos) << error;

  env = Env();
  env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
  AwsClients wrong_secret(env);
  AwsBinding queue{"cloud.Queue", "https://sqs.eu-west-2.amazonaws.com/123456789012/app-jobs", std::nullopt, {}};
  error = ErrorOf([&] { CallAws(wrong_secret, "cloud.Queue", "push", {S("m")}, queue); });
  EXPECT_NE(error.find("InvalidSignatureException"), std::string::npos) << error;
}

TEST_F(ClientsTest, SessionTokensAreSentAndSigned) {
  aws::Env env = Env();
  env["AWS_ACCESS_KEY_ID"] = "ASIATEMP";
  env["AWS_SECRET_ACCESS_KEY"] = "tempsecret";
  env["AWS_SESSION_TOKEN"] = "tok/en+==";
  AwsClients clients(env);
  AwsBinding bucket{"cloud.Bucket", "app-uploads", std::nullopt, {}};
  CallAws(clients, "cloud.Bucket", "put", {S("t"), S("v")}, bucket);
  EXPECT_EQ(CallAws(clients, "cloud.Bucket", "get", {S("t")}, bucket).AsStr(), "v");
  // Without the token the proxy refuses: the token is checked, not ignored.
  env.erase("AWS_SESSION_TOKEN");
  AwsClients no_token(env);
  std::string error = ErrorOf([&] { CallAws(no_token, "cloud.Bucket", "get", {S("t")}, bucket); });
  EXPECT_NE(error.find("SignatureDoesNotMatch"), std::string::npos) << error;
  ExpectAllChecked();
}

TEST_F(ClientsTest, QueueOperationsMapToSqs) {
  AwsClients clients(Env());
  AwsBinding queue{"cloud.Queue", "https://sqs.eu-west-2.amazonaws.com/123456789012/app-jobs", std::nullopt, {}};
  auto call = [&](const std::string& op, std::vector<Value> args) {
    return CallAws(clients, "cloud.Queue", op, args, queue);
  };
  call("push", {S("one")});
  call("push", {S("two")});
  EXPECT_EQ(call("approxSize", {}).number, 2);
  EXPECT_EQ(call("pop", {}).AsStr(), "one");
  EXPECT_EQ(call("approxSize", {}).number, 1);
  call("purge", {});
  EXPECT_TRUE(call("pop", {}).IsNil());
  // A queue named without its URL (EKS bindings): the account from STS.
  AwsBinding named{"cloud.Queue", "app-named", std::nullopt, {}};
  CallAws(clients, "cloud.Queue", "push", {S("n")}, named);
  EXPECT_EQ(fake_->queues[proxy_->Url() + "/123456789012/app-named"].size(), 1u);
  AwsBinding gone{"cloud.Queue", "https://sqs.eu-west-2.amazonaws.com/123456789012/gone", std::nullopt, {}};
  std::string error = ErrorOf([&] { CallAws(clients, "cloud.Queue", "push", {S("m")}, gone); });
  EXPECT_NE(error.find("SQS SendMessage failed: QueueDoesNotExist (HTTP 400)"), std::string::npos) << error;
  ExpectAllChecked();
}

TEST_F(ClientsTest, CounterOperationsMapToDynamoDb) {
  AwsClients clients(Env());
  AwsBinding counter{"cloud.Counter", "app-hits", std::nullopt, {{"initial", 10}}};
  auto call = [&](const std::string& op, std::vector<Value> args) {
    return CallAws(clients, "cloud.Counter", op, args, counter);
  };
  EXPECT_EQ(call("peek", {}).number, 10);
  EXPECT_EQ(call("inc", {}).number, 10);  // the value before
  EXPECT_EQ(call("inc", {Value::Num(5)}).number, 11);
  EXPECT_EQ(call("dec", {Value::Num(2)}).number, 16);
  EXPECT_EQ(call("peek", {}).number, 14);
  EXPECT_EQ(fake_->counters["app-hits/counter"], 14);
  call("set", {Value::Num(2.5), S("other")});
  EXPECT_EQ(call("inc", {Value::Nil(), S("other")}).number, 2.5);
  EXPECT_EQ(fake_->counters["app-hits/other"], 3.5);
  ExpectAllChecked();
}

TEST_F(ClientsTest, FunctionInvokeCallsLambda) {
  {
    std::lock_guard lock(fake_->mutex_);
    fake_->functions = {{"app-resize", R"({"width":640})"}, {"app-fails", "throw"}, {"app-quiet", "null"}};
    fake_->invocations.clear();
  }
  AwsClients clients(Env());
  AwsBinding resize{"cloud.Function", "app-resize", std::nullopt, {}};
  Value payload = ir::ParseJson(R"({"image":"a.png"})", false, nullptr).value();
  EXPECT_EQ(ir::StringifyJson(CallAws(clients, "cloud.Function", "invoke", {payload}, resize)), R"({"width":640})");
  EXPECT_TRUE(CallAws(clients, "cloud.Function", "invoke", {}, {"cloud.Function", "app-quiet", std::nullopt, {}})
                  .IsNil());
  EXPECT_TRUE(CallAws(clients, "cloud.Function", "invokeAsync", {payload}, resize).IsNil());
  {
    std::lock_guard lock(fake_->mutex_);
    ASSERT_EQ(fake_->invocations.size(), 3u);
    EXPECT_EQ(fake_->invocations[0], (std::pair<std::string, std::string>{"RequestResponse", R"({"image":"a.png"})"}));
    EXPECT_EQ(fake_->invocations[1].second, "null");
    EXPECT_EQ(fake_->invocations[2].first, "Event");
  }
  // The handler threw: its message, as in the simulator.
  std::string error =
      ErrorOf([&] { CallAws(clients, "cloud.Function", "invoke", {}, {"cloud.Function", "app-fails", std::nullopt, {}}); });
  EXPECT_NE(error.find("the function `app-fails` failed (Unhandled): no boom allowed"), std::string::npos) << error;
  // No such function: Lambda's error, named.
  error = ErrorOf([&] { CallAws(clients, "cloud.Function", "invoke", {}, {"cloud.Function", "gone", std::nullopt, {}}); });
  EXPECT_NE(error.find("Lambda Invoke failed: ResourceNotFoundException"), std::string::npos) << error;
  ExpectAllChecked();
}

TEST_F(ClientsTest, SecretsComeFromTheEnvironmentOrSecretsManager) {
  AwsClients clients(Env());
  AwsBinding secret{"cloud.Secret", "db-password", std::nullopt, {}};
  EXPECT_EQ(CallAws(clients, "cloud.Secret", "value", {}, secret).AsStr(), "hunter2");
  AwsBinding config{"cloud.Secret", "db-config", std::nullopt, {}};
  EXPECT_EQ(ir::StringifyJson(CallAws(clients, "cloud.Secret", "valueJson", {}, config)), R"({"host":"db","port":5432})");
  AwsBinding missing{"cloud.Secret", "nope", std::nullopt, {}};
  std::string error = ErrorOf([&] { CallAws(clients, "cloud.Secret", "value", {}, missing); });
  EXPECT_NE(error.find("Secrets Manager GetSecretValue failed: ResourceNotFoundException"), std::string::npos) << error;
  size_t before = fake_->Seen().size();
  std::optional<AwsBinding> injected = BindingFromEnv({{"WING_DB_SECRET", "from-ecs"}}, "DB");
  ASSERT_TRUE(injected);
  EXPECT_EQ(CallAws(clients, "cloud.Secret", "value", {}, *injected).AsStr(), "from-ecs");
  EXPECT_EQ(fake_->Seen().size(), before);  // ECS injected it: no call
  ExpectAllChecked();
}

TEST_F(ClientsTest, ContainerCredentialsSignRequests) {
  fake_->container_credentials = {{"AccessKeyId", "ASIATEMP"}, {"SecretAccessKey", "tempsecret"},
                                  {"Token", "tok/en+=="}, {"Expiration", "2099-01-01T00:00:00Z"}};
  fake_->container_token = "";
  aws::Env env = {{"AWS_REGION", kRegion}, {"AWS_ENDPOINT_URL", proxy_->Url()},
                  {"AWS_CONTAINER_CREDENTIALS_FULL_URI", fake_->Url() + "/creds"}};
  AwsClients clients(env);
  AwsBinding counter{"cloud.Counter", "app-hits", std::nullopt, {}};
  EXPECT_EQ(CallAws(clients, "cloud.Counter", "inc", {}, counter).number, 0);
  for (const auto& seen : fake_->Seen()) {
    if (seen.path != "/creds") {
      EXPECT_TRUE(seen.signature_checked);
    }
  }
}

}  // namespace
}  // namespace wdsl::runtime::aws
