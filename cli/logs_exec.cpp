// `wdsl logs` and `wdsl exec`: looking into an app that `wdsl run` runs in
// this directory, through what it leaves there: .wdsl/logs/run.log and
// .wdsl/endpoints.json (which names each workload's replica containers).
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/sim_commands.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

auto WdslDir(const std::string& entry) -> fs::path { return fs::absolute(entry).parent_path() / ".wdsl"; }

auto ReadEndpoints(const std::string& entry) -> nlohmann::json {
  std::ifstream in(WdslDir(entry) / "endpoints.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// The resource path `name` stands for: a path as it is, or a workload's name
// (endpoints.json lists each workload's name).
auto ResolveResource(const std::string& entry, const std::string& name) -> std::string {
  nlohmann::json endpoints = ReadEndpoints(entry);
  if (!endpoints.is_object()) return name;
  for (const auto& [path, details] : endpoints.items()) {
    if (details.is_object() && details.value("name", "") == name) return path;
  }
  return name;
}

// "2026-11-25T03:47:45Z [root/Default/web#1] text": the source between the brackets.
auto SourceOf(const std::string& line) -> std::string {
  size_t open = line.find(" [");
  size_t close = open == std::string::npos ? std::string::npos : line.find("] ", open);
  return close == std::string::npos ? "" : line.substr(open + 2, close - open - 2);
}

// A line of `resource`: its own, a replica's (`path#1`) or a sidecar's (`path/name`).
auto Matches(const std::string& source, const std::string& resource) -> bool {
  if (resource.empty()) return true;
  return source == resource || source.starts_with(resource + "#") || source.starts_with(resource + "/");
}

}  // namespace

auto RunLogsCommand(const LogsCommandOptions& options) -> int {
  fs::path file = WdslDir(options.entry) / "logs" / "run.log";
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "wdsl: there is no log at " << file.string() << "; `wdsl run` writes it while the app runs\n";
    return 2;
  }
  std::string resource = options.resource.empty() ? "" : ResolveResource(options.entry, options.resource);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Everything since the last start, unless --tail asks for lines of earlier runs too.
  size_t first = 0;
  if (options.tail < 0) {
    for (size_t i = lines.size(); i-- > 0;) {
      if (SourceOf(lines[i]) == "wdsl" && lines[i].find("] run of ") != std::string::npos) {
        first = i;
        break;
      }
    }
  }
  std::vector<std::string> shown;
  for (size_t i = first; i < lines.size(); ++i) {
    if (Matches(SourceOf(lines[i]), resource)) shown.push_back(lines[i]);
  }
  if (options.tail >= 0 && shown.size() > static_cast<size_t>(options.tail)) {
    shown.erase(shown.begin(), shown.end() - options.tail);
  }
  for (const std::string& line : shown) std::cout << line << "\n";
  std::cout.flush();
  if (!options.follow) return 0;
  // Follow: new complete lines as they are appended (Ctrl-C ends it).
  in.clear();
  std::string partial;
  while (true) {
    std::string chunk;
    std::getline(in, chunk);
    if (in.eof()) {
      partial += chunk;
      in.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    std::string line = partial + chunk;
    partial.clear();
    if (Matches(SourceOf(line), resource)) std::cout << line << std::endl;
  }
}

auto RunExecCommand(const ExecCommandOptions& options) -> int {
  nlohmann::json endpoints = ReadEndpoints(options.entry);
  if (!endpoints.is_object()) {
    std::cerr << "wdsl: no app runs here (no " << (WdslDir(options.entry) / "endpoints.json").string()
              << "); start it with `wdsl run`\n";
    return 2;
  }
  std::string path = ResolveResource(options.entry, options.workload);
  if (!endpoints.contains(path) || !endpoints[path].contains("replicas")) {
    std::string names;
    for (const auto& [key, details] : endpoints.items()) {
      if (details.is_object() && details.contains("replicas")) {
        names += fmt::format("{}`{}` ({})", names.empty() ? "" : ", ", details.value("name", key), key);
      }
    }
    std::cerr << "wdsl: `" << options.workload << "` is not a running workload of this app; "
              << (names.empty() ? "it runs none" : "its workloads: " + names) << "\n";
    return 2;
  }
  const nlohmann::json& replicas = endpoints[path]["replicas"];
  if (options.replica < 0 || static_cast<size_t>(options.replica) >= replicas.size()) {
    std::cerr << "wdsl: `" << options.workload << "` has " << replicas.size() << " replica(s): use --replica 0"
              << (replicas.size() > 1 ? fmt::format("..{}", replicas.size() - 1) : "") << "\n";
    return 2;
  }
  std::string container = replicas[options.replica].value("container", "");
  std::vector<std::string> args = {"docker", "exec", isatty(STDIN_FILENO) ? "-it" : "-i", container};
  if (options.command.empty()) {
    args.push_back("sh");
  } else {
    args.insert(args.end(), options.command.begin(), options.command.end());
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const char* docker = std::getenv("WDSL_DOCKER");
  execvp(docker != nullptr && *docker != '\0' ? docker : "docker", argv.data());
  std::cerr << "wdsl: cannot run `docker`: " << std::strerror(errno)
            << "; install Docker (see `wdsl run`'s message) or set WDSL_DOCKER\n";
  return 2;
}

}  // namespace wdsl
