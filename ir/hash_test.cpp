#include "ir/hash.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace wdsl::ir {
namespace {

namespace fs = std::filesystem;

// A scratch directory per test, holding any number of build contexts.
class HashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("wdsl-hash-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    // A test may leave an unreadable file behind; make it removable.
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_symlink()) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(root_, ec);
  }

  auto Dir(const std::string& name) -> std::string {
    fs::create_directories(root_ / name);
    return (root_ / name).string();
  }
  static void Write(const std::string& dir, const std::string& rel, const std::string& text) {
    fs::path path = fs::path(dir) / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  // A small web service context: a Dockerfile, sources in a subfolder.
  static void WebContext(const std::string& dir) {
    Write(dir, "Dockerfile", "FROM scratch\nCOPY . /app\n");
    Write(dir, "main.go", "package main\n");
    Write(dir, "web/index.html", "<h1>hi</h1>\n");
    Write(dir, "web/css/site.css", "body{}\n");
  }

  static auto Hash(const BuildSpec& spec) -> ContentHash {
    auto result = HashBuildContext(spec);
    if (auto* error = std::get_if<std::string>(&result)) {
      ADD_FAILURE() << *error;
      return {};
    }
    return std::get<ContentHash>(result);
  }
  static auto Hash(const std::string& dir) -> std::string {
    BuildSpec spec;
    spec.context_dir = dir;
    return Hash(spec).hex;
  }
  static auto Error(const BuildSpec& spec) -> std::string {
    auto result = HashBuildContext(spec);
    if (auto* error = std::get_if<std::string>(&result)) return *error;
    ADD_FAILURE() << "expected an error, got hash " << std::get<ContentHash>(result).hex;
    return {};
  }

  fs::path root_;
};

TEST_F(HashTest, FormatAndCounts) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  BuildSpec spec;
  spec.context_dir = dir;
  ContentHash hash = Hash(spec);
  EXPECT_EQ(hash.hex.size(), 32u);
  EXPECT_EQ(hash.hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash.files, 4u);  // the Dockerfile counts once though it is also in the context
  EXPECT_EQ(hash.bytes, 25u + 13u + 12u + 7u);
  EXPECT_EQ(Hash(dir), hash.hex);  // deterministic
}

TEST_F(HashTest, SameContentCreatedInDifferentOrder) {
  std::string a = Dir("a");
  std::string b = Dir("b");
  Write(a, "Dockerfile", "FROM scratch\n");
  for (int i = 0; i < 40; ++i) Write(a, "src/f" + std::to_string(i), std::to_string(i));
  Write(a, "z/deep/x", "x");
  Write(a, "a.txt", "a");
  Write(b, "a.txt", "a");
  Write(b, "z/deep/x", "x");
  for (int i = 39; i >= 0; --i) Write(b, "src/f" + std::to_string(i), std::to_string(i));
  Write(b, "Dockerfile", "FROM scratch\n");
  EXPECT_EQ(Hash(a), Hash(b));
}

TEST_F(HashTest, ChangedByteChangesHash) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  std::string before = Hash(dir);
  Write(dir, "web/css/site.css", "body{ }");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, RenameChangesHash) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  std::string before = Hash(dir);
  fs::rename(fs::path(dir) / "main.go", fs::path(dir) / "server.go");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, MovingBytesBetweenFilesChangesHash) {
  std::string a = Dir("a");
  std::string b = Dir("b");
  Write(a, "Dockerfile", "FROM scratch\n");
  Write(b, "Dockerfile", "FROM scratch\n");
  Write(a, "x", "ab");
  Write(a, "y", "c");
  Write(b, "x", "a");
  Write(b, "y", "bc");
  EXPECT_NE(Hash(a), Hash(b));
}

TEST_F(HashTest, ExecutableBitChangesHash) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  std::string before = Hash(dir);
  fs::permissions(fs::path(dir) / "main.go", fs::perms::owner_exec, fs::perm_options::add);
  EXPECT_NE(Hash(dir), before);
  fs::permissions(fs::path(dir) / "main.go", fs::perms::owner_exec, fs::perm_options::remove);
  EXPECT_EQ(Hash(dir), before);
  // Group write depends on the umask of the machine that checked out the files.
  fs::permissions(fs::path(dir) / "main.go", fs::perms::group_write, fs::perm_options::add);
  EXPECT_EQ(Hash(dir), before);
}

