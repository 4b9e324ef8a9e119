#include "backends/k8s/chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "backends/workload_props.h"
#include "ir/images.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;

// Helm's install order (helm/pkg/releaseutil/kind_sorter.go), for the kinds
// we write: `helm template` prints objects in this order.
auto KindRank(const std::string& kind) -> int {
  static const std::vector<std::string> kOrder = {"ServiceAccount", "Secret", "ConfigMap", "Service", "Deployment",
                                                  "HorizontalPodAutoscaler", "Ingress"};
  auto it = std::find(kOrder.begin(), kOrder.end(), kind);
  return it == kOrder.end() ? 100 : static_cast<int>(it - kOrder.begin());
}

// "my-web" -> "myWeb": values keys that templates can address as `.Values.x.y`.
auto ValuesKey(const std::string& name) -> std::string {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = !out.empty();
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out = "w" + out;
  return out;
}

// A double-quoted YAML string (JSON's escapes are YAML's), as Helm's `quote`
// prints the plain strings we produce.
auto Quote(const std::string& text) -> std::string { return Json(text).dump(); }

// How Go's text/template prints a number that came from values.yaml (a float64).
auto GoNumber(double value) -> std::string {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

// sigs.k8s.io/yaml (go-yaml) quoting of a plain string.
auto PlainOrQuoted(const std::string& text) -> std::string {
  static const std::vector<std::string> kSpecial = {"", "true", "false", "yes", "no", "on", "off", "null", "~",
                                                    "y", "n"};
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool special = std::find(kSpecial.begin(), kSpecial.end(), lower) != kSpecial.end();
  bool numeric = !text.empty() && text.find_first_not_of("0123456789.+-eE") == std::string::npos;
  bool unsafe = text.find_first_of(":#{}[],&*!|>'\"%@`") != std::string::npos || text.front() == ' ' ||
                text.back() == ' ';
  return special || numeric || unsafe ? Quote(text) : text;
}

// Helm's `toYaml` of a map of scalars or maps (sorted keys), indented.
void ToYaml(const Json& value, int indent, std::string& out) {
  std::vector<std::string> keys;
  for (const auto& [key, item] : value.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const Json& item = value[key];
    out += std::string(indent, ' ') + PlainOrQuoted(key) + ":";
    if (item.is_object()) {
      out += "\n";
      ToYaml(item, indent + 2, out);
    } else if (item.is_string()) {
      out += " " + PlainOrQuoted(item.get<std::string>()) + "\n";
    } else if (item.is_number()) {
      out += " " + GoNumber(item.get<double>()) + "\n";
    } else {
      out += " " + item.dump() + "\n";
    }
  }
}

enum class Mode { kHelm, kK8s };

// One template file, written as Helm template text or as its rendering with
// the default values. Control lines (`{{- if }}`, `{{- with }}`) sit on lines
// of their own and trim the newline before them, so a block that renders
// nothing leaves no trace.
class Writer {
 public:
  Writer(Mode mode, const Json& values) : mode_(mode), values_(values) {}

  void Line(int indent, const std::string& text) { out_ += std::string(indent, ' ') + text + "\n"; }

  // `key: <value>`: the default in k8s mode, `{{ .Values.path }}` in a template.
  void Value(int indent, const std::string& key, const std::string& path, bool quote) {
    if (mode_ == Mode::kHelm) {
      Line(indent, fmt::format("{}: {{{{ .Values.{}{} }}}}", key, path, quote ? " | quote" : ""));
    } else {
      Line(indent, fmt::format("{}: {}", key, Rendered(path, quote)));
    }
  }

  auto Rendered(const std::string& path, bool quote) const -> std::string {
    const Json& value = Lookup(path);
    if (value.is_string()) return quote ? Quote(value.get<std::string>()) : value.get<std::string>();
    if (value.is_number()) return quote ? Quote(GoNumber(value.get<double>())) : GoNumber(value.get<double>());
    return value.dump();
  }

  // `key:` and the value's `toYaml`, only when the value is not empty.
  void YamlBlock(int indent, const std::string& key, const std::string& path) {
    if (mode_ == Mode::kHelm) {
      Line(indent, fmt::format("{{{{- with .Values.{} }}}}", path));
      Line(indent, key + ":");
      Line(indent + 2, fmt::format("{{{{- toYaml . | nindent {} }}}}", indent + 2));
      Line(indent, "{{- end }}");
      return;
    }
    const Json& value = Lookup(path);
    if (value.empty()) return;
    Line(indent, key + ":");
    ToYaml(value, indent + 2, out_);
  }

  // Lines of the include of a `define` (labels): the helper's text or its rendering.
  void Include(int indent, const std::string& name, const std::vector<std::string>& rendered) {
    if (mode_ == Mode::kHelm) {
      Line(indent, fmt::format("{{{{- include \"{}\" . | nindent {} }}}}", name, indent));
    } else {
      for (const std::string& line : rendered) Line(indent, line);
    }
  }

  // A block kept when a boolean value is true (`negate`: when false).
  void If(int indent, const std::string& path, bool negate, const std::function<void()>& body) {
    bool on = Lookup(path).is_boolean() && Lookup(path).get<bool>();
    if (negate) on = !on;
    if (mode_ == Mode::kHelm) {
      Line(indent, fmt::format("{{{{- if {}.Values.{} }}}}", negate ? "not " : "", path));
      body();
      Line(indent, "{{- end }}");
    } else if (on) {
      body();
    }
  }

  auto IsHelm() const -> bool { return mode_ == Mode::kHelm; }
  auto Text() -> std::string& { return out_; }

 private:
  auto Lookup(const std::string& path) const -> const Json& {
    static const Json kNull;
    const Json* at = &values_;
    std::stringstream parts(path);
    for (std::string part; std::getline(parts, part, '.');) {
      if (!at->is_object() || !at->contains(part)) return kNull;
      at = &(*at)[part];
    }
    return *at;
  }

  Mode mode_;
  const Json& values_;
  std::string out_;
};

struct PortInfo {
  std::string name;
  int port = 0;
  std::string protocol;  // http, http2, grpc, tcp
};

struct Binding {
  std::string name;  // the env prefix the user chose
  std::string type;
  std::string key;   // values key of the resource
  std::string secret_name;
};

struct WorkloadInfo {
  const ir::Resource* resource = nullptr;
  std::string name;
  std::string key;  // values key
  std::vector<PortInfo> ports;
  std::vector<std::string> routes;
  bool autoscaling = false;
  std::vector<Binding> bindings;
};

// Everything both modes need, computed once from the program.
struct Chart {
  std::string name;  // chart name = app, as a DNS label
  std::string app_version;
  Json values = Json::object();
  std::vector<WorkloadInfo> workloads;
  bool ingress = false;
};

// Ports named `http` (the first) and `<protocol>-<port>`, at most 15 characters (IANA_SVC_NAME).
auto PortsOf(const Json& props) -> std::vector<PortInfo> {
  std::vector<PortInfo> ports;
  for (const WorkloadPort& port : WorkloadPorts(props)) {
    std::string name = ports.empty() ? port.protocol : fmt::format("{}-{}", port.protocol, port.number);
    ports.push_back({name.substr(0, 15), port.number, port.protocol});
  }
  return ports;
}

auto Cpu(double vcpus) -> std::string {
  if (std::floor(vcpus) == vcpus) return GoNumber(vcpus);
  return fmt::format("{}m", static_cast<long long>(std::llround(vcpus * 1000)));
}

auto ImageValues(const ir::Resource& resource, const std::map<std::string, Json>& images, const std::string& app)
    -> Json {
  Json image = {{"pullPolicy", "IfNotPresent"}};
  auto it = images.find(resource.path);
  if (it != images.end() && it->second.contains("tag")) {
    std::string tag = it->second["tag"].get<std::string>();  // wdsl-<app>-<name>:<hash>
    size_t colon = tag.rfind(':');
    std::string repository = tag.substr(0, colon);
    if (repository.starts_with("wdsl-")) repository = repository.substr(5);
    image["repository"] = repository;
    image["tag"] = tag.substr(colon + 1);
    image["local"] = true;
    return image;
  }
  std::string ref = resource.props.value("image", "");
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    image["repository"] = ref.substr(0, colon);
    image["tag"] = ref.substr(colon + 1);
  } else {
    image["repository"] = ref;
    image["tag"] = "latest";
  }
  image["local"] = false;
  (void)app;
  return image;
}

