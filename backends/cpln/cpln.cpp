#include "backends/cpln/cpln.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "backends/aws_iam.h"
#include "backends/workload_props.h"
#include "ir/images.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;            // the IR's props
using Object = nlohmann::ordered_json;  // what we write: keys stay in the order they are set

// ---- YAML through yaml-cpp

// Whether a YAML reader could take `text`, written plain, for something
// other than a string: a YAML 1.1 or 1.2 bool or null, or a number.
// yaml-cpp writes "0", "true" and "1e3" plain, so these are quoted.
auto LooksLikeNonString(const std::string& text) -> bool {
  static const std::set<std::string> kWords = {"",    "~", "null", "true", "false", "yes",   "no",  "on",
                                               "off", "y", "n",    ".inf", "+.inf", "-.inf", ".nan"};
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (kWords.count(lower) != 0) return true;
  bool digit =
      std::any_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return digit && text.find_first_not_of("0123456789+-.:_eExXoObBaAcCdDfF") == std::string::npos;
}

void Write(YAML::Emitter& out, const Object& value) {
  if (value.is_object()) {
    if (value.empty()) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      Write(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    if (value.empty()) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const Object& item : value) Write(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (LooksLikeNonString(text)) out << YAML::DoubleQuoted;
    out << text;
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else if (value.is_number_integer()) {
    out << value.get<long long>();
  } else if (value.is_number_float()) {
    double number = value.get<double>();
    if (std::floor(number) == number && std::fabs(number) < 1e15) {
      out << static_cast<long long>(number);
    } else {
      out << number;
    }
  } else {
    out << YAML::Null;
  }
}

auto Yaml(const std::string& header, const std::vector<Object>& documents) -> std::string {
  YAML::Emitter out;
  out.SetIndent(2);
  for (const Object& document : documents) {
    out << YAML::BeginDoc;
    Write(out, document);
  }
  return header + out.c_str() + "\n";
}

// ---- quantities, links

// vCPUs as a Kubernetes-style quantity: 0.5 -> "500m", 2 -> "2".
auto CpuQuantity(double vcpus) -> std::string {
  long long millicores = std::llround(vcpus * 1000);
  return millicores % 1000 == 0 ? std::to_string(millicores / 1000) : fmt::format("{}m", millicores);
}

auto MemoryQuantity(double mib) -> std::string { return fmt::format("{}Mi", static_cast<long long>(std::ceil(mib))); }

// Control Plane's defaults for a container that does not say (the API's and `cpln convert`'s).
constexpr const char* kDefaultCpu = "50m";
constexpr const char* kDefaultMemory = "128Mi";

struct Context {
  const ir::Program& program;
  const std::map<std::string, Json>& images;
  const CplnOptions& options;
  std::string app;  // sanitized
  CplnResult& result;

  auto WorkloadLink(const std::string& name) const -> std::string {
    return fmt::format("//gvc/{}/workload/{}", options.gvc, name);
  }
  auto IdentityLink(const std::string& name) const -> std::string {
    return fmt::format("//gvc/{}/identity/{}", options.gvc, name);
  }
  // A local image in the org's registry (or `cpln.registry`), any other as written.
  auto Image(const std::string& key, const std::string& written) const -> std::string {
    std::string tag = LocalImageTag(images, key);
    if (tag.empty()) return written;
    return options.registry.empty() ? fmt::format("/org/{}/image/{}", options.org, tag) : options.registry + "/" + tag;
  }
};

// ---- containers

auto Probe(Context& c, const std::string& what, const Json& probe, const std::vector<WorkloadPort>& ports) -> Object {
  Object out;
  if (probe.contains("command") && probe["command"].is_array()) {
    out["exec"] = {{"command", PropStrings(probe, "command")}};
  } else {
    int port = probe.contains("port") && probe["port"].is_number() ? probe["port"].get<int>()
                                                                   : (ports.empty() ? 80 : ports.front().number);
    out["httpGet"] = {{"path", probe.value("path", "/")}, {"port", port}, {"scheme", "HTTP"}};
  }
  // Control Plane's limits: initial delay 0..600 s, period 1..60 s.
  auto seconds = [&](const char* field, double fallback, int low, int high) {
    int value = static_cast<int>(std::ceil(ProbeSeconds(probe, field, fallback)));
    int clamped = std::clamp(value, low, high);
    if (clamped != value) {
      c.result.warnings.push_back(fmt::format("{}: a probe's `{}` of {} s is outside Control Plane's {}..{} s; written "
                                              "as {} s",
                                              what, field, value, low, high, clamped));
    }
    return clamped;
  };
  out["initialDelaySeconds"] = seconds("initialDelay", 0, 0, 600);
  out["periodSeconds"] = seconds("period", 10, 1, 60);
  out["timeoutSeconds"] = 1;
  out["successThreshold"] = 1;
  out["failureThreshold"] = 3;
  return out;
}

// One container: the workload's main one (`spec` = its props) or a sidecar.
auto Container(Context& c, const std::string& what, const std::string& name, const std::string& image, const Json& spec,
               const std::vector<WorkloadPort>& ports, const Object& env, const Object& volumes) -> Object {
  if (name.starts_with("cpln-")) {
    c.result.errors.push_back(
        fmt::format("{}: Control Plane reserves container names starting with `cpln-`; rename `{}`", what, name));
  }
  Object out = {{"name", name}, {"image", image}};
  // `command` is one executable; the rest of the entrypoint goes before the args.
  std::vector<std::string> entrypoint = PropStrings(spec, "entrypoint");
  std::vector<std::string> args = PropStrings(spec, "args");
  if (!entrypoint.empty()) {
    out["command"] = entrypoint.front();
    args.insert(args.begin(), entrypoint.begin() + 1, entrypoint.end());
  }
  if (!args.empty()) out["args"] = args;
  out["cpu"] = spec.contains("cpu") && spec["cpu"].is_number() ? CpuQuantity(spec["cpu"].get<double>()) : kDefaultCpu;
  out["memory"] = spec.contains("memory") && spec["memory"].is_number() ? MemoryQuantity(spec["memory"].get<double>())
                                                                        : kDefaultMemory;
  if (!ports.empty()) {
    Object list = Object::array();
    for (const WorkloadPort& port : ports) list.push_back({{"number", port.number}, {"protocol", port.protocol}});
    out["ports"] = list;
  }
  if (!env.empty()) out["env"] = env;
  if (spec.contains("readiness") && spec["readiness"].is_object()) {
    out["readinessProbe"] = Probe(c, what, spec["readiness"], ports);
  }
  if (spec.contains("liveness") && spec["liveness"].is_object()) {
    out["livenessProbe"] = Probe(c, what, spec["liveness"], ports);
  }
  if (!volumes.empty()) out["volumes"] = volumes;
  return out;
}

auto Env(const Json& env) -> Object {
  Object out = Object::array();
  if (!env.is_object()) return out;
  for (const auto& [key, value] : env.items()) {
    if (value.is_string()) out.push_back({{"name", key}, {"value", value}});
  }
  return out;
}

// A volume without a source is scratch space shared by the replica's
// containers; a named source is a volume set, which makes the workload
// stateful; a host directory means nothing on Control Plane (scratch space).
auto Volumes(Context& c, const std::string& what, const Json& props, bool& stateful) -> Object {
  Object out = Object::array();
  int index = 0;
  for (const Json& volume : props.value("volumes", Json::array())) {
    std::string path = volume.value("path", "/");
    std::string source = volume.value("source", "");
    std::string uri = fmt::format("scratch://volume-{}", index++);
    if (!source.empty() && !source.starts_with(".") && !source.starts_with("/")) {
      uri = "cpln://volumeset/" + source;
      stateful = true;
      c.result.notes.push_back(fmt::format(
          "{} mounts the volume set `{}`, which makes it a stateful workload; create the volume set first "
          "(`cpln volumeset create --name {} --gvc {} --initial-capacity 10 --performance-class general-purpose-ssd`)",
          what, source, source, c.options.gvc));
    } else if (!source.empty()) {
      c.result.warnings.push_back(fmt::format(
          "{}: the host directory `{}` has no Control Plane form; `{}` is empty scratch space instead", what, source,
          path));
    }
    if (volume.value("readOnly", false)) {
      c.result.warnings.push_back(
          fmt::format("{}: Control Plane volumes cannot be mounted read-only; `{}` is writable", what, path));
    }
    out.push_back({{"uri", uri}, {"path", path}});
  }
  return out;
}

// ---- workloads

struct Workload {
  std::string name;
  std::vector<WorkloadPort> ports;
  std::vector<std::string> routes;
  Object object;
  Object secret_links = Object::array();  // //secret/<name> its identity may reveal
  Json aws_statements = Json::array();    // its AWS policy
  bool is_public = false;
};

auto Autoscaling(Context& c, const std::string& what, const Json& props, const std::string& type) -> Object {
  if (!props.contains("autoscaling") || !props["autoscaling"].is_object()) {
    int replicas = static_cast<int>(props.value("replicas", 1.0));
    return {{"metric", "disabled"}, {"minScale", replicas}, {"maxScale", replicas}};
  }
  const Json& a = props["autoscaling"];
  Object out;
  double cpu = a.value("cpuTarget", 70.0);
  bool memory = a.contains("memoryTarget") && a["memoryTarget"].is_number();
  if (memory && type != "serverless") {
    // Several metrics: the one asking for the most replicas wins, as with an HPA.
    out["multi"] =
        Object::array({{{"metric", "cpu"}, {"target", cpu}}, {{"metric", "memory"}, {"target", a["memoryTarget"]}}});
  } else {
    if (memory) {
      c.result.warnings.push_back(fmt::format(
          "{}: a serverless workload scales on one metric; `memoryTarget` is not used (it scales on CPU)", what));
    }
    out["metric"] = "cpu";
    out["target"] = cpu;
  }
  out["minScale"] = a.value("min", 1.0);
  out["maxScale"] = a.value("max", 1.0);
  return out;
}

auto BuildWorkload(Context& c, const ir::Resource& resource) -> Workload {
  const Json& props = resource.props;
  Workload w;
  w.name = props.value("name", resource.id);
  std::string what = fmt::format("`{}`", w.name);
  w.ports = WorkloadPorts(props);
  w.routes = PropStrings(props, "routes");
  w.is_public = props.value("public", false);
  if (w.is_public && !w.ports.empty() && w.routes.empty()) w.routes = {"/"};

  Object env = Env(props.value("env", Json::object()));
  for (const auto& [binding, target] : WorkloadBindings(c.program, props)) {
    if (target->type == "cloud.Secret") {
      std::string secret = ir::SanitizeImageName(target->props.value("name", target->id));
      env.push_back({{"name", "WING_" + binding + "_SECRET"}, {"value", "cpln://secret/" + secret}});
      w.secret_links.push_back("//secret/" + secret);
      c.result.notes.push_back(fmt::format(
          "{} reads the secret `{}`: create it before `cpln apply` (`cpln secret create-opaque --name {} --file "
          "value.txt --encoding plain`); wdsl never writes a secret's value",
          what, secret, secret));
      continue;
    }
    if (target->type == "ex.Redis") {
      c.result.warnings.push_back(fmt::format(
          "{} binds `{}` (ex.Redis), which has no Control Plane form: set REDIS_URL in its env to a Redis it can reach",
          what, target->path));
      continue;
    }
    env.push_back({{"name", "WING_" + binding + "_NAME"}, {"value", CloudResourceName(c.program.app, *target)}});
    env.push_back({{"name", "WING_" + binding + "_TYPE"}, {"value", target->type}});
  }
  // The AWS side: exactly the permissions pass's statements, with each
  // region and account filled in by aws-iam.sh. Secrets are Control Plane
  // secrets here, read through the identity's policy instead.
  std::set<std::string> without_arn;
  w.aws_statements = IamStatements(c.program, resource, [&](const ir::Resource& target) -> std::string {
    if (target.type == "cloud.Secret") return "";
    std::string arn = AwsResourceArn(target, c.program.app, "${region}", "${account}");
    if (arn.empty() && without_arn.insert(target.path).second) {
      c.result.warnings.push_back(fmt::format(
          "{} uses `{}` ({}), which has no AWS form on Control Plane; its identity gets no access to it", what,
          target.path, target.type));
    }
    return arn;
  });

  std::string type = c.options.workload_type.empty() ? "standard" : c.options.workload_type;
  if (type == "serverless" && (w.ports.size() != 1 || w.ports.front().protocol == "tcp")) {
    std::string has = w.ports.size() == 1 ? "its port is tcp" : fmt::format("it has {} ports", w.ports.size());
    c.result.warnings.push_back(fmt::format(
        "{}: a serverless workload serves exactly one HTTP port and {}, so it is a standard workload", what, has));
    type = "standard";
  }
  bool stateful = false;
  Object volumes = Volumes(c, what, props, stateful);
  if (stateful) type = "stateful";
  if (props.value("gpu", 0.0) > 0) {
    c.result.warnings.push_back(fmt::format(
        "{} asks for {} GPU(s), which Control Plane gives only with a GPU model and at least 2 vCPU and 7 GiB; "
        "add `gpu: {{nvidia: {{model: t4, quantity: 1}}}}` to its container by hand",
        what, props["gpu"].get<double>()));
  }

  Object containers = Object::array();
  containers.push_back(
      Container(c, what, w.name, c.Image(resource.path, props.value("image", "")), props, w.ports, env, volumes));
  for (const Json& sidecar : props.value("sidecars", Json::array())) {
    std::string name = sidecar.value("name", "sidecar");
    std::vector<WorkloadPort> ports;
    if (sidecar.contains("port") && sidecar["port"].is_number()) ports.push_back({sidecar["port"].get<int>(), "http"});
    std::string image = c.Image(resource.path + "#sidecar:" + name, sidecar.value("image", ""));
    containers.push_back(Container(c, fmt::format("sidecar `{}` of {}", name, what), name, image, sidecar, ports,
                                   Env(sidecar.value("env", Json::object())), volumes));
  }

  Object spec = {{"type", type}};
  bool identity = !w.secret_links.empty() || !w.aws_statements.empty();
  if (identity) spec["identityLink"] = c.IdentityLink(w.name);
  spec["containers"] = containers;
  spec["defaultOptions"] = {{"autoscaling", Autoscaling(c, what, props, type)}, {"capacityAI", false}};
  // Inside the GVC every workload reaches every other, as inside a
  // Kubernetes namespace; from outside only public ones.
  spec["firewallConfig"] = {{"external",
                             {{"inboundAllowCIDR", w.is_public ? Object::array({"0.0.0.0/0"}) : Object::array()},
                              {"outboundAllowCIDR", Object::array({"0.0.0.0/0"})}}},
                            {"internal", {{"inboundAllowType", "same-gvc"}}}};
  w.object = {{"kind", "workload"},
              {"name", w.name},
              {"gvc", c.options.gvc},
              {"description", fmt::format("workload {} of {}", w.name, c.app)},
              {"spec", spec}};
  if (!w.is_public && !PropStrings(props, "routes").empty()) {
    c.result.warnings.push_back(fmt::format(
        "{} has routes but is not public: Control Plane's firewall keeps it unreachable through the domain; make it "
        "`public: true`",
        what));
  }
  return w;
}

// The domain's routes, longest prefix first (as the simulator's router matches).
auto Domain(const Context& c, const std::vector<Workload>& workloads) -> Object {
  std::vector<std::pair<std::string, const Workload*>> routes;
  for (const Workload& w : workloads) {
    if (w.ports.empty()) continue;
    for (const std::string& route : w.routes) routes.emplace_back(route, &w);
  }
  std::stable_sort(routes.begin(), routes.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  Object list = Object::array();
  for (const auto& [prefix, w] : routes) {
    list.push_back({{"prefix", prefix}, {"workloadLink", c.WorkloadLink(w->name)}, {"port", w->ports.front().number}});
  }
  return {{"kind", "domain"},
          {"name", c.options.domain},
          {"description", fmt::format("the routes of {}", c.app)},
          {"spec",
           {{"dnsMode", "cname"},
            {"certChallengeType", "http01"},
            {"ports", Object::array({{{"number", 443}, {"protocol", "http2"}, {"routes", list}}})}}}};
}

// Creates or updates one customer-managed IAM policy per identity, each
// ARN's region and account filled in from the caller's AWS CLI setup.
auto AwsIamScript(const Context& c, const std::vector<Workload>& workloads) -> std::string {
  std::string out = fmt::format(
      "#!/usr/bin/env bash\n"
      "# The AWS policies of {0}'s Control Plane identities (generated by wdsl): each is exactly\n"
      "# what the workload's bindings use. Run it with the AWS CLI v2 and credentials of the account\n"
      "# behind the cloud account `{1}`, in the region of the app's resources, before `cpln apply`.\n"
      "set -euo pipefail\n"
      "account=\"$(aws sts get-caller-identity --query Account --output text)\"\n"
      "region=\"${{AWS_REGION:-$(aws configure get region || true)}}\"\n"
      "[[ -n \"$region\" ]] ||\n"
      "  {{ echo \"aws-iam.sh: set AWS_REGION to the region of the app's resources\" >&2; exit 1; }}\n"
      "\n"
      "# put_policy NAME DOCUMENT: creates the policy, or makes DOCUMENT its default version\n"
      "# (deleting the older versions first: IAM keeps at most five).\n"
      "put_policy() {{\n"
      "  local arn=\"arn:aws:iam::${{account}}:policy/$1\"\n"
      "  if aws iam get-policy --policy-arn \"$arn\" >/dev/null 2>&1; then\n"
      "    for version in $(aws iam list-policy-versions --policy-arn \"$arn\" "
      "--query 'Versions[?!IsDefaultVersion].VersionId' --output text); do\n"
      "      aws iam delete-policy-version --policy-arn \"$arn\" --version-id \"$version\"\n"
      "    done\n"
      "    aws iam create-policy-version --policy-arn \"$arn\" --policy-document \"$2\" --set-as-default >/dev/null\n"
      "  else\n"
      "    aws iam create-policy --policy-name \"$1\" --policy-document \"$2\" >/dev/null\n"
      "  fi\n"
      "  echo \"IAM policy $1 is up to date\"\n"
      "}}\n",
      c.app, c.options.cloud_account);
  for (const Workload& w : workloads) {
    if (w.aws_statements.empty()) continue;
    Json document = {{"Version", "2012-10-17"}, {"Statement", w.aws_statements}};
    out += fmt::format("\n# {}\nput_policy {}-{} \"$(cat <<JSON\n{}\nJSON\n)\"\n", w.name, c.options.gvc, w.name,
                       document.dump(2));
  }
  return out;
}

}  // namespace

auto CplnPushRegistry(const CplnOptions& options) -> std::string {
  if (!options.registry.empty()) return options.registry;
  return options.org.empty() ? "" : options.org + ".registry.cpln.io";
}

auto EmitCpln(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
              const CplnOptions& options) -> CplnResult {
  CplnResult result;
  CplnOptions o = options;
  const std::string app = ir::SanitizeImageName(program.app);
  if (o.gvc.empty()) o.gvc = app;
  std::vector<const ir::Resource*> resources;
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "containers.Workload") resources.push_back(&resource);
  }
  if (resources.empty()) {
    result.errors.push_back("the program has no `containers.Workload`; `--target cpln` deploys workloads only");
    return result;
  }
  auto missing_values = [&](const std::vector<std::string>& missing) {
    std::string list;
    for (const std::string& key : missing) list += (list.empty() ? "" : ", ") + key;
    result.errors.push_back(fmt::format(
        "`--target cpln` needs {} from a platform values file; pass `--values platform.yaml` with, for example:\n"
        "cpln:\n  org: my-org\n  locations: [aws-us-west-2]\n  cloudAccount: my-aws   # the Control Plane cloud "
        "account of the AWS account that holds the app's resources",
        list));
    return result;
  };
  std::vector<std::string> missing;
  if (o.org.empty()) missing.push_back("cpln.org");
  if (o.locations.empty()) missing.push_back("cpln.locations");
  if (!missing.empty()) return missing_values(missing);

  Context c{program, images, o, app, result};
  std::vector<Workload> workloads;
  for (const ir::Resource* resource : resources) workloads.push_back(BuildWorkload(c, *resource));
  bool aws =
      std::any_of(workloads.begin(), workloads.end(), [](const Workload& w) { return !w.aws_statements.empty(); });
  if (aws && o.cloud_account.empty()) {
    result.notes.clear();
    result.warnings.clear();
    return missing_values({"cpln.cloudAccount (workloads bind AWS resources)"});
  }
  if (!result.errors.empty()) return result;

  Object locations = Object::array();
  for (const std::string& location : o.locations) {
    locations.push_back(location.starts_with("//") ? location : "//location/" + location);
  }
  // cpln apply orders objects by kind itself; this order reads the same.
  std::vector<Object> documents;
  documents.push_back({{"kind", "gvc"},
                       {"name", o.gvc},
                       {"description", fmt::format("{}, deployed by wdsl", app)},
                       {"spec", {{"staticPlacement", {{"locationLinks", locations}}}}}});
  for (const Workload& w : workloads) {
    if (w.secret_links.empty() && w.aws_statements.empty()) continue;
    Object identity = {{"kind", "identity"},
                       {"name", w.name},
                       {"gvc", o.gvc},
                       {"description", fmt::format("what the workload {} may use", w.name)}};
    if (!w.aws_statements.empty()) {
      identity["aws"] = {{"cloudAccountLink", "//cloudaccount/" + o.cloud_account},
                         {"policyRefs", Object::array({fmt::format("{}-{}", o.gvc, w.name)})}};
    }
    documents.push_back(identity);
  }
  for (const Workload& w : workloads) {
    if (w.secret_links.empty()) continue;
    documents.push_back({{"kind", "policy"},
                         {"name", fmt::format("{}-{}-secrets", o.gvc, w.name)},
                         {"description", fmt::format("the secrets the workload {} reads", w.name)},
                         {"targetKind", "secret"},
                         {"targetLinks", w.secret_links},
                         {"bindings", Object::array({{{"permissions", Object::array({"reveal"})},
                                                      {"principalLinks", Object::array({c.IdentityLink(w.name)})}}})}});
  }
  for (const Workload& w : workloads) documents.push_back(w.object);

  bool any_route = std::any_of(workloads.begin(), workloads.end(),
                               [](const Workload& w) { return !w.routes.empty() && !w.ports.empty(); });
  if (any_route && !o.domain.empty()) {
    documents.push_back(Domain(c, workloads));
  } else if (any_route) {
    for (const Workload& w : workloads) {
      if (w.routes.empty() || w.ports.empty() || (w.routes.size() == 1 && w.routes.front() == "/")) continue;
      std::string list;
      for (const std::string& route : w.routes) list += (list.empty() ? "" : ", ") + route;
      result.warnings.push_back(
          fmt::format("`{}`'s routes ({}) need a domain on Control Plane and are not written: set `cpln.domain` in the "
                      "--values file (a domain of org {}); meanwhile the workload answers at its own endpoint",
                      w.name, list, o.org));
    }
  }

  std::string header = fmt::format(
      "# Control Plane objects of {}, generated by wdsl from {}.\n"
      "# Deploy with `cpln apply --org {} -f <this directory>`.\n",
      app, program.entry_file, o.org);
  result.files["cpln.yaml"] = Yaml(header, documents);
  if (aws) result.files["aws-iam.sh"] = AwsIamScript(c, workloads);
  return result;
}

}  // namespace wdsl