TEST_F(HashTest, MtimeDoesNotMatter) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  std::string before = Hash(dir);
  fs::last_write_time(fs::path(dir) / "main.go", fs::file_time_type::clock::now() - std::chrono::hours(48));
  fs::last_write_time(fs::path(dir) / "web", fs::file_time_type::clock::now() - std::chrono::hours(3));
  EXPECT_EQ(Hash(dir), before);
}

TEST_F(HashTest, EmptyDirectoryCounts) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  std::string before = Hash(dir);
  fs::create_directories(fs::path(dir) / "web/empty");
  EXPECT_NE(Hash(dir), before);  // `COPY . /app` would create it
}

TEST_F(HashTest, IgnoredFileDoesNotMatter) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "# local notes\n*.log\n");
  Write(dir, "debug.log", "one");
  std::string before = Hash(dir);
  Write(dir, "debug.log", "two");
  Write(dir, "trace.log", "new");
  EXPECT_EQ(Hash(dir), before);
  Write(dir, "web/trace.log", "not at the root: `*` does not cross '/'");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, ExceptionReincludes) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "*.md\n!README.md\n");
  Write(dir, "README.md", "readme");
  Write(dir, "NOTES.md", "notes");
  std::string before = Hash(dir);
  Write(dir, "NOTES.md", "more notes");
  EXPECT_EQ(Hash(dir), before);
  Write(dir, "README.md", "new readme");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, ExceptionInsideExcludedDirectory) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "docs\n!docs/api/keep.txt\n");
  Write(dir, "docs/api/keep.txt", "keep");
  Write(dir, "docs/api/other.txt", "other");
  std::string before = Hash(dir);
  Write(dir, "docs/api/other.txt", "changed");
  Write(dir, "docs/new.txt", "new");
  EXPECT_EQ(Hash(dir), before);
  Write(dir, "docs/api/keep.txt", "changed");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, WildcardExceptionInsideExcludedDirectory) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "vendor\n!vendor/**/*.go\n");
  Write(dir, "vendor/a/b/lib.go", "package b");
  Write(dir, "vendor/a/b/README", "readme");
  std::string before = Hash(dir);
  Write(dir, "vendor/a/b/README", "changed");
  EXPECT_EQ(Hash(dir), before);
  Write(dir, "vendor/a/b/lib.go", "package b // changed");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, DoubleStarPatterns) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "**/*.tmp\n**/node_modules\nweb/**/cache\n");
  Write(dir, "a.tmp", "1");
  Write(dir, "web/css/b.tmp", "1");
  Write(dir, "node_modules/x/index.js", "1");
  Write(dir, "web/node_modules/y.js", "1");
  Write(dir, "web/cache/c", "1");
  Write(dir, "web/css/cache/d", "1");
  std::string before = Hash(dir);
  for (const char* rel : {"a.tmp", "web/css/b.tmp", "node_modules/x/index.js", "web/node_modules/y.js", "web/cache/c",
                          "web/css/cache/d", "web/css/more.tmp"}) {
    Write(dir, rel, "2");
    EXPECT_EQ(Hash(dir), before) << rel;
  }
  Write(dir, "cache/e", "not under web/");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, DirectoryExclusion) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "/build/\n./tmp\n");
  Write(dir, "build/out/app", "binary");
  std::string before = Hash(dir);
  Write(dir, "build/out/app", "other binary");
  Write(dir, "build/more/deep/file", "x");
  Write(dir, "tmp/x", "x");
  EXPECT_EQ(Hash(dir), before);
  Write(dir, "web/build/x", "a pattern is relative to the context root");
  EXPECT_NE(Hash(dir), before);
}

TEST_F(HashTest, DockerfileAndIgnoreFileCountEvenWhenIgnored) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "Dockerfile\n.dockerignore\n");
  std::string before = Hash(dir);
  Write(dir, "Dockerfile", "FROM scratch\nCOPY web /web\n");
  std::string after_dockerfile = Hash(dir);
  EXPECT_NE(after_dockerfile, before);
  Write(dir, ".dockerignore", "Dockerfile\n.dockerignore\n# a comment\n");
  EXPECT_NE(Hash(dir), after_dockerfile);
}