auto BuildChart(const ir::Program& program, const std::map<std::string, Json>& images, const ChartOptions& options)
    -> Chart {
  Chart chart;
  chart.name = ir::SanitizeImageName(program.app);
  std::string tags;
  Json workloads = Json::object();
  Json resources = Json::object();
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "containers.Workload") {
      WorkloadInfo info;
      info.resource = &resource;
      info.name = resource.props.value("name", resource.id);
      info.key = ValuesKey(info.name);
      info.ports = PortsOf(resource.props);
      info.routes = PropStrings(resource.props, "routes");
      if (resource.props.value("public", false) && !info.ports.empty() && info.routes.empty()) info.routes = {"/"};
      chart.ingress = chart.ingress || !info.routes.empty();
      const Json& props = resource.props;
      Json image = ImageValues(resource, images, program.app);
      tags += image["repository"].get<std::string>() + ":" + image["tag"].get<std::string>() + "\n";
      bool local = image["local"].get<bool>();
      image.erase("local");
      if (!local) image["pullPolicy"] = "IfNotPresent";
      Json requests = Json::object();
      Json limits = Json::object();
      if (props.contains("cpu") && props["cpu"].is_number()) requests["cpu"] = Cpu(props["cpu"].get<double>());
      if (props.contains("memory") && props["memory"].is_number()) {
        std::string memory = GoNumber(props["memory"].get<double>()) + "Mi";
        requests["memory"] = memory;
        limits["memory"] = memory;
      }
      if (props.value("gpu", 0.0) > 0) limits["nvidia.com/gpu"] = props["gpu"].get<double>();
      Json resources_value = Json::object();
      if (!requests.empty()) resources_value["requests"] = requests;
      if (!limits.empty()) resources_value["limits"] = limits;
      Json scaling = {{"enabled", false}, {"minReplicas", 1}, {"maxReplicas", 1},
                      {"targetCPUUtilizationPercentage", 70}};
      if (props.contains("autoscaling") && props["autoscaling"].is_object()) {
        const Json& a = props["autoscaling"];
        info.autoscaling = true;
        scaling = {{"enabled", true},
                   {"minReplicas", a.value("min", 1.0)},
                   {"maxReplicas", a.value("max", 1.0)},
                   {"targetCPUUtilizationPercentage", a.value("cpuTarget", 70.0)}};
        if (a.contains("memoryTarget") && a["memoryTarget"].is_number()) {
          scaling["targetMemoryUtilizationPercentage"] = a["memoryTarget"];
        }
      }
      workloads[info.key] = {
          {"image", image},
          {"replicaCount", props.value("replicas", 1.0)},
          {"autoscaling", scaling},
          {"resources", resources_value},
          {"service", {{"type", "ClusterIP"}}},
          {"extraEnv", Json::array()},
          {"podAnnotations", Json::object()},
          {"nodeSelector", Json::object()},
          {"tolerations", Json::array()},
          {"affinity", Json::object()},
          {"serviceAccount", {{"create", false}, {"name", ""}, {"annotations", Json::object()}}},
      };
      for (const auto& [name, target] : WorkloadBindings(program, props)) {
        Binding b{name, target->type, ValuesKey(target->id), ""};
        if (target->type == "cloud.Secret") {
          b.secret_name = ir::SanitizeImageName(target->props.value("name", target->id));
        } else if (!resources.contains(b.key)) {
          resources[b.key] = target->type == "ex.Redis"
                                 ? Json{{"url", fmt::format("redis://{}:6379", ir::SanitizeImageName(target->id))}}
                                 : Json{{"name", CloudResourceName(program.app, *target)}};
        }
        info.bindings.push_back(std::move(b));
      }
      chart.workloads.push_back(std::move(info));
    }
  }
  // appVersion names the set of images: it changes exactly when one does.
  uint64_t fnv = 1469598103934665603ull;  // FNV-1a, stable everywhere (std::hash is not)
  for (unsigned char c : tags) fnv = (fnv ^ c) * 1099511628211ull;
  chart.app_version = fmt::format("{:016x}", fnv).substr(0, 12);
  chart.values["global"] = {{"registry", options.registry}};
  chart.values["serviceAccount"] = {{"create", true}, {"name", ""}, {"annotations", Json::object()}};
  chart.values["ingress"] = {{"enabled", chart.ingress},
                             {"className", ""},
                             {"host", ""},
                             {"annotations", Json::object()},
                             {"tls", Json::array()}};
  chart.values["workloads"] = workloads;
  chart.values["resources"] = resources;
  return chart;
}

