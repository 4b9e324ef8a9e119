#include "cli/service_images.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <regex>
#include <set>
#include <sstream>
#include <variant>

#include "ir/bundle.h"
#include "ir/hash.h"
#include "ir/images.h"
#include "runtime/docker/images.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCaCertificates = "/etc/ssl/certs/ca-certificates.crt";

// Builds of one app for several targets write the same contexts at once (the
// golden tests do; so does a `wdsl build` beside a running `wdsl run`). Each
// writes through temporaries and renames them into place; the temporaries
// are left out of the content hash and of what Docker is sent, so the hash
// one build computes never depends on what another is copying right then.
constexpr const char* kContextIgnore =
    "# Written by `wdsl build`: temporaries of files being written by a build under way.\n"
    "**/*.tmp\n"
    "**/*.tmp-*\n";

// A temporary name beside `path` that no other process writing the same
// context at once (parallel builds, ctest -j) uses.
auto TemporaryBeside(const fs::path& path) -> fs::path {
  return path.string() + fmt::format(".{}.tmp", ::getpid());
}

// Whether `path` is the temporary of a copy that another live process is
// making right now (TemporaryBeside: "<name>.<pid>.tmp"); builds of one app
// for several targets run at once (the golden tests do), and one build's
// sweep of stale files must not remove another's copy under way.
auto IsAnotherCopyUnderWay(const fs::path& path) -> bool {
  std::string name = path.filename().string();
  if (!name.ends_with(".tmp")) return false;
  std::string stem = name.substr(0, name.size() - 4);
  size_t dot = stem.rfind('.');
  if (dot == std::string::npos || dot + 1 == stem.size()) return false;
  std::string digits = stem.substr(dot + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return false;
  pid_t pid = static_cast<pid_t>(std::stol(digits));
  return pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
}

// Copies `from` (following symlinks) unless `to` has its size and is not
// older; 0755 when `from` is executable by anyone (the loader, the runtime), else 0644.
auto CopyIfNewer(const fs::path& from, const fs::path& to) -> std::string {
  std::error_code ec;
  bool executable = (fs::status(from, ec).permissions() & (fs::perms::owner_exec | fs::perms::group_exec |
                                                           fs::perms::others_exec)) != fs::perms::none;
  uintmax_t size = fs::file_size(from, ec);
  if (ec) return fmt::format("cannot read `{}`: {}", from.string(), ec.message());
  std::error_code missing;
  if (fs::file_size(to, missing) == size && !missing &&
      fs::last_write_time(to, missing) >= fs::last_write_time(from, ec) && !missing) {
    return "";
  }
  fs::create_directories(to.parent_path(), ec);
  fs::path temporary = TemporaryBeside(to);
  fs::copy_file(from, temporary, fs::copy_options::overwrite_existing, ec);
  if (!ec) {
    fs::permissions(temporary, executable ? fs::perms(0755) : fs::perms(0644), ec);
  }
  if (!ec) fs::rename(temporary, to, ec);
  return ec ? fmt::format("cannot copy `{}` into the service image context: {}", from.string(), ec.message()) : "";
}

// The absolute paths of the shared libraries and loader `ldd` lists for
// `binary` (none for a static binary).
auto SharedLibraries(const fs::path& binary, std::vector<fs::path>& libraries) -> std::string {
  std::string command = "ldd '" + binary.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "cannot run `ldd` to list the runtime's shared libraries";
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = ::pclose(pipe);
  if (output.find("not a dynamic executable") != std::string::npos) return "";
  if (status != 0) {
    return fmt::format("`ldd {}` failed ({}): install libc-bin, or build wdsl-runtime statically", binary.string(),
                       output.substr(0, 200));
  }
  // "libfmt.so.9 => /lib/x86_64-linux-gnu/libfmt.so.9 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)".
  static const std::regex kLine(R"(^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$)");
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, kLine)) libraries.emplace_back(match[1].str());
    if (line.find("=> not found") != std::string::npos) {
      return fmt::format("wdsl-runtime needs a library this machine lacks: {}", line);
    }
  }
  return "";
}

auto Dockerfile(const ir::Resource& host, const std::set<std::string>& library_dirs) -> std::string {
  std::string ld_path;
  for (const std::string& dir : library_dirs) ld_path += (ld_path.empty() ? "" : ":") + dir;
  std::string text = fmt::format(
      "# Written by `wdsl build` for the {} `{}`; it is written again at every build.\n"
      "FROM scratch\n"
      "COPY rootfs/ /\n"
      "COPY bundle.json /wdsl/bundle.json\n",
      host.type, host.path);
  if (!ld_path.empty()) text += "ENV LD_LIBRARY_PATH=" + ld_path + "\n";
  text += "USER 65534:65534\nENTRYPOINT [\"/wdsl/wdsl-runtime\", \"/wdsl/bundle.json\"]\n";
  return text;
}

}  // namespace

auto RuntimeBinary() -> fs::path {
  if (const char* binary = std::getenv("WDSL_RUNTIME_BINARY"); binary != nullptr && *binary != '\0') return binary;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::current_path() : self.parent_path()) / "wdsl-runtime";
}

