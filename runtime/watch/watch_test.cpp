#include "runtime/watch/watch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace wdsl::watch {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Kind = Change::Kind;

// "f3": built with append, as `"f" + std::to_string(i)` trips GCC 12's -Wrestrict.
auto Numbered(int i) -> std::string { return std::string("f").append(std::to_string(i)); }

// ---------------------------------------------------------------- Ignored

TEST(Ignored, PatternsAreAnchoredAtTheRoot) {
  EXPECT_TRUE(Ignored({"*.log"}, "a.log"));
  EXPECT_FALSE(Ignored({"*.log"}, "sub/a.log"));
  EXPECT_TRUE(Ignored({"**/*.log"}, "sub/deep/a.log"));
  EXPECT_TRUE(Ignored({"**/*.log"}, "a.log"));
  EXPECT_TRUE(Ignored({"/build"}, "build/out.o"));
  EXPECT_FALSE(Ignored({"build"}, "src/build"));
}

TEST(Ignored, StarAndQuestionMarkStayInOneElement) {
  EXPECT_TRUE(Ignored({"src/*.go"}, "src/main.go"));
  EXPECT_FALSE(Ignored({"src/*.go"}, "src/pkg/main.go"));
  EXPECT_TRUE(Ignored({"file?.txt"}, "file1.txt"));
  EXPECT_FALSE(Ignored({"file?.txt"}, "file10.txt"));
  EXPECT_FALSE(Ignored({"a?b"}, "a/b"));
  EXPECT_TRUE(Ignored({"[ab].c"}, "b.c"));
}

TEST(Ignored, DoubleStarSpansDirectories) {
  EXPECT_TRUE(Ignored({"node_modules/**"}, "node_modules/x/index.js"));
  EXPECT_FALSE(Ignored({"node_modules/**"}, "node_modules"));  // as Docker: the empty directory is sent
  EXPECT_TRUE(Ignored({"web/**/cache"}, "web/cache"));
  EXPECT_TRUE(Ignored({"web/**/cache"}, "web/a/b/cache/x"));
  EXPECT_FALSE(Ignored({"web/**/cache"}, "api/cache"));
}

TEST(Ignored, DirectoryPatternIgnoresEverythingBelow) {
  EXPECT_TRUE(Ignored({"docs"}, "docs/a/b.md"));
  EXPECT_TRUE(Ignored({"docs/"}, "docs/a.md"));  // a trailing '/' is cleaned away, as in Docker
  EXPECT_TRUE(Ignored({"docs/"}, "docs"));
}

TEST(Ignored, LastMatchWinsAndBangReincludes) {
  std::vector<std::string> rules = {"*.log", "!keep.log"};
  EXPECT_TRUE(Ignored(rules, "a.log"));
  EXPECT_FALSE(Ignored(rules, "keep.log"));
  EXPECT_TRUE(Ignored({"!keep.log", "*.log"}, "keep.log"));
  EXPECT_FALSE(Ignored({"*", "!src"}, "src/main.go"));
  EXPECT_TRUE(Ignored({"*", "!src"}, "Makefile"));
  EXPECT_FALSE(Ignored({"docs", "!docs/api/keep.txt"}, "docs/api/keep.txt"));
  EXPECT_TRUE(Ignored({"docs", "!docs/api/keep.txt"}, "docs/api/other.txt"));
}

TEST(Ignored, CommentsBlankAndMalformedLines) {
  EXPECT_FALSE(Ignored({}, "a"));
  EXPECT_FALSE(Ignored({"", "# a.log"}, "# a.log"));
  EXPECT_FALSE(Ignored({"[a"}, "[a"));  // malformed: Start reports it
}

TEST(Ignored, Defaults) {
  auto d = DefaultIgnores();
  for (const char* path : {".git/config", "lib/.git/HEAD", ".wdsl/state/x", "target/main.ir/a.json",
                           "src/.main.w.swp", "src/main.w~", "4913", "sub/4913", ".#main.w", "a/b.tmp",
                           "#main.w#", "main.w___jb_tmp___"}) {
    EXPECT_TRUE(Ignored(d, path)) << path;
  }
  for (const char* path : {"main.w", "src/main.go", "Dockerfile", ".dockerignore", "src/target/x", "a.swift"}) {
    EXPECT_FALSE(Ignored(d, path)) << path;
  }
}

