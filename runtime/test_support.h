// Helpers for the runtime's unit tests: compile a small program with the
// real front end, and wait (bounded) for something a background thread does.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "cli/driver.h"
#include "runtime/simulator.h"

namespace wdsl::runtime::testing {

// A fresh directory under the temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("wdsl-runtime-" + std::to_string(getpid()) + "-" + name + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  auto Path() const -> const std::filesystem::path& { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// Compiles `source` as `<dir>/main.w`; fails the test on diagnostics.
inline auto CompileSource(const std::filesystem::path& dir, const std::string& source) -> ir::Program {
  std::ofstream(dir / "main.w") << source;
  CompileOptions options;
  options.entry = (dir / "main.w").string();
  options.images = false;
  SourceManager sources;
  Diagnostics diagnostics(sources);
  CompileResult result = Compile(options, sources, diagnostics);
  if (!result.program) throw std::runtime_error("compile failed:\n" + diagnostics.RenderAll(false));
  return std::move(*result.program);
}

// Polls `done` every 5 ms for at most `limit`; true once it holds.
inline auto WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(5))
    -> bool {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Simulator options for a test: state under `dir`/state, logs to `log`.
inline auto Options(const std::filesystem::path& dir, LogSink* log) -> SimOptions {
  SimOptions options;
  options.state_dir = dir / "state";
  options.log = log;
  return options;
}

}  // namespace wdsl::runtime::testing