auto LabelLines(const Chart& chart) -> std::vector<std::string> {
  return {fmt::format("helm.sh/chart: {}-0.1.0", chart.name), "app.kubernetes.io/name: " + chart.name,
          "app.kubernetes.io/instance: " + chart.name,
          fmt::format("app.kubernetes.io/version: {}", Quote(chart.app_version)),
          "app.kubernetes.io/managed-by: Helm"};
}

auto SelectorLines(const Chart& chart) -> std::vector<std::string> {
  return {"app.kubernetes.io/name: " + chart.name, "app.kubernetes.io/instance: " + chart.name};
}

void Metadata(Writer& w, const Chart& chart, const std::string& name, const std::string& component) {
  w.Line(0, "metadata:");
  w.Line(2, "name: " + name);
  w.Line(2, "labels:");
  w.Include(4, chart.name + ".labels", LabelLines(chart));
  if (!component.empty()) w.Line(4, "app.kubernetes.io/component: " + component);
}

void ListOfStrings(Writer& w, int indent, const std::string& key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.Line(indent, key + ":");
  for (const std::string& item : items) w.Line(indent + 2, "- " + Quote(item));
}

void Probe(Writer& w, int indent, const std::string& key, const Json& probe, const std::vector<PortInfo>& ports) {
  if (!probe.is_object()) return;
  w.Line(indent, key + ":");
  if (probe.contains("command") && probe["command"].is_array()) {
    w.Line(indent + 2, "exec:");
    std::vector<std::string> command;
    for (const Json& word : probe["command"]) command.push_back(word.get<std::string>());
    ListOfStrings(w, indent + 4, "command", command);
  } else {
    w.Line(indent + 2, "httpGet:");
    w.Line(indent + 4, "path: " + Quote(probe.value("path", "/")));
    int port = probe.contains("port") && probe["port"].is_number() ? probe["port"].get<int>()
                                                                    : (ports.empty() ? 80 : ports.front().port);
    w.Line(indent + 4, fmt::format("port: {}", port));
  }
  w.Line(indent + 2,
         fmt::format("initialDelaySeconds: {}", GoNumber(std::ceil(ProbeSeconds(probe, "initialDelay", 0)))));
  w.Line(indent + 2,
         fmt::format("periodSeconds: {}", GoNumber(std::max(1.0, std::ceil(ProbeSeconds(probe, "period", 10))))));
}

