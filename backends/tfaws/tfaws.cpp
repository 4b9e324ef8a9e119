#include "backends/tfaws/tfaws.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>

#include "backends/aws_iam.h"
#include "backends/ecs/ecs.h"
#include "backends/k8s/chart.h"
#include "backends/tfaws/lambda.h"
#include "backends/tfaws/terraform.h"
#include "backends/workload_props.h"
#include "ir/images.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;
using tf::Literal;
using tf::PolicyString;
using tf::Seconds;
using tf::TfName;

auto EscapeJson(Json& value) -> void {
  if (value.is_string()) {
    value = Literal(value.get<std::string>());
  } else if (value.is_structured()) {
    for (auto& item : value) EscapeJson(item);
  }
}

struct Bound {
  std::string type;  // aws_s3_bucket, ...
  std::string name;  // block name
};

auto BoundBlock(const ir::Resource& resource) -> std::optional<Bound> {
  static const std::map<std::string, std::string> kTypes = {{"cloud.Bucket", "aws_s3_bucket"},
                                                            {"cloud.Queue", "aws_sqs_queue"},
                                                            {"cloud.Counter", "aws_dynamodb_table"},
                                                            {"cloud.Secret", "aws_secretsmanager_secret"},
                                                            {"cloud.Function", "aws_lambda_function"}};
  auto it = kTypes.find(resource.type);
  if (it == kTypes.end()) return std::nullopt;
  return Bound{it->second, TfName(resource.path)};
}

auto Ref(const Bound& bound, const std::string& attribute) -> std::string {
  return fmt::format("${{{}.{}.{}}}", bound.type, bound.name, attribute);
}

// The attribute that names a bound resource to the runtime (WING_<NAME>_NAME):
// a queue by its URL (by its name on EKS, where the runtime builds the URL).
auto NameAttribute(const ir::Resource& resource, bool queue_url = true) -> const char* {
  if (resource.type == "cloud.Bucket") return "bucket";
  if (resource.type == "cloud.Queue" && queue_url) return "url";
  if (resource.type == "cloud.Function") return "function_name";
  return "name";
}

