#include "cli/platform_values.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

namespace wdsl {

auto ReadPlatformValues(const std::string& path, std::string& error, int& exit_code) -> std::optional<PlatformValues> {
  if (!std::filesystem::is_regular_file(path)) {
    error = fmt::format("cannot read the values file `{}`: no such file", path);
    exit_code = 2;
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    error = fmt::format("{}:{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg);
    exit_code = 1;
    return std::nullopt;
  }
  PlatformValues values;
  if (!root || root.IsNull()) return values;
  if (!root.IsMap()) {
    error = fmt::format("{}: expected a map of sections such as `helm:`", path);
    exit_code = 1;
    return std::nullopt;
  }
  // Sections of targets that are not written yet are accepted (and ignored)
  // so one platform file can serve every target.
  static const std::set<std::string> kSections = {"helm", "eks", "ecs", "containers", "cpln"};
  for (const auto& entry : root) {
    std::string section = entry.first.as<std::string>();
    if (kSections.count(section) == 0) {
      error = fmt::format("{}:{}: unknown section `{}`; the sections are helm, eks, ecs, containers and cpln", path,
                          entry.first.Mark().line + 1, section);
      exit_code = 1;
      return std::nullopt;
    }
  }
  if (YAML::Node helm = root["helm"]) {
    if (!helm.IsMap()) {
      error = fmt::format("{}:{}: `helm` must be a map such as `helm: {{registry: registry.example.com/team}}`", path,
                          helm.Mark().line + 1);
      exit_code = 1;
      return std::nullopt;
    }
    for (const auto& entry : helm) {
      std::string key = entry.first.as<std::string>();
      if (key != "registry") {
        error = fmt::format("{}:{}: unknown key `helm.{}`; the key of `helm` is `registry`", path,
                            entry.first.Mark().line + 1, key);
        exit_code = 1;
        return std::nullopt;
      }
      if (!entry.second.IsScalar()) {
        error = fmt::format("{}:{}: `helm.registry` must be a string", path, entry.second.Mark().line + 1);
        exit_code = 1;
        return std::nullopt;
      }
      values.helm_registry = entry.second.as<std::string>();
    }
  }
  return values;
}

}  // namespace wdsl
