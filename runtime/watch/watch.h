// A file watcher for live reload (issue #8): it reports which files under a
// set of roots changed, in coalesced batches, so `wdsl run --watch` can
// recompile, sync or rebuild once per save instead of once per event.
//
// Linux inotify, no thread of its own: the caller's thread blocks in Next().
// Ignore rules are .dockerignore rules exactly as Docker applies them (the
// matcher of ir/hash.h, which also decides what goes into an image's content
// hash), so a file the watcher ignores can never change an image.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace wdsl::watch {

// Patterns the watcher ignores unless told otherwise: `.git` (at any depth),
// `.wdsl` and `target` (at a root: the simulator's state and wdsl's output)
// and editor temp files (`*.swp`, `*~`, `.#*`, `#*#`, vim's `4913`, `*.tmp`,
// JetBrains' `___jb_tmp___`). A root's `.dockerignore` is read by the Watcher
// itself (see WatchOptions::ignore).
auto DefaultIgnores() -> std::vector<std::string>;

// Whether `relative` (a '/'-separated path below a root) is ignored by
// `patterns`, one .dockerignore line each, as Docker decides it: patterns are
// anchored at the root (`*.log` is `a.log` only; `**/*.log` is any depth),
// `*` and `?` stay within one path element, `**` spans any number, a pattern
// that matches a directory ignores everything below it, the last matching
// pattern wins and a `!` pattern re-includes. As in Docker a trailing `/` is
// cleaned away, so `build/` also matches a file named `build`. A malformed
// pattern (`[a`) makes the answer false; Watcher::Start reports it.
auto Ignored(const std::vector<std::string>& patterns, const std::string& relative) -> bool;

struct WatchOptions {
  // Directories (watched recursively, not following symlinks) or single
  // files. A file root is watched through its parent directory, so an editor
  // that saves by writing a new file and renaming it over the old one is seen.
  std::vector<std::filesystem::path> roots;
  // Patterns relative to each directory root (not applied to file roots). A
  // path is ignored when these say so or the root's own `.dockerignore` does
  // (read at Start, and again whenever it changes); the two lists are
  // separate, so a `!` line in one does not re-include what the other
  // ignores. Clear or edit the defaults when a build really uses `target/`.
  std::vector<std::string> ignore = DefaultIgnores();
  // A burst of events is reported once, after this long without new events.
  std::chrono::milliseconds quiet{100};
  // ... but at the latest this long after the burst's first event, so a file
  // written without pause (a log nobody ignored) cannot hold changes back.
  std::chrono::milliseconds max_delay{2000};
};

struct Change {
  enum class Kind {
    kCreated,   // did not exist before the batch
    kModified,  // content or mode changed, or replaced (deleted and created again, saved by rename)
    kDeleted,   // existed before the batch, does not now
    kRescan,    // events were lost (inotify queue overflow): `path` is a root, and anything below it may have changed
  };
  std::filesystem::path path;  // absolute and lexically normal, under the root as it was given
  Kind kind = Kind::kModified;
  bool directory = false;  // the path is (or was) a directory; its files get entries of their own
};

class Watcher {
 public:
  explicit Watcher(WatchOptions options);
  ~Watcher();  // closes every descriptor; no Next() may be running
  Watcher(const Watcher&) = delete;
  auto operator=(const Watcher&) -> Watcher& = delete;

  // Watches the roots; "" or what went wrong, with the path and how to fix it
  // (a missing root, a malformed pattern, the inotify watch limit). Call once.
  auto Start() -> std::string;

  // Blocks until a batch of changes is ready, `timeout` passes or Stop() is
  // called, and returns the batch sorted by path (empty on timeout or stop).
  // A batch holds one entry per path: created then modified is kCreated,
  // created then deleted is dropped, deleted then created is kModified,
  // otherwise the last kind wins. Changes not yet quiet when `timeout`
  // passes are kept for the next call. Call from one thread at a time.
  auto Next(std::chrono::milliseconds timeout) -> std::vector<Change>;

  // Makes the current and every later Next() return at once; any thread.
  void Stop();

  // Directories that could not be watched after Start (the watch limit, a
  // permission) and a changed .dockerignore that does not parse, as messages
  // like Start's; returned once each. From the thread that calls Next.
  auto TakeProblems() -> std::vector<std::string>;

  // How many directories have an inotify watch (each counts against
  // fs.inotify.max_user_watches): for a status line, and for tests.
  auto WatchedDirectories() const -> size_t { return dirs_.size(); }

 private:
  struct Root {
    std::string path;           // absolute, lexically normal, no trailing '/'
    bool directory = false;
    std::string dockerignore;   // the root's .dockerignore text ("" when none)
  };
  struct Dir {
    std::string path;
    std::map<std::string, bool> entries;  // name -> is a directory (every name in a dir below a root;
                                          // in a root's parent only the root's name)
  };
  struct Pending {
    Change::Kind kind;
    bool directory;
  };

  auto OpenInotify() -> std::string;
  auto AddWatch(const std::string& dir, bool follow) -> int;
  void Walk(const std::string& dir, bool report);
  void DropTree(const std::string& dir);
  void ReadEvents();
  void Resync();
  auto LoadDockerignore(Root& root) -> std::string;
  auto Relevant(const std::string& path) const -> bool;
  auto Descend(const std::string& dir) const -> bool;
  auto InsideDirRoot(const std::string& path) const -> bool;
  auto Anchored(const std::string& path) const -> bool;
  void Emit(const std::string& path, Change::Kind kind, bool directory);
  void Problem(std::string message);

  WatchOptions options_;
  std::string option_rules_;  // options_.ignore as one .dockerignore text
  std::vector<Root> roots_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd that Stop() makes readable
  std::atomic<bool> stopped_{false};
  std::unordered_map<int, Dir> dirs_;     // by watch descriptor
  std::map<std::string, int> wd_by_path_;  // sorted, so a subtree is a range
  std::map<std::string, Pending> pending_;
  std::chrono::steady_clock::time_point first_event_, last_event_;
  bool reload_ignores_ = false;  // a root's .dockerignore changed: read it again after this read of events
  std::vector<std::string> problems_;
};

}  // namespace wdsl::watch
