#include "backends/ecs/ecs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "backends/aws_iam.h"
#include "backends/workload_props.h"
#include "ir/images.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;

// The memory sizes (MiB) Fargate allows for each cpu size (units of 1/1024
// vCPU), from the AWS documentation of task definition parameters.
auto FargateTable() -> const std::vector<std::pair<int, std::vector<int>>>& {
  static const std::vector<std::pair<int, std::vector<int>>> kTable = [] {
    auto range = [](int from, int to, int step) {
      std::vector<int> out;
      for (int m = from; m <= to; m += step) out.push_back(m);
      return out;
    };
    return std::vector<std::pair<int, std::vector<int>>>{
        {256, {512, 1024, 2048}},           {512, range(1024, 4096, 1024)},
        {1024, range(2048, 8192, 1024)},    {2048, range(4096, 16384, 1024)},
        {4096, range(8192, 30720, 1024)},   {8192, range(16384, 61440, 4096)},
        {16384, range(32768, 122880, 8192)}};
  }();
  return kTable;
}

// The liveness probe as a container health check. An HTTP check runs
// `wget` inside the container (ECS health checks are commands), so the image
// needs one (busybox, alpine, debian have it).
auto HealthCheck(const Json& probe, const std::vector<WorkloadPort>& ports) -> Json {
  Json command = Json::array();
  if (probe.contains("command") && probe["command"].is_array()) {
    command.push_back("CMD");
    for (const Json& word : probe["command"]) command.push_back(word);
  } else {
    int port = probe.contains("port") && probe["port"].is_number() ? probe["port"].get<int>()
                                                                    : (ports.empty() ? 80 : ports.front().number);
    command = {"CMD-SHELL", fmt::format("wget -q -O /dev/null http://localhost:{}{} || exit 1", port,
                                        probe.value("path", "/"))};
  }
  auto clamp = [](double value, int low, int high) {
    return std::clamp(static_cast<int>(std::ceil(value)), low, high);
  };
  return {{"command", command},
          {"interval", clamp(ProbeSeconds(probe, "period", 30), 5, 300)},
          {"timeout", 5},
          {"retries", 3},
          {"startPeriod", clamp(ProbeSeconds(probe, "initialDelay", 0), 0, 300)}};
}

auto Environment(const Json& env) -> Json {
  Json out = Json::array();
  if (!env.is_object()) return out;
  for (const auto& [key, value] : env.items()) {
    if (value.is_string()) out.push_back({{"name", key}, {"value", value}});
  }
  return out;
}

auto Family(const std::string& app, const std::string& name) -> std::string {
  return ir::SanitizeImageName(app) + "-" + name;
}

}  // namespace

auto FargateSize(int cpu, int memory) -> std::pair<int, int> {
  for (const auto& [units, memories] : FargateTable()) {
    if (units < cpu) continue;
    for (int mib : memories) {
      if (mib >= memory) return {units, mib};
    }
  }
  return {0, 0};
}

