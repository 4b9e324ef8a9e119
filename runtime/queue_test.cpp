// cloud.Queue in the simulator: consumers on their own threads, retry after
// the visibility timeout, the dead-letter queue, and the on-disk journal.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/live_resource.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using testing::CompileSource;
using testing::Options;
using testing::TempDir;
using testing::WaitFor;


auto Call(Simulator& sim, const std::string& path, const std::string& method, std::vector<ir::Value> args = {})
    -> ir::Value {
  auto interp = sim.NewInterpreter();
  LiveResource* live = sim.Find(path);
  if (live == nullptr) throw std::runtime_error("no resource " + path);
  return live->Call(*interp, method, args);
}

auto Exists(Simulator& sim, const std::string& key) -> bool {
  return Call(sim, "root/Default/out", "exists", {ir::Value::Str(key)}).boolean;
}

TEST(Queue, ConsumerHandlesEveryMessageInBatches) {
  TempDir dir("consumer");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let q = new cloud.Queue() as "q";
let out = new cloud.Bucket() as "out";
q.setConsumer(inflight (m: str) => { out.put(m, m); log("got {m}"); }, batchSize: 3);
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  // fmt, not "m" + std::to_string(i): GCC 12 warns falsely (-Wrestrict) on the latter.
  for (int i = 0; i < 7; ++i) Call(sim, "root/Default/q", "push", {ir::Value::Str(fmt::format("m{}", i))});
  EXPECT_TRUE(WaitFor([&] { return Exists(sim, "m6") && Call(sim, "root/Default/q", "approxSize").number == 0; }));
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(Exists(sim, fmt::format("m{}", i))) << i;
  sim.Stop();
  bool logged = false;
  for (const auto& [source, text] : log.Lines()) {
    if (text == "got m3") logged = source == "root/Default/q/Consumer0";
  }
  EXPECT_TRUE(logged) << "log lines carry the consumer's path";
  EXPECT_TRUE(fs::is_empty(dir.Path() / "state/q/messages")) << "handled messages leave the journal";
}

TEST(Queue, FailedMessageIsRetriedAfterTheVisibilityTimeout) {
  TempDir dir("retry");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let q = new cloud.Queue(timeout: 1s) as "q";
let out = new cloud.Bucket() as "out";
let tries = new cloud.Counter() as "tries";
q.setConsumer(inflight (m: str) => {
  if tries.inc() == 0 { throw "first delivery fails"; }
  out.put(m, "ok");
});
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  auto pushed = std::chrono::steady_clock::now();
  Call(sim, "root/Default/q", "push", {ir::Value::Str("job")});
  EXPECT_TRUE(WaitFor([&] { return Exists(sim, "job"); }, std::chrono::seconds(5)));
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - pushed).count();
  EXPECT_GE(waited, 0.9) << "retried only when the visibility timeout ran out";
  EXPECT_EQ(Call(sim, "root/Default/tries", "peek").number, 2);
  bool reported = false;
  for (const auto& [source, text] : log.Lines()) {
    reported = reported || (text.find("first delivery fails") != std::string::npos &&
                            text.find("attempt 1") != std::string::npos && text.find("main.w:7:") != std::string::npos);
  }
  EXPECT_TRUE(reported) << "the failure is logged with its line and attempt";
}

TEST(Queue, DeadLetterQueueGetsMessagesThatFailTooOften) {
  TempDir dir("dlq");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let dead = new cloud.Queue() as "dead";
let q = new cloud.Queue(timeout: 1s, dlq: { queue: dead, maxDeliveryAttempts: 1 }) as "q";
q.setConsumer(inflight (m: str) => { throw "always"; });
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  Call(sim, "root/Default/q", "push", {ir::Value::Str("poison")});
  EXPECT_TRUE(WaitFor([&] { return Call(sim, "root/Default/dead", "approxSize").number == 1; }));
  EXPECT_EQ(Call(sim, "root/Default/dead", "pop").AsStr(), "poison");
  EXPECT_EQ(Call(sim, "root/Default/q", "approxSize").number, 0);
}

TEST(Queue, JournalSurvivesARestart) {
  TempDir dir("journal");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let q = new cloud.Queue() as "q";
)");
  BufferLogSink log;
  {
    Simulator sim(program, Options(dir.Path(), &log));
    ASSERT_EQ(sim.Start(), "");
    for (const char* m : {"one", "two", "three"}) Call(sim, "root/Default/q", "push", {ir::Value::Str(m)});
    EXPECT_EQ(Call(sim, "root/Default/q", "pop").AsStr(), "one");
    // No Stop(): the journal is written before push returns.
  }
  // A push interrupted between its temporary file and the rename.
  std::ofstream(dir.Path() / "state/q/messages/.wdsl-tmp-1-1") << "half";
  Simulator again(program, Options(dir.Path(), &log));
  ASSERT_EQ(again.Start(), "");
  EXPECT_EQ(Call(again, "root/Default/q", "approxSize").number, 2);
  EXPECT_EQ(Call(again, "root/Default/q", "pop").AsStr(), "two");
  Call(again, "root/Default/q", "push", {ir::Value::Str("four")});
  EXPECT_EQ(Call(again, "root/Default/q", "pop").AsStr(), "three");
  EXPECT_EQ(Call(again, "root/Default/q", "pop").AsStr(), "four");
  EXPECT_TRUE(Call(again, "root/Default/q", "pop").IsNil());
  Call(again, "root/Default/q", "push", {ir::Value::Str("five")});
  Call(again, "root/Default/q", "purge");
  EXPECT_EQ(Call(again, "root/Default/q", "approxSize").number, 0);
  EXPECT_TRUE(fs::is_empty(dir.Path() / "state/q/messages"));
}

TEST(Simulator, OneSimulatorPerStateDirectory) {
  TempDir dir("lock");
  ir::Program program = CompileSource(dir.Path(), "bring cloud;\nlet q = new cloud.Queue() as \"q\";\n");
  BufferLogSink log;
  {
    Simulator first(program, Options(dir.Path(), &log));
    ASSERT_EQ(first.Start(), "");
    Simulator second(program, Options(dir.Path(), &log));
    std::string error = second.Start();
    EXPECT_NE(error.find("another simulator is using"), std::string::npos) << error;
  }
  Simulator after(program, Options(dir.Path(), &log));
  EXPECT_EQ(after.Start(), "") << "the lock goes with the simulator";
}

TEST(Queue, UnknownOperationIsAClearError) {
  TempDir dir("unknown");
  ir::Program program = CompileSource(dir.Path(), "bring cloud;\nlet q = new cloud.Queue() as \"q\";\n");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  try {
    Call(sim, "root/Default/q", "explode");
    FAIL();
  } catch (const ir::ThrownError& error) {
    EXPECT_STREQ(error.what(), "`root/Default/q` (cloud.Queue) has no inflight operation `explode`");
  }
}

}  // namespace
}  // namespace wdsl::runtime
