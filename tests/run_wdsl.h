// Runs the real `wdsl` binary for whole-program tests.
#pragma once

#include <string>
#include <vector>

namespace wdsl::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `wdsl args...` in `cwd` (default: the source tree), capturing output.
auto RunWdsl(const std::vector<std::string>& args, const std::string& cwd = WDSL_SOURCE_DIR) -> RunResult;
// The same with another copy of the binary.
auto RunWdslBinary(const std::string& binary, const std::vector<std::string>& args,
                   const std::string& cwd = WDSL_SOURCE_DIR) -> RunResult;
auto ReadFile(const std::string& path) -> std::string;
auto WriteFile(const std::string& path, const std::string& text) -> void;
// A fresh empty directory under the system temp dir.
auto TempDir(const std::string& name) -> std::string;
// Runs `command` with /bin/sh; its standard output and error together, and
// its exit status in `status` (-1 when it did not exit normally).
auto Shell(const std::string& command, int* status = nullptr) -> std::string;
// The path of a Helm 3 binary from scripts/helm.sh (its last line of
// standard output; its install messages stay on standard error), or "".
auto HelmBinary() -> std::string;
// Files under `dir` (relative to the source tree) whose name ends in `suffix`, sorted.
auto ListFiles(const std::string& dir, const std::string& suffix) -> std::vector<std::string>;

}  // namespace wdsl::testing