auto RuntimeImageName(const std::string& path) -> std::string {
  std::string name = path.starts_with("root/Default/") ? path.substr(13) : path;
  std::replace(name.begin(), name.end(), '/', '-');
  return ir::SanitizeImageName(name);
}

namespace {

// Writes the context of each of `hosts` (services or functions) and adds its
// description, with `kind` (`service` or `function`) set, to `images`.
auto AddRuntimeImages(const ir::Program& program, const fs::path& app_dir, const fs::path& runtime_binary,
                      std::map<std::string, nlohmann::json>& images, const std::vector<const ir::Resource*>& hosts,
                      const char* kind) -> std::string {
  if (hosts.empty()) return "";
  std::error_code ec;
  if (!fs::exists(runtime_binary, ec)) {
    return fmt::format("the runtime `{}` is missing: build the `wdsl-runtime` target (or reinstall wdsl), "
                       "or set WDSL_RUNTIME_BINARY to its path",
                       runtime_binary.string());
  }
  std::vector<fs::path> libraries;
  if (std::string error = SharedLibraries(runtime_binary, libraries); !error.empty()) return error;
  std::set<std::string> library_dirs;
  for (const fs::path& library : libraries) {
    if (library.filename().string().starts_with("ld-linux")) continue;
    library_dirs.insert(library.parent_path().string());
  }
  for (const ir::Resource* host : hosts) {
    std::string name = RuntimeImageName(host->path);
    fs::path relative = fs::path(".wdsl") / "images" / name;
    fs::path context = app_dir / relative;
    fs::path rootfs = context / "rootfs";
    fs::create_directories(rootfs / "wdsl", ec);
    if (ec) return fmt::format("cannot create `{}`: {}", (rootfs / "wdsl").string(), ec.message());
    // What the root file system holds; anything else there (a library an
    // earlier runtime needed) is removed.
    std::set<fs::path> expected = {rootfs / "wdsl", rootfs / "wdsl" / "wdsl-runtime"};
    if (std::string error = CopyIfNewer(runtime_binary, rootfs / "wdsl" / "wdsl-runtime"); !error.empty()) {
      return error;
    }
    std::vector<fs::path> files = libraries;
    if (fs::exists(kCaCertificates, ec)) files.emplace_back(kCaCertificates);
    for (const fs::path& file : files) {
      fs::path target = rootfs / file.relative_path();
      if (std::string error = CopyIfNewer(file, target); !error.empty()) return error;
      for (fs::path dir = target; dir != rootfs; dir = dir.parent_path()) expected.insert(dir);
    }
    std::vector<fs::path> stale;
    for (auto it = fs::recursive_directory_iterator(rootfs, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!expected.contains(it->path()) && !IsAnotherCopyUnderWay(it->path())) stale.push_back(it->path());
    }
    for (const fs::path& path : stale) fs::remove_all(path, ec);

    std::string error;
    bool is_function = std::string(kind) == "function";
    std::optional<nlohmann::json> bundle = is_function ? ir::MakeFunctionBundle(program, host->path, &error)
                                                       : ir::MakeServiceBundle(program, host->path, &error);
    if (!bundle) return error;
    error = docker::WriteContextFiles(context, {{"bundle.json", bundle->dump() + "\n"},
                                                {"Dockerfile", Dockerfile(*host, library_dirs)},
                                                {".dockerignore", kContextIgnore}});
    if (!error.empty()) return error;
    ir::BuildSpec spec;
    spec.context_dir = context.string();
    std::variant<ir::ContentHash, std::string> hash = ir::HashBuildContext(spec);
    if (auto* problem = std::get_if<std::string>(&hash)) {
      return fmt::format("cannot hash the image context of `{}`: {}", host->path, *problem);
    }
    std::string hex = std::get<ir::ContentHash>(hash).hex;
    nlohmann::json description = {{"context", relative.generic_string()},
                                  {"dockerfile", "Dockerfile"},
                                  {"hash", hex},
                                  {"tag", fmt::format("wdsl-{}-{}:{}", ir::SanitizeImageName(program.app), name, hex)},
                                  {kind, true}};
    if (is_function) description["trigger"] = (*bundle)["trigger"];
    images[host->path] = std::move(description);
  }
  return "";
}

}  // namespace

auto AddServiceImages(const ir::Program& program, const fs::path& app_dir, const fs::path& runtime_binary,
                      std::map<std::string, nlohmann::json>& images,
                      const std::function<bool(const ir::Resource&)>& include) -> std::string {
  std::vector<const ir::Resource*> services;
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "cloud.Service" && (!include || include(resource))) services.push_back(&resource);
  }
  return AddRuntimeImages(program, app_dir, runtime_binary, images, services, "service");
}

auto AddFunctionImages(const ir::Program& program, const fs::path& app_dir, const fs::path& runtime_binary,
                       std::map<std::string, nlohmann::json>& images) -> std::string {
  std::vector<const ir::Resource*> functions;
  for (const ir::Resource& resource : program.resources) {
    if (resource.type == "cloud.Function") functions.push_back(&resource);
  }
  return AddRuntimeImages(program, app_dir, runtime_binary, images, functions, "function");
}

}  // namespace wdsl
