#include "runtime/docker/docker.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>
#include <xxhash.h>


#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <atomic>
#include <condition_variable>
#include <sstream>
#include <mutex>
#include <cstdlib>
#include <thread>

namespace wdsl::docker {
namespace {

namespace bp = boost::process;

// Children start with no blocked signals (`wdsl run` blocks SIGINT/SIGTERM
// in every thread and the mask would be inherited) and in their own process
// group, so Ctrl-C reaches wdsl alone, which then stops its containers in
// // order instead of racing half-finished docker commands.
struct ChildSetup : bp::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setpgid(0, 0);
    // Nothing but stdin/out/err (already redirected) reaches the docker
    // command: no other command's pipe, no listening socket of the simulator.
    ::close_range(3, ~0U, 0);
  }
};

auto Trim(std::string text) -> std::string {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  size_t start = text.find_first_not_of(" \n\r");
  return start == std::string::npos ? "" : text.substr(start);
}

// Boost.Process's pipes are inheritable until the parent closes its copy of
// the write end, right after the fork. A child forked by another thread in
// between (a `docker logs --follow` that lives for the whole run) would keep
// that write end open, and the short command's output would never end: the
// ASan CI run hung for minutes that way. So pipes are made and children
// started under one lock, and each child closes every fd above 2 before exec
// (ChildSetup).
std::mutex spawn_mutex;

}  // namespace

auto Result::Message() const -> std::string {
  if (timed_out) return "the docker command did not finish in time";
  std::string text = Trim(err.empty() ? out : err);
  // The last few lines say what went wrong; a build log before them does not.
  size_t cut = text.size();
  for (int lines = 0; lines < 6 && cut != std::string::npos && cut > 0; ++lines) cut = text.rfind('\n', cut - 1);
  if (cut != std::string::npos && cut > 0) text = text.substr(cut + 1);
  return text.empty() ? fmt::format("exit status {}", exit_code) : text;
}

CliRunner::CliRunner() {
  const char* configured = std::getenv("WDSL_DOCKER");
  std::string name = configured != nullptr && *configured != '\0' ? configured : "docker";
  if (name.find('/') != std::string::npos) {
    binary_ = ::access(name.c_str(), X_OK) == 0 ? name : "";
  } else {
    boost::filesystem::path found = bp::search_path(name);
    binary_ = found.empty() ? "" : found.string();
  }
}

auto CliRunner::Run(const std::vector<std::string>& args, std::chrono::milliseconds timeout, const std::string& input)
    -> Result {
  Result result;
  if (binary_.empty()) {
    result.err = "the `docker` command was not found";
    return result;
  }
  // Plain pipes and threads rather than Boost.Asio: with an io_context,
  // Boost 1.74 can report exit status 0 for a command that failed.
  try {
    // The pipes are made under the lock too: made before it, another
    // thread's child could inherit their write ends.
    std::unique_lock spawning(spawn_mutex);
    bp::ipstream out;
    bp::ipstream err;
    bp::opstream in;
    bp::child child(binary_, bp::args(args), bp::std_in < in, bp::std_out > out, bp::std_err > err, ChildSetup{});
    spawning.unlock();
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mutex);
      if (!finished.wait_for(lock, timeout, [&] { return done; })) {
        result.timed_out = true;
        std::error_code ec;
        child.terminate(ec);
      }
    });
    std::thread errors([&] {
      std::ostringstream text;
      text << err.rdbuf();
      result.err = text.str();
    });
    if (!input.empty()) in << input;
    in.flush();
    in.pipe().close();
    std::ostringstream text;
    text << out.rdbuf();
    result.out = text.str();
    errors.join();
    std::error_code ec;
    child.wait(ec);
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    finished.notify_all();
    watchdog.join();
    result.exit_code = result.timed_out ? -1 : child.exit_code();
  } catch (const std::exception& error) {
    result.exit_code = -1;
    result.err = fmt::format("cannot run `{}`: {}", binary_, error.what());
  }
  return result;
}

void CliRunner::Stream(const std::vector<std::string>& args, const std::function<void(const std::string&)>& line,
                       const std::function<bool()>& stop) {
  if (binary_.empty()) return;
  try {
    std::unique_lock spawning(spawn_mutex);
    bp::ipstream pipe;
    bp::child child(binary_, bp::args(args), bp::std_in < bp::null, (bp::std_out & bp::std_err) > pipe,
                    ChildSetup{});
    spawning.unlock();
    std::atomic<bool> finished{false};
    std::thread watcher([&] {
      while (!finished) {
        if (stop()) {
          std::error_code ec;
          child.terminate(ec);
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    std::string text;
    while (std::getline(pipe, text)) {
      if (!text.empty() && text.back() == '\r') text.pop_back();
      line(text);
    }
    finished = true;
    watcher.join();
    std::error_code ec;
    child.wait(ec);
  } catch (const std::exception&) {
    // A stream is best effort: the container's state is checked elsewhere.
  }
}

auto CheckEngine(Runner& runner, bool binary_found) -> std::string {
  constexpr std::string_view kHowTo =
      "  - Debian/Ubuntu: `sudo apt-get install docker.io`, then `sudo systemctl start docker` (or run `dockerd`)\n"
      "  - macOS/Windows: install and start Docker Desktop\n"
      "  - if the daemon runs but you are not root: `sudo usermod -aG docker $USER`, then log in again\n"
      "  - if DOCKER_HOST is set, check that it points at a running engine";
  if (!binary_found) {
    return fmt::format("Docker is needed to run this app's containers, but the `docker` command was not found "
                       "(set WDSL_DOCKER to its path if it is installed elsewhere).\n{}",
                       kHowTo);
  }
  Result info = runner.Run({"info", "--format", "{{.ServerVersion}}"}, std::chrono::seconds(20));
  if (info.Ok() && !Trim(info.out).empty()) return "";
  const char* host = std::getenv("DOCKER_HOST");
  return fmt::format("Docker is needed to run this app's containers, but the engine does not answer{}: {}\n{}",
                     host != nullptr && *host != '\0' ? fmt::format(" at DOCKER_HOST={}", host) : "",
                     info.Message(), kHowTo);
}

auto ShortHash(std::string_view text, size_t hex_digits) -> std::string {
  std::string hex = fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
  return hex.substr(0, std::min(hex_digits, hex.size()));
}

auto SanitizeName(std::string_view name) -> std::string {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    char mapped = ok ? c : '-';
    if (mapped == '-' && !out.empty() && out.back() == '-') continue;
    out += mapped;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || !std::isalnum(static_cast<unsigned char>(out.front()))) out = "x" + out;
  if (out.size() > 128) out = out.substr(0, 119) + "-" + ShortHash(name);
  return out;
}

}  // namespace wdsl::docker