void Container(Writer& w, const std::string& name, const std::string& image_line, const Json& spec,
               const std::vector<PortInfo>& ports, const std::vector<std::string>& env_lines, const std::string& values,
               bool main) {
  w.Line(8, "- name: " + name);
  w.Line(10, image_line);
  if (main) {
    w.Value(10, "imagePullPolicy", values + ".image.pullPolicy", false);
  }
  ListOfStrings(w, 10, "command", PropStrings(spec, "entrypoint"));
  ListOfStrings(w, 10, "args", PropStrings(spec, "args"));
  if (!ports.empty()) {
    w.Line(10, "ports:");
    for (const PortInfo& port : ports) {
      w.Line(12, "- name: " + port.name);
      w.Line(14, fmt::format("containerPort: {}", port.port));
      w.Line(14, "protocol: TCP");
    }
  }
  if (env_lines.empty() && main) {
    w.YamlBlock(10, "env", values + ".extraEnv");  // only the values' extra variables, if any
  } else if (!env_lines.empty()) {
    w.Line(10, "env:");
    for (const std::string& line : env_lines) w.Line(12, line);
    if (main && w.IsHelm()) {
      // `extraEnv` from the values, appended (k8s: empty by default).
      w.Line(12, fmt::format("{{{{- with .Values.{}.extraEnv }}}}", values));
      w.Line(12, "{{- toYaml . | nindent 12 }}");
      w.Line(12, "{{- end }}");
    }
  }
  if (main) {
    w.YamlBlock(10, "resources", values + ".resources");
  } else {
    Json resources = Json::object();
    if (spec.contains("cpu") && spec["cpu"].is_number()) resources["requests"]["cpu"] = Cpu(spec["cpu"].get<double>());
    if (spec.contains("memory") && spec["memory"].is_number()) {
      std::string memory = GoNumber(spec["memory"].get<double>()) + "Mi";
      resources["requests"]["memory"] = memory;
      resources["limits"]["memory"] = memory;
    }
    if (!resources.empty()) {
      w.Line(10, "resources:");
      ToYaml(resources, 12, w.Text());
    }
  }
  Probe(w, 10, "readinessProbe", spec.value("readiness", Json()), ports);
  Probe(w, 10, "livenessProbe", spec.value("liveness", Json()), ports);
}

// The workload's volumes, mounted in every container of the pod.
void VolumeMounts(Writer& w, const Json& props) {
  if (!props.contains("volumes") || !props["volumes"].is_array() || props["volumes"].empty()) return;
  w.Line(10, "volumeMounts:");
  int i = 0;
  for (const Json& volume : props["volumes"]) {
    w.Line(12, fmt::format("- name: volume-{}", i++));
    w.Line(14, "mountPath: " + Quote(volume.value("path", "/")));
    if (volume.value("readOnly", false)) w.Line(14, "readOnly: true");
  }
}

// A volume without a source is scratch space (emptyDir); a named source is a
// PersistentVolumeClaim of that name; a host directory ("./data") has no
// meaning in a cluster and becomes scratch space too (docs/kubernetes.md).
void PodVolumes(Writer& w, const Json& props) {
  if (!props.contains("volumes") || !props["volumes"].is_array() || props["volumes"].empty()) return;
  w.Line(6, "volumes:");
  int i = 0;
  for (const Json& volume : props["volumes"]) {
    w.Line(8, fmt::format("- name: volume-{}", i++));
    std::string source = volume.value("source", "");
    if (source.empty() || source.starts_with(".") || source.starts_with("/")) {
      w.Line(10, "emptyDir: {}");
    } else {
      w.Line(10, "persistentVolumeClaim:");
      w.Line(12, "claimName: " + Quote(source));
    }
  }
}