auto EcsTaskOf(const ir::Program& program, const ir::Resource& resource,
             const std::map<std::string, nlohmann::json>& images, const EcsRefs& refs,
             std::vector<std::string>& notes, std::vector<std::string>& errors) -> std::optional<EcsTask> {
  const std::string app = ir::SanitizeImageName(program.app);
  const Json& props = resource.props;
  std::string name = props.value("name", resource.id);
  std::string family = Family(ir::SanitizeImageName(program.app), name);
  std::vector<WorkloadPort> ports = WorkloadPorts(props);

  Json container = {{"name", name}, {"essential", true}};
  if (std::string tag = LocalImageTag(images, resource.path); !tag.empty()) {
    container["image"] = refs.local_image(tag);
  } else {
    container["image"] = props.value("image", "");
  }
  Json port_mappings = Json::array();
  for (const WorkloadPort& port : ports) {
    Json mapping = {{"containerPort", port.number}, {"protocol", "tcp"}, {"name", fmt::format("port-{}", port.number)}};
    if (port.protocol != "tcp") mapping["appProtocol"] = port.protocol;
    port_mappings.push_back(mapping);
  }
  if (!port_mappings.empty()) container["portMappings"] = port_mappings;
  std::vector<std::string> entrypoint = PropStrings(props, "entrypoint");
  std::vector<std::string> args = PropStrings(props, "args");
  if (!entrypoint.empty()) container["entryPoint"] = entrypoint;
  if (!args.empty()) container["command"] = args;
  Json environment = Environment(props.value("env", Json::object()));
  Json secrets = Json::array();
  for (const auto& [binding, target] : WorkloadBindings(program, props)) {
    if (target->type == "cloud.Secret") {
      secrets.push_back({{"name", "WING_" + binding + "_SECRET"}, {"valueFrom", refs.arn(*target)}});
      continue;
    }
    if (target->type == "ex.Redis") {
      notes.push_back(fmt::format("`{}` binds `{}` (ex.Redis), which has no ECS form yet: set REDIS_URL for "
                                  "it in the task definition by hand",
                                  name, target->path));
      continue;
    }
    std::string physical = refs.name_of(*target);
    environment.push_back({{"name", "WING_" + binding + "_NAME"}, {"value", physical}});
    environment.push_back({{"name", "WING_" + binding + "_TYPE"}, {"value", target->type}});
  }
  if (!environment.empty()) container["environment"] = environment;
  if (!secrets.empty()) container["secrets"] = secrets;
  if (props.contains("liveness") && props["liveness"].is_object()) {
    container["healthCheck"] = HealthCheck(props["liveness"], ports);
  }
  container["logConfiguration"] = {
      {"logDriver", "awslogs"},
      {"options",
       {{"awslogs-group", "/wdsl/" + app}, {"awslogs-region", refs.region}, {"awslogs-stream-prefix", name},
        {"awslogs-create-group", "true"}}}};
  int gpus = static_cast<int>(props.value("gpu", 0.0));
  if (gpus > 0) container["resourceRequirements"] = Json::array({{{"type", "GPU"}, {"value", std::to_string(gpus)}}});

  Json containers = Json::array({container});
  double cpu = props.value("cpu", 0.25);
  double memory = props.value("memory", 512.0);
  if (props.contains("sidecars") && props["sidecars"].is_array()) {
    for (const Json& sidecar : props["sidecars"]) {
      Json side = {{"name", sidecar.value("name", "sidecar")}, {"image", sidecar.value("image", "")},
                   {"essential", true}};
      if (sidecar.contains("port") && sidecar["port"].is_number()) {
        side["portMappings"] = Json::array({{{"containerPort", sidecar["port"]}, {"protocol", "tcp"}}});
      }
      if (!PropStrings(sidecar, "entrypoint").empty()) side["entryPoint"] = PropStrings(sidecar, "entrypoint");
      if (!PropStrings(sidecar, "args").empty()) side["command"] = PropStrings(sidecar, "args");
      Json env = Environment(sidecar.value("env", Json::object()));
      if (!env.empty()) side["environment"] = env;
      if (sidecar.contains("liveness") && sidecar["liveness"].is_object()) {
        std::vector<WorkloadPort> side_ports;
        if (sidecar.contains("port") && sidecar["port"].is_number()) side_ports.push_back({sidecar["port"].get<int>(), "http"});
        side["healthCheck"] = HealthCheck(sidecar["liveness"], side_ports);
      }
      side["logConfiguration"] = container["logConfiguration"];
      side["logConfiguration"]["options"]["awslogs-stream-prefix"] = name + "-" + sidecar.value("name", "sidecar");
      cpu += sidecar.value("cpu", 0.0);
      memory += sidecar.value("memory", 0.0);
      containers.push_back(side);
    }
  }
  // Volumes: scratch space shared by the task's containers (a bind mount
  // on the task's storage); named sources need EFS, which is not written.
  Json volumes = Json::array();
  Json mounts = Json::array();
  int index = 0;
  for (const Json& volume : props.value("volumes", Json::array())) {
    std::string volume_name = fmt::format("volume-{}", index++);
    volumes.push_back({{"name", volume_name}});
    mounts.push_back({{"sourceVolume", volume_name},
                      {"containerPath", volume.value("path", "/")},
                      {"readOnly", volume.value("readOnly", false)}});
  }
  if (!mounts.empty()) {
    for (Json& c : containers) c["mountPoints"] = mounts;
  }

  int units = static_cast<int>(std::ceil(cpu * 1024));
  int mib = static_cast<int>(std::ceil(memory));
  Json taskdef = {{"family", family},
                  {"networkMode", "awsvpc"},
                  {"executionRoleArn", refs.execution_role_arn},
                  {"containerDefinitions", containers}};
  if (gpus > 0) {
    // Fargate has no GPUs: the task runs on EC2 capacity with GPUs.
    taskdef["requiresCompatibilities"] = {"EC2"};
    taskdef["cpu"] = std::to_string(units);
    taskdef["memory"] = std::to_string(mib);
    notes.push_back(fmt::format("`{}` asks for {} GPU(s): its task runs on EC2 (Fargate has no GPUs); the "
                                       "cluster needs GPU container instances",
                                       name, gpus));
  } else {
    auto [fargate_cpu, fargate_memory] = FargateSize(units, mib);
    if (fargate_cpu == 0) {
      errors.push_back(fmt::format("`{}` needs {} vCPU and {} MiB, more than the largest Fargate task (16 "
                                          "vCPU, 120 GiB); lower `cpu`/`memory` (sidecars count too)",
                                          name, cpu, mib));
      return std::nullopt;
    }
    if (fargate_cpu != units || fargate_memory != mib) {
      notes.push_back(fmt::format("`{}`: {} vCPU and {} MiB rounded up to the Fargate size {} vCPU / {} MiB",
                                         name, cpu, mib, fargate_cpu / 1024.0, fargate_memory));
    }
    taskdef["requiresCompatibilities"] = {"FARGATE"};
    taskdef["cpu"] = std::to_string(fargate_cpu);
    taskdef["memory"] = std::to_string(fargate_memory);
  }
  if (!volumes.empty()) taskdef["volumes"] = volumes;
  // The task role: exactly the permissions pass's statements.
  Json statements = IamStatements(program, resource, refs.arn);
  if (!secrets.empty()) {
    notes.push_back(fmt::format(
        "`{}` reads Secrets Manager secrets: ECS fetches them with the execution role ({}), which needs "
        "secretsmanager:GetSecretValue on them",
        name, refs.execution_role_arn));
  }
  EcsTask task;
  task.name = name;
  task.family = family;
  task.taskdef = std::move(taskdef);
  task.statements = std::move(statements);
  for (const WorkloadPort& port : ports) task.ports.push_back(port.number);
  task.gpu = gpus > 0;
  return task;
}

