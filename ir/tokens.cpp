#include "ir/tokens.h"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "ir/bundle.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

// The format of stdlib/resources.json's `tokenFormat`.
const std::regex& TokenPattern() {
  static const std::regex kToken(R"(\$\{wdsl#([^#{}]+)#([A-Za-z0-9_]+)\})");
  return kToken;
}

void Collect(const Json& value, std::vector<Token>& out, std::set<std::string>& seen) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find("${wdsl#") == std::string::npos) return;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), TokenPattern()); it != std::sregex_iterator(); ++it) {
      if (seen.insert(it->str()).second) out.push_back({it->str(), (*it)[1].str(), (*it)[2].str()});
    }
  } else if (value.is_structured()) {
    for (const Json& item : value) Collect(item, out, seen);
  }
}

// The tokens of what a bundle's code can read: the props and fields of its
// resources and the functions' module captures; not the permissions, whose
// `${wdsl#...#arn}` are for the deployment backends' IAM statements.
auto CodeTokens(const Json& bundle) -> std::vector<Token> {
  std::vector<Token> out;
  std::set<std::string> seen;
  const Json& program = bundle.contains("program") ? bundle["program"] : bundle;
  for (const Json& resource : program.value("resources", Json::array())) {
    if (!resource.is_object()) continue;
    if (resource.contains("props")) Collect(resource["props"], out, seen);
    if (resource.contains("fields")) Collect(resource["fields"], out, seen);
  }
  for (const Json& function : program.value("functions", Json::array())) {
    if (function.is_object() && function.contains("module_captures")) Collect(function["module_captures"], out, seen);
  }
  return out;
}

}  // namespace

auto FindTokens(const nlohmann::json& value) -> std::vector<Token> {
  std::vector<Token> out;
  std::set<std::string> seen;
  Collect(value, out, seen);
  return out;
}

auto ReplaceTokensIn(const std::string& text, const TokenValue& value_of) -> std::string {
  if (text.find("${wdsl#") == std::string::npos) return text;
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), TokenPattern()); it != std::sregex_iterator(); ++it) {
    out += text.substr(last, it->position() - last);
    std::optional<std::string> value = value_of(Token{it->str(), (*it)[1].str(), (*it)[2].str()});
    out += value ? *value : it->str();
    last = it->position() + it->length();
  }
  return out + text.substr(last);
}

void ReplaceTokens(nlohmann::json& value, const TokenValue& value_of) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find("${wdsl#") != std::string::npos) value = ReplaceTokensIn(text, value_of);
  } else if (value.is_structured()) {
    for (Json& item : value) ReplaceTokens(item, value_of);
  }
}

auto ResolveBundleTokens(nlohmann::json& bundle, const std::map<std::string, std::string>& values)
    -> std::vector<Token> {
  ReplaceTokens(bundle, [&](const Token& token) -> std::optional<std::string> {
    auto it = values.find(token.Key());
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  std::vector<Token> left = CodeTokens(bundle);
  if (!bundle.contains("program") || !bundle["program"].contains("resources")) return left;
  std::map<std::string, Json*> resources;
  for (Json& resource : bundle["program"]["resources"]) {
    if (resource.is_object() && resource.contains("path")) resources[resource["path"].get<std::string>()] = &resource;
  }
  for (const auto& [key, value] : values) {
    size_t hash = key.rfind('#');
    if (hash == std::string::npos) continue;
    auto it = resources.find(key.substr(0, hash));
    if (it == resources.end()) continue;
    Json& fields = (*it->second)["fields"];
    if (!fields.is_object()) fields = Json::object();
    if (!fields.contains(key.substr(hash + 1))) fields[key.substr(hash + 1)] = value;
  }
  return left;
}

auto ServiceTokens(const Program& program, const Resource& service) -> std::vector<Token> {
  std::optional<Json> bundle = MakeServiceBundle(program, service.path);
  return bundle ? CodeTokens(*bundle) : FindTokens(service.props);
}

auto FunctionTokens(const Program& program, const Resource& function) -> std::vector<Token> {
  std::optional<Json> bundle = MakeFunctionBundle(program, function.path);
  return bundle ? CodeTokens(*bundle) : FindTokens(function.props);
}

auto DeployTokenValue(const Program& program, const std::string& target, const Token& token)
    -> std::optional<std::string> {
  const Resource* resource = program.FindResource(token.path);
  if (resource == nullptr) return std::nullopt;
  if (target == "tf-aws" && resource->type == "cloud.Api" && token.attribute == "url") return token.text;
  if ((target == "helm" || target == "k8s") && resource->type == "containers.Workload" &&
      token.attribute == "internalUrl") {
    const Json& props = resource->props;
    double port = 0;
    if (auto it = props.find("port"); it != props.end() && it->is_number()) port = it->get<double>();
    if (auto it = props.find("ports"); port == 0 && it != props.end() && it->is_array() && !it->empty()) {
      port = (*it)[0].value("port", 0.0);
    }
    std::string name = props.value("name", resource->id);
    if (port > 0) return fmt::format("http://{}:{}", name, static_cast<int64_t>(port));
  }
  return std::nullopt;
}

}  // namespace wdsl::ir
