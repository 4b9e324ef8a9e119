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
  // One platform file can serve every target.
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
  if (YAML::Node containers = root["containers"]) {
    if (!containers.IsMap()) {
      error = fmt::format("{}:{}: `containers` must be a map such as `containers: {{backend: ecs}}`", path,
                          containers.Mark().line + 1);
      exit_code = 1;
      return std::nullopt;
    }
    for (const auto& entry : containers) {
      std::string key = entry.first.as<std::string>();
      std::string value = entry.second.IsScalar() ? entry.second.as<std::string>() : "";
      if (key != "backend" || (value != "ecs" && value != "eks")) {
        error = fmt::format("{}:{}: expected `containers.backend: ecs` or `containers.backend: eks`", path,
                            entry.first.Mark().line + 1);
        exit_code = 1;
        return std::nullopt;
      }
      values.containers_backend = value;
    }
  }
  if (YAML::Node eks = root["eks"]) {
    if (!eks.IsMap()) {
      error = fmt::format("{}:{}: `eks` must be a map such as `eks: {{clusterName: prod}}`", path, eks.Mark().line + 1);
      exit_code = 1;
      return std::nullopt;
    }
    for (const auto& entry : eks) {
      std::string key = entry.first.as<std::string>();
      if ((key != "clusterName" && key != "namespace") || !entry.second.IsScalar()) {
        error = fmt::format("{}:{}: unknown or invalid `eks.{}`; the keys are clusterName and namespace (strings)", path,
                            entry.first.Mark().line + 1, key);
        exit_code = 1;
        return std::nullopt;
      }
      (key == "clusterName" ? values.eks_cluster : values.eks_namespace) = entry.second.as<std::string>();
    }
  }
  if (YAML::Node ecs = root["ecs"]) {
    values.ecs.present = true;
    auto fail = [&](const YAML::Node& at, const std::string& message) {
      error = fmt::format("{}:{}: {}", path, at.Mark().line + 1, message);
      exit_code = 1;
      return std::nullopt;
    };
    if (!ecs.IsMap()) return fail(ecs, "`ecs` must be a map such as `ecs: {region: us-east-1, ...}`");
    static const std::set<std::string> kKeys = {"region",         "accountId",      "cluster",
                                                "registry",       "executionRoleArn", "subnets",
                                                "securityGroups", "assignPublicIp", "targetGroups"};
    for (const auto& entry : ecs) {
      std::string key = entry.first.as<std::string>();
      if (kKeys.count(key) == 0) {
        return fail(entry.first, fmt::format("unknown key `ecs.{}`; the keys are region, accountId, cluster, registry, "
                                             "executionRoleArn, subnets, securityGroups, assignPublicIp, targetGroups",
                                             key));
      }
      const YAML::Node& value = entry.second;
      try {
        if (key == "subnets" || key == "securityGroups") {
          if (!value.IsSequence()) return fail(value, fmt::format("`ecs.{}` must be a list of ids", key));
          auto& list = key == "subnets" ? values.ecs.subnets : values.ecs.security_groups;
          for (const auto& item : value) list.push_back(item.as<std::string>());
        } else if (key == "targetGroups") {
          if (!value.IsMap()) return fail(value, "`ecs.targetGroups` must map workload names to target group ARNs");
          for (const auto& item : value) values.ecs.target_groups[item.first.as<std::string>()] = item.second.as<std::string>();
        } else if (key == "assignPublicIp") {
          values.ecs.assign_public_ip = value.as<bool>();
        } else {
          if (!value.IsScalar()) return fail(value, fmt::format("`ecs.{}` must be a string", key));
          std::string text = value.as<std::string>();
          if (key == "region") values.ecs.region = text;
          if (key == "accountId") values.ecs.account_id = text;
          if (key == "cluster") values.ecs.cluster = text;
          if (key == "registry") values.ecs.registry = text;
          if (key == "executionRoleArn") values.ecs.execution_role_arn = text;
        }
      } catch (const YAML::Exception&) {
        return fail(value, fmt::format("`ecs.{}` has the wrong type", key));
      }
    }
  }
  if (YAML::Node cpln = root["cpln"]) {
    auto fail = [&](const YAML::Node& at, const std::string& message) {
      error = fmt::format("{}:{}: {}", path, at.Mark().line + 1, message);
      exit_code = 1;
      return std::nullopt;
    };
    if (!cpln.IsMap()) {
      return fail(cpln, "`cpln` must be a map such as `cpln: {org: my-org, locations: [aws-us-west-2]}`");
    }
    static const std::set<std::string> kKeys = {"org",    "gvc",          "locations", "workloadType",
                                                "domain", "cloudAccount", "registry"};
    for (const auto& entry : cpln) {
      std::string key = entry.first.as<std::string>();
      if (kKeys.count(key) == 0) {
        return fail(entry.first, fmt::format("unknown key `cpln.{}`; the keys are org, gvc, locations, workloadType, "
                                             "domain, cloudAccount, registry",
                                             key));
      }
      const YAML::Node& value = entry.second;
      if (key == "locations") {
        if (!value.IsSequence()) {
          return fail(value, "`cpln.locations` must be a list of Control Plane locations such as [aws-us-west-2]");
        }
        for (const auto& item : value) {
          if (!item.IsScalar()) return fail(item, "`cpln.locations` must be a list of location names");
          values.cpln.locations.push_back(item.as<std::string>());
        }
        continue;
      }
      if (!value.IsScalar()) return fail(value, fmt::format("`cpln.{}` must be a string", key));
      std::string text = value.as<std::string>();
      if (key == "workloadType" && text != "standard" && text != "serverless") {
        return fail(value, "`cpln.workloadType` must be `standard` or `serverless`");
      }
      if (key == "org") values.cpln.org = text;
      if (key == "gvc") values.cpln.gvc = text;
      if (key == "workloadType") values.cpln.workload_type = text;
      if (key == "domain") values.cpln.domain = text;
      if (key == "cloudAccount") values.cpln.cloud_account = text;
      if (key == "registry") values.cpln.registry = text;
    }
  }
  return values;
}

}  // namespace wdsl
