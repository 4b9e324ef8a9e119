// The inotify watcher. One watch per directory below each directory root
// (inotify is not recursive), plus one on each root's parent, which sees a
// root replaced by rename or deleted and created again. For each watched
// directory we keep the names in it, which tells a file saved by rename
// (kModified) from a new one (kCreated) and lists what a directory moved
// away took with it (kDeleted for each).
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ir/hash.h"
#include "runtime/watch/watch.h"

namespace wdsl::watch {
namespace {

namespace fs = std::filesystem;
using Kind = Change::Kind;

// IN_EXCL_UNLINK: no events from files that were already unlinked but are
// still open. Events on a watched directory itself (IN_DELETE_SELF, ...) are
// not asked for: its parent's events say the same with its name.
constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM |
                           IN_MOVED_TO | IN_EXCL_UNLINK | IN_ONLYDIR;

// A child name no real pattern singles out: when it is ignored below a
// directory, everything below is (see Pruned).
constexpr const char* kProbe = "\x01wdsl\x02probe\x03";

auto Join(const std::string& dir, const std::string& name) -> std::string {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// `path` relative to `root` when it is strictly below it.
auto Below(const std::string& root, const std::string& path) -> std::optional<std::string> {
  std::string prefix = root == "/" ? "/" : root + "/";
  if (path.size() <= prefix.size() || !path.starts_with(prefix)) return std::nullopt;
  return path.substr(prefix.size());
}

auto IgnoredBy(const std::string& rules, const std::string& relative) -> bool {
  if (rules.empty()) return false;
  auto result = ir::DockerignoreExcludes(rules, relative);
  const bool* ignored = std::get_if<bool>(&result);
  return ignored && *ignored;
}

// Whether a `!` line of `rules` might match a path below `dir` directly, and
// so re-include something in an ignored directory. Conservative: any pattern
// that starts with a wildcard might; otherwise its literal start must lead
// into `dir`.
auto ExceptionCouldMatchBelow(const std::string& rules, const std::string& dir) -> bool {
  std::istringstream lines(rules);
  std::string line;
  std::string below = dir + "/";
  while (std::getline(lines, line)) {
    if (line.starts_with('#')) continue;
    size_t bang = line.find_first_not_of(" \t\r");
    if (bang == std::string::npos || line[bang] != '!') continue;
    size_t start = line.find_first_not_of(" \t", bang + 1);
    if (start == std::string::npos) continue;
    std::string pattern = fs::path(line.substr(start)).lexically_normal().generic_string();
    while (pattern.starts_with('/')) pattern.erase(0, 1);
    std::string literal = pattern.substr(0, pattern.find_first_of("*?[\\^"));
    if (literal.empty() || literal.starts_with(below) || below.starts_with(literal)) return true;
  }
  return false;
}

// Whether everything below the directory `dir` is ignored by `rules`, so it
// needs no watch: it is ignored itself (`node_modules`) or any name in it is
// (`node_modules/**`), and no `!` line can take a path below back.
auto Pruned(const std::string& rules, const std::string& dir) -> bool {
  if (rules.empty()) return false;
  bool all = IgnoredBy(rules, dir) || IgnoredBy(rules, dir + "/" + kProbe);
  return all && !ExceptionCouldMatchBelow(rules, dir);
}

// The first problem of a .dockerignore text, naming `file`.
auto RulesProblem(const std::string& rules, const std::string& file) -> std::string {
  auto result = ir::DockerignoreExcludes(rules, "x");
  auto* problem = std::get_if<std::string>(&result);
  if (!problem) return "";
  std::string message = *problem;  // "`.dockerignore` line N: ..."
  if (message.starts_with("`.dockerignore`")) message.replace(0, 15, "`" + file + "`");
  return message;
}

auto ProcNumber(const char* path) -> std::string {
  std::ifstream in(path);
  std::string value;
  in >> value;
  return value.empty() ? "?" : value;
}

auto Normal(const fs::path& path) -> std::string {
  std::string s = fs::absolute(path).lexically_normal().generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Watcher::Watcher(WatchOptions options) : options_(std::move(options)) {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  for (const std::string& pattern : options_.ignore) option_rules_.append(pattern).push_back('\n');
}

Watcher::~Watcher() {
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

void Watcher::Stop() {
  stopped_ = true;
  uint64_t one = 1;
  if (stop_fd_ >= 0 && write(stop_fd_, &one, sizeof one) < 0) {
    // The counter is full only after 2^64 - 1 calls; Next also checks stopped_.
  }
}

auto Watcher::TakeProblems() -> std::vector<std::string> { return std::exchange(problems_, {}); }

void Watcher::Problem(std::string message) {
  if (std::find(problems_.begin(), problems_.end(), message) == problems_.end()) {
    problems_.push_back(std::move(message));
  }
}

auto Watcher::Start() -> std::string {
  if (stop_fd_ < 0) return std::string("cannot create an eventfd: ") + std::strerror(errno);
  if (inotify_fd_ >= 0) return "the watcher is already started";
  for (const std::string& pattern : options_.ignore) {
    std::string problem = RulesProblem(pattern + "\n", "ignore");
    if (!problem.empty()) {
      return "malformed ignore pattern `" + pattern + "`: " + problem.substr(problem.find(": ") + 2);
    }
  }
  for (const fs::path& given : options_.roots) {
    Root root{Normal(given), false, ""};
    std::error_code ec;
    auto status = fs::status(root.path, ec);
    if (!fs::exists(status)) {
      return "cannot watch `" + root.path + "`: " + (ec ? ec.message() : "no such file or directory") +
             " (a root must exist when watching starts)";
    }
    root.directory = fs::is_directory(status);
    if (root.directory) {
      if (std::string problem = LoadDockerignore(root); !problem.empty()) return problem;
    }
    roots_.push_back(std::move(root));
  }
  if (std::string problem = OpenInotify(); !problem.empty()) return problem;
  problems_.clear();
  for (const Root& root : roots_) {
    std::string parent = fs::path(root.path).parent_path().generic_string();
    if (parent != root.path) Walk(parent, /*report=*/false);
    // A root that is a symlink to a directory is not walked from its parent.
    if (root.directory && !wd_by_path_.contains(root.path)) Walk(root.path, /*report=*/false);
  }
  if (problems_.empty()) return "";
  std::string first = problems_.front();
  if (problems_.size() > 1) first += " (and " + std::to_string(problems_.size() - 1) + " more problems)";
  problems_.clear();
  return first;
}

auto Watcher::OpenInotify() -> std::string {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0) return "";
  if (errno == EMFILE) {
    return "cannot start an inotify instance: the per-user limit (fs.inotify.max_user_instances = " +
           ProcNumber("/proc/sys/fs/inotify/max_user_instances") +
           ") is reached; close other watchers (editors, dev servers) or raise it: "
           "`sudo sysctl fs.inotify.max_user_instances=1024`";
  }
  return std::string("cannot start an inotify instance: ") + std::strerror(errno);
}

auto Watcher::LoadDockerignore(Root& root) -> std::string {
  std::string file = Join(root.path, ".dockerignore");
  std::ifstream in(file, std::ios::binary);
  std::string text;
  if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (std::string problem = RulesProblem(text, file); !problem.empty()) return problem;
  root.dockerignore = std::move(text);
  return "";
}

auto Watcher::AddWatch(const std::string& dir, bool follow) -> int {
  int wd = inotify_add_watch(inotify_fd_, dir.c_str(), kMask | (follow ? 0 : IN_DONT_FOLLOW));
  if (wd < 0) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) return -1;  // gone already; its parent reports it
    if (error == ENOSPC) {
      Problem("cannot watch `" + dir + "`: the inotify watch limit (fs.inotify.max_user_watches = " +
              ProcNumber("/proc/sys/fs/inotify/max_user_watches") + ", " + std::to_string(dirs_.size()) +
              " used here) is reached; raise it with `sudo sysctl fs.inotify.max_user_watches=524288` "
              "(and a file in /etc/sysctl.d/ to keep it), or ignore big directories in .dockerignore");
    } else if (error == EACCES) {
      Problem("cannot watch `" + dir + "`: permission denied; make it readable or ignore it in .dockerignore");
    } else {
      Problem("cannot watch `" + dir + "`: " + std::strerror(error));
    }
    return -1;
  }
  auto [it, added] = dirs_.try_emplace(wd);
  if (!added && it->second.path != dir) {
    struct stat here {}, there {};
    if (stat(it->second.path.c_str(), &there) == 0 && stat(dir.c_str(), &here) == 0 && here.st_ino == there.st_ino &&
        here.st_dev == there.st_dev) {
      return -1;  // the same directory by two paths (a bind mount): watched once, which also ends loops
    }
    // Moved here without its departure being seen: it lives here now, and
    // what it holds is reported afresh.
    if (auto old = wd_by_path_.find(it->second.path); old != wd_by_path_.end() && old->second == wd) {
      wd_by_path_.erase(old);
    }
    it->second.entries.clear();
  }
  it->second.path = dir;
  wd_by_path_[dir] = wd;
  return wd;
}

auto Watcher::InsideDirRoot(const std::string& path) const -> bool {
  return std::any_of(roots_.begin(), roots_.end(),
                     [&](const Root& r) { return r.directory && (r.path == path || Below(r.path, path)); });
}

auto Watcher::Anchored(const std::string& path) const -> bool {
  return std::any_of(roots_.begin(), roots_.end(), [&](const Root& r) { return r.path == path; });
}

auto Watcher::Relevant(const std::string& path) const -> bool {
  for (const Root& root : roots_) {
    if (root.path == path) return true;
    if (!root.directory) continue;
    auto relative = Below(root.path, path);
    if (relative && !IgnoredBy(option_rules_, *relative) && !IgnoredBy(root.dockerignore, *relative)) return true;
  }
  return false;
}

auto Watcher::Descend(const std::string& dir) const -> bool {
  for (const Root& root : roots_) {
    if (!root.directory) continue;
    if (root.path == dir) return true;
    auto relative = Below(root.path, dir);
    if (relative && !Pruned(option_rules_, *relative) && !Pruned(root.dockerignore, *relative)) return true;
  }
  return false;
}

// Watches `dir` (before listing it, so nothing created meanwhile is missed),
// records its names and walks its subdirectories; with `report`, names not
// seen before are reported as created.
void Watcher::Walk(const std::string& dir, bool report) {
  bool recursive = InsideDirRoot(dir);
  int wd = AddWatch(dir, /*follow=*/!recursive || Anchored(dir));
  if (wd < 0) return;
  std::vector<std::pair<std::string, bool>> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string path = Join(dir, it->path().filename().string());
    if (!recursive && !Anchored(path)) continue;  // a root's parent: only the root matters
    std::error_code type_error;
    bool is_dir = it->symlink_status(type_error).type() == fs::file_type::directory;  // symlinks not followed
    found.emplace_back(it->path().filename().string(), is_dir);
  }
  for (const auto& [name, is_dir] : found) {
    std::string path = Join(dir, name);
    auto& entries = dirs_[wd].entries;
    bool known = entries.contains(name);
    entries[name] = is_dir;
    if (report && !known) Emit(path, Kind::kCreated, is_dir);
    if (is_dir && Descend(path)) Walk(path, report);
  }
}

// Forgets `dir` and every watched directory below it (moved away or
// deleted), reporting what they held as deleted.
void Watcher::DropTree(const std::string& dir) {
  std::vector<std::pair<std::string, int>> gone;
  for (auto it = wd_by_path_.lower_bound(dir); it != wd_by_path_.end(); ++it) {
    if (it->first != dir && !Below(dir, it->first)) break;
    gone.emplace_back(*it);
  }
  for (const auto& [path, wd] : gone) {
    wd_by_path_.erase(path);
    auto found = dirs_.find(wd);
    if (found == dirs_.end()) continue;
    for (const auto& [name, is_dir] : found->second.entries) Emit(Join(path, name), Kind::kDeleted, is_dir);
    inotify_rm_watch(inotify_fd_, wd);  // its IN_IGNORED then finds no directory
    dirs_.erase(found);
  }
}

void Watcher::Emit(const std::string& path, Kind kind, bool directory) {
  if (kind != Kind::kRescan && !Relevant(path)) return;
  auto now = std::chrono::steady_clock::now();
  if (pending_.empty()) first_event_ = now;
  last_event_ = now;
  auto [it, added] = pending_.try_emplace(path, Pending{kind, directory});
  if (added) return;
  Kind old = it->second.kind;
  it->second.directory = directory;
  if (old == Kind::kRescan || kind == Kind::kRescan) {
    it->second.kind = Kind::kRescan;
  } else if (old == Kind::kCreated) {
    if (kind == Kind::kDeleted) pending_.erase(it);  // came and went within the batch
  } else if (old == Kind::kDeleted && kind != Kind::kDeleted) {
    it->second.kind = Kind::kModified;  // replaced
  } else {
    it->second.kind = kind == Kind::kDeleted ? Kind::kDeleted : Kind::kModified;
  }
}

void Watcher::ReadEvents() {
  alignas(inotify_event) char buffer[64 * 1024];
  // Bounded, so a stream of events cannot keep Next from checking its clock.
  for (int reads = 0; reads < 64; ++reads) {
    ssize_t n = read(inotify_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        Resync();
        return;
      }
      auto it = dirs_.find(event->wd);
      if (it == dirs_.end()) continue;
      if (event->mask & IN_IGNORED) {  // the directory is gone (or we removed the watch)
        auto by_path = wd_by_path_.find(it->second.path);
        if (by_path != wd_by_path_.end() && by_path->second == event->wd) wd_by_path_.erase(by_path);
        dirs_.erase(it);
        continue;
      }
      if (event->len == 0) continue;
      std::string dir = it->second.path;
      std::string name = event->name;
      std::string path = Join(dir, name);
      bool is_dir = (event->mask & IN_ISDIR) != 0;
      if (!InsideDirRoot(dir) && !Anchored(path)) continue;  // a sibling of a root
      auto& entries = it->second.entries;
      if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
        auto known = entries.find(name);
        bool replaced = known != entries.end() && !known->second && !is_dir;
        entries[name] = is_dir;
        Emit(path, replaced ? Kind::kModified : Kind::kCreated, is_dir);
        if (is_dir && Descend(path)) Walk(path, /*report=*/true);
      } else if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
        entries.erase(name);
        if (is_dir) DropTree(path);
        Emit(path, Kind::kDeleted, is_dir);
      } else if (!is_dir) {  // IN_MODIFY, IN_CLOSE_WRITE, IN_ATTRIB
        Emit(path, Kind::kModified, false);
      }
      if (name == ".dockerignore" && std::any_of(roots_.begin(), roots_.end(), [&](const Root& r) {
            return r.directory && r.path == dir;
          })) {
        reload_ignores_ = true;
      }
    }
  }
  if (!reload_ignores_) return;
  reload_ignores_ = false;
  for (Root& root : roots_) {
    if (!root.directory) continue;
    if (std::string problem = LoadDockerignore(root); !problem.empty()) Problem(problem + " (the old rules stay)");
    Walk(root.path, /*report=*/false);  // watch what the new rules take back
  }
}

