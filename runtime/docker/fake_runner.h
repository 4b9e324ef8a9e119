// A Runner that records commands and answers from a script, for tests of
// the driver's decisions without a Docker engine (STYLE.md: fakes for the
// outside world).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/docker/docker.h"

namespace wdsl::docker {

class FakeRunner : public Runner {
 public:
  // Answers a command (its args joined by spaces); default: success, no output.
  std::function<Result(const std::string&)> answer = [](const std::string&) { return Result{0, "", "", false}; };

  auto Run(const std::vector<std::string>& args, std::chrono::milliseconds, const std::string& input) -> Result override {
    std::string line;
    for (const std::string& arg : args) line += (line.empty() ? "" : " ") + arg;
    std::lock_guard lock(mutex_);
    commands_.push_back(line);
    inputs_.push_back(input);
    return answer(line);
  }
  // The lines Stream gives for a command (its args joined by spaces); default: none.
  std::function<std::vector<std::string>(const std::string&)> stream = [](const std::string&) {
    return std::vector<std::string>{};
  };

  void Stream(const std::vector<std::string>& args, const std::function<void(const std::string&)>& line,
              const std::function<bool()>&) override {
    std::string command;
    for (const std::string& arg : args) command += (command.empty() ? "" : " ") + arg;
    for (const std::string& text : stream(command)) line(text);
  }
  auto Commands() -> std::vector<std::string> {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  // What each command got on standard input, in the order of Commands().
  auto Inputs() -> std::vector<std::string> {
    std::lock_guard lock(mutex_);
    return inputs_;
  }
  // Commands that start with `prefix`.
  auto CommandsStarting(const std::string& prefix) -> std::vector<std::string> {
    std::vector<std::string> out;
    for (const std::string& command : Commands()) {
      if (command.starts_with(prefix)) out.push_back(command);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> commands_;
  std::vector<std::string> inputs_;
};

}  // namespace wdsl::docker