// ---------------------------------------------------------------- Watcher

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    base_ = fs::temp_directory_path() / ("wdsl-watch-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(base_);
    root_ = base_ / "root";
    fs::create_directories(root_);
    root_ = fs::absolute(root_).lexically_normal();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  void Write(const std::string& rel, const std::string& text) {
    fs::path path = root_ / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  auto Start(WatchOptions options) -> std::unique_ptr<Watcher> {
    auto watcher = std::make_unique<Watcher>(std::move(options));
    std::string error = watcher->Start();
    EXPECT_EQ(error, "");
    return watcher;
  }
  auto Options(milliseconds quiet = milliseconds(100)) -> WatchOptions {
    WatchOptions options;
    options.roots = {root_};
    options.quiet = quiet;
    return options;
  }

  // A batch as relative path -> kind ("!" marks a directory).
  auto Summary(const std::vector<Change>& batch) -> std::map<std::string, Kind> {
    std::map<std::string, Kind> out;
    for (const Change& c : batch) {
      EXPECT_TRUE(c.path.is_absolute()) << c.path;
      out[c.path.lexically_relative(root_).generic_string() + (c.directory ? "!" : "")] = c.kind;
    }
    return out;
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(WatcherTest, SingleWriteIsOneModified) {
  Write("main.w", "a");
  auto watcher = Start(Options());
  Write("main.w", "b");
  auto batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"main.w", Kind::kModified}}));
  EXPECT_TRUE(watcher->Next(milliseconds(300)).empty());
}

TEST_F(WatcherTest, BurstOfWritesIsOneBatch) {
  for (int f = 0; f < 5; ++f) Write(Numbered(f), "0");
  auto watcher = Start(Options(milliseconds(500)));
  for (int i = 0; i < 50; ++i) Write(Numbered(i % 5), std::to_string(i));
  auto batch = watcher->Next(milliseconds(10000));
  ASSERT_EQ(batch.size(), 5u);
  for (const Change& c : batch) EXPECT_EQ(c.kind, Kind::kModified) << c.path;
  EXPECT_TRUE(watcher->Next(milliseconds(700)).empty());
}

TEST_F(WatcherTest, IgnoredPathsAreLeftOut) {
  Write("main.js", "1");
  Write("node_modules/lib/index.js", "1");
  Write(".dockerignore", "secret/\n");
  WatchOptions options = Options(milliseconds(300));
  options.ignore.insert(options.ignore.end(), {"node_modules/**", "*.log", "!keep.log"});
  auto watcher = Start(options);
  Write("node_modules/lib/index.js", "2");
  Write("node_modules/new/index.js", "2");
  Write("a.log", "x");
  Write("keep.log", "x");
  Write("secret/key", "x");
  Write(".git/index", "x");
  Write("src/.main.js.swp", "x");
  Write("main.js", "2");
  auto batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"keep.log", Kind::kCreated},
                                                         {"main.js", Kind::kModified},
                                                         {"src!", Kind::kCreated}}));
}

TEST_F(WatcherTest, IgnoredDirectoriesGetNoWatch) {
  Write("src/main.go", "1");
  for (const char* dir : {"node_modules/a/b", "node_modules/c", ".git/objects/00", "target/main.ir"}) {
    Write(std::string(dir) + "/f", "1");
  }
  WatchOptions options = Options();
  options.ignore.push_back("node_modules/**");
  auto watcher = Start(options);
  EXPECT_EQ(watcher->WatchedDirectories(), 3u);  // the root's parent, the root, src
}

