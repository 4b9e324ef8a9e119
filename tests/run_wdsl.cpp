#include "tests/run_wdsl.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wdsl::testing {

namespace fs = std::filesystem;

auto ReadFile(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

auto WriteFile(const std::string& path, const std::string& text) -> void {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

auto TempDir(const std::string& name) -> std::string {
  fs::path dir = fs::temp_directory_path() / ("wdsl-test-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

auto Shell(const std::string& command, int* status) -> std::string {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int code = pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(code) ? WEXITSTATUS(code) : -1;
  return out;
}

auto HelmBinary() -> std::string {
  FILE* pipe = popen((std::string(WDSL_SOURCE_DIR) + "/scripts/helm.sh").c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int code = pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  std::string path = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  return WIFEXITED(code) && WEXITSTATUS(code) == 0 && fs::exists(path) ? path : "";
}

auto ListFiles(const std::string& dir, const std::string& suffix) -> std::vector<std::string> {
  std::vector<std::string> files;
  fs::path root = fs::path(WDSL_SOURCE_DIR) / dir;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    if (entry.is_regular_file() && path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        path.find("/target/") == std::string::npos) {
      files.push_back(fs::relative(entry.path(), WDSL_SOURCE_DIR).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

auto RunWdsl(const std::vector<std::string>& args, const std::string& cwd) -> RunResult {
  return RunWdslBinary(WDSL_BINARY, args, cwd);
}

auto RunWdslBinary(const std::string& binary_path, const std::vector<std::string>& args, const std::string& cwd)
    -> RunResult {
  std::string dir = TempDir("run");
  std::string out_path = dir + "/out", err_path = dir + "/err";
  RunResult result;
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    FILE* out = std::freopen(out_path.c_str(), "w", stdout);
    FILE* err = std::freopen(err_path.c_str(), "w", stderr);
    if (out == nullptr || err == nullptr) _exit(127);
    std::vector<char*> argv;
    std::string binary = binary_path;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (std::string& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    setenv("NO_COLOR", "1", 1);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  fs::remove_all(dir);
  return result;
}

}  // namespace wdsl::testing
