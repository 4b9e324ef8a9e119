// Terraform JSON helpers shared by the parts of `--target tf-aws`
// (tfaws.cpp, lambda.cpp): block names, literal strings, policy documents.
#pragma once

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <string>

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