auto EnvLines(const WorkloadInfo& workload) -> std::vector<std::string> {
  std::vector<std::string> lines;
  const Json& props = workload.resource->props;
  if (props.contains("env") && props["env"].is_object()) {
    for (const auto& [key, value] : props["env"].items()) {
      if (!value.is_string()) continue;
      lines.push_back("- name: " + Quote(key));
      lines.push_back("  value: " + Quote(value.get<std::string>()));
    }
  }
  return lines;
}

void Deployment(Writer& w, const Chart& chart, const WorkloadInfo& workload) {
  std::string values = "workloads." + workload.key;
  const Json& props = workload.resource->props;
  w.Line(0, "apiVersion: apps/v1");
  w.Line(0, "kind: Deployment");
  Metadata(w, chart, workload.name, workload.name);
  w.Line(0, "spec:");
  w.If(2, values + ".autoscaling.enabled", true, [&] { w.Value(2, "replicas", values + ".replicaCount", false); });
  w.Line(2, "selector:");
  w.Line(4, "matchLabels:");
  w.Include(6, chart.name + ".selectorLabels", SelectorLines(chart));
  w.Line(6, "app.kubernetes.io/component: " + workload.name);
  w.Line(2, "template:");
  w.Line(4, "metadata:");
  w.YamlBlock(6, "annotations", values + ".podAnnotations");
  w.Line(6, "labels:");
  w.Include(8, chart.name + ".selectorLabels", SelectorLines(chart));
  w.Line(8, "app.kubernetes.io/component: " + workload.name);
  w.Line(4, "spec:");
  // The app's service account, or the workload's own (IRSA on EKS gives each
  // workload its own IAM role through it: docs/tf-aws.md).
  std::string own = chart.name + "-" + workload.name;
  if (w.IsHelm()) {
    w.Line(6, fmt::format("{{{{- if .Values.{}.serviceAccount.create }}}}", values));
    w.Line(6, fmt::format("serviceAccountName: {{{{ default \"{}\" .Values.{}.serviceAccount.name }}}}", own, values));
    w.Line(6, "{{- else }}");
    w.Line(6, fmt::format("serviceAccountName: {{{{ include \"{}.serviceAccountName\" . }}}}", chart.name));
    w.Line(6, "{{- end }}");
  } else {
    bool create = w.Rendered(values + ".serviceAccount.create", false) == "true";
    std::string name = w.Rendered(values + ".serviceAccount.name", false);
    w.Line(6, "serviceAccountName: " + (create ? (name.empty() ? own : name) : chart.name));
  }
  w.Line(6, "containers:");
  std::string image_line;
  if (w.IsHelm()) {
    image_line = fmt::format(
        "image: \"{{{{ with .Values.global.registry }}}}{{{{ . }}}}/{{{{ end }}}}{{{{ .Values.{0}.image.repository "
        "}}}}:{{{{ .Values.{0}.image.tag }}}}\"",
        values);
  } else {
    std::string registry = w.Rendered("global.registry", false);
    image_line = fmt::format("image: \"{}{}:{}\"", registry.empty() ? "" : registry + "/",
                             w.Rendered(values + ".image.repository", false), w.Rendered(values + ".image.tag", false));
  }
  std::vector<std::string> env = EnvLines(workload);
  for (const Binding& binding : workload.bindings) {
    std::string prefix = "WING_" + binding.name;
    if (binding.type == "cloud.Secret") {
      env.push_back("- name: " + Quote(prefix + "_SECRET"));
      env.push_back("  valueFrom:");
      env.push_back("    secretKeyRef:");
      env.push_back("      name: " + Quote(binding.secret_name));
      env.push_back("      key: \"value\"");
      continue;
    }
    bool redis = binding.type == "ex.Redis";
    std::string field = redis ? "url" : "name";
    std::string value = w.IsHelm() ? fmt::format("{{{{ .Values.resources.{}.{} | quote }}}}", binding.key, field)
                                   : w.Rendered("resources." + binding.key + "." + field, true);
    env.push_back("- name: " + Quote(prefix + (redis ? "_URL" : "_NAME")));
    env.push_back("  value: " + value);
    if (redis) {
      env.push_back("- name: \"REDIS_URL\"");
      env.push_back("  value: " + value);
    } else {
      env.push_back("- name: " + Quote(prefix + "_TYPE"));
      env.push_back("  value: " + Quote(binding.type));
    }
  }
  Container(w, workload.name, image_line, props, workload.ports, env, values, true);
  VolumeMounts(w, props);
  if (props.contains("sidecars") && props["sidecars"].is_array()) {
    for (const Json& sidecar : props["sidecars"]) {
      std::vector<PortInfo> ports;
      if (sidecar.contains("port") && sidecar["port"].is_number()) {
        ports.push_back({"http", sidecar["port"].get<int>(), "http"});
      }
      std::vector<std::string> env;
      if (sidecar.contains("env") && sidecar["env"].is_object()) {
        for (const auto& [key, value] : sidecar["env"].items()) {
          env.push_back("- name: " + Quote(key));
          env.push_back("  value: " + Quote(value.is_string() ? value.get<std::string>() : value.dump()));
        }
      }
      Container(w, sidecar.value("name", "sidecar"), "image: " + Quote(sidecar.value("image", "")), sidecar, ports,
                env, values, false);
      VolumeMounts(w, props);
    }
  }
  PodVolumes(w, props);
  w.YamlBlock(6, "nodeSelector", values + ".nodeSelector");
  w.YamlBlock(6, "affinity", values + ".affinity");
  w.YamlBlock(6, "tolerations", values + ".tolerations");
}