auto EmitEcs(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
             const EcsOptions& options) -> EcsResult {
  EcsResult result;
  EcsOptions o = options;
  const std::string app = ir::SanitizeImageName(program.app);
  if (o.cluster.empty()) o.cluster = app;
  bool any_workload = false;
  for (const ir::Resource& resource : program.resources) any_workload |= resource.type == "containers.Workload";
  if (!any_workload) {
    result.errors.push_back("the program has no `containers.Workload`; `--target ecs` deploys workloads only");
    return result;
  }
  std::vector<std::string> missing;
  if (o.region.empty()) missing.push_back("ecs.region");
  if (o.account_id.empty()) missing.push_back("ecs.accountId");
  if (o.execution_role_arn.empty()) missing.push_back("ecs.executionRoleArn");
  if (o.subnets.empty()) missing.push_back("ecs.subnets");
  if (o.security_groups.empty()) missing.push_back("ecs.securityGroups");
  if (!missing.empty()) {
    std::string list;
    for (const std::string& key : missing) list += (list.empty() ? "" : ", ") + key;
    result.errors.push_back(fmt::format(
        "`--target ecs` needs {} from a platform values file; pass `--values platform.yaml` with, for example:\n"
        "ecs:\n  region: us-east-1\n  accountId: \"123456789012\"\n"
        "  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole\n"
        "  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]",
        list));
    return result;
  }

  std::string apply =
      "#!/usr/bin/env bash\n"
      "# Registers the task definitions of " + app + " and creates or updates its ECS services\n"
      "# (generated by wdsl; needs the AWS CLI v2 and credentials for account " + o.account_id + ").\n"
      "# Local images must be in " + (o.registry.empty() ? std::string("the registry") : o.registry) +
      " under their content-hash tags first.\n"
      "set -euo pipefail\ncd \"$(dirname \"${BASH_SOURCE[0]}\")\"\n"
      "export AWS_REGION=\"${AWS_REGION:-" + o.region + "}\"\n"
      "aws ecs describe-clusters --clusters " + o.cluster +
      " --query 'clusters[?status==`ACTIVE`].clusterName' --output text | grep -q . ||\n"
      "  aws ecs create-cluster --cluster-name " + o.cluster + " >/dev/null\n";

  EcsRefs refs;
  refs.region = o.region;
  refs.execution_role_arn = o.execution_role_arn;
  refs.arn = [&](const ir::Resource& target) { return AwsResourceArn(target, program.app, o.region, o.account_id); };
  refs.local_image = [&](const std::string& tag) { return (o.registry.empty() ? "" : o.registry + "/") + tag; };
  refs.name_of = [&](const ir::Resource& target) {
    std::string physical = CloudResourceName(program.app, target);
    if (target.type == "cloud.Queue") {
      return fmt::format("https://sqs.{}.amazonaws.com/{}/{}", o.region, o.account_id, physical);
    }
    return physical;
  };
  for (const ir::Resource& resource : program.resources) {
    if (resource.type != "containers.Workload") continue;
    std::optional<EcsTask> task = EcsTaskOf(program, resource, images, refs, result.notes, result.errors);
    if (!task) continue;
    const Json& props = resource.props;
    const std::string& name = task->name;
    const std::string& family = task->family;
    Json& taskdef = task->taskdef;
    Json& statements = task->statements;
    bool gpu = task->gpu;
    std::string role = fmt::format("arn:aws:iam::{}:role/{}-task", o.account_id, family);
    if (!statements.empty()) taskdef["taskRoleArn"] = role;
    taskdef["tags"] = Json::array({{{"key", "wdsl:app"}, {"value", app}}, {{"key", "wdsl:workload"}, {"value", name}}});

    Json service = {{"cluster", o.cluster},
                    {"serviceName", name},
                    {"taskDefinition", family},
                    {"launchType", gpu ? "EC2" : "FARGATE"},
                    {"networkConfiguration",
                     {{"awsvpcConfiguration",
                       {{"subnets", o.subnets},
                        {"securityGroups", o.security_groups},
                        {"assignPublicIp", o.assign_public_ip ? "ENABLED" : "DISABLED"}}}}},
                    {"deploymentConfiguration",
                     {{"maximumPercent", 200},
                      {"minimumHealthyPercent", 100},
                      {"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}}},
                    {"propagateTags", "SERVICE"},
                    {"enableECSManagedTags", true}};
    int desired = static_cast<int>(props.value("replicas", 1.0));
    if (props.contains("autoscaling") && props["autoscaling"].is_object()) {
      desired = static_cast<int>(props["autoscaling"].value("min", 1.0));
    }
    service["desiredCount"] = desired;
    bool is_public = props.value("public", false) && !task->ports.empty();
    if (is_public) {
      auto group = o.target_groups.find(name);
      if (group == o.target_groups.end()) {
        result.notes.push_back(fmt::format(
            "`{}` is public but `ecs.targetGroups.{}` is not set: its service has no load balancer (give the ARN of "
            "the target group its routes forward to)",
            name, name));
      } else {
        service["loadBalancers"] = Json::array(
            {{{"targetGroupArn", group->second}, {"containerName", name}, {"containerPort", task->ports.front()}}});
        service["healthCheckGracePeriodSeconds"] = 30;
      }
    }
    result.files[name + ".taskdef.json"] = taskdef.dump(2) + "\n";
    result.files[name + ".service.json"] = service.dump(2) + "\n";
    if (!statements.empty()) {
      result.files[name + ".task-role-policy.json"] =
          Json{{"Version", "2012-10-17"}, {"Statement", statements}}.dump(2) + "\n";
    }

    apply += fmt::format("\n# {}\n", name);
    if (!statements.empty()) {
      apply += fmt::format(
          "aws iam get-role --role-name {0}-task >/dev/null 2>&1 ||\n"
          "  aws iam create-role --role-name {0}-task --assume-role-policy-document "
          "'{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":"
          "\"ecs-tasks.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}' >/dev/null\n"
          "aws iam put-role-policy --role-name {0}-task --policy-name wdsl --policy-document "
          "file://{1}.task-role-policy.json\n",
          family, name);
    }
    apply += fmt::format(
        "aws ecs register-task-definition --cli-input-json file://{0}.taskdef.json >/dev/null\n"
        "if aws ecs describe-services --cluster {1} --services {0} --query 'services[?status==`ACTIVE`].serviceName' "
        "--output text | grep -q .; then\n"
        "  aws ecs update-service --cluster {1} --service {0} --task-definition {2} --desired-count {3} >/dev/null\n"
        "else\n"
        "  aws ecs create-service --cli-input-json file://{0}.service.json >/dev/null\n"
        "fi\n",
        name, o.cluster, family, desired);
    if (props.contains("autoscaling") && props["autoscaling"].is_object()) {
      const Json& a = props["autoscaling"];
      std::string id = fmt::format("service/{}/{}", o.cluster, name);
      apply += fmt::format(
          "aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension "
          "ecs:service:DesiredCount --resource-id {} --min-capacity {} --max-capacity {}\n"
          "aws application-autoscaling put-scaling-policy --service-namespace ecs --scalable-dimension "
          "ecs:service:DesiredCount --resource-id {} --policy-name {}-cpu --policy-type TargetTrackingScaling "
          "--target-tracking-scaling-policy-configuration "
          "'{{\"TargetValue\":{},\"PredefinedMetricSpecification\":{{\"PredefinedMetricType\":"
          "\"ECSServiceAverageCPUUtilization\"}}}}' >/dev/null\n",
          id, static_cast<int>(a.value("min", 1.0)), static_cast<int>(a.value("max", 1.0)), id, name,
          a.value("cpuTarget", 70.0));
    }
  }
  apply += "\necho \"" + app + ": task definitions registered and services deployed to cluster " + o.cluster + "\"\n";
  result.files["apply.sh"] = apply;
  return result;
}

}  // namespace wdsl
