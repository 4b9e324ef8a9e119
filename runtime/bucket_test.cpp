// cloud.Bucket and cloud.Counter in the simulator: the inflight API, state
// that survives a restart, and keys that cannot leave the bucket.
#include <gtest/gtest.h>

#include "runtime/live_resource.h"
#include "runtime/state.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using testing::CompileSource;
using testing::TempDir;

auto Options(const fs::path& dir, LogSink* log) -> SimOptions {
  SimOptions options;
  options.state_dir = dir / ".wdsl" / "state";
  options.secrets_file = dir / ".wdsl" / "secrets.json";
  options.log = log;
  return options;
}

// Runs the test block named `name` and returns its error, or "" if it passed.
auto RunTest(Simulator& sim, const std::string& name) -> std::string {
  for (const ir::TestCase& test : sim.GetProgram().tests) {
    if (test.name != name) continue;
    try {
      sim.RunClosure(test.closure, {}, test.path);
      return "";
    } catch (const ir::ThrownError& error) {
      std::string text = error.what();
      if (!error.trace.empty()) text += " at line " + std::to_string(error.trace.front().pos.line);
      return text;
    }
  }
  return "no test " + name;
}

constexpr const char* kBucketProgram = R"(
bring cloud;
let b = new cloud.Bucket() as "files";
b.addObject("seed.txt", "seeded");
test "api" {
  assert(b.get("seed.txt") == "seeded");
  b.put("a.txt", "hello");
  b.put("dir/b.txt", "nested");
  assert(b.get("a.txt") == "hello");
  assert(b.get("a.txt", startByte: 1, endByte: 3) == "ell");
  assert(b.exists("dir/b.txt"));
  assert(!b.exists("nope"));
  assert(b.tryGet("nope") == nil);
  assert(b.list().length == 3);
  assert(b.list("dir/").at(0) == "dir/b.txt");
  b.putJson("j.json", { n: 1, s: "x" });
  assert(b.getJson("j.json").get("n").asNum() == 1);
  assert(b.tryGetJson("nope") == nil);
  b.copy("a.txt", "c.txt");
  b.rename("c.txt", "d.txt");
  assert(!b.exists("c.txt"));
  assert(b.get("d.txt") == "hello");
  assert(b.tryDelete("d.txt"));
  assert(!b.tryDelete("d.txt"));
  b.delete("dir/b.txt");
  assert(!b.exists("dir/b.txt"));
  let var failed = false;
  try { b.get("missing"); } catch e { failed = e.contains("key=missing"); }
  assert(failed);
}
test "persisted" {
  assert(b.get("a.txt") == "hello");
}
)";

TEST(Bucket, InflightApiAndRestart) {
  TempDir dir("bucket");
  ir::Program program = CompileSource(dir.Path(), kBucketProgram);
  BufferLogSink log;
  {
    Simulator sim(program, Options(dir.Path(), &log));
    ASSERT_EQ(sim.Start(), "");
    EXPECT_EQ(RunTest(sim, "api"), "");
  }
  EXPECT_TRUE(fs::is_regular_file(dir.Path() / ".wdsl/state/files/objects/a.txt"));
  EXPECT_FALSE(fs::exists(dir.Path() / ".wdsl/state/files/objects/dir")) << "empty prefix directories are removed";
  Simulator again(program, Options(dir.Path(), &log));
  ASSERT_EQ(again.Start(), "");
  EXPECT_EQ(RunTest(again, "persisted"), "");
}

TEST(Bucket, KeysCannotEscape) {
  TempDir dir("traversal");
  ir::Program program = CompileSource(dir.Path(), kBucketProgram);
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  LiveResource* bucket = sim.Find("root/Default/files");
  ASSERT_NE(bucket, nullptr);
  auto interp = sim.NewInterpreter();
  const std::string bad_keys[] = {"../escaped", "../../escaped", "/tmp/escaped", "a/../../escaped", "a/./b",
                                  "a//b",       "trailing/",     "",             std::string("nul\0x", 5),
                                  "..",         ".",             "line\nbreak"};
  for (const std::string& key : bad_keys) {
    for (const char* method : {"put", "get", "exists", "delete"}) {
      std::vector<ir::Value> args = {ir::Value::Str(key), ir::Value::Str("x")};
      try {
        bucket->Call(*interp, method, args);
        ADD_FAILURE() << method << " accepted key " << QuoteKey(key);
      } catch (const ir::ThrownError& error) {
        std::string message = error.what();
        EXPECT_NE(message.find("invalid key " + QuoteKey(key)), std::string::npos) << message;
        EXPECT_NE(message.find("root/Default/files"), std::string::npos) << message;
      }
    }
  }
  EXPECT_FALSE(fs::exists(dir.Path() / ".wdsl/state/files/escaped"));
  EXPECT_FALSE(fs::exists(dir.Path() / ".wdsl/state/escaped"));
  EXPECT_FALSE(fs::exists(dir.Path() / ".wdsl/escaped"));
  EXPECT_FALSE(fs::exists("/tmp/escaped"));
  // A key may not be both an object and a prefix.
  std::vector<ir::Value> args = {ir::Value::Str("x"), ir::Value::Str("1")};
  bucket->Call(*interp, "put", args);
  args = {ir::Value::Str("x/y"), ir::Value::Str("2")};
  EXPECT_THROW(bucket->Call(*interp, "put", args), ir::ThrownError);
}