void Service(Writer& w, const Chart& chart, const WorkloadInfo& workload) {
  w.Line(0, "apiVersion: v1");
  w.Line(0, "kind: Service");
  Metadata(w, chart, workload.name, workload.name);
  w.Line(0, "spec:");
  w.Value(2, "type", "workloads." + workload.key + ".service.type", false);
  w.Line(2, "selector:");
  w.Include(4, chart.name + ".selectorLabels", SelectorLines(chart));
  w.Line(4, "app.kubernetes.io/component: " + workload.name);
  w.Line(2, "ports:");
  for (const PortInfo& port : workload.ports) {
    w.Line(4, "- name: " + port.name);
    w.Line(6, fmt::format("port: {}", port.port));
    w.Line(6, "targetPort: " + port.name);
    w.Line(6, "protocol: TCP");
    if (port.protocol == "grpc" || port.protocol == "http2") w.Line(6, "appProtocol: kubernetes.io/h2c");
  }
}

void Hpa(Writer& w, const Chart& chart, const WorkloadInfo& workload) {
  std::string values = "workloads." + workload.key + ".autoscaling";
  w.If(0, values + ".enabled", false, [&] {
    w.Line(0, "apiVersion: autoscaling/v2");
    w.Line(0, "kind: HorizontalPodAutoscaler");
    Metadata(w, chart, workload.name, workload.name);
    w.Line(0, "spec:");
    w.Line(2, "scaleTargetRef:");
    w.Line(4, "apiVersion: apps/v1");
    w.Line(4, "kind: Deployment");
    w.Line(4, "name: " + workload.name);
    w.Value(2, "minReplicas", values + ".minReplicas", false);
    w.Value(2, "maxReplicas", values + ".maxReplicas", false);
    w.Line(2, "metrics:");
    for (const auto& [resource, key] : {std::pair{"cpu", "targetCPUUtilizationPercentage"},
                                        std::pair{"memory", "targetMemoryUtilizationPercentage"}}) {
      bool helm = w.IsHelm();
      std::string rendered = w.Rendered(values + "." + key, false);
      if (!helm && rendered == "null") continue;
      if (helm) w.Line(4, fmt::format("{{{{- with .Values.{}.{} }}}}", values, key));
      w.Line(4, "- type: Resource");
      w.Line(6, "resource:");
      w.Line(8, std::string("name: ") + resource);
      w.Line(8, "target:");
      w.Line(10, "type: Utilization");
      w.Line(10, "averageUtilization: " + (helm ? std::string("{{ . }}") : rendered));
      if (helm) w.Line(4, "{{- end }}");
    }
  });
}

