#include "backends/tfaws/lambda.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "backends/aws_iam.h"
#include "backends/services.h"
#include "backends/tfaws/terraform.h"
#include "backends/workload_props.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;
using tf::Literal;
using tf::PolicyString;
using tf::Seconds;
using tf::TfName;

// A Lambda function name (letters, digits, `-`, `_`; at most 64) from an image repository name.
auto FunctionName(const std::string& repository) -> std::string {
  std::string name;
  for (char c : repository) name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '-';
  return name.substr(0, 64);
}

// `/notes/:id` -> `/notes/{id}`, the query part dropped.
auto RouteKeyPath(const std::string& path) -> std::string {
  std::string bare = path.substr(0, path.find('?'));
  std::string out;
  size_t start = 0;
  while (start <= bare.size()) {
    size_t end = bare.find('/', start);
    std::string segment = bare.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out += segment.starts_with(":") ? "{" + segment.substr(1) + "}" : segment;
    if (end == std::string::npos) break;
    out += '/';
    start = end + 1;
  }
  return out.empty() ? "/" : out;
}

// Who triggers each function: its queue (and the consumer entry), or its Api.
struct Triggers {
  std::map<std::string, std::pair<const ir::Resource*, Json>> consumers;  // function path -> queue, consumer
  std::map<std::string, const ir::Resource*> schedules;                 // function path -> schedule
};

auto FindTriggers(const ir::Program& program) -> Triggers {
  Triggers triggers;
  for (const ir::Resource& r : program.resources) {
    if (r.type == "cloud.Queue") {
      for (const Json& consumer : r.props.value("consumers", Json::array())) {
        if (consumer.contains("function")) {
          triggers.consumers[consumer["function"].value("$resource", "")] = {&r, consumer};
        }
      }
    }
  }
  for (const ir::Resource& r : program.resources) {
    const ir::Resource* parent = program.FindResource(r.parent);
    if (r.type == "cloud.Function" && parent != nullptr && parent->type == "cloud.Schedule") {
      triggers.schedules[r.path] = parent;
    }
  }
  return triggers;
}

// An EventBridge schedule expression from a cloud.Schedule's `rate` or
// UNIX `cron` (minute hour day-of-month month day-of-week, in UTC), or "" and
// `problem`. EventBridge's cron has a sixth field (year), numbers Sunday 1
// rather than 0, and wants `?` in one of the two day fields.
auto ScheduleExpression(const Json& props, std::string& problem) -> std::string {
  std::string cron = props.value("cron", "");
  if (cron.empty()) {
    int seconds = Seconds(props, "rate", 0);
    if (seconds < 60 || seconds % 60 != 0) {
      problem = fmt::format("its rate of {}s is not a whole number of minutes; EventBridge schedules run at most once a "
                            "minute: use a rate such as 1m or 5m, or a cron expression",
                            seconds);
      return "";
    }
    int minutes = seconds / 60;
    return fmt::format("rate({} minute{})", minutes, minutes == 1 ? "" : "s");
  }
  std::vector<std::string> fields;
  size_t start = 0;
  while (start < cron.size()) {
    size_t space = cron.find(' ', start);
    if (space == std::string::npos) space = cron.size();
    if (space > start) fields.push_back(cron.substr(start, space - start));
    start = space + 1;
  }
  if (fields.size() != 5) {
    problem = fmt::format("its cron \"{}\" does not have five fields (minute hour day-of-month month day-of-week)", cron);
    return "";
  }
  std::string& day_of_month = fields[2];
  std::string& day_of_week = fields[4];
  if (day_of_week == "*") {
    day_of_week = "?";
  } else if (day_of_month == "*") {
    day_of_month = "?";
    std::string shifted;  // UNIX 0-6 (Sunday 0, also 7) -> EventBridge 1-7 (Sunday 1)
    for (size_t i = 0; i < day_of_week.size();) {
      if (std::isdigit(static_cast<unsigned char>(day_of_week[i])) && (i == 0 || day_of_week[i - 1] != '/')) {
        size_t end = i;
        while (end < day_of_week.size() && std::isdigit(static_cast<unsigned char>(day_of_week[end]))) ++end;
        int day = std::stoi(day_of_week.substr(i, end - i)) % 7;
        shifted += std::to_string(day + 1);
        i = end;
      } else {
        shifted += day_of_week[i++];
      }
    }
    day_of_week = shifted;
  } else {
    problem = fmt::format("its cron \"{}\" names both a day of the month and a day of the week, which EventBridge "
                          "cannot combine: keep one and make the other `*`",
                          cron);
    return "";
  }
  return fmt::format("cron({} {} {} {} {} *)", fields[0], fields[1], fields[2], fields[3], fields[4]);
}

}  // namespace

