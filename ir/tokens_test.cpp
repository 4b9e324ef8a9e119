#include "ir/tokens.h"

#include <gtest/gtest.h>

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

TEST(Tokens, FindsEachTokenOnceAndReplacesThoseWithAValue) {
  Json value = Json::parse(R"({"a": "${wdsl#root/Default/api#url}/x", "b": ["${wdsl#root/Default/api#url}",
    "${wdsl#root/Default/web#internalUrl} and ${HOME}"], "c": 3})");
  std::vector<Token> tokens = FindTokens(value);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].text, "${wdsl#root/Default/api#url}");
  EXPECT_EQ(tokens[0].Key(), "root/Default/api#url");
  EXPECT_EQ(tokens[1].attribute, "internalUrl");
  ReplaceTokens(value, [](const Token& token) -> std::optional<std::string> {
    if (token.attribute == "url") return "http://127.0.0.1:3000";
    return std::nullopt;
  });
  EXPECT_EQ(value["a"], "http://127.0.0.1:3000/x");
  EXPECT_EQ(value["b"][0], "http://127.0.0.1:3000");
  EXPECT_EQ(value["b"][1], "${wdsl#root/Default/web#internalUrl} and ${HOME}");
}

TEST(Tokens, ResolveBundleTokensFillsStringsAndFieldsAndListsTheRest) {
  Json bundle = Json::parse(R"({"wdsl_bundle": 1, "service": "root/Default/s", "program": {"resources": [
    {"path": "root/Default/api", "type": "cloud.Api", "props": {}, "fields": null},
    {"path": "root/Default/s", "type": "cloud.Service",
     "props": {"env": {"A": "${wdsl#root/Default/api#url}/a", "B": "${wdsl#root/Default/q#x}"}},
     "permissions": {"tf-aws": [{"actions": ["s3:GetObject"], "resources": ["${wdsl#root/Default/b#arn}"]}]}}]}})");
  std::vector<Token> left = ResolveBundleTokens(bundle, {{"root/Default/api#url", "http://172.18.0.1:3000"}});
  const Json& resources = bundle["program"]["resources"];
  EXPECT_EQ(resources[1]["props"]["env"]["A"], "http://172.18.0.1:3000/a");
  EXPECT_EQ(resources[0]["fields"]["url"], "http://172.18.0.1:3000");  // inflight `api.url`
  ASSERT_EQ(left.size(), 1u) << "the permissions' ARN tokens are not the code's";
  EXPECT_EQ(left[0].Key(), "root/Default/q#x");
}

TEST(Tokens, DeployValuesAreAWorkloadsInternalUrlOnHelmAndK8sOnly) {
  Program program;
  Resource web;
  web.path = "root/Default/web";
  web.id = "web";
  web.type = "containers.Workload";
  web.props = Json::parse(R"({"name": "web", "ports": [{"port": 8080}]})");
  Resource api;
  api.path = "root/Default/api";
  api.type = "cloud.Api";
  program.resources = {web, api};
  Token internal{"${wdsl#root/Default/web#internalUrl}", "root/Default/web", "internalUrl"};
  EXPECT_EQ(DeployTokenValue(program, "k8s", internal), "http://web:8080");
  EXPECT_EQ(DeployTokenValue(program, "helm", internal), "http://web:8080");
  EXPECT_EQ(DeployTokenValue(program, "tf-aws", internal), std::nullopt);
  EXPECT_EQ(DeployTokenValue(program, "ecs", internal), std::nullopt);
  EXPECT_EQ(DeployTokenValue(program, "k8s", Token{"", "root/Default/api", "url"}), std::nullopt);
  EXPECT_EQ(DeployTokenValue(program, "k8s", Token{"", "root/Default/nope", "internalUrl"}), std::nullopt);
}

}  // namespace
}  // namespace wdsl::ir
