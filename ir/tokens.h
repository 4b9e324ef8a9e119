// Deploy-time tokens `${wdsl#<path>#<attribute>}` (docs/ir.md): a preflight
// string that holds an attribute known only once the app runs (`api.url`,
// a workload's `internalUrl`). The simulator resolves them when its
// resources have started; a service in a container gets their values in
// the environment (`WDSL_TOKENS`, a JSON object "<path>#<attribute>" ->
// value, which
// `wdsl-runtime` substitutes into its bundle), so the image itself holds
// only tokens and its content hash does not change when an Api's port does.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace wdsl::ir {

// The environment variable of a service's container that carries the values.
inline constexpr const char* kTokensEnv = "WDSL_TOKENS";

struct Token {
  std::string text;       // "${wdsl#root/Default/api#url}"
  std::string path;       // "root/Default/api"
  std::string attribute;  // "url"
  // Its key in WDSL_TOKENS: "root/Default/api#url".
  auto Key() const -> std::string { return path + "#" + attribute; }
};

// Every distinct token inside the strings of `value`, in order of first appearance.
auto FindTokens(const nlohmann::json& value) -> std::vector<Token>;

// The value of a token, or nullopt when it has none (it is then left as it is).
using TokenValue = std::function<std::optional<std::string>(const Token&)>;

// Replaces the tokens in every string of `value` (and in `text`).
void ReplaceTokens(nlohmann::json& value, const TokenValue& value_of);
auto ReplaceTokensIn(const std::string& text, const TokenValue& value_of) -> std::string;

// The tokens a service's code can read: those of its bundle (ir/bundle.h),
// which has the service's props (its `env` and its handler's captures) and
// every resource and function its code can reach (not the permissions'
// `${wdsl#...#arn}`, which only the backends' IAM statements use).
auto ServiceTokens(const Program& program, const Resource& service) -> std::vector<Token>;

// The same for a function deployed on its own (a Lambda function on tf-aws):
// the tokens of its bundle.
auto FunctionTokens(const Program& program, const Resource& function) -> std::vector<Token>;

// Puts the values of `values` (Token::Key() -> value, as WDSL_TOKENS holds
// them) into a bundle's JSON (ir/bundle.h): into every string, and as a
// field of the resource, so inflight code that reads `api.url` gets it too.
// Returns the tokens its code can read that are left without a value.
auto ResolveBundleTokens(nlohmann::json& bundle, const std::map<std::string, std::string>& values)
    -> std::vector<Token>;

// What a token is where a service is deployed with `--target target`, or
// nullopt when that target cannot know it. Today: a `containers.Workload`'s
// `internalUrl` on helm and k8s (`http://<name>:<port>`, the Service's name
// in the release's namespace), and a `cloud.Api`'s `url` on tf-aws, whose
// value is the token itself: the tf-aws backend writes it as a reference to
// the HTTP API's endpoint, which only Terraform knows.
auto DeployTokenValue(const Program& program, const std::string& target, const Token& token)
    -> std::optional<std::string>;

}  // namespace wdsl::ir