TEST_F(WatcherTest, ExceptionsReachIntoIgnoredDirectories) {
  Write("docs/api/keep.txt", "1");
  Write("docs/api/other.txt", "1");
  Write(".dockerignore", "docs\n!docs/api/keep.txt\n");
  auto watcher = Start(Options(milliseconds(300)));
  Write("docs/api/keep.txt", "2");
  Write("docs/api/other.txt", "2");
  Write("docs/new.txt", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))),
            (std::map<std::string, Kind>{{"docs/api/keep.txt", Kind::kModified}}));
}

TEST_F(WatcherTest, ClosesItsDescriptors) {
  auto count = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator());
  };
  Write("a/b/c", "1");
  auto before = count();
  for (int i = 0; i < 3; ++i) {
    Watcher watcher(Options());
    ASSERT_EQ(watcher.Start(), "");
    Write("a/b/c", std::to_string(i));
    EXPECT_EQ(watcher.Next(milliseconds(5000)).size(), 1u);
    watcher.Stop();
  }
  EXPECT_EQ(count(), before);
}

TEST_F(WatcherTest, DockerignoreIsReloadedWhenItChanges) {
  Write("a.txt", "1");
  auto watcher = Start(Options());
  Write(".dockerignore", "gen\n");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))),
            (std::map<std::string, Kind>{{".dockerignore", Kind::kCreated}}));
  Write("gen/out.txt", "x");
  Write("a.txt", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"a.txt", Kind::kModified}}));
}

TEST_F(WatcherTest, NewSubdirectoriesAreWatchedWithWhatTheyHeld) {
  auto watcher = Start(Options(milliseconds(300)));
  // Created faster than the watcher can add watches: found by listing.
  Write("a/b/c/deep.txt", "1");
  Write("a/top.txt", "1");
  auto batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"a!", Kind::kCreated},
                                                         {"a/b!", Kind::kCreated},
                                                         {"a/b/c!", Kind::kCreated},
                                                         {"a/b/c/deep.txt", Kind::kCreated},
                                                         {"a/top.txt", Kind::kCreated}}));
  Write("a/b/c/deep.txt", "2");
  Write("a/b/c/new.txt", "2");
  batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"a/b/c/deep.txt", Kind::kModified},
                                                         {"a/b/c/new.txt", Kind::kCreated}}));
}

TEST_F(WatcherTest, DirectoriesMovedAwayInAndDeleted) {
  Write("old/x.txt", "1");
  Write("old/sub/y.txt", "1");
  Write("doomed/z.txt", "1");
  fs::create_directories(base_ / "outside/in");
  std::ofstream(base_ / "outside/in/w.txt") << "1";
  auto watcher = Start(Options(milliseconds(300)));
  fs::rename(root_ / "old", base_ / "moved-away");
  fs::remove_all(root_ / "doomed");
  fs::rename(base_ / "outside", root_ / "came");
  auto batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"came!", Kind::kCreated},
                                                         {"came/in!", Kind::kCreated},
                                                         {"came/in/w.txt", Kind::kCreated},
                                                         {"doomed!", Kind::kDeleted},
                                                         {"doomed/z.txt", Kind::kDeleted},
                                                         {"old!", Kind::kDeleted},
                                                         {"old/sub!", Kind::kDeleted},
                                                         {"old/sub/y.txt", Kind::kDeleted},
                                                         {"old/x.txt", Kind::kDeleted}}));
  // The moved-in tree is watched; the moved-away one is not.
  std::ofstream(base_ / "moved-away/x.txt") << "2";
  Write("came/in/w.txt", "2");
  batch = watcher->Next(milliseconds(5000));
  EXPECT_EQ(Summary(batch), (std::map<std::string, Kind>{{"came/in/w.txt", Kind::kModified}}));
}

TEST_F(WatcherTest, RenamedDirectoryIsDeletedThenCreated) {
  Write("a/x.txt", "1");
  auto watcher = Start(Options(milliseconds(300)));
  fs::rename(root_ / "a", root_ / "b");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))),
            (std::map<std::string, Kind>{{"a!", Kind::kDeleted},
                                         {"a/x.txt", Kind::kDeleted},
                                         {"b!", Kind::kCreated},
                                         {"b/x.txt", Kind::kCreated}}));
  Write("b/x.txt", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"b/x.txt", Kind::kModified}}));
}

