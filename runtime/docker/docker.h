// The Docker driver's lowest layer: running the `docker` CLI (so DOCKER_HOST,
// contexts and the user's configuration apply exactly as in their shell).
// Everything above it talks to a `Runner`, so tests can put a fake in its
// place and check which commands would run without an engine.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wdsl::docker {

struct Result {
  int exit_code = -1;  // -1: the command could not start or timed out
  std::string out;
  std::string err;
  bool timed_out = false;
  auto Ok() const -> bool { return exit_code == 0 && !timed_out; }
  // The last lines of stderr (or stdout), trimmed: what the engine said.
  auto Message() const -> std::string;
};

class Runner {
 public:
  virtual ~Runner() = default;
  // Runs `docker <args>`; `input` is written to its standard input.
  virtual auto Run(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                   const std::string& input = "") -> Result = 0;
  // Runs `docker <args>` and calls `line` for each line of its standard
  // output and error, until it exits or `stop` returns true (checked between
  // lines and at least every 200 ms); then the command is killed.
  virtual void Stream(const std::vector<std::string>& args, const std::function<void(const std::string&)>& line,
                      const std::function<bool()>& stop) = 0;
};

// The real `docker` binary: $WDSL_DOCKER, else `docker` on PATH.
class CliRunner : public Runner {
 public:
  CliRunner();
  auto Run(const std::vector<std::string>& args, std::chrono::milliseconds timeout, const std::string& input = "")
      -> Result override;
  void Stream(const std::vector<std::string>& args, const std::function<void(const std::string&)>& line,
              const std::function<bool()>& stop) override;
  auto Binary() const -> const std::string& { return binary_; }

 private:
  std::string binary_;  // full path, or "" when not found
};

// "" when `docker info` answers; otherwise what is wrong and how to fix it
// (install the engine, start the daemon, socket permissions, DOCKER_HOST).
auto CheckEngine(Runner& runner, bool binary_found = true) -> std::string;

// A container or network name as Docker accepts it
// (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`): other characters (spaces, slashes) become
// `-`, runs of `-` collapse, and a name that would start with a separator
// gets an `x` in front. At most 128 characters (a hash keeps long ones unique).
auto SanitizeName(std::string_view name) -> std::string;

// A short stable hex digest of `text` (names that must be unique per app).
auto ShortHash(std::string_view text, size_t hex_digits = 8) -> std::string;

}  // namespace wdsl::docker
