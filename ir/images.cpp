#include "ir/images.h"

#include <fmt/format.h>

#include <xxhash.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>
#include <variant>

#include "ir/hash.h"
#include "ir/image_client.h"

namespace wdsl::ir {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr std::string_view kDockerfile = "Dockerfile";

// "./web/" -> "web", "./" -> ".", "../shared" -> "../shared".
auto NormalizeRelative(std::string_view path) -> std::string {
  std::string normal = fs::path(std::string(path)).lexically_normal().generic_string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal.empty() ? "." : normal;
}

auto IsDockerAlnum(char c) -> bool { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Whether a run of separators may join two alphanumeric runs in a Docker
// repository name component: `.`, `_`, `__`, or any number of dashes.
auto IsValidSeparator(std::string_view run) -> bool {
  if (run == "." || run == "_" || run == "__") return true;
  return run.find_first_not_of('-') == std::string_view::npos;
}

struct HashKey {
  std::string context_dir;
  std::vector<std::string> sources;
  std::map<std::string, std::string> build_args;
  auto operator<(const HashKey& other) const -> bool {
    return std::tie(context_dir, sources, build_args) < std::tie(other.context_dir, other.sources, other.build_args);
  }
};

// One image to describe: a workload, a container or a workload's sidecar.
struct ImageUse {
  std::string key;        // resource path, or "<path>#sidecar:<name>"
  std::string what;       // "workload `web`", for messages
  std::string name;       // the name in the tag
  std::string image;      // as written
  SourcePos pos;
  std::vector<std::string> app_globs;      // Workload `sources`: relative to the entry dir
  std::vector<std::string> context_globs;  // sim.Container `sourcePattern`: relative to the context
  std::string explicit_hash;               // sim.Container `sourceHash`
  std::map<std::string, std::string> build_args;
  // `.wdsl-client/` for a workload with bindings (ir/image_client.h).
  std::map<std::string, std::string> client_files;
};

// The hash of a context with the client injected: the context's own hash
// (without whatever `.wdsl-client/` a previous build left there) followed by
// each client file's path and bytes, each with its length.
auto WithClient(const std::string& context_hash, const std::map<std::string, std::string>& files) -> std::string {
  std::string input = "wdsl-image-client/1\n" + context_hash;
  auto field = [&](const std::string& bytes) {
    input += bytes;
    input += fmt::format("\n{}\n", bytes.size());
  };
  for (const auto& [path, text] : files) {
    field(path);
    field(text);
  }
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(input.data(), input.size()));
  std::string hex;
  for (unsigned char byte : canonical.digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

class ImageDescriber {
 public:
  ImageDescriber(const Program& program, std::vector<ValidateProblem>& problems)
      : program_(program), problems_(problems) {
    entry_dir_ = fs::path(program.entry_file).parent_path().generic_string();
    if (entry_dir_.empty()) entry_dir_ = ".";
    entry_name_ = fs::path(program.entry_file).filename().string();
  }

  // The build context directory of a local `image` (relative to the cwd).
  auto ContextDir(const std::string& image) const -> std::string {
    return NormalizeRelative((fs::path(entry_dir_) / NormalizeRelative(image)).generic_string());
  }

  void Describe(const ImageUse& use, std::map<std::string, Json>& images) {
    if (!IsLocalImage(use.image)) {
      if (!use.image.empty()) images[use.key] = Json{{"pull", use.image}};
      return;
    }
    std::string context = NormalizeRelative(use.image);
    std::string context_dir = NormalizeRelative((fs::path(entry_dir_) / context).generic_string());
    std::error_code ec;
    if (!fs::exists(context_dir, ec)) {
      Report(use, fmt::format("the build context `{}` of {} does not exist (looked for `{}`); `image` paths are "
                              "relative to the directory of `{}`",
                              use.image, use.what, context_dir, entry_name_));
      return;
    }
    if (!fs::is_directory(context_dir, ec)) {
      Report(use, fmt::format("the build context `{}` of {} is not a directory; point `image` at the directory "
                              "that holds the Dockerfile",
                              use.image, use.what));
      return;
    }
    std::string dockerfile = (fs::path(context_dir) / kDockerfile).generic_string();
    if (!fs::is_regular_file(dockerfile, ec)) {
      Report(use, fmt::format("no `Dockerfile` in the build context `{}` of {} (looked for `{}`); add one, or give "
                              "the name of an image to pull",
                              use.image, use.what, dockerfile));
      return;
    }
    std::optional<std::vector<std::string>> sources = ContextGlobs(use, context);
    if (!sources) return;
    std::string hash = use.explicit_hash;
    if (hash.empty() && !use.client_files.empty()) {
      std::optional<std::string> with_client = ClientHash(use, context_dir, *sources);
      if (!with_client) return;
      hash = *with_client;
    } else if (hash.empty()) {
      HashKey key{context_dir, *sources, use.build_args};
      auto cached = hashes_.find(key);
      if (cached == hashes_.end()) {
        BuildSpec spec{.context_dir = context_dir, .dockerfile = std::string(kDockerfile), .sources = *sources,
                       .build_args = use.build_args};
        std::variant<ContentHash, std::string> result = HashBuildContext(spec);
        if (auto* error = std::get_if<std::string>(&result)) {
          Report(use, fmt::format("cannot hash the image of {}: {}", use.what, *error));
          return;
        }
        cached = hashes_.emplace(key, std::get<ContentHash>(result).hex).first;
      }
      hash = cached->second;
    }
    Json description = {{"context", context},
                        {"dockerfile", std::string(kDockerfile)},
                        {"hash", hash},
                        {"tag", fmt::format("wdsl-{}-{}:{}", SanitizeImageName(program_.app),
                                            SanitizeImageName(use.name), SanitizeTag(hash))}};
    if (!sources->empty()) description["sources"] = *sources;
    if (!use.build_args.empty()) description["buildArgs"] = use.build_args;
    if (!use.client_files.empty()) description["client"] = use.client_files;
    images[use.key] = std::move(description);
  }

  void Report(const ImageUse& use, std::string message) {
    problems_.push_back(ValidateProblem{use.pos, std::move(message)});
  }

 private:
  // The hash of the context without its `.wdsl-client/` plus the client's
  // files; nullopt (reported) when `.dockerignore` would keep them out.
  auto ClientHash(const ImageUse& use, const std::string& context_dir, const std::vector<std::string>& sources)
      -> std::optional<std::string> {
    std::ifstream ignore(fs::path(context_dir) / ".dockerignore");
    if (ignore) {
      std::stringstream rules;
      rules << ignore.rdbuf();
      std::string probe = std::string(kClientDir) + "/index.js";
      std::variant<bool, std::string> excluded = DockerignoreExcludes(rules.str(), probe);
      if (auto* yes = std::get_if<bool>(&excluded); yes != nullptr && *yes) {
        Report(use, fmt::format("the `.dockerignore` of `{}` leaves out `{}/`, where wdsl puts the client of the "
                                "bindings of {}; add the line `!{}` at its end",
                                use.image, kClientDir, use.what, kClientDir));
        return std::nullopt;
      }
    }
    std::vector<std::string> globs = sources.empty() ? std::vector<std::string>{"**"} : sources;
    globs.push_back(fmt::format("!{}", kClientDir));
    globs.push_back(fmt::format("!{}/**", kClientDir));
    BuildSpec spec{.context_dir = context_dir, .dockerfile = std::string(kDockerfile), .sources = globs,
                   .build_args = use.build_args};
    std::variant<ContentHash, std::string> result = HashBuildContext(spec);
    if (auto* error = std::get_if<std::string>(&result)) {
      Report(use, fmt::format("cannot hash the image of {}: {}", use.what, *error));
      return std::nullopt;
    }
    return WithClient(std::get<ContentHash>(result).hex, use.client_files);
  }

  // The `sources` globs relative to the context. A workload's globs are
  // relative to the app's directory, like `sync` sources (`web/**` for
  // `image: "./web"`), so the context's own prefix is taken off; a glob
  // outside the context cannot select anything Docker sends.
  auto ContextGlobs(const ImageUse& use, const std::string& context) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> out = use.context_globs;
    for (const std::string& glob : use.app_globs) {
      bool negated = !glob.empty() && glob[0] == '!';
      std::string body = glob.substr(negated ? 1 : 0);
      while (body.starts_with("./")) body.erase(0, 2);
      while (body.starts_with("/")) body.erase(0, 1);
      std::string relative;
      if (context == ".") {
        relative = body;
      } else if (body == context) {
        relative = "**";
      } else if (body.starts_with(context + "/")) {
        relative = body.substr(context.size() + 1);
        if (relative.empty()) relative = "**";
      } else {
        Report(use, fmt::format("the `sources` glob `{}` of {} is outside its build context `{}`; `sources` are "
                                "relative to the app's directory, so start it with `{}/`",
                                glob, use.what, use.image, context));
        return std::nullopt;
      }
      out.push_back((negated ? "!" : "") + relative);
    }
    return out;
  }

  // A Docker tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; a hash is already
  // one unless the user gave an odd `sourceHash`.
  static auto SanitizeTag(const std::string& hash) -> std::string {
    std::string tag;
    for (char c : hash) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                ((c == '.' || c == '-') && !tag.empty());
      tag += ok ? c : '_';
    }
    if (tag.size() > 128) tag.resize(128);
    return tag.empty() ? "latest" : tag;
  }

  const Program& program_;
  std::vector<ValidateProblem>& problems_;
  std::string entry_dir_;
  std::string entry_name_;
  std::map<HashKey, std::string> hashes_;
};

auto StringAt(const Json& json, const char* key) -> std::string {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

auto StringsAt(const Json& json, const char* key) -> std::vector<std::string> {
  std::vector<std::string> out;
  auto it = json.find(key);
  if (it == json.end() || !it->is_array()) return out;
  for (const Json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// `buildArgs` is not a stdlib prop yet; read it when a resource has one.
auto BuildArgsAt(const Json& json) -> std::map<std::string, std::string> {
  std::map<std::string, std::string> out;
  auto it = json.find("buildArgs");
  if (it == json.end() || !it->is_object()) return out;
  for (const auto& [name, value] : it->items()) {
    if (value.is_string()) out[name] = value.get<std::string>();
  }
  return out;
}

}  // namespace

auto IsLocalImage(std::string_view image) -> bool {
  return image == "." || image == ".." || image.starts_with("./") || image.starts_with("../");
}

auto SanitizeImageName(std::string_view name) -> std::string {
  // Lowercase; every other character a dash.
  std::string mapped;
  for (char c : name) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    mapped += IsDockerAlnum(lower) || lower == '.' || lower == '_' || lower == '-' ? lower : '-';
  }
  // Separator runs that Docker rejects (`..`, `._`, `___`) become one dash;
  // leading and trailing ones go.
  std::string out;
  size_t i = 0;
  while (i < mapped.size()) {
    if (IsDockerAlnum(mapped[i])) {
      out += mapped[i++];
      continue;
    }
    size_t end = i;
    while (end < mapped.size() && !IsDockerAlnum(mapped[end])) ++end;
    std::string_view run(mapped.data() + i, end - i);
    if (!out.empty() && end < mapped.size()) out += IsValidSeparator(run) ? std::string(run) : "-";
    i = end;
  }
  return out.empty() ? "x" : out;
}

auto DescribeImages(const Program& program, std::vector<ValidateProblem>& problems)
    -> std::map<std::string, nlohmann::json> {
  std::map<std::string, Json> images;
  ImageDescriber describer(program, problems);
  // Workloads with bindings get the client; workloads that share a context
  // share one image, so its `bindings.js` has the union of their bindings.
  std::map<std::string, std::map<std::string, std::string>> bound;  // context dir -> name -> kind
  std::map<std::string, std::map<std::string, std::set<std::string>>> methods;  // ... -> name -> user-class methods
  for (const Resource& resource : program.resources) {
    if (resource.type != "containers.Workload") continue;
    std::string image = StringAt(resource.props, "image");
    std::map<std::string, std::string> kinds = BindingKinds(program, resource);
    if (!IsLocalImage(image) || kinds.empty()) continue;
    std::map<std::string, std::string>& all = bound[describer.ContextDir(image)];
    for (const auto& [name, chosen] : BoundMethods(program, resource)) {
      methods[describer.ContextDir(image)][name].insert(chosen.begin(), chosen.end());
    }
    for (const auto& [name, kind] : kinds) {
      auto [it, added] = all.emplace(name, kind);
      if (!added && it->second != kind) {
        problems.push_back(ValidateProblem{
            resource.pos, fmt::format("workloads built from `{}` bind `{}` to a {} and to a {}; the client in "
                                      "their shared image can type it only one way, so give one of them "
                                      "another name",
                                      image, name, it->second, kind)});
      }
    }
  }
  for (const Resource& resource : program.resources) {
    bool workload = resource.type == "containers.Workload";
    if (!workload && resource.type != "sim.Container") continue;
    const Json& props = resource.props;
    ImageUse use;
    use.key = resource.path;
    use.name = StringAt(props, "name");
    if (use.name.empty()) use.name = resource.id;
    use.what = fmt::format("{} `{}`", workload ? "workload" : "container", use.name);
    use.image = StringAt(props, "image");
    use.pos = resource.pos;
    use.build_args = BuildArgsAt(props);
    if (workload) {
      use.app_globs = StringsAt(props, "sources");
    } else {
      if (std::string pattern = StringAt(props, "sourcePattern"); !pattern.empty()) use.context_globs = {pattern};
      use.explicit_hash = StringAt(props, "sourceHash");
    }
    // Every image built from a context with bound workloads carries the
    // client, so they stay one image and one hash, whatever runs first.
    if (IsLocalImage(use.image)) {
      if (auto it = bound.find(describer.ContextDir(use.image)); it != bound.end()) {
        use.client_files = ClientFiles(it->second, &program, methods[it->first]);
      }
    }
    describer.Describe(use, images);
    auto sidecars = props.find("sidecars");
    if (!workload || sidecars == props.end() || !sidecars->is_array()) continue;
    for (const Json& sidecar : *sidecars) {
      if (!sidecar.is_object()) continue;
      ImageUse side;
      std::string sidecar_name = StringAt(sidecar, "name");
      side.key = resource.path + "#sidecar:" + sidecar_name;
      side.name = use.name + "-" + sidecar_name;
      side.what = fmt::format("sidecar `{}` of workload `{}`", sidecar_name, use.name);
      side.image = StringAt(sidecar, "image");
      side.pos = resource.pos;
      describer.Describe(side, images);
    }
  }
  return images;
}

}  // namespace wdsl::ir