TEST_F(WatcherTest, CreatedThenDeletedCancels) {
  auto watcher = Start(Options(milliseconds(300)));
  Write("scratch", "x");
  fs::remove(root_ / "scratch");
  EXPECT_TRUE(watcher->Next(milliseconds(1000)).empty());
}

// vim with `backupcopy=auto`: write a test file `4913` and delete it, rename
// the file to its backup, write the new file.
void VimSave(const fs::path& file, const std::string& text) {
  fs::path dir = file.parent_path();
  std::ofstream(dir / "4913") << "";
  fs::remove(dir / "4913");
  fs::rename(file, fs::path(file.string() + "~"));
  std::ofstream(file) << text;
  fs::remove(fs::path(file.string() + "~"));
}

TEST_F(WatcherTest, VimSaveIsOneModified) {
  Write("main.w", "1");
  auto watcher = Start(Options(milliseconds(300)));
  VimSave(root_ / "main.w", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"main.w", Kind::kModified}}));
}

TEST_F(WatcherTest, FileRootReplacedByRenameIsModified) {
  Write("main.w", "1");
  Write("other.w", "1");
  WatchOptions options = Options(milliseconds(300));
  options.roots = {root_ / "main.w"};
  auto watcher = Start(options);
  Write("main.w.tmp", "2");
  fs::rename(root_ / "main.w.tmp", root_ / "main.w");
  Write("other.w", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"main.w", Kind::kModified}}));
  VimSave(root_ / "main.w", "3");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"main.w", Kind::kModified}}));
  fs::remove(root_ / "main.w");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"main.w", Kind::kDeleted}}));
  Write("main.w", "4");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"main.w", Kind::kCreated}}));
}

TEST_F(WatcherTest, DirectoryRootDeletedAndCreatedAgain) {
  Write("x.txt", "1");
  auto watcher = Start(Options(milliseconds(300)));
  fs::remove_all(root_);
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))),
            (std::map<std::string, Kind>{{".!", Kind::kDeleted}, {"x.txt", Kind::kDeleted}}));
  Write("sub/y.txt", "1");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))),
            (std::map<std::string, Kind>{
                {".!", Kind::kCreated}, {"sub!", Kind::kCreated}, {"sub/y.txt", Kind::kCreated}}));
  Write("sub/y.txt", "2");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"sub/y.txt", Kind::kModified}}));
}

TEST_F(WatcherTest, StopWakesABlockedNext) {
  auto watcher = Start(Options());
  Clock::time_point returned;
  std::vector<Change> batch = {Change{}};
  std::thread waiter([&] {
    batch = watcher->Next(milliseconds(60000));
    returned = Clock::now();
  });
  std::this_thread::sleep_for(milliseconds(200));
  auto stopped = Clock::now();
  watcher->Stop();
  waiter.join();
  EXPECT_TRUE(batch.empty());
  EXPECT_LT(returned - stopped, milliseconds(2000));
  // Every later call returns at once, even with changes pending.
  Write("a", "1");
  auto before = Clock::now();
  EXPECT_TRUE(watcher->Next(milliseconds(60000)).empty());
  EXPECT_LT(Clock::now() - before, milliseconds(2000));
}

TEST_F(WatcherTest, TimeoutKeepsChangesForTheNextCall) {
  auto watcher = Start(Options(milliseconds(300)));
  auto before = Clock::now();
  EXPECT_TRUE(watcher->Next(milliseconds(100)).empty());
  EXPECT_GE(Clock::now() - before, milliseconds(100));
  Write("a", "1");
  EXPECT_TRUE(watcher->Next(milliseconds(0)).empty());  // not quiet yet
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"a", Kind::kCreated}}));
}