void Ingress(Writer& w, const Chart& chart) {
  w.If(0, "ingress.enabled", false, [&] {
    w.Line(0, "apiVersion: networking.k8s.io/v1");
    w.Line(0, "kind: Ingress");
    Metadata(w, chart, chart.name, "");
    w.YamlBlock(2, "annotations", "ingress.annotations");
    w.Line(0, "spec:");
    if (w.IsHelm()) {
      w.Line(2, "{{- with .Values.ingress.className }}");
      w.Line(2, "ingressClassName: {{ . | quote }}");
      w.Line(2, "{{- end }}");
      w.Line(2, "{{- with .Values.ingress.tls }}");
      w.Line(2, "tls:");
      w.Line(4, "{{- toYaml . | nindent 4 }}");
      w.Line(2, "{{- end }}");
    }
    w.Line(2, "rules:");
    w.Line(4, "- http:");
    w.Line(8, "paths:");
    // Longest prefix first, as the simulator's router matches.
    std::vector<std::pair<std::string, const WorkloadInfo*>> routes;
    for (const WorkloadInfo& workload : chart.workloads) {
      for (const std::string& route : workload.routes) routes.emplace_back(route, &workload);
    }
    std::stable_sort(routes.begin(), routes.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (const auto& [route, workload] : routes) {
      w.Line(10, "- path: " + Quote(route));
      w.Line(12, "pathType: Prefix");
      w.Line(12, "backend:");
      w.Line(14, "service:");
      w.Line(16, "name: " + workload->name);
      w.Line(16, "port:");
      w.Line(18, fmt::format("number: {}", workload->ports.front().port));
    }
    if (w.IsHelm()) {
      w.Line(6, "{{- with .Values.ingress.host }}");
      w.Line(6, "host: {{ . | quote }}");
      w.Line(6, "{{- end }}");
    }
  });
}

// A workload's own service account, when its values ask for one.
void WorkloadServiceAccount(Writer& w, const Chart& chart, const WorkloadInfo& workload) {
  std::string values = "workloads." + workload.key + ".serviceAccount";
  std::string own = chart.name + "-" + workload.name;
  w.If(0, values + ".create", false, [&] {
    w.Line(0, "apiVersion: v1");
    w.Line(0, "kind: ServiceAccount");
    w.Line(0, "metadata:");
    if (w.IsHelm()) {
      w.Line(2, fmt::format("name: {{{{ default \"{}\" .Values.{}.name }}}}", own, values));
    } else {
      std::string name = w.Rendered(values + ".name", false);
      w.Line(2, "name: " + (name.empty() ? own : name));
    }
    w.Line(2, "labels:");
    w.Include(4, chart.name + ".labels", LabelLines(chart));
    w.Line(4, "app.kubernetes.io/component: " + workload.name);
    w.YamlBlock(2, "annotations", values + ".annotations");
  });
}

void ServiceAccount(Writer& w, const Chart& chart) {
  w.If(0, "serviceAccount.create", false, [&] {
    w.Line(0, "apiVersion: v1");
    w.Line(0, "kind: ServiceAccount");
    w.Line(0, "metadata:");
    if (w.IsHelm()) {
      w.Line(2, fmt::format("name: {{{{ include \"{}.serviceAccountName\" . }}}}", chart.name));
    } else {
      w.Line(2, "name: " + chart.name);
    }
    w.Line(2, "labels:");
    w.Include(4, chart.name + ".labels", LabelLines(chart));
    w.YamlBlock(2, "annotations", "serviceAccount.annotations");
  });
}

struct Template {
  std::string file;  // under templates/
  std::string kind;
  std::function<void(Writer&)> write;
};

auto Templates(const Chart& chart) -> std::vector<Template> {
  std::vector<Template> out;
  out.push_back({"serviceaccount.yaml", "ServiceAccount", [&](Writer& w) { ServiceAccount(w, chart); }});
  for (const WorkloadInfo& workload : chart.workloads) {
    out.push_back({workload.name + "-deployment.yaml", "Deployment", [&](Writer& w) { Deployment(w, chart, workload); }});
    out.push_back({workload.name + "-serviceaccount.yaml", "ServiceAccount",
                   [&](Writer& w) { WorkloadServiceAccount(w, chart, workload); }});
    if (!workload.ports.empty()) {
      out.push_back({workload.name + "-service.yaml", "Service", [&](Writer& w) { Service(w, chart, workload); }});
    }
    if (workload.autoscaling) {
      out.push_back({workload.name + "-hpa.yaml", "HorizontalPodAutoscaler", [&](Writer& w) { Hpa(w, chart, workload); }});
    }
  }
  if (chart.ingress) out.push_back({"ingress.yaml", "Ingress", [&](Writer& w) { Ingress(w, chart); }});
  return out;
}

auto ValuesYaml(const Chart& chart, const ir::Program& program) -> std::string {
  std::string out = fmt::format(
      "# Default values of the {} chart, generated by wdsl from {}.\n"
      "# Override them with `helm install {} . -f my-values.yaml` or `--set`.\n\n",
      chart.name, program.entry_file, chart.name);
  // Sections in a fixed order, each as JSON-compatible YAML (flow style
  // would be valid YAML too, but block style is what people edit).
  std::function<void(const Json&, int)> write = [&](const Json& value, int indent) {
    for (const auto& [key, item] : value.items()) {
      std::string pad(indent, ' ');
      if (item.is_object() && !item.empty()) {
        out += pad + key + ":\n";
        write(item, indent + 2);
      } else if (item.is_array() && !item.empty()) {
        out += pad + key + ":\n";
        for (const Json& element : item) out += pad + "  - " + element.dump() + "\n";
      } else {
        out += pad + key + ": " + (item.is_string() ? Quote(item.get<std::string>()) : item.dump()) + "\n";
      }
    }
  };
  for (const char* section : {"global", "serviceAccount", "ingress", "workloads", "resources"}) {
    Json one = Json::object();
    one[section] = chart.values[section];
    write(one, 0);
    out += "\n";
  }
  return out;
}

auto Helpers(const Chart& chart) -> std::string {
  const std::string& n = chart.name;
  return fmt::format(
      "{{{{/* Labels of every object (Kubernetes' recommended app.kubernetes.io/* set). */}}}}\n"
      "{{{{- define \"{0}.labels\" -}}}}\n"
      "helm.sh/chart: {{{{ printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" | trunc 63 | trimSuffix "
      "\"-\" }}}}\n"
      "{{{{ include \"{0}.selectorLabels\" . }}}}\n"
      "app.kubernetes.io/version: {{{{ .Chart.AppVersion | quote }}}}\n"
      "app.kubernetes.io/managed-by: {{{{ .Release.Service }}}}\n"
      "{{{{- end }}}}\n\n"
      "{{{{/* The labels that select an app's pods (with app.kubernetes.io/component per workload). */}}}}\n"
      "{{{{- define \"{0}.selectorLabels\" -}}}}\n"
      "app.kubernetes.io/name: {{{{ .Chart.Name }}}}\n"
      "app.kubernetes.io/instance: {{{{ .Release.Name }}}}\n"
      "{{{{- end }}}}\n\n"
      "{{{{/* The service account the workloads run as. */}}}}\n"
      "{{{{- define \"{0}.serviceAccountName\" -}}}}\n"
      "{{{{- if .Values.serviceAccount.create }}}}\n"
      "{{{{- default \"{0}\" .Values.serviceAccount.name }}}}\n"
      "{{{{- else }}}}\n"
      "{{{{- default \"default\" .Values.serviceAccount.name }}}}\n"
      "{{{{- end }}}}\n"
      "{{{{- end }}}}\n",
      n);
}

auto Notes(const Chart& chart) -> std::string {
  std::string secrets;
  for (const WorkloadInfo& workload : chart.workloads) {
    for (const Binding& binding : workload.bindings) {
      if (binding.type == "cloud.Secret") {
        secrets += fmt::format("  kubectl create secret generic {} --from-literal=value=...\n", binding.secret_name);
      }
    }
  }
  std::string out = fmt::format(
      "{} is installed as release {{{{ .Release.Name }}}} in namespace {{{{ .Release.Namespace }}}}.\n\n"
      "Workloads:\n",
      chart.name);
  for (const WorkloadInfo& workload : chart.workloads) {
    out += fmt::format("  {}: kubectl get deployment {} -n {{{{ .Release.Namespace }}}}\n", workload.name,
                       workload.name);
  }
  if (chart.ingress) {
    out += "\n{{- if .Values.ingress.enabled }}\nRoutes (one Ingress, pathType Prefix):\n";
    for (const WorkloadInfo& workload : chart.workloads) {
      for (const std::string& route : workload.routes) {
        out += fmt::format("  http://{{{{ .Values.ingress.host | default \"<ingress address>\" }}}}{} -> {}\n", route,
                           workload.name);
      }
    }
    out += "{{- end }}\n";
  }
  if (!secrets.empty()) out += "\nThe workloads read these Secrets; create them before the pods can start:\n" + secrets;
  return out;
}

auto Render(const Chart& chart, Mode mode, const Template& t) -> std::string {
  Writer writer(mode, chart.values);
  t.write(writer);
  return writer.Text();
}

}  // namespace

