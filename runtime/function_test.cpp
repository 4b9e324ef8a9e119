// cloud.Function, cloud.Service and cloud.Schedule in the simulator.
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


auto HasLine(BufferLogSink& log, const std::string& source, const std::string& text) -> bool {
  for (const auto& [s, t] : log.Lines()) {
    if (s == source && t == text) return true;
  }
  return false;
}

TEST(Function, InvokeRunsOnTheCallersInterpreter) {
  TempDir dir("function");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let f = new cloud.Function(inflight (x: Json?): Json? => {
  log("called with {x ?? "nil"}");
  return { doubled: x?.get("n")?.asNum() ?? 0 * 2 };
}) as "f";
let g = new cloud.Function(inflight (x: Json?): Json? => { throw "bad input"; }) as "g";
test "invoke" {
  let r = f.invoke({ n: 21 });
  assert(r?.get("doubled")?.asNum() == 21);
  f.invokeAsync(nil);
  let var failed = "";
  try { g.invoke(nil); } catch e { failed = e; }
  assert(failed == "bad input");
}
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  const ir::TestCase& test = program.tests.at(0);
  EXPECT_NO_THROW(sim.RunClosure(test.closure, {}, test.path));
  sim.Stop();  // waits for invokeAsync
  EXPECT_TRUE(HasLine(log, "root/Default/f", R"(called with {"n":21})"));
  // `{x ?? "nil"}` is Json, so how it renders is the evaluator's business;
  // what matters here is that the async call ran, attributed to `f`.
  int calls = 0;
  for (const auto& [source, text] : log.Lines()) calls += source == "root/Default/f" && text.starts_with("called with");
  EXPECT_EQ(calls, 2);
}

TEST(Service, StartAndStopHandlersRunOnTheirOwnThread) {
  TempDir dir("service");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let s = new cloud.Service(inflight () => {
  log("started");
  let note = "stopping";
  return () => { log(note); };
}) as "svc";
let manual = new cloud.Service(inflight () => { log("manual"); }, autoStart: false) as "manual";
test "control" {
  assert(s.started());
  assert(!manual.started());
  manual.start();
  assert(manual.started());
  manual.stop();
  assert(!manual.started());
  let var failed = false;
  try { manual.stop(); } catch e { failed = e.contains("not started"); }
  assert(failed);
}
)");
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  EXPECT_TRUE(WaitFor([&] { return HasLine(log, "root/Default/svc", "started"); }));
  const ir::TestCase& test = program.tests.at(0);
  EXPECT_NO_THROW(sim.RunClosure(test.closure, {}, test.path));
  EXPECT_TRUE(HasLine(log, "root/Default/manual", "manual"));
  EXPECT_FALSE(HasLine(log, "root/Default/svc", "stopping"));
  sim.Stop();
  EXPECT_TRUE(HasLine(log, "root/Default/svc", "stopping")) << "Stop runs the stop handler the service returned";
}

TEST(Schedule, RateTicksRunTheHandlers) {
  TempDir dir("schedule");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let c = new cloud.Counter() as "ticks";
let s = new cloud.Schedule(rate: 1m) as "every";
s.onTick(inflight () => { c.inc(); });
)");
  // 1m is the smallest rate a program may ask for; the test speeds it up.
  for (ir::Resource& resource : program.resources) {
    if (resource.path == "root/Default/every") resource.props["rate"] = {{"$duration", 0.02}};
  }
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  auto interp = sim.NewInterpreter();
  auto peek = [&] {
    std::vector<ir::Value> none;
    return sim.Find("root/Default/ticks")->Call(*interp, "peek", none).number;
  };
  EXPECT_TRUE(WaitFor([&] { return peek() >= 3; }));
  sim.Stop();
  double after = peek();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(peek(), after) << "no ticks after Stop";
}

TEST(Schedule, BadCronIsReportedAtStart) {
  TempDir dir("cron");
  ir::Program program = CompileSource(dir.Path(), R"(
bring cloud;
let s = new cloud.Schedule(cron: "* * * * *") as "cron";
s.onTick(inflight () => {});
)");
  program.resources[0].props["cron"] = "61 * * * *";
  BufferLogSink log;
  Simulator sim(program, Options(dir.Path(), &log));
  std::string error = sim.Start();
  EXPECT_NE(error.find("invalid cron expression \"61 * * * *\""), std::string::npos) << error;
}

}  // namespace
}  // namespace wdsl::runtime