void EmitLambdas(const ir::Program& program, const std::map<std::string, Json>& images, const LambdaRefs& refs,
                 Json& root, std::vector<std::string>& notes, std::vector<std::string>& errors) {
  Json& resource = root["resource"];
  Triggers triggers = FindTriggers(program);
  std::string assume_lambda = PolicyString(Json::array(
      {{{"Effect", "Allow"}, {"Principal", {{"Service", "lambda.amazonaws.com"}}}, {"Action", "sts:AssumeRole"}}}));
  std::map<std::string, std::string> blocks;  // function path -> aws_lambda_function block
  for (const ir::Resource& r : program.resources) {
    if (r.type != "cloud.Function") continue;
    auto image = images.find(r.path);
    std::string tag = image == images.end() ? "" : image->second.value("tag", "");
    if (tag.starts_with("wdsl-")) tag = tag.substr(5);
    auto pushed = refs.image_refs.find(tag);
    if (pushed == refs.image_refs.end()) {
      errors.push_back(fmt::format("the cloud.Function `{}` ({}) has no runtime image: `wdsl build --target tf-aws` "
                                   "writes one under .wdsl/images/; is wdsl-runtime installed beside wdsl?",
                                   r.path, fmt::format("{}:{}:{}", r.pos.file, r.pos.line, r.pos.col)));
      continue;
    }
    std::string block = TfName(r.path);
    std::string name = FunctionName(tag.substr(0, tag.rfind(':')));
    blocks[r.path] = block;

    // The role: the code's permissions exactly, logs, and what its trigger needs.
    resource["aws_iam_role"][block] = {{"name", name}, {"assume_role_policy", assume_lambda}};
    std::string role_ref = fmt::format("${{aws_iam_role.{}.name}}", block);
    resource["aws_iam_role_policy_attachment"][block + "_logs"] = {
        {"role", role_ref}, {"policy_arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}};
    Json depends = Json::array({"aws_iam_role_policy_attachment." + block + "_logs",
                                "aws_cloudwatch_log_group." + block});
    Json statements = IamStatements(program, r, refs.arn_of);
    if (!statements.empty()) {
      resource["aws_iam_role_policy"][block] = {{"name", "wdsl"}, {"role", role_ref}, {"policy", PolicyString(statements)}};
      depends.push_back("aws_iam_role_policy." + block);
    }
    int timeout = std::clamp(Seconds(r.props, "timeout", 60), 1, 900);
    auto consumer = triggers.consumers.find(r.path);
    if (consumer != triggers.consumers.end()) {
      const ir::Resource& queue = *consumer->second.first;
      // The event source mapping polls with the function's role.
      Json poll = {{"Effect", "Allow"},
                   {"Action", {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}},
                   {"Resource", {refs.arn_of(queue)}}};
      resource["aws_iam_role_policy"][block + "_trigger"] = {
          {"name", "wdsl-queue-trigger"}, {"role", role_ref}, {"policy", PolicyString(Json::array({poll}))}};
      depends.push_back("aws_iam_role_policy." + block + "_trigger");
      // SQS refuses a consumer that runs longer than a message stays invisible.
      int visibility = Seconds(queue.props, "timeout", 30);
      if (timeout > visibility) {
        notes.push_back(fmt::format("the consumer `{}` runs at most {}s on AWS, its queue's `timeout` (not its own {}s): "
                                    "Lambda refuses a consumer whose timeout exceeds the queue's visibility timeout",
                                    r.path, visibility, timeout));
        timeout = std::max(visibility, 1);
      }
    }
    resource["aws_cloudwatch_log_group"][block] = {{"name", "/aws/lambda/" + name},
                                                   {"retention_in_days", r.props.value("logRetentionDays", 30)}};

    Json env = Json::object();
    const Json own_env = r.props.value("env", Json::object());  // items() of a temporary would dangle
    for (const auto& [key, value] : own_env.items()) {
      env[key] = tf::TemplateWithTokens(value.is_string() ? value.get<std::string>() : value.dump(), program);
    }
    // Deploy-time tokens its code reads (an Api's url), as wdsl-runtime
    // takes them; the driver has rejected those AWS cannot resolve.
    Json tokens = Json::object();
    for (const ir::Token& token : ir::FunctionTokens(program, r)) {
      if (std::optional<std::string> reference = tf::TokenReference(program, token)) {
        tokens[Literal(token.Key())] = *reference;
      }
    }
    if (!tokens.empty()) env[ir::kTokensEnv] = tokens.dump();
    env["WDSL_RESOURCE_BACKEND"] = "aws";
    Json lifted = Json::object();
    lifted["bindings"] = LiftBindings(program, r);
    for (const WorkloadBinding& binding : WorkloadBindings(program, lifted)) {
      std::string physical = refs.name_of(*binding.target);
      if (physical.empty()) continue;
      env["WING_" + binding.name + "_NAME"] = physical;
      env["WING_" + binding.name + "_TYPE"] = binding.target->type;
    }
    resource["aws_lambda_function"][block] = {
        {"function_name", name},
        {"package_type", "Image"},
        {"image_uri", pushed->second},
        {"role", fmt::format("${{aws_iam_role.{}.arn}}", block)},
        {"timeout", timeout},
        {"memory_size", std::clamp(static_cast<int>(r.props.value("memory", 1024.0)), 128, 10240)},
        {"architectures", {"x86_64"}},
        {"environment", {{"variables", env}}},
        {"tags", {{"wdsl:app", refs.app}, {"wdsl:path", Literal(r.path)}}},
        {"depends_on", depends}};

    auto schedule = triggers.schedules.find(r.path);
    if (schedule != triggers.schedules.end()) {
      const ir::Resource& timer = *schedule->second;
      std::string problem;
      std::string expression = ScheduleExpression(timer.props, problem);
      if (expression.empty()) {
        errors.push_back(fmt::format("the cloud.Schedule `{}` ({}:{}:{}) cannot be deployed to AWS: {}", timer.path,
                                     timer.pos.file, timer.pos.line, timer.pos.col, problem));
      } else {
        // A rule per ticking function, so each has its own target and right to invoke.
        resource["aws_cloudwatch_event_rule"][block] = {
            {"name", name},
            {"schedule_expression", expression},
            {"tags", {{"wdsl:app", refs.app}, {"wdsl:path", Literal(timer.path)}}}};
        resource["aws_cloudwatch_event_target"][block] = {
            {"rule", fmt::format("${{aws_cloudwatch_event_rule.{}.name}}", block)},
            {"arn", fmt::format("${{aws_lambda_function.{}.arn}}", block)}};
        resource["aws_lambda_permission"][block + "_schedule"] = {
            {"statement_id", "schedule"},
            {"action", "lambda:InvokeFunction"},
            {"function_name", fmt::format("${{aws_lambda_function.{}.function_name}}", block)},
            {"principal", "events.amazonaws.com"},
            {"source_arn", fmt::format("${{aws_cloudwatch_event_rule.{}.arn}}", block)}};
      }
    }
    if (consumer != triggers.consumers.end()) {
      int batch = std::clamp(static_cast<int>(consumer->second.second.value("batchSize", 1.0)), 1, 10000);
      Json mapping = {{"event_source_arn", refs.arn_of(*consumer->second.first)},
                      {"function_name", fmt::format("${{aws_lambda_function.{}.arn}}", block)},
                      {"batch_size", batch},
                      {"function_response_types", {"ReportBatchItemFailures"}}};
      // SQS batches above 10 need a batching window.
      if (batch > 10) mapping["maximum_batching_window_in_seconds"] = 1;
      resource["aws_lambda_event_source_mapping"][block] = mapping;
    }
  }

  // ---- each cloud.Api: an HTTP API whose routes invoke their handlers' functions
  for (const ir::Resource& api : program.resources) {
    if (api.type != "cloud.Api") continue;
    std::string name = TfName(api.path);
    std::string api_ref = fmt::format("${{aws_apigatewayv2_api.{}.id}}", name);
    Json definition = {{"name", FunctionName(refs.app + "-" + name)},
                       {"protocol_type", "HTTP"},
                       {"tags", {{"wdsl:app", refs.app}, {"wdsl:path", Literal(api.path)}}}};
    if (api.props.value("cors", false)) {
      Json options = api.props.value("corsOptions", Json::object());
      auto list = [&](const char* key) {
        Json out = Json::array();
        for (const std::string& item : PropStrings(options, key)) out.push_back(Literal(item));
        return out;
      };
      definition["cors_configuration"] = {{"allow_origins", {Literal(options.value("allowOrigin", "*"))}},
                                          {"allow_methods", list("allowMethods")},
                                          {"allow_headers", list("allowHeaders")},
                                          {"expose_headers", list("exposeHeaders")},
                                          {"allow_credentials", options.value("allowCredentials", false)},
                                          {"max_age", Seconds(options, "maxAge", 300)}};
    }
    resource["aws_apigatewayv2_api"][name] = definition;
    resource["aws_apigatewayv2_stage"][name] = {{"api_id", api_ref}, {"name", "$default"}, {"auto_deploy", true}};
    int index = 0;
    for (const Json& route : api.props.value("routes", Json::array())) {
      std::string function = route.contains("function") ? route["function"].value("$resource", "") : "";
      auto block = blocks.find(function);
      if (block == blocks.end()) continue;  // its function's error is reported above
      std::string key = fmt::format("{}_{}", name, index++);
      std::string method = route.value("method", "GET");
      if (method == "*") method = "ANY";
      resource["aws_apigatewayv2_integration"][key] = {
          {"api_id", api_ref},
          {"integration_type", "AWS_PROXY"},
          {"integration_method", "POST"},
          {"integration_uri", fmt::format("${{aws_lambda_function.{}.invoke_arn}}", block->second)},
          {"payload_format_version", "2.0"}};
      resource["aws_apigatewayv2_route"][key] = {
          {"api_id", api_ref},
          {"route_key", Literal(method + " " + RouteKeyPath(route.value("path", "/")))},
          {"target", fmt::format("integrations/${{aws_apigatewayv2_integration.{}.id}}", key)}};
      resource["aws_lambda_permission"][key] = {
          {"statement_id", "api-" + key},
          {"action", "lambda:InvokeFunction"},
          {"function_name", fmt::format("${{aws_lambda_function.{}.function_name}}", block->second)},
          {"principal", "apigateway.amazonaws.com"},
          {"source_arn", fmt::format("${{aws_apigatewayv2_api.{}.execution_arn}}/*/*", name)}};
    }
    root["output"]["url_" + name] = {{"value", fmt::format("${{aws_apigatewayv2_stage.{}.invoke_url}}", name)},
                                     {"description", fmt::format("Where the cloud.Api `{}` is served", api.path)}};
  }
}

}  // namespace wdsl
