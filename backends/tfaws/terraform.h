// Terraform JSON helpers shared by the parts of `--target tf-aws`
// (tfaws.cpp, lambda.cpp): block names, literal strings, policy documents.
#pragma once

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "ir/tokens.h"

namespace wdsl::tf {

// A Terraform block name from a path id: `root/Default/my uploads` -> `my_uploads`.
inline auto TfName(const std::string& path) -> std::string {
  std::string rest = path.starts_with("root/Default/") ? path.substr(13) : path;
  std::string out;
  for (char c : rest) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || !std::isalpha(static_cast<unsigned char>(out.front()))) out = "r_" + out;
  return out;
}

// A literal string inside Terraform JSON is a template: `${` and `%{` of the
// program's own text must not be read as interpolation.
inline auto Literal(const std::string& text) -> std::string {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '$' || text[i] == '%') && i + 1 < text.size() && text[i + 1] == '{') out += text[i];
    out += text[i];
  }
  return out;
}

// The Terraform reference a deploy-time token stands for on AWS (the tokens
// ir::DeployTokenValue leaves to this backend), or nullopt: a `cloud.Api`'s
// `url` is its HTTP API's endpoint (the `$default` stage serves at its root).
inline auto TokenReference(const ir::Program& program, const ir::Token& token) -> std::optional<std::string> {
  const ir::Resource* resource = program.FindResource(token.path);
  if (resource != nullptr && resource->type == "cloud.Api" && token.attribute == "url") {
    return fmt::format("${{aws_apigatewayv2_api.{}.api_endpoint}}", TfName(resource->path));
  }
  return std::nullopt;
}

// Replaces, in every string of `value`, each token TokenReference knows by
// `mark(reference)` (a placeholder that escaping the program's text leaves
// alone, put back once it is escaped).
inline void MarkTokenReferences(nlohmann::json& value, const ir::Program& program,
                                const std::function<std::string(const std::string&)>& mark) {
  ir::ReplaceTokens(value, [&](const ir::Token& token) -> std::optional<std::string> {
    std::optional<std::string> reference = TokenReference(program, token);
    if (!reference) return std::nullopt;
    return mark(*reference);
  });
}

// `text` of the program as a Terraform string: Literal, except that each
// token TokenReference knows becomes its reference.
inline auto TemplateWithTokens(const std::string& text, const ir::Program& program) -> std::string {
  std::vector<std::string> references;
  nlohmann::json marked = text;
  MarkTokenReferences(marked, program, [&](const std::string& reference) {
    references.push_back(reference);
    return fmt::format("\x01{}\x01", references.size() - 1);
  });
  std::string out = Literal(marked.get<std::string>());
  for (size_t i = 0; i < references.size(); ++i) {
    std::string marker = fmt::format("\x01{}\x01", i);
    for (size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at + references[i].size())) {
      out.replace(at, marker.size(), references[i]);
    }
  }
  return out;
}

// A duration prop (`{"$duration": seconds}`) in whole seconds, or `fallback`.
inline auto Seconds(const nlohmann::json& props, const char* name, double fallback) -> int {
  if (props.contains(name) && props[name].is_object()) {
    return static_cast<int>(std::llround(props[name].value("$duration", fallback)));
  }
  return static_cast<int>(fallback);
}

// An IAM policy document as the JSON string Terraform expects, ARNs as references.
inline auto PolicyString(const nlohmann::json& statements) -> std::string {
  return nlohmann::json{{"Version", "2012-10-17"}, {"Statement", statements}}.dump();
}

}  // namespace wdsl::tf