TEST_F(HashTest, DockerfileSpecificIgnoreFileWins) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, "docker/web.Dockerfile", "FROM scratch\n");
  Write(dir, "docker/web.Dockerfile.dockerignore", "web\n");
  Write(dir, ".dockerignore", "main.go\n");
  BuildSpec spec;
  spec.context_dir = dir;
  spec.dockerfile = "docker/web.Dockerfile";
  std::string before = Hash(spec).hex;
  Write(dir, "web/index.html", "ignored by the Dockerfile's own ignore file");
  EXPECT_EQ(Hash(spec).hex, before);
  Write(dir, "main.go", "package main // the root .dockerignore does not apply");
  EXPECT_NE(Hash(spec).hex, before);
}

TEST_F(HashTest, DockerfileChoiceMatters) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, "Dockerfile.dev", "FROM scratch\nCOPY . /app\n");  // same bytes as Dockerfile
  BuildSpec spec;
  spec.context_dir = dir;
  std::string prod = Hash(spec).hex;
  spec.dockerfile = "Dockerfile.dev";
  EXPECT_NE(Hash(spec).hex, prod);
}

TEST_F(HashTest, SourcesGlobsRestrict) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, "README.md", "readme");
  Write(dir, "cmd/tool/main.go", "package main");
  BuildSpec spec;
  spec.context_dir = dir;
  spec.sources = {"web/**", "*.go"};
  ContentHash before = Hash(spec);
  EXPECT_EQ(before.files, 4u);  // Dockerfile, main.go, web/index.html, web/css/site.css
  Write(dir, "README.md", "not a source");
  Write(dir, "cmd/tool/main.go", "package main // `*.go` does not cross '/'");
  EXPECT_EQ(Hash(spec).hex, before.hex);
  Write(dir, "web/css/site.css", "body{color:red}");
  EXPECT_NE(Hash(spec).hex, before.hex);
  // The Dockerfile always counts.
  std::string with_css = Hash(spec).hex;
  Write(dir, "Dockerfile", "FROM scratch\n");
  EXPECT_NE(Hash(spec).hex, with_css);
}

TEST_F(HashTest, SourcesStillHonourDockerignore) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "web/css\n");
  BuildSpec spec;
  spec.context_dir = dir;
  spec.sources = {"./web", "!web/index.html"};
  std::string before = Hash(spec).hex;
  Write(dir, "web/css/site.css", "ignored by .dockerignore");
  Write(dir, "web/index.html", "taken out by a `!` glob");
  EXPECT_EQ(Hash(spec).hex, before);
  Write(dir, "web/app.js", "new source");
  EXPECT_NE(Hash(spec).hex, before);
}

TEST_F(HashTest, BuildArgsMatter) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  BuildSpec spec;
  spec.context_dir = dir;
  spec.build_args = {{"VERSION", "1"}};
  std::string v1 = Hash(spec).hex;
  spec.build_args = {{"VERSION", "2"}};
  std::string v2 = Hash(spec).hex;
  EXPECT_NE(v1, v2);
  spec.build_args = {{"VERSION", "2"}, {"MODE", "dev"}};
  EXPECT_NE(Hash(spec).hex, v2);
  spec.build_args = {{"VERSIO", "N2"}};  // fields are delimited: no shifting bytes between key and value
  EXPECT_NE(Hash(spec).hex, v2);
  spec.build_args.clear();
  EXPECT_NE(Hash(spec).hex, v1);
}

