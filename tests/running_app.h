// A `wdsl run` of a test's app in the background, for end-to-end tests
// (tests/sim_e2e_test.cpp, tests/docker_e2e_test.cpp).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"

namespace wdsl::testing {

// Output goes to <dir>/out.txt and <dir>/err.txt.
class RunningApp {
 public:
  RunningApp(const std::string& dir, std::vector<std::string> args) : dir_(dir) {
    std::filesystem::remove(dir + "/.wdsl/endpoints.json");
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      if (std::freopen((dir + "/out.txt").c_str(), "w", stdout) == nullptr) _exit(127);
      if (std::freopen((dir + "/err.txt").c_str(), "w", stderr) == nullptr) _exit(127);
      setenv("NO_COLOR", "1", 1);
      std::vector<std::string> copies = {WDSL_BINARY, "run"};
      copies.insert(copies.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& arg : copies) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(WDSL_BINARY, argv.data());
      _exit(127);
    }
  }
  ~RunningApp() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // The Api's URL once the app is ready (endpoints.json is written then), or "".
  auto WaitForUrl(const std::string& resource = "root/Default/api", int timeout_seconds = 20) -> std::string {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (std::chrono::steady_clock::now() < end) {
      std::string text = ReadFile(dir_ + "/.wdsl/endpoints.json");
      if (!text.empty()) {
        auto json = nlohmann::json::parse(text, nullptr, false);
        if (json.contains(resource)) return json[resource].value("url", "");
        return "";
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }

  // Sends `signal` and returns the exit code (-1 if it did not exit in 10 s).
  auto SignalAndWait(int signal) -> int {
    kill(pid_, signal);
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  auto Pid() const -> pid_t { return pid_; }
  auto Out() const -> std::string { return ReadFile(dir_ + "/out.txt"); }
  auto Err() const -> std::string { return ReadFile(dir_ + "/err.txt"); }

 private:
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace wdsl::testing