TEST(Bucket, KeyRules) {
  EXPECT_EQ(BucketKeyProblem("reports/2024.json"), "");
  EXPECT_EQ(BucketKeyProblem("a..b/.hidden"), "");
  EXPECT_NE(BucketKeyProblem("a/.."), "");
  EXPECT_NE(BucketKeyProblem(std::string(256, 'a')), "");
  EXPECT_EQ(QuoteKey(std::string("a\0b", 3)), "\"a\\x00b\"");
  // Resource paths map to directories below the state root, never above it.
  EXPECT_EQ(ResourceStateDir("/s", "root/Default/api/OnRequestHandler0"), fs::path("/s/api/OnRequestHandler0"));
  EXPECT_EQ(ResourceStateDir("/s", "root/Default/../x"), fs::path("/s/_../x"));
}

TEST(Counter, ValuesPersist) {
  TempDir dir("counter");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let c = new cloud.Counter(initial: 5) as "c";
test "first" {
  assert(c.inc() == 5);
  assert(c.inc(10) == 6);
  assert(c.dec() == 16);
  assert(c.peek() == 15);
  assert(c.inc(1, "k") == 5);
  c.set(100, "other");
  assert(c.peek("other") == 100);
  assert(c.initial == 5);
}
test "second" {
  assert(c.peek() == 15);
  assert(c.peek("k") == 6);
}
)");
  BufferLogSink log;
  {
    Simulator sim(program, Options(dir.Path(), &log));
    ASSERT_EQ(sim.Start(), "");
    EXPECT_EQ(RunTest(sim, "first"), "");
  }
  Simulator again(program, Options(dir.Path(), &log));
  ASSERT_EQ(again.Start(), "");
  EXPECT_EQ(RunTest(again, "second"), "");
  // A damaged state file is reported, not ignored.
  again.Stop();
  std::ofstream(dir.Path() / ".wdsl/state/c/values.json") << "{not json";
  Simulator damaged(program, Options(dir.Path(), &log));
  std::string error = damaged.Start();
  EXPECT_NE(error.find("values.json"), std::string::npos) << error;
}

TEST(Secret, FromFileOrEnvironmentNeverInErrors) {
  TempDir dir("secret");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let s = new cloud.Secret(name: "api-token") as "s";
let other = new cloud.Secret() as "other";
test "file" { assert(s.value() == "s3cret"); }
test "json" { s.valueJson(); }
test "env" { assert(other.value() == "from-env"); }
)");
  fs::create_directories(dir.Path() / ".wdsl");
  std::ofstream(dir.Path() / ".wdsl/secrets.json") << R"({"api-token": "s3cret"})";
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  EXPECT_EQ(RunTest(sim, "file"), "");
  std::string not_json = RunTest(sim, "json");
  EXPECT_NE(not_json.find("secret `api-token` is not valid JSON"), std::string::npos) << not_json;
  EXPECT_EQ(not_json.find("s3cret"), std::string::npos) << not_json;
  std::string missing = RunTest(sim, "env");
  EXPECT_NE(missing.find("WDSL_SECRET_OTHER"), std::string::npos) << missing;
  EXPECT_NE(missing.find("secrets.json"), std::string::npos) << missing;
  EXPECT_EQ(missing.find("s3cret"), std::string::npos) << missing;
  setenv("WDSL_SECRET_OTHER", "from-env", 1);
  EXPECT_EQ(RunTest(sim, "env"), "");
  unsetenv("WDSL_SECRET_OTHER");
  for (const auto& [source, text] : log.Lines()) EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
}

}  // namespace
}  // namespace wdsl::runtime