TEST_F(HashTest, SymlinksHashTheirTargetAndAreNotFollowed) {
  std::string outside = Dir("outside");
  Write(outside, "secret.txt", "one");
  Write(outside, "dir/file", "one");
  std::string dir = Dir("ctx");
  WebContext(dir);
  fs::create_symlink(fs::path(outside) / "secret.txt", fs::path(dir) / "link");
  fs::create_directory_symlink(fs::path(outside) / "dir", fs::path(dir) / "dirlink");
  fs::create_symlink("../../", fs::path(dir) / "web/up");  // a loop if followed
  BuildSpec spec;
  spec.context_dir = dir;
  ContentHash before = Hash(spec);
  EXPECT_EQ(before.files, 7u);  // 4 files + 3 links
  Write(outside, "secret.txt", "two");
  Write(outside, "dir/file", "two");
  Write(outside, "dir/new", "two");
  EXPECT_EQ(Hash(spec).hex, before.hex);
  fs::remove(fs::path(dir) / "link");
  fs::create_symlink(fs::path(outside) / "dir/file", fs::path(dir) / "link");
  EXPECT_NE(Hash(spec).hex, before.hex);
}

TEST_F(HashTest, MissingDockerfileIsAnError) {
  std::string dir = Dir("ctx");
  Write(dir, "main.go", "package main\n");
  BuildSpec spec;
  spec.context_dir = dir;
  EXPECT_EQ(Error(spec), "no Dockerfile at `" + dir + "/Dockerfile`");
  spec.dockerfile = "docker/api.Dockerfile";
  EXPECT_EQ(Error(spec), "no Dockerfile at `" + dir + "/docker/api.Dockerfile`");
}

TEST_F(HashTest, MissingContextIsAnError) {
  BuildSpec spec;
  spec.context_dir = (root_ / "nowhere").string();
  EXPECT_EQ(Error(spec), "build context `" + spec.context_dir + "` does not exist");
  Write(root_.string(), "file", "x");
  spec.context_dir = (root_ / "file").string();
  EXPECT_EQ(Error(spec), "build context `" + spec.context_dir + "` is not a directory");
}

TEST_F(HashTest, UnreadableFileIsAnError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  std::string dir = Dir("ctx");
  WebContext(dir);
  fs::permissions(fs::path(dir) / "web/index.html", fs::perms::none);
  BuildSpec spec;
  spec.context_dir = dir;
  EXPECT_EQ(Error(spec), "cannot read `" + dir + "/web/index.html`: Permission denied");
}

TEST_F(HashTest, UnreadableIgnoredFileIsFine) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "private\n");
  Write(dir, "private/key", "secret");
  fs::permissions(fs::path(dir) / "private", fs::perms::none);
  BuildSpec spec;
  spec.context_dir = dir;
  EXPECT_EQ(Hash(spec).files, 5u);  // never opened: the directory is pruned
}

TEST_F(HashTest, MalformedIgnorePatternIsAnError) {
  std::string dir = Dir("ctx");
  WebContext(dir);
  Write(dir, ".dockerignore", "*.log\n\n[a-\n");
  BuildSpec spec;
  spec.context_dir = dir;
  EXPECT_EQ(Error(spec), "`.dockerignore` line 3: malformed character range in `[a-`");
  spec.sources = {"web/["};
  Write(dir, ".dockerignore", "");
  EXPECT_EQ(Error(spec), "`sources` glob `web/[`: unterminated `[`");
}

// ------------------------------------------------ .dockerignore semantics

auto Excludes(std::string_view rules, std::string_view path) -> bool {
  auto result = DockerignoreExcludes(rules, path);
  if (auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << *error;
    return false;
  }
  return std::get<bool>(result);
}

TEST(Dockerignore, DockerDocumentationExamples) {
  // https://docs.docker.com/build/concepts/context/#dockerignore-files
  std::string rules = "# comment\n*/temp*\n*/*/temp*\ntemp?\n";
  EXPECT_TRUE(Excludes(rules, "somedir/temporary.txt"));
  EXPECT_TRUE(Excludes(rules, "somedir/temp"));
  EXPECT_TRUE(Excludes(rules, "somedir/subdir/temporary.txt"));
  EXPECT_TRUE(Excludes(rules, "tempa"));
  EXPECT_FALSE(Excludes(rules, "temp"));
  EXPECT_FALSE(Excludes(rules, "temporary.txt"));
  EXPECT_FALSE(Excludes(rules, "# comment"));
  EXPECT_TRUE(Excludes("**/*.go", "main.go"));
  EXPECT_TRUE(Excludes("**/*.go", "a/b/c.go"));
  EXPECT_FALSE(Excludes("*.md\n!README.md\n", "README.md"));
  EXPECT_TRUE(Excludes("*.md\n!README*.md\nREADME-secret.md\n", "README-secret.md"));
  EXPECT_FALSE(Excludes("*.md\n!README*.md\nREADME-secret.md\n", "README-other.md"));
  EXPECT_FALSE(Excludes("*.md\nREADME-secret.md\n!README*.md\n", "README-secret.md"));
}