TEST_F(WatcherTest, QuietPeriodIsRespected) {
  constexpr milliseconds kQuiet(300);
  Write("a", "0");
  auto watcher = Start(Options(kQuiet));
  std::vector<Clock::time_point> writes;
  std::thread writer([&] {
    for (int i = 1; i <= 5; ++i) {
      Write("a", std::to_string(i));
      writes.push_back(Clock::now());
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  auto batch = watcher->Next(milliseconds(10000));
  auto delivered = Clock::now();
  writer.join();
  ASSERT_EQ(Summary(batch), (std::map<std::string, Kind>{{"a", Kind::kModified}}));
  // Each write happened before its timestamp, so the last event before the
  // delivery is no later than the last such timestamp.
  Clock::time_point last{};
  for (auto t : writes) {
    if (t < delivered) last = t;
  }
  ASSERT_NE(last, Clock::time_point{});
  EXPECT_GE(delivered - last, kQuiet);
  EXPECT_LT(delivered - last, milliseconds(2000));
}

TEST_F(WatcherTest, MaxDelayBoundsAnEndlessBurst) {
  WatchOptions options = Options(milliseconds(300));
  options.max_delay = milliseconds(1000);
  auto watcher = Start(options);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; !done && i < 400; ++i) {
      Write("log", std::to_string(i));
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  auto before = Clock::now();
  auto batch = watcher->Next(milliseconds(8000));
  auto took = Clock::now() - before;
  done = true;
  writer.join();
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_LT(took, milliseconds(4000));
}

TEST_F(WatcherTest, OverflowAsksForARescan) {
  std::ifstream limit("/proc/sys/fs/inotify/max_queued_events");
  int max_queued = 0;
  limit >> max_queued;
  if (max_queued <= 0 || max_queued > 100000) GTEST_SKIP() << "max_queued_events is " << max_queued;
  auto watcher = Start(Options(milliseconds(100)));
  // Each new file queues IN_CREATE and IN_CLOSE_WRITE while nobody reads.
  for (int i = 0; i < max_queued / 2 + 500; ++i) {
    std::FILE* f = std::fopen((root_ / Numbered(i)).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  std::map<std::string, Kind> seen;
  for (int round = 0; round < 10 && !seen.contains(".!"); ++round) {
    for (const auto& [path, kind] : Summary(watcher->Next(milliseconds(3000)))) seen[path] = kind;
  }
  ASSERT_TRUE(seen.contains(".!"));
  EXPECT_EQ(seen[".!"], Kind::kRescan);
  // Watching goes on.
  Write("after", "1");
  EXPECT_EQ(Summary(watcher->Next(milliseconds(5000))), (std::map<std::string, Kind>{{"after", Kind::kCreated}}));
}

TEST_F(WatcherTest, StartReportsProblems) {
  WatchOptions missing = Options();
  missing.roots = {root_ / "nope.w"};
  Watcher a(missing);
  EXPECT_NE(a.Start().find("nope.w"), std::string::npos);

  WatchOptions bad = Options();
  bad.ignore = {"[a"};
  Watcher b(bad);
  EXPECT_NE(b.Start().find("malformed ignore pattern `[a`"), std::string::npos);

  Write(".dockerignore", "ok\n[z\n");
  Watcher c(Options());
  std::string error = c.Start();
  EXPECT_NE(error.find(".dockerignore` line 2"), std::string::npos) << error;
}

// Not a pass/fail figure: how long after a write Next returns with the
// default quiet period (printed; bounded loosely for a loaded machine).
TEST_F(WatcherTest, LatencyFromWriteToBatch) {
  Write("a", "0");
  auto watcher = Start(Options(milliseconds(100)));
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    auto before = Clock::now();
    Write("a", std::to_string(i));
    auto batch = watcher->Next(milliseconds(5000));
    ASSERT_EQ(batch.size(), 1u);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("write -> batch with quiet=100ms: median %.1f ms, min %.1f, max %.1f\n", ms[10], ms[0], ms.back());
  EXPECT_GE(ms[0], 100.0);
  EXPECT_LT(ms[10], 1000.0);
}

}  // namespace
}  // namespace wdsl::watch