// After an overflow the events are lost and the watches may miss new
// directories: start over with a fresh instance and tell the caller to
// rescan each root.
void Watcher::Resync() {
  close(inotify_fd_);
  dirs_.clear();
  wd_by_path_.clear();
  if (std::string problem = OpenInotify(); !problem.empty()) Problem(problem);
  for (const Root& root : roots_) {
    std::string parent = fs::path(root.path).parent_path().generic_string();
    if (parent != root.path) Walk(parent, /*report=*/false);
    if (root.directory && !wd_by_path_.contains(root.path)) Walk(root.path, /*report=*/false);
    Emit(root.path, Kind::kRescan, root.directory);
  }
}

auto Watcher::Next(std::chrono::milliseconds timeout) -> std::vector<Change> {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::max(timeout, std::chrono::milliseconds(0));
  while (!stopped_) {
    auto now = Clock::now();
    auto wake = deadline;
    if (!pending_.empty()) {
      auto ready = std::min(last_event_ + options_.quiet, first_event_ + options_.max_delay);
      if (now >= ready) {
        std::vector<Change> batch;
        batch.reserve(pending_.size());
        for (const auto& [path, p] : pending_) batch.push_back(Change{path, p.kind, p.directory});
        pending_.clear();
        return batch;
      }
      wake = std::min(wake, ready);
    }
    if (now >= deadline) return {};
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(std::clamp<int64_t>(wait, 1, INT_MAX)));
    if (ready < 0 && errno != EINTR) {
      Problem(std::string("poll failed: ") + std::strerror(errno));
      return {};
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) break;
    if (ready > 0 && (fds[1].revents & POLLIN)) ReadEvents();
  }
  stopped_ = true;
  return {};
}

}  // namespace wdsl::watch