TEST(Dockerignore, Normalization) {
  EXPECT_TRUE(Excludes("/foo/bar", "foo/bar"));
  EXPECT_TRUE(Excludes("./foo", "foo"));
  EXPECT_TRUE(Excludes("foo/", "foo"));
  EXPECT_TRUE(Excludes("foo//bar/../baz", "foo/baz"));
  EXPECT_TRUE(Excludes("  spaced  \r\n", "spaced"));
  EXPECT_TRUE(Excludes(" #not-a-comment", "#not-a-comment"));
  EXPECT_TRUE(Excludes("\xEF\xBB\xBF" "bom", "bom"));
  EXPECT_FALSE(Excludes("../outside", "outside"));
  EXPECT_FALSE(Excludes("x\n! /x", "y"));
  EXPECT_FALSE(Excludes("x\n! /x", "x"));
}

TEST(Dockerignore, DirectoriesCoverTheirContents) {
  EXPECT_TRUE(Excludes("build", "build/a/b/c"));
  EXPECT_FALSE(Excludes("build", "web/build"));
  EXPECT_TRUE(Excludes("*/build", "web/build/x"));
  EXPECT_TRUE(Excludes("**/build", "web/x/build/y"));
  EXPECT_TRUE(Excludes("dir/**", "dir/a"));
  EXPECT_FALSE(Excludes("dir/**", "dir"));
  EXPECT_FALSE(Excludes("*\n!src", "src/a/b.go"));
  EXPECT_TRUE(Excludes("*\n!src", "other/a"));
  EXPECT_FALSE(Excludes("docs\n!docs/keep", "docs/keep/a"));
  EXPECT_TRUE(Excludes("docs\n!docs/keep", "docs/other"));
}

TEST(Dockerignore, Wildcards) {
  EXPECT_TRUE(Excludes("a?c", "abc"));
  EXPECT_FALSE(Excludes("a?c", "a/c"));
  EXPECT_TRUE(Excludes("a?c", "a\xC3\xA9" "c"));  // `?` is one character, not one byte
  EXPECT_TRUE(Excludes("[a-c]x", "bx"));
  EXPECT_FALSE(Excludes("[a-c]x", "dx"));
  EXPECT_TRUE(Excludes("[^a-c]x", "dx"));
  EXPECT_TRUE(Excludes("[\\]]x", "]x"));
  EXPECT_TRUE(Excludes("a\\*b", "a*b"));
  EXPECT_FALSE(Excludes("a\\*b", "axb"));
  EXPECT_TRUE(Excludes("file.txt", "file.txt"));
  EXPECT_FALSE(Excludes("file.txt", "fileXtxt"));  // '.' is not a regular-expression dot
  EXPECT_TRUE(Excludes("a/**/b", "a/b"));
  EXPECT_TRUE(Excludes("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(Excludes("a/**/b", "a/xb"));
  EXPECT_TRUE(Excludes("**", "anything/at/all"));
  EXPECT_TRUE(Excludes("a**", "abc/d"));
  EXPECT_TRUE(Excludes("a*b*c", "axxbyybc"));
  EXPECT_FALSE(Excludes("a*b*c", "axxbyybcd"));
  EXPECT_FALSE(Excludes("a*c", "ab/c"));
  // Docker's suffix shortcut: `**<literal>` compares the end of the path.
  EXPECT_TRUE(Excludes("**.log", "a/b.log"));
  EXPECT_TRUE(Excludes("**.log", "b.log"));
  EXPECT_FALSE(Excludes("**/*.log", "a/b.logx"));
}

TEST(Dockerignore, MalformedPatterns) {
  for (const char* rules : {"!", "[", "[]", "[a-", "[z-a]", "[-a]", "abc\\"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(DockerignoreExcludes(rules, "x"))) << rules;
  }
}

}  // namespace
}  // namespace wdsl::ir
