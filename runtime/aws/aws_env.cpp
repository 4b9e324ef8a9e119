#include "runtime/aws/aws_env.h"

#include <fmt/format.h>

#include <stdexcept>

extern char** environ;

namespace wdsl::runtime::aws {

auto ProcessEnv() -> Env {
  Env env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    size_t eq = text.find('=');
    if (eq != std::string::npos) env[text.substr(0, eq)] = text.substr(eq + 1);
  }
  return env;
}

auto EnvValue(const Env& env, const std::string& name) -> std::string {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

auto RegionFrom(const Env& env) -> std::string {
  std::string region = EnvValue(env, "AWS_REGION");
  if (region.empty()) region = EnvValue(env, "AWS_DEFAULT_REGION");
  if (region.empty()) {
    throw std::runtime_error(
        "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) in the container's environment, e.g. us-east-1");
  }
  return region;
}

namespace {

auto Trimmed(std::string url) -> std::string {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

auto EndpointOverridden(const Env& env, const Service& service) -> bool {
  return !EnvValue(env, std::string("AWS_ENDPOINT_URL_") + service.env_suffix).empty() ||
         !EnvValue(env, "AWS_ENDPOINT_URL").empty();
}

auto EndpointFor(const Env& env, const Service& service, const std::string& region) -> std::string {
  std::string own = EnvValue(env, std::string("AWS_ENDPOINT_URL_") + service.env_suffix);
  if (!own.empty()) return Trimmed(own);
  std::string all = EnvValue(env, "AWS_ENDPOINT_URL");
  if (!all.empty()) return Trimmed(all);
  return fmt::format("https://{}.{}.amazonaws.com", service.host_prefix, region);
}

}  // namespace wdsl::runtime::aws