// The EKS half (c:cluster): a cluster per app (VPC with two public subnets,
// EKS cluster and node group with their roles, the IRSA OIDC provider), or
// the existing `eks.clusterName`; one IRSA role per workload whose policy is
// the permissions pass's statements; and a helm_release of the chart (written
// beside main.tf.json) with the ECR registry and each workload's service
// account bound to its role.
void EmitEks(const ir::Program& program, const std::map<std::string, Json>& images, const TfAwsOptions& options,
             const std::string& app, const std::map<std::string, Bound>& bound,
             const std::function<std::string(const ir::Resource&)>& arn_of,
             const std::map<std::string, std::string>& image_refs, Json& root, TfAwsResult& result) {
  Json& resource = root["resource"];
  bool existing = !options.eks_cluster.empty();
  std::string cluster;      // a reference to the cluster block
  std::string oidc_arn;
  std::string oidc_url;
  if (existing) {
    root["data"]["aws_eks_cluster"]["main"] = {{"name", Literal(options.eks_cluster)}};
    root["data"]["aws_iam_openid_connect_provider"]["eks"] = {
        {"url", "${data.aws_eks_cluster.main.identity[0].oidc[0].issuer}"}};
    cluster = "data.aws_eks_cluster.main";
    oidc_arn = "${data.aws_iam_openid_connect_provider.eks.arn}";
    oidc_url = "data.aws_iam_openid_connect_provider.eks.url";
  } else {
    root["data"]["aws_availability_zones"]["available"] = {{"state", "available"}};
    resource["aws_vpc"]["main"] = {{"cidr_block", "10.0.0.0/16"},
                                   {"enable_dns_hostnames", true},
                                   {"enable_dns_support", true},
                                   {"tags", {{"Name", app}}}};
    resource["aws_internet_gateway"]["main"] = {{"vpc_id", "${aws_vpc.main.id}"}};
    resource["aws_subnet"]["public"] = {
        {"count", 2},
        {"vpc_id", "${aws_vpc.main.id}"},
        {"availability_zone", "${data.aws_availability_zones.available.names[count.index]}"},
        {"cidr_block", "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}"},
        {"map_public_ip_on_launch", true},
        {"tags", {{"Name", app + "-public-${count.index}"}, {"kubernetes.io/role/elb", "1"}}}};
    resource["aws_route_table"]["public"] = {
        {"vpc_id", "${aws_vpc.main.id}"},
        {"route", Json::array({{{"cidr_block", "0.0.0.0/0"}, {"gateway_id", "${aws_internet_gateway.main.id}"}}})}};
    resource["aws_route_table_association"]["public"] = {{"count", 2},
                                                         {"subnet_id", "${aws_subnet.public[count.index].id}"},
                                                         {"route_table_id", "${aws_route_table.public.id}"}};
    auto service_role = [&](const std::string& name, const std::string& service,
                            const std::vector<std::string>& policies) {
      resource["aws_iam_role"][name] = {
          {"name", app + "-" + name},
          {"assume_role_policy",
           PolicyString(Json::array({{{"Effect", "Allow"}, {"Principal", {{"Service", service}}},
                                      {"Action", "sts:AssumeRole"}}}))}};
      for (size_t i = 0; i < policies.size(); ++i) {
        resource["aws_iam_role_policy_attachment"][fmt::format("{}_{}", name, i)] = {
            {"role", fmt::format("${{aws_iam_role.{}.name}}", name)},
            {"policy_arn", "arn:aws:iam::aws:policy/" + policies[i]}};
      }
    };
    service_role("eks_cluster", "eks.amazonaws.com", {"AmazonEKSClusterPolicy"});
    service_role("eks_nodes", "ec2.amazonaws.com",
                 {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"});
    resource["aws_eks_cluster"]["main"] = {
        {"name", app},
        {"role_arn", "${aws_iam_role.eks_cluster.arn}"},
        {"vpc_config", {{"subnet_ids", "${aws_subnet.public[*].id}"}}},
        {"depends_on", {"aws_iam_role_policy_attachment.eks_cluster_0"}}};
    resource["aws_eks_node_group"]["main"] = {
        {"cluster_name", "${aws_eks_cluster.main.name}"},
        {"node_group_name", app},
        {"node_role_arn", "${aws_iam_role.eks_nodes.arn}"},
        {"subnet_ids", "${aws_subnet.public[*].id}"},
        {"instance_types", {"t3.medium"}},
        {"scaling_config", {{"desired_size", 2}, {"min_size", 1}, {"max_size", 4}}},
        {"depends_on",
         {"aws_iam_role_policy_attachment.eks_nodes_0", "aws_iam_role_policy_attachment.eks_nodes_1",
          "aws_iam_role_policy_attachment.eks_nodes_2"}}};
    root["data"]["tls_certificate"]["eks"] = {{"url", "${aws_eks_cluster.main.identity[0].oidc[0].issuer}"}};
    resource["aws_iam_openid_connect_provider"]["eks"] = {
        {"url", "${aws_eks_cluster.main.identity[0].oidc[0].issuer}"},
        {"client_id_list", {"sts.amazonaws.com"}},
        {"thumbprint_list", {"${data.tls_certificate.eks.certificates[0].sha1_fingerprint}"}}};
    cluster = "aws_eks_cluster.main";
    oidc_arn = "${aws_iam_openid_connect_provider.eks.arn}";
    oidc_url = "aws_iam_openid_connect_provider.eks.url";
  }
  root["data"]["aws_eks_cluster_auth"]["main"] = {{"name", fmt::format("${{{}.name}}", cluster)}};
  root["provider"]["helm"] = Json::array(
      {{{"kubernetes",
         {{"host", fmt::format("${{{}.endpoint}}", cluster)},
          {"cluster_ca_certificate", fmt::format("${{base64decode({}.certificate_authority[0].data)}}", cluster)},
          {"token", "${data.aws_eks_cluster_auth.main.token}"}}}}});

  // The chart, written beside main.tf.json, and its release.
  ChartOptions chart_options;
  for (const auto& [path, text] : EmitHelm(program, images, chart_options)) result.files["chart/" + path] = text;
  std::string namespace_ = options.eks_namespace.empty() ? "default" : options.eks_namespace;
  Json set = Json::array();
  set.push_back({{"name", "global.registry"},
                 {"value", "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com"}});
  Json depends = Json::array();
  if (!existing) depends.push_back("aws_eks_node_group.main");
  for (const auto& [tag, reference] : image_refs) {
    depends.push_back(reference.substr(2, reference.rfind('.') - 2));  // docker_registry_image.<name>
  }
  for (const ir::Resource& r : program.resources) {
    if (r.type != "containers.Workload") continue;
    // The tokens left to Terraform (an Api's url, tf::TokenReference) reach
    // ECS task definitions and Lambda functions, not the chart's values.
    for (const ir::Token& token : ir::FindTokens(r.props)) {
      result.errors.push_back(fmt::format(
          "the workload `{}` ({}:{}:{}) uses `{}` (the `{}` of `{}`), which `--target tf-aws` cannot pass into the "
          "chart it deploys on EKS; run the containers on ECS (`containers: {{backend: ecs}}` in the values file), or pass the value another "
          "way (an `env` entry or a `cloud.Secret`)",
          r.path, r.pos.file, r.pos.line, r.pos.col, token.text, token.attribute, token.path));
    }
    std::string name = r.props.value("name", r.id);
    std::string key = ChartValuesKey(name);
    std::string block = TfName(name);
    std::string account = app + "-" + name;
    // IRSA: only this workload's service account may assume its role.
    Json trust = Json::array({{{"Effect", "Allow"},
                               {"Principal", {{"Federated", oidc_arn}}},
                               {"Action", "sts:AssumeRoleWithWebIdentity"},
                               {"Condition",
                                {{"StringEquals",
                                  {{fmt::format("${{replace({}, \"https://\", \"\")}}:sub", oidc_url),
                                    fmt::format("system:serviceaccount:{}:{}", namespace_, account)},
                                   {fmt::format("${{replace({}, \"https://\", \"\")}}:aud", oidc_url),
                                    "sts.amazonaws.com"}}}}}}});
    resource["aws_iam_role"][block] = {{"name", app + "-" + name}, {"assume_role_policy", PolicyString(trust)}};
    Json statements = IamStatements(program, r, arn_of);
    if (!statements.empty()) {
      resource["aws_iam_role_policy"][block] = {{"name", "wdsl"},
                                                {"role", fmt::format("${{aws_iam_role.{}.id}}", block)},
                                                {"policy", PolicyString(statements)}};
    }
    set.push_back({{"name", fmt::format("workloads.{}.serviceAccount.create", key)}, {"value", "true"}});
    set.push_back({{"name", fmt::format("workloads.{}.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", key)},
                   {"value", fmt::format("${{aws_iam_role.{}.arn}}", block)}});
  }
  // Bound resources' names in the cluster's account (the chart's `resources.<id>` values).
  for (const auto& [path, b] : bound) {
    const ir::Resource* target = program.FindResource(path);
    if (target == nullptr || target->type == "cloud.Secret") continue;
    std::string key = ChartValuesKey(target->id);
    set.push_back({{"name", fmt::format("resources.{}.name", key)}, {"value", Ref(b, NameAttribute(*target, false))}});
  }
  bool secrets = std::any_of(program.resources.begin(), program.resources.end(),
                             [](const ir::Resource& r) { return r.type == "cloud.Secret"; });
  if (secrets) {
    result.notes.push_back("on EKS, a workload reads a bound `cloud.Secret` from the Kubernetes Secret of the same name "
                           "(key `value`), which Terraform does not fill: create it, e.g. with the External Secrets "
                           "operator from Secrets Manager");
  }
  resource["helm_release"]["app"] = {{"name", app},
                                     {"chart", "${path.module}/chart/" + app},
                                     {"namespace", Literal(namespace_)},
                                     {"create_namespace", true},
                                     {"set", set},
                                     {"depends_on", depends}};
  root["output"]["cluster"] = {{"value", fmt::format("${{{}.name}}", cluster)},
                               {"description", "aws eks update-kubeconfig --name <this> to use kubectl"}};
}

}  // namespace

auto EmitTfAws(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
               const TfAwsOptions& options, const std::filesystem::path& app_dir,
               const std::filesystem::path& output_dir) -> TfAwsResult {
  TfAwsResult result;
  const std::string app = ir::SanitizeImageName(program.app);
  bool workloads = std::any_of(program.resources.begin(), program.resources.end(),
                               [](const ir::Resource& r) { return r.type == "containers.Workload"; });
  bool on_ecs = options.backend == "ecs";
  Json root = Json::object();
  Json& resource = root["resource"];
  resource = Json::object();
  bool docker = false;
  root["variable"]["region"] = {{"type", "string"}, {"default", options.region},
                                {"description", "The AWS region to deploy " + app + " to"}};
  root["data"]["aws_caller_identity"]["current"] = Json::object();

  // ---- bound resources, named from their path ids
  std::map<std::string, Bound> bound;  // resource path -> block
  std::set<std::string> skipped_types;
  for (const ir::Resource& r : program.resources) {
    std::optional<Bound> block = BoundBlock(r);
    if (!block) {
      // Apis are HTTP APIs, Schedules EventBridge rules (lambda.h).
      bool serverless = r.type == "cloud.Api" || r.type == "cloud.Schedule";
      if (r.type.starts_with("cloud.") && r.type != "cloud.Endpoint" && !serverless) skipped_types.insert(r.type);
      continue;
    }
    bound[r.path] = *block;
    std::string physical = CloudResourceName(program.app, r);
    Json tags = {{"wdsl:app", app}, {"wdsl:path", Literal(r.path)}};
    if (r.type == "cloud.Bucket") {
      resource["aws_s3_bucket"][block->name] = {
          {"bucket", physical}, {"force_destroy", r.props.value("forceDestroy", false)}, {"tags", tags}};
      bool is_public = r.props.value("public", false);
      resource["aws_s3_bucket_public_access_block"][block->name] = {{"bucket", Ref(*block, "id")},
                                                                    {"block_public_acls", !is_public},
                                                                    {"block_public_policy", !is_public},
                                                                    {"ignore_public_acls", !is_public},
                                                                    {"restrict_public_buckets", !is_public}};
      if (is_public) {
        Json statement = {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", {"s3:GetObject"}},
                          {"Resource", {Ref(*block, "arn") + "/*"}}};
        resource["aws_s3_bucket_policy"][block->name] = {
            {"bucket", Ref(*block, "id")},
            {"policy", PolicyString(Json::array({statement}))},
            {"depends_on", {"aws_s3_bucket_public_access_block." + block->name}}};
      }
    } else if (r.type == "cloud.Queue") {
      Json& queue = resource["aws_sqs_queue"][block->name];
      queue = {{"name", physical},
               {"visibility_timeout_seconds", Seconds(r.props, "timeout", 30)},
               {"message_retention_seconds", std::clamp(Seconds(r.props, "retentionPeriod", 3600), 60, 1209600)},
               {"tags", tags}};
      // A dead-letter queue: SQS moves a message there after maxDeliveryAttempts receives.
      const Json dlq = r.props.value("dlq", Json());
      const ir::Resource* target =
          dlq.is_object() ? program.FindResource(dlq.value("queue", Json::object()).value("$resource", "")) : nullptr;
      if (std::optional<Bound> dead = target == nullptr ? std::nullopt : BoundBlock(*target)) {
        int attempts = std::clamp(static_cast<int>(dlq.value("maxDeliveryAttempts", 1.0)), 1, 1000);
        queue["redrive_policy"] = fmt::format(R"({{"deadLetterTargetArn":"${{aws_sqs_queue.{}.arn}}","maxReceiveCount":{}}})",
                                              dead->name, attempts);
      }
    } else if (r.type == "cloud.Counter") {
      resource["aws_dynamodb_table"][block->name] = {{"name", physical},
                                                     {"billing_mode", "PAY_PER_REQUEST"},
                                                     {"hash_key", "id"},
                                                     {"attribute", Json::array({{{"name", "id"}, {"type", "S"}}})},
                                                     {"tags", tags}};
    } else if (r.type == "cloud.Secret") {
      std::string name = r.props.value("name", physical);
      resource["aws_secretsmanager_secret"][block->name] = {{"name", Literal(name)}, {"tags", tags}};
    }
  }
  for (const std::string& type : skipped_types) {
    result.notes.push_back(fmt::format("`{}` resources are not deployed by `--target tf-aws` yet", type));
  }
  auto arn_of = [&](const ir::Resource& r) -> std::string {
    auto it = bound.find(r.path);
    return it == bound.end() ? "" : Ref(it->second, "arn");
  };

  // ---- publishing: an ECR repository and an image per local build context
  std::map<std::string, std::string> image_refs;  // "<app>-<name>:<hash>" -> pushed image name
  namespace fs = std::filesystem;
  for (const auto& [owner, image] : images) {
    if (!image.contains("tag") || !image.contains("context")) continue;
    std::string tag = image["tag"].get<std::string>();
    if (tag.starts_with("wdsl-")) tag = tag.substr(5);
    std::string repository = tag.substr(0, tag.rfind(':'));
    std::string hash = image.value("hash", "");
    std::string name = TfName(repository);
    docker = true;
    resource["aws_ecr_repository"][name] = {{"name", repository},
                                            {"image_tag_mutability", "IMMUTABLE"},
                                            {"force_delete", true},
                                            {"tags", {{"wdsl:app", app}}}};
    fs::path absolute_context = (fs::absolute(app_dir) / image["context"].get<std::string>()).lexically_normal();
    std::string context =
        absolute_context.lexically_relative(fs::absolute(output_dir).lexically_normal()).generic_string();
    resource["docker_image"][name] = {
        {"name", fmt::format("${{aws_ecr_repository.{}.repository_url}}:{}", name, hash)},
        {"build",
         {{"context", "${path.module}/" + Literal(context)},
          {"dockerfile", Literal(image.value("dockerfile", "Dockerfile"))},
          {"platform", "linux/amd64"}}},
        {"triggers", {{"content_hash", hash}}},
        {"keep_locally", true}};
    resource["docker_registry_image"][name] = {{"name", fmt::format("${{docker_image.{}.name}}", name)},
                                               {"keep_remotely", true},
                                               {"triggers", {{"content_hash", hash}}}};
    image_refs[tag] = fmt::format("${{docker_registry_image.{}.name}}", name);
  }

  // ---- functions (their own, consumers, Api handlers) on Lambda, Apis on API Gateway
  LambdaRefs lambda_refs{app, arn_of, [&](const ir::Resource& target) -> std::string {
                           auto it = bound.find(target.path);
                           return it == bound.end() ? "" : Ref(it->second, NameAttribute(target));
                         },
                         image_refs};
  EmitLambdas(program, images, lambda_refs, root, result.notes, result.errors);

  bool kubernetes = false;
  if (workloads && !on_ecs) {
    kubernetes = true;
    EmitEks(program, images, options, app, bound, arn_of, image_refs, root, result);
  }

  // ---- workloads on ECS Fargate
  if (workloads && on_ecs) {
    root["data"]["aws_vpc"]["default"] = {{"default", true}};
    root["data"]["aws_subnets"]["default"] = {
        {"filter", Json::array({{{"name", "vpc-id"}, {"values", {"${data.aws_vpc.default.id}"}}}})}};
    resource["aws_ecs_cluster"]["app"] = {{"name", app}, {"tags", {{"wdsl:app", app}}}};
    resource["aws_cloudwatch_log_group"]["app"] = {{"name", "/wdsl/" + app}, {"retention_in_days", 30}};
    std::string assume_ecs = PolicyString(Json::array(
        {{{"Effect", "Allow"}, {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}}, {"Action", "sts:AssumeRole"}}}));
    resource["aws_iam_role"]["execution"] = {{"name", app + "-execution"}, {"assume_role_policy", assume_ecs}};
    resource["aws_iam_role_policy_attachment"]["execution"] = {
        {"role", "${aws_iam_role.execution.name}"},
        {"policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}};
    resource["aws_security_group"]["tasks"] = {
        {"name", app + "-tasks"},
        {"description", "Tasks of " + app + ": traffic from the load balancer and from each other"},
        {"vpc_id", "${data.aws_vpc.default.id}"},
        {"ingress", Json::array({{{"description", "from the app"}, {"from_port", 0}, {"to_port", 65535},
                                  {"protocol", "tcp"}, {"self", true}, {"cidr_blocks", Json::array()},
                                  {"ipv6_cidr_blocks", Json::array()}, {"prefix_list_ids", Json::array()},
                                  {"security_groups", {"${aws_security_group.lb.id}"}}}})},
        {"egress", Json::array({{{"description", "anywhere"}, {"from_port", 0}, {"to_port", 0}, {"protocol", "-1"},
                                 {"cidr_blocks", {"0.0.0.0/0"}}, {"self", false}, {"ipv6_cidr_blocks", Json::array()},
                                 {"prefix_list_ids", Json::array()}, {"security_groups", Json::array()}}})}};
    resource["aws_security_group"]["lb"] = {
        {"name", app + "-lb"},
        {"description", "The load balancer of " + app},
        {"vpc_id", "${data.aws_vpc.default.id}"},
        {"ingress", Json::array({{{"description", "http"}, {"from_port", 80}, {"to_port", 80}, {"protocol", "tcp"},
                                  {"cidr_blocks", {"0.0.0.0/0"}}, {"self", false}, {"ipv6_cidr_blocks", Json::array()},
                                  {"prefix_list_ids", Json::array()}, {"security_groups", Json::array()}}})},
        {"egress", Json::array({{{"description", "anywhere"}, {"from_port", 0}, {"to_port", 0}, {"protocol", "-1"},
                                 {"cidr_blocks", {"0.0.0.0/0"}}, {"self", false}, {"ipv6_cidr_blocks", Json::array()},
                                 {"prefix_list_ids", Json::array()}, {"security_groups", Json::array()}}})}};

    // References go through placeholders so that escaping the program's own
    // text (env values, args) cannot touch them; Unplace puts them back.
    std::vector<std::string> references;
    auto place = [&](const std::string& reference) {
      references.push_back(reference);
      return fmt::format("@@wdsl-ref-{}@@", references.size() - 1);
    };
    auto Unplace = [&](std::string text) {
      for (size_t i = 0; i < references.size(); ++i) {
        std::string marker = fmt::format("@@wdsl-ref-{}@@", i);
        for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
          text.replace(at, marker.size(), references[i]);
          at += references[i].size();
        }
      }
      return text;
    };
    EcsRefs refs;
    refs.region = place("${var.region}");
    refs.execution_role_arn = place("${aws_iam_role.execution.arn}");
    refs.arn = [&](const ir::Resource& target) { return place(arn_of(target)); };
    refs.name_of = [&](const ir::Resource& target) -> std::string {
      auto it = bound.find(target.path);
      return it == bound.end() ? "" : place(Ref(it->second, NameAttribute(target)));
    };
    refs.local_image = [&](const std::string& tag) {
      auto it = image_refs.find(tag);
      return it == image_refs.end() ? tag : place(it->second);
    };

    // Routes: one listener rule per route, longest prefix first (as the simulator matches).
    std::vector<std::tuple<std::string, std::string, int>> routes;  // prefix, workload block, port
    bool any_public = false;
    for (const ir::Resource& r : program.resources) {
      if (r.type != "containers.Workload") continue;
      std::optional<EcsTask> task = EcsTaskOf(program, r, images, refs, result.notes, result.errors);
      if (!task) continue;
      std::string name = TfName(task->name);
      Json taskdef = task->taskdef;
      Json containers = taskdef["containerDefinitions"];
      for (Json& container : containers) {
        // The log group is made by Terraform, not by the awslogs driver.
        container["logConfiguration"]["options"].erase("awslogs-create-group");
        // An Api's url in a service's env or WDSL_TOKENS: its endpoint.
        tf::MarkTokenReferences(container, program, place);
        EscapeJson(container);  // the program's text; references are placeholders so far
      }
      Json definition = {{"family", task->family},
                         {"network_mode", "awsvpc"},
                         {"requires_compatibilities", taskdef["requiresCompatibilities"]},
                         {"cpu", taskdef["cpu"]},
                         {"memory", taskdef["memory"]},
                         {"execution_role_arn", "${aws_iam_role.execution.arn}"},
                         {"container_definitions", Unplace(containers.dump())},
                         {"tags", {{"wdsl:app", app}, {"wdsl:workload", task->name}}}};
      if (taskdef.contains("volumes")) {
        Json volumes = Json::array();
        for (const Json& volume : taskdef["volumes"]) volumes.push_back({{"name", volume["name"]}});
        definition["volume"] = volumes;
      }
      // One IAM role per workload: exactly the permissions pass's statements.
      std::string role = fmt::format("{}-{}", app, task->name);
      resource["aws_iam_role"][name] = {{"name", role}, {"assume_role_policy", assume_ecs}};
      definition["task_role_arn"] = fmt::format("${{aws_iam_role.{}.arn}}", name);
      if (!task->statements.empty()) {
        resource["aws_iam_role_policy"][name] = {{"name", "wdsl"},
                                                 {"role", fmt::format("${{aws_iam_role.{}.id}}", name)},
                                                 {"policy", Unplace(PolicyString(task->statements))}};
      }
      bool needs_secrets = false;
      for (const Json& container : containers) needs_secrets |= container.contains("secrets");
      if (needs_secrets) {
        Json statements = Json::array();
        for (const Json& container : containers) {
          for (const Json& secret : container.value("secrets", Json::array())) {
            statements.push_back({{"Effect", "Allow"},
                                  {"Action", {"secretsmanager:GetSecretValue"}},
                                  {"Resource", {secret["valueFrom"]}}});
          }
        }
        resource["aws_iam_role_policy"]["execution_" + name] = {
            {"name", task->name + "-secrets"}, {"role", "${aws_iam_role.execution.id}"},
            {"policy", Unplace(PolicyString(statements))}};
      }
      resource["aws_ecs_task_definition"][name] = definition;

      const Json& props = r.props;
      int desired = static_cast<int>(props.value("replicas", 1.0));
      if (props.contains("autoscaling") && props["autoscaling"].is_object()) {
        desired = static_cast<int>(props["autoscaling"].value("min", 1.0));
      }
      Json service = {{"name", task->name},
                      {"cluster", "${aws_ecs_cluster.app.id}"},
                      {"task_definition", fmt::format("${{aws_ecs_task_definition.{}.arn}}", name)},
                      {"desired_count", desired},
                      {"launch_type", task->gpu ? "EC2" : "FARGATE"},
                      {"propagate_tags", "SERVICE"},
                      {"network_configuration",
                       {{"subnets", "${data.aws_subnets.default.ids}"},
                        {"security_groups", {"${aws_security_group.tasks.id}"}},
                        {"assign_public_ip", true}}},
                      {"deployment_circuit_breaker", {{"enable", true}, {"rollback", true}}}};
      if (desired != static_cast<int>(props.value("replicas", 1.0)) || props.contains("autoscaling")) {
        service["lifecycle"] = {{"ignore_changes", {"desired_count"}}};
      }
      bool is_public = props.value("public", false) && !task->ports.empty();
      if (is_public) {
        any_public = true;
        int port = task->ports.front();
        Json health = {{"path", "/"}, {"matcher", "200-399"}, {"interval", 15}};
        if (props.contains("readiness") && props["readiness"].is_object() && props["readiness"].contains("path")) {
          health["path"] = Literal(props["readiness"]["path"].get<std::string>());
          health["interval"] = std::clamp(Seconds(props["readiness"], "period", 15), 5, 300);
        }
        resource["aws_lb_target_group"][name] = {{"name", ir::SanitizeImageName(app + "-" + task->name).substr(0, 32)},
                                                 {"port", port},
                                                 {"protocol", "HTTP"},
                                                 {"target_type", "ip"},
                                                 {"vpc_id", "${data.aws_vpc.default.id}"},
                                                 {"health_check", health}};
        service["load_balancer"] = Json::array({{{"target_group_arn", fmt::format("${{aws_lb_target_group.{}.arn}}", name)},
                                                 {"container_name", task->name},
                                                 {"container_port", port}}});
        service["depends_on"] = {"aws_lb_listener.http"};
        std::vector<std::string> prefixes;
        for (const Json& route : props.value("routes", Json::array())) prefixes.push_back(route.get<std::string>());
        if (prefixes.empty()) prefixes.push_back("/");
        for (const std::string& prefix : prefixes) routes.emplace_back(prefix, name, port);
      }
      resource["aws_ecs_service"][name] = service;
      if (props.contains("autoscaling") && props["autoscaling"].is_object()) {
        const Json& a = props["autoscaling"];
        resource["aws_appautoscaling_target"][name] = {
            {"service_namespace", "ecs"},
            {"scalable_dimension", "ecs:service:DesiredCount"},
            {"resource_id", fmt::format("service/${{aws_ecs_cluster.app.name}}/${{aws_ecs_service.{}.name}}", name)},
            {"min_capacity", static_cast<int>(a.value("min", 1.0))},
            {"max_capacity", static_cast<int>(a.value("max", 1.0))}};
        Json tracking = {{"target_value", a.value("cpuTarget", 70.0)},
                         {"predefined_metric_specification",
                          {{"predefined_metric_type", "ECSServiceAverageCPUUtilization"}}}};
        resource["aws_appautoscaling_policy"][name] = {
            {"name", task->name + "-cpu"},
            {"policy_type", "TargetTrackingScaling"},
            {"service_namespace", fmt::format("${{aws_appautoscaling_target.{}.service_namespace}}", name)},
            {"scalable_dimension", fmt::format("${{aws_appautoscaling_target.{}.scalable_dimension}}", name)},
            {"resource_id", fmt::format("${{aws_appautoscaling_target.{}.resource_id}}", name)},
            {"target_tracking_scaling_policy_configuration", tracking}};
      }
    }
    if (any_public) {
      resource["aws_lb"]["app"] = {{"name", app.substr(0, 32)},
                                   {"load_balancer_type", "application"},
                                   {"security_groups", {"${aws_security_group.lb.id}"}},
                                   {"subnets", "${data.aws_subnets.default.ids}"}};
      resource["aws_lb_listener"]["http"] = {
          {"load_balancer_arn", "${aws_lb.app.arn}"},
          {"port", 80},
          {"protocol", "HTTP"},
          {"default_action",
           {{"type", "fixed-response"},
            {"fixed_response",
             {{"content_type", "text/plain"}, {"message_body", "no route matches"}, {"status_code", "404"}}}}}};
      std::stable_sort(routes.begin(), routes.end(),
                       [](const auto& a, const auto& b) { return std::get<0>(a).size() > std::get<0>(b).size(); });
      int priority = 1;
      for (const auto& [prefix, name, port] : routes) {
        std::string base = prefix.size() > 1 && prefix.ends_with("/") ? prefix.substr(0, prefix.size() - 1) : prefix;
        // `/api` matches `/api` and `/api/...` (Kubernetes' Prefix), not `/apis`.
        Json values = base == "/" ? Json::array({"/*"}) : Json::array({Literal(base), Literal(base) + "/*"});
        resource["aws_lb_listener_rule"][fmt::format("{}_{}", name, priority)] = {
            {"listener_arn", "${aws_lb_listener.http.arn}"},
            {"priority", priority},
            {"action", {{"type", "forward"}, {"target_group_arn", fmt::format("${{aws_lb_target_group.{}.arn}}", name)}}},
            {"condition", {{"path_pattern", {{"values", values}}}}}};
        ++priority;
      }
      root["output"]["url"] = {{"value", "http://${aws_lb.app.dns_name}"},
                               {"description", "Where the public workloads' routes are served"}};
    } else {
      // No load balancer: no group for one, and tasks take traffic only from each other.
      resource["aws_security_group"].erase("lb");
      Json& tasks = resource["aws_security_group"]["tasks"];
      tasks["description"] = "Tasks of " + app + ": traffic from each other";
      tasks["ingress"][0]["security_groups"] = Json::array();
    }
  }

  Json providers = {{"aws", {{"source", "hashicorp/aws"}, {"version", "~> 5.0"}}}};
  root["provider"]["aws"] = Json::array({{{"region", "${var.region}"},
                                          {"default_tags", {{"tags", {{"wdsl:app", app}}}}}}});
  if (docker) {
    providers["docker"] = {{"source", "kreuzwerker/docker"}, {"version", "~> 3.0"}};
    root["data"]["aws_ecr_authorization_token"]["registry"] = Json::object();
    root["provider"]["docker"] = Json::array(
        {{{"registry_auth",
           Json::array({{{"address", "${replace(data.aws_ecr_authorization_token.registry.proxy_endpoint, \"https://\", \"\")}"},
                         {"username", "${data.aws_ecr_authorization_token.registry.user_name}"},
                         {"password", "${data.aws_ecr_authorization_token.registry.password}"}}})}}});
  }
  if (kubernetes) {
    providers["helm"] = {{"source", "hashicorp/helm"}, {"version", "~> 2.12"}};
    if (options.eks_cluster.empty()) providers["tls"] = {{"source", "hashicorp/tls"}, {"version", "~> 4.0"}};
  }
  root["terraform"] = {{"required_version", ">= 1.5"}, {"required_providers", providers}};
  result.files["main.tf.json"] = root.dump(2) + "\n";
  return result;
}

}  // namespace wdsl
