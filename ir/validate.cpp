#include "ir/validate.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <regex>
#include <span>
#include <string_view>

#include "ir/permissions.h"

namespace wdsl::ir {
namespace {

using Json = nlohmann::json;

// ------------------------------------------------------------ prop paths

// One segment of a prop path: `ports[]` is {"ports", each = true}.
struct Segment {
  std::string name;
  bool each = false;

  auto operator==(const Segment&) const -> bool = default;
};

auto ParsePath(std::string_view path) -> std::vector<Segment> {
  std::vector<Segment> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    Segment segment;
    if (part.size() >= 2 && part.substr(part.size() - 2) == "[]") {
      segment.each = true;
      part.remove_suffix(2);
    }
    segment.name = std::string(part);
    segments.push_back(std::move(segment));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments;
}

auto NullJson() -> const Json& {
  static const Json null_value;
  return null_value;
}

// The values at `segments` below `value`. A missing last segment gives a nil
// value (its parent exists); a missing or nil intermediate one gives nothing,
// so nested paths are checked only where their parent exists. `[]` segments
// fan out over the elements of an array.
void Resolve(const Json& value, std::span<const Segment> segments, std::vector<const Json*>& out) {
  if (segments.empty()) {
    out.push_back(&value);
    return;
  }
  if (!value.is_object()) return;
  const Segment& segment = segments.front();
  auto it = value.find(segment.name);
  const Json& child = it == value.end() ? NullJson() : *it;
  bool last = segments.size() == 1;
  if (!segment.each) {
    if (last) {
      out.push_back(&child);
    } else if (!child.is_null()) {
      Resolve(child, segments.subspan(1), out);
    }
    return;
  }
  if (!child.is_array()) return;
  for (const Json& element : child) {
    if (last) {
      out.push_back(&element);
    } else if (!element.is_null()) {
      Resolve(element, segments.subspan(1), out);
    }
  }
}

auto ValuesAt(const Json& props, std::string_view path) -> std::vector<const Json*> {
  std::vector<Segment> segments = ParsePath(path);
  std::vector<const Json*> out;
  Resolve(props, segments, out);
  return out;
}

// Whether any value at `path` is set.
auto AnySetAt(const Json& root, std::string_view path) -> bool {
  for (const Json* value : ValuesAt(root, path)) {
    if (IsSet(*value)) return true;
  }
  return false;
}

// A condition of `requires`/`when`: one path, or several joined by `|`.
auto ConditionHolds(const Json& root, std::string_view condition) -> bool {
  size_t start = 0;
  while (true) {
    size_t bar = condition.find('|', start);
    std::string_view alternative = condition.substr(start, bar == std::string_view::npos ? bar : bar - start);
    if (AnySetAt(root, alternative)) return true;
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

// ------------------------------------------------------------ values

// A number, or a duration in seconds.
auto NumberOf(const Json& value) -> std::optional<double> {
  if (value.is_number()) return value.get<double>();
  if (value.is_object() && value.size() == 1) {
    auto it = value.find("$duration");
    if (it != value.end() && it->is_number()) return it->get<double>();
  }
  return std::nullopt;
}

auto FormatNumber(double n) -> std::string {
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 1e15) return fmt::format("{}", static_cast<int64_t>(n));
  return fmt::format("{}", n);
}

// How `{value}` shows a value in a message: strings as they are, numbers
// without a needless `.0`, durations in seconds.
auto Describe(const Json& value) -> std::string {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return FormatNumber(value.get<double>());
  if (value.is_object() && value.contains("$duration")) {
    if (std::optional<double> seconds = NumberOf(value)) return FormatNumber(*seconds) + "s";
  }
  return value.dump();
}

auto Substitute(std::string message, const std::string& value) -> std::string {
  static constexpr std::string_view kPlaceholder = "{value}";
  for (size_t at = message.find(kPlaceholder); at != std::string::npos;
       at = message.find(kPlaceholder, at + value.size())) {
    message.replace(at, kPlaceholder.size(), value);
  }
  return message;
}

auto StringsOf(const Json& json, const char* key) -> std::vector<std::string> {
  std::vector<std::string> out;
  auto it = json.find(key);
  if (it == json.end() || !it->is_array()) return out;
  for (const Json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// Where the argument that set `prop` (a prop path such as `readiness.path`
// or `ports[].port`) was written; the `new` expression when unknown.
auto PosOf(const Resource& resource, std::string_view prop) -> SourcePos {
  std::string head(prop.substr(0, prop.find_first_of(".[")));
  auto it = resource.arg_positions.find(head);
  return it != resource.arg_positions.end() && it->second.line != 0 ? it->second : resource.pos;
}

// ------------------------------------------------------------ constraints

class ConstraintChecker {
 public:
  ConstraintChecker(const Resource& resource, std::vector<ValidateProblem>& problems)
      : resource_(resource), problems_(problems) {}

  void Check(const Json& constraint) {
    if (!constraint.is_object()) return;
    std::string kind = constraint.value("kind", "");
    std::string message = constraint.value("message", "");
    std::string prop = constraint.value("prop", "");
    if (kind == "min") {
      CheckMin(prop, constraint.value("value", Json()), message);
    } else if (kind == "integer") {
      CheckInteger(prop, message);
    } else if (kind == "pattern") {
      CheckPattern(prop, constraint.value("regex", ""), message);
    } else if (kind == "oneOf") {
      CheckOneOf(prop, constraint.value("values", Json::array()), message);
    } else if (kind == "exactlyOne" || kind == "atMostOne") {
      CheckCount(StringsOf(constraint, "props"), kind == "exactlyOne", message);
    } else if (kind == "requires") {
      CheckRequires(prop, StringsOf(constraint, "requires"), message);
    } else if (kind == "lessOrEqual") {
      CheckLessOrEqual(StringsOf(constraint, "props"), message);
    }
  }

 private:
  void Report(const std::string& message, const std::string& value, std::string_view prop = "") {
    problems_.push_back(ValidateProblem{PosOf(resource_, prop), Substitute(message, value)});
  }

  void CheckMin(const std::string& prop, const Json& bound, const std::string& message) {
    std::optional<double> min = NumberOf(bound);
    if (!min) return;
    for (const Json* value : ValuesAt(resource_.props, prop)) {
      std::optional<double> n = NumberOf(*value);
      if (n && *n < *min) Report(message, Describe(*value), prop);
    }
  }

  void CheckInteger(const std::string& prop, const std::string& message) {
    for (const Json* value : ValuesAt(resource_.props, prop)) {
      std::optional<double> n = NumberOf(*value);
      if (n && (!std::isfinite(*n) || *n != std::floor(*n))) Report(message, Describe(*value), prop);
    }
  }

  void CheckPattern(const std::string& prop, const std::string& regex_text, const std::string& message) {
    const std::regex* regex = Compiled(regex_text);
    if (regex == nullptr) return;
    for (const Json* value : ValuesAt(resource_.props, prop)) {
      if (value->is_string() && !std::regex_search(value->get_ref<const std::string&>(), *regex)) {
        Report(message, Describe(*value), prop);
      }
    }
  }

  void CheckOneOf(const std::string& prop, const Json& allowed, const std::string& message) {
    if (!allowed.is_array()) return;
    for (const Json* value : ValuesAt(resource_.props, prop)) {
      if (value->is_null()) continue;
      bool found = false;
      for (const Json& candidate : allowed) found = found || candidate == *value;
      if (!found) Report(message, Describe(*value), prop);
    }
  }

  // exactlyOne / atMostOne: counted within each instance of the props'
  // common parent (`readiness` for `readiness.path` and `readiness.command`),
  // so a probe that was not given is not checked.
  void CheckCount(const std::vector<std::string>& props, bool exactly, const std::string& message) {
    ForEachParent(props, [&](const Json& parent, const std::vector<std::vector<Segment>>& rests) {
      int set = 0;
      for (const std::vector<Segment>& rest : rests) {
        std::vector<const Json*> values;
        Resolve(parent, rest, values);
        bool any = false;
        for (const Json* value : values) any = any || IsSet(*value);
        set += any ? 1 : 0;
      }
      if (set > 1 || (exactly && set == 0)) Report(message, "", props[0]);
    });
  }

  void CheckRequires(const std::string& prop, const std::vector<std::string>& conditions, const std::string& message) {
    for (const Json* value : ValuesAt(resource_.props, prop)) {
      if (!IsSet(*value)) continue;
      for (const std::string& condition : conditions) {
        if (!ConditionHolds(resource_.props, condition)) {
          Report(message, Describe(*value), prop);
          return;
        }
      }
    }
  }

  void CheckLessOrEqual(const std::vector<std::string>& props, const std::string& message) {
    if (props.size() != 2) return;
    ForEachParent(props, [&](const Json& parent, const std::vector<std::vector<Segment>>& rests) {
      std::vector<const Json*> lows;
      std::vector<const Json*> highs;
      Resolve(parent, rests[0], lows);
      Resolve(parent, rests[1], highs);
      for (const Json* low : lows) {
        for (const Json* high : highs) {
          std::optional<double> a = NumberOf(*low);
          std::optional<double> b = NumberOf(*high);
          if (a && b && *a > *b) Report(message, Describe(*low), props[0]);
        }
      }
    });
  }

  // Calls `visit` for each existing instance of the longest common parent
  // of `props`, with each prop's path below it.
  template <typename Visit>
  void ForEachParent(const std::vector<std::string>& props, Visit visit) {
    if (props.empty()) return;
    std::vector<std::vector<Segment>> paths;
    for (const std::string& prop : props) paths.push_back(ParsePath(prop));
    size_t common = paths[0].size() - 1;
    for (const std::vector<Segment>& path : paths) {
      size_t n = 0;
      while (n < common && n + 1 < path.size() && path[n] == paths[0][n]) ++n;
      common = n;
    }
    std::vector<std::vector<Segment>> rests;
    for (const std::vector<Segment>& path : paths) rests.emplace_back(path.begin() + common, path.end());
    std::vector<const Json*> parents;
    Resolve(resource_.props, std::span<const Segment>(paths[0].data(), common), parents);
    for (const Json* parent : parents) {
      if (!parent->is_null()) visit(*parent, rests);
    }
  }

  auto Compiled(const std::string& text) -> const std::regex* {
    auto it = regexes_.find(text);
    if (it == regexes_.end()) {
      try {
        it = regexes_.emplace(text, std::regex(text, std::regex::ECMAScript)).first;
      } catch (const std::regex_error&) {
        return nullptr;  // stdlib_test keeps resources.json's patterns valid
      }
    }
    return &it->second;
  }

  const Resource& resource_;
  std::vector<ValidateProblem>& problems_;
  std::map<std::string, std::regex> regexes_;
};

// ------------------------------------------------------------ app-wide rules

constexpr std::string_view kWorkload = "containers.Workload";
constexpr std::string_view kContainer = "sim.Container";

void CheckPorts(const Resource& resource, std::vector<ValidateProblem>& problems) {
  static const std::vector<std::string> kWorkloadPorts = {
      "port",          "ports[].port",   "readiness.port",           "liveness.port",
      "sidecars[].port", "debug.port", "sidecars[].readiness.port", "sidecars[].liveness.port"};
  static const std::vector<std::string> kContainerPorts = {"containerPort"};
  const auto& paths = resource.type == kWorkload ? kWorkloadPorts : kContainerPorts;
  for (const std::string& path : paths) {
    for (const Json* value : ValuesAt(resource.props, path)) {
      if (!value->is_number()) continue;
      double port = value->get<double>();
      if (port < 1 || port > 65535 || port != std::floor(port)) {
        problems.push_back({PosOf(resource, path), fmt::format("port `{}` must be a whole number from 1 to 65535",
                                                      Describe(*value))});
      }
    }
  }
}

void CheckProbePaths(const Resource& resource, std::vector<ValidateProblem>& problems) {
  static const std::vector<std::string> kPaths = {"readiness.path", "liveness.path", "sidecars[].readiness.path",
                                                  "sidecars[].liveness.path"};
  for (const std::string& path : kPaths) {
    for (const Json* value : ValuesAt(resource.props, path)) {
      if (value->is_string() && (value->get_ref<const std::string&>().empty() || value->get_ref<const std::string&>()[0] != '/')) {
        problems.push_back({PosOf(resource, path), fmt::format("probe path `{}` must start with `/`", Describe(*value))});
      }
    }
  }
}

auto IsBlank(const Json& value) -> bool {
  if (!value.is_string()) return true;
  return value.get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos;
}

void CheckImages(const Resource& resource, std::vector<ValidateProblem>& problems) {
  auto image = resource.props.find("image");
  if (image == resource.props.end() || IsBlank(*image)) {
    std::string what = resource.type == kWorkload ? "workload" : "container";
    problems.push_back({resource.pos, fmt::format("the {} `{}` needs an `image`: a name to pull, or `./dir` to build "
                                                  "from that directory's Dockerfile",
                                                  what, resource.id)});
  }
  auto sidecars = resource.props.find("sidecars");
  if (sidecars == resource.props.end() || !sidecars->is_array()) return;
  for (const Json& sidecar : *sidecars) {
    if (!sidecar.is_object()) continue;
    if (IsBlank(sidecar.value("image", Json()))) {
      problems.push_back({PosOf(resource, "sidecars"), fmt::format("the sidecar `{}` needs an `image`: a name to pull, or `./dir` "
                                                    "to build from that directory's Dockerfile",
                                                    Describe(sidecar.value("name", Json("")))) });
    }
  }
}

// Workload names and routes are app-wide: the name is a DNS label in every
// backend, and a route prefix can lead to one workload only.
class AppWideChecker {
 public:
  explicit AppWideChecker(std::vector<ValidateProblem>& problems) : problems_(problems) {}

  void Check(const Resource& resource) {
    if (resource.type != kWorkload) return;
    auto name = resource.props.find("name");
    std::string workload = name != resource.props.end() && name->is_string() ? name->get<std::string>() : resource.id;
    if (name != resource.props.end() && name->is_string()) {
      auto [it, inserted] = names_.emplace(workload, resource.path);
      if (!inserted) {
        problems_.push_back({PosOf(resource, "name"), fmt::format("workload name `{}` is already used by `{}`; workload names "
                                                       "must be unique within the app",
                                                       workload, it->second)});
      }
    }
    auto routes = resource.props.find("routes");
    if (routes == resource.props.end() || !routes->is_array()) return;
    for (const Json& route : *routes) {
      if (!route.is_string()) continue;
      auto [it, inserted] = routes_.emplace(route.get<std::string>(), Owner{resource.path, workload});
      if (inserted) continue;
      if (it->second.path == resource.path) {
        problems_.push_back({PosOf(resource, "routes"), fmt::format("route `{}` is listed twice", Describe(route))});
      } else {
        problems_.push_back({PosOf(resource, "routes"), fmt::format("route `{}` is already routed to workload `{}`",
                                                       Describe(route), it->second.name)});
      }
    }
  }

 private:
  struct Owner {
    std::string path;
    std::string name;
  };
  std::vector<ValidateProblem>& problems_;
  std::map<std::string, std::string> names_;  // workload name -> path
  std::map<std::string, Owner> routes_;
};


}  // namespace

auto IsSet(const nlohmann::json& value) -> bool {
  if (value.is_null()) return false;
  if (value.is_boolean()) return value.get<bool>();
  // nlohmann's empty() is false for every string, so strings are asked directly.
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  if (value.is_array()) return !value.empty();
  if (value.is_object()) {
    // Encoded values ({"$resource": ...}, {"$duration": 0}) are set.
    if (value.size() == 1 && value.begin().key().starts_with("$")) return true;
    return !value.empty();
  }
  return true;
}

auto ValidateWith(const Program& program, const nlohmann::json& resource_table,
                  std::vector<ValidateProblem>& problems) -> void {
  AppWideChecker app_wide(problems);
  for (const Resource& resource : program.resources) {
    if (resource_table.is_object()) {
      auto entry = resource_table.find(resource.type);
      if (entry != resource_table.end() && entry->is_object()) {
        auto constraints = entry->find("constraints");
        if (constraints != entry->end() && constraints->is_array()) {
          ConstraintChecker checker(resource, problems);
          for (const Json& constraint : *constraints) checker.Check(constraint);
        }
      }
    }
    if (resource.type == kWorkload || resource.type == kContainer) {
      CheckImages(resource, problems);
      CheckPorts(resource, problems);
    }
    if (resource.type == kWorkload) CheckProbePaths(resource, problems);
    app_wide.Check(resource);
  }
}

auto Validate(const Program& program, std::vector<ValidateProblem>& problems) -> void {
  ValidateWith(program, ResourcePermissionTable(), problems);
}

}  // namespace wdsl::ir
