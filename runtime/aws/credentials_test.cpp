// The credential chain: the order of its sources, ECS container credentials
// with an authorization token, EKS IRSA against a stand-in STS, and refresh
// before expiry (with a clock the test moves).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/aws/aws_test_support.h"
#include "runtime/aws/credentials.h"

namespace wdsl::runtime::aws {
namespace {

using testing::FakeAws;

auto ErrorOf(const std::function<void()>& call) -> std::string {
  try {
    call();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "(no error)";
}

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = std::filesystem::temp_directory_path() / ("wdsl-aws-token-" + std::to_string(getpid()));
    WriteToken("jwt-1");
    fake_.container_credentials = {{"AccessKeyId", "ASIAECS"}, {"SecretAccessKey", "ecssecret"},
                                   {"Token", "ecstoken"}, {"Expiration", "2030-01-01T12:00:00Z"}};
    fake_.web_identity_token = "jwt-1";
  }
  void TearDown() override { std::filesystem::remove(token_file_); }
  void WriteToken(const std::string& token) { std::ofstream(token_file_) << token << "\n"; }
  auto ContainerEnv() -> Env {
    return {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", fake_.Url() + "/creds"},
            {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-auth"}};
  }
  auto IrsaEnv() -> Env {
    return {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file_.string()},
            {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app-web"},
            {"AWS_ENDPOINT_URL_STS", fake_.Url()}};
  }

  FakeAws fake_;
  std::filesystem::path token_file_;
};

TEST_F(CredentialsTest, EnvironmentKeysComeFirst) {
  fake_.container_token = "secret-auth";
  Env env = ContainerEnv();
  env.merge(IrsaEnv());
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env["AWS_SESSION_TOKEN"] = "envtoken";
  Credentials creds = CredentialChain(env, "us-east-1").Get();
  EXPECT_EQ(creds.access_key_id, "AKIDENV");
  EXPECT_EQ(creds.session_token, "envtoken");
  EXPECT_FALSE(creds.expires);
  EXPECT_EQ(fake_.container_fetches + fake_.web_identity_calls, 0);
}

TEST_F(CredentialsTest, WebIdentityComesBeforeContainerCredentials) {
  Env env = ContainerEnv();
  env.merge(IrsaEnv());
  Credentials creds = CredentialChain(env, "us-east-1").Get();
  EXPECT_EQ(creds.access_key_id, "ASIAWEB1");
  EXPECT_EQ(creds.secret_access_key, "websecret");
  EXPECT_EQ(creds.session_token, "webtoken");
  EXPECT_EQ(fake_.last_role_arn, "arn:aws:iam::123456789012:role/app-web");
  EXPECT_EQ(fake_.container_fetches, 0);
  // The call is unsigned (FakeAws rejects a signed one) and carries the token.
  for (const auto& seen : fake_.Seen()) EXPECT_TRUE(seen.authorization.empty());
}

TEST_F(CredentialsTest, WebIdentityErrorsNameTheRoleAndStsCode) {
  WriteToken("jwt-stale");
  std::string error = ErrorOf([&] { CredentialChain(IrsaEnv(), "us-east-1").Get(); });
  EXPECT_NE(error.find("STS AssumeRoleWithWebIdentity for role arn:aws:iam::123456789012:role/app-web failed: "
                       "InvalidIdentityToken (400): token rejected"),
            std::string::npos)
      << error;
}

TEST_F(CredentialsTest, ContainerCredentialsSendTheAuthorizationToken) {
  fake_.container_token = "secret-auth";
  Credentials creds = CredentialChain(ContainerEnv(), "us-east-1").Get();
  EXPECT_EQ(creds.access_key_id, "ASIAECS");
  EXPECT_EQ(creds.session_token, "ecstoken");
  ASSERT_TRUE(creds.expires);
  EXPECT_EQ(*creds.expires, *ParseAwsTime("2030-01-01T12:00:00Z"));

  Env wrong = ContainerEnv();
  wrong["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "other";
  std::string error = ErrorOf([&] { CredentialChain(wrong, "us-east-1").Get(); });
  EXPECT_NE(error.find("container credentials from " + fake_.Url() + "/creds failed (HTTP 401): bad authorization token"),
            std::string::npos)
      << error;
}

TEST_F(CredentialsTest, FullUriMustBeLoopbackOrHttps) {
  Env env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"}};
  EXPECT_NE(ErrorOf([&] { CredentialChain(env, "us-east-1").Get(); }).find("must use https or a loopback"),
            std::string::npos);
}

TEST_F(CredentialsTest, RefreshedShortlyBeforeExpiration) {
  Clock::time_point now = *ParseAwsTime("2030-01-01T11:00:00Z");
  CredentialChain chain(ContainerEnv(), "us-east-1", [&] { return now; });
  chain.Get();
  chain.Get();
  EXPECT_EQ(fake_.container_fetches, 1);  // cached
  now = *ParseAwsTime("2030-01-01T11:54:59Z");
  chain.Get();
  EXPECT_EQ(fake_.container_fetches, 1);  // 5 min 1 s left
  now = *ParseAwsTime("2030-01-01T11:55:00Z");
  fake_.container_credentials["AccessKeyId"] = "ASIAECS2";
  fake_.container_credentials["Expiration"] = "2030-01-01T18:00:00Z";
  EXPECT_EQ(chain.Get().access_key_id, "ASIAECS2");
  EXPECT_EQ(fake_.container_fetches, 2);
}

TEST_F(CredentialsTest, WebIdentityRefreshReadsTheRotatedToken) {
  fake_.web_identity_expiration = "2030-01-01T12:00:00Z";
  Clock::time_point now = *ParseAwsTime("2030-01-01T11:00:00Z");
  CredentialChain chain(IrsaEnv(), "us-east-1", [&] { return now; });
  EXPECT_EQ(chain.Get().access_key_id, "ASIAWEB1");
  WriteToken("jwt-2");
  fake_.web_identity_token = "jwt-2";
  now = *ParseAwsTime("2030-01-01T11:58:00Z");
  EXPECT_EQ(chain.Get().access_key_id, "ASIAWEB2");
}

TEST_F(CredentialsTest, NoSourceSaysWhatWasTried) {
  std::string error = ErrorOf([] { CredentialChain({}, "us-east-1").Get(); });
  EXPECT_NE(error.find("no AWS credentials: tried AWS_ACCESS_KEY_ID"), std::string::npos) << error;
  EXPECT_NE(error.find("AWS_WEB_IDENTITY_TOKEN_FILE"), std::string::npos) << error;
  EXPECT_NE(error.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos) << error;
}

TEST(AwsTimeTest, ParsesUtcTimesOnly) {
  EXPECT_EQ(ParseAwsTime("1970-01-01T00:01:00Z"), Clock::from_time_t(60));
  EXPECT_EQ(ParseAwsTime("1970-01-01T00:01:00.123Z"), Clock::from_time_t(60));
  EXPECT_EQ(ParseAwsTime("1970-01-01T00:01:00+00:00"), Clock::from_time_t(60));
  EXPECT_FALSE(ParseAwsTime("1970-01-01T00:01:00+02:00"));
  EXPECT_FALSE(ParseAwsTime("yesterday"));
}

TEST(AwsEnvTest, EndpointsAndRegion) {
  Env env = {{"AWS_DEFAULT_REGION", "ap-south-1"}};
  EXPECT_EQ(RegionFrom(env), "ap-south-1");
  EXPECT_EQ(EndpointFor(env, kSecretsManager, "ap-south-1"), "https://secretsmanager.ap-south-1.amazonaws.com");
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/";
  env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:8";
  EXPECT_EQ(EndpointFor(env, kS3, "x"), "http://127.0.0.1:9");
  EXPECT_EQ(EndpointFor(env, kDynamoDb, "x"), "http://127.0.0.1:8");
  EXPECT_NE(ErrorOf([] { RegionFrom({}); }).find("set AWS_REGION"), std::string::npos);
}

}  // namespace
}  // namespace wdsl::runtime::aws