auto ChartValuesKey(const std::string& name) -> std::string { return ValuesKey(name); }

auto EmitHelm(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
              const ChartOptions& options) -> OutputFiles {
  Chart chart = BuildChart(program, images, options);
  OutputFiles files;
  std::string dir = chart.name + "/";
  files[dir + "Chart.yaml"] = fmt::format(
      "apiVersion: v2\nname: {}\ndescription: {}\ntype: application\nversion: 0.1.0\nappVersion: {}\n", chart.name,
      Quote("The " + program.app + " app, generated by wdsl from " + program.entry_file), Quote(chart.app_version));
  files[dir + "values.yaml"] = ValuesYaml(chart, program);
  files[dir + ".helmignore"] = "# Patterns to ignore when packaging the chart.\n.DS_Store\n*.swp\n*~\n";
  files[dir + "templates/_helpers.tpl"] = Helpers(chart);
  files[dir + "templates/NOTES.txt"] = Notes(chart);
  for (const Template& t : Templates(chart)) files[dir + "templates/" + t.file] = Render(chart, Mode::kHelm, t);
  return files;
}

auto EmitK8s(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
             const ChartOptions& options) -> OutputFiles {
  Chart chart = BuildChart(program, images, options);
  std::vector<Template> templates = Templates(chart);
  std::stable_sort(templates.begin(), templates.end(), [](const Template& a, const Template& b) {
    if (KindRank(a.kind) != KindRank(b.kind)) return KindRank(a.kind) < KindRank(b.kind);
    return a.file < b.file;
  });
  std::string out;
  for (const Template& t : templates) {
    std::string text = Render(chart, Mode::kK8s, t);
    if (text.empty()) continue;
    out += fmt::format("---\n# Source: {}/templates/{}\n{}", chart.name, t.file, text);
  }
  return OutputFiles{{"manifests.yaml", out}};
}

}  // namespace wdsl
