// Live update of a recompiled program (Simulator::Update) and the diff it
// rests on (ir::DiffPrograms), with programs compiled by the real front end.
#include <gtest/gtest.h>
#include <httplib.h>

#include "ir/program_diff.h"
#include "runtime/live_resource.h"
#include "runtime/test_support.h"

namespace wdsl::runtime {
namespace {

namespace fs = std::filesystem;
using ir::ResourceChange;
using testing::CompileSource;
using testing::TempDir;
using testing::WaitFor;

auto AppSource(const std::string& reply, const std::string& extra = "") -> std::string {
  return R"(bring cloud;
let hits = new cloud.Counter() as "hits";
let inbox = new cloud.Bucket() as "inbox";
let api = new cloud.Api() as "api";
api.get("/hits", inflight (req) => {
  return cloud.ApiResponse { status: 200, body: ")" +
         reply + R"( {hits.inc() + 1}" };
});
let q = new cloud.Queue() as "q";
q.setConsumer(inflight (m) => { inbox.put(m, ")" +
         reply + R"("); });
)" + extra;
}

auto Get(int port, const std::string& path) -> std::string {
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get(path);
  return res ? res->body : "(no answer)";
}

auto PortOf(Simulator& sim, const std::string& path) -> int {
  for (const EndpointInfo& e : sim.Endpoints()) {
    if (e.path == path && !e.url.empty()) return std::stoi(e.url.substr(e.url.rfind(':') + 1));
  }
  return 0;
}

TEST(ProgramDiff, PositionsDoNotCountCodePropsAndMembershipDo) {
  TempDir dir("diff");
  ir::Program base = CompileSource(dir.Path(), AppSource("one"));
  ir::Program shifted = CompileSource(dir.Path(), "// a comment\n\n" + AppSource("one"));
  for (const auto& [path, change] : ir::DiffPrograms(base, shifted, {}, {})) {
    EXPECT_EQ(change, ResourceChange::kSame) << path << " only moved down two lines";
  }
  ir::Program code = CompileSource(dir.Path(), AppSource("two"));
  auto changes = ir::DiffPrograms(base, code, {}, {});
  EXPECT_EQ(changes["root/Default/api"], ResourceChange::kCode);
  EXPECT_EQ(changes["root/Default/q"], ResourceChange::kCode);
  EXPECT_EQ(changes["root/Default/hits"], ResourceChange::kSame);
  EXPECT_EQ(changes["root/Default/inbox"], ResourceChange::kSame);

  ir::Program more = CompileSource(dir.Path(), AppSource("one", "new cloud.Bucket(public: true) as \"extra\";\n"));
  changes = ir::DiffPrograms(base, more, {}, {});
  EXPECT_EQ(changes["root/Default/extra"], ResourceChange::kAdded);
  EXPECT_EQ(changes["root/Default/api"], ResourceChange::kSame);
  changes = ir::DiffPrograms(more, base, {}, {});
  EXPECT_EQ(changes["root/Default/extra"], ResourceChange::kRemoved);

  ir::Program props = CompileSource(dir.Path(), R"(bring cloud;
let hits = new cloud.Counter(initial: 5) as "hits";
)");
  ir::Program props_before = CompileSource(dir.Path(), R"(bring cloud;
let hits = new cloud.Counter() as "hits";
)");
  EXPECT_EQ(ir::DiffPrograms(props_before, props, {}, {})["root/Default/hits"], ResourceChange::kProps);

  // An image whose content hash changed is a props change of its owner.
  std::map<std::string, nlohmann::json> a = {{"root/Default/hits", {{"tag", "x:1"}}}};
  std::map<std::string, nlohmann::json> b = {{"root/Default/hits", {{"tag", "x:2"}}}};
  EXPECT_EQ(ir::DiffPrograms(props, props, a, b)["root/Default/hits"], ResourceChange::kProps);
}

TEST(ProgramDiff, AChangedClassMethodReloadsTheHandlersThatMayCallIt) {
  TempDir dir("diffclass");
  auto source = [](const std::string& word) {
    return R"(bring cloud;
inflight class Greeter {
  pub greet(): str { return ")" +
           word + R"("; }
}
let api = new cloud.Api() as "api";
api.get("/", inflight (req) => { return cloud.ApiResponse { status: 200, body: new Greeter().greet() }; });
let b = new cloud.Bucket() as "b";
)";
  };
  auto changes = ir::DiffPrograms(CompileSource(dir.Path(), source("hi")), CompileSource(dir.Path(), source("yo")), {}, {});
  EXPECT_EQ(changes["root/Default/api"], ResourceChange::kCode);
  EXPECT_EQ(changes["root/Default/b"], ResourceChange::kSame) << "no code, nothing to reload";
}

TEST(SimulatorUpdate, ReloadsHandlersInPlaceAndKeepsState) {
  TempDir dir("update");
  BufferLogSink log;
  Simulator sim(CompileSource(dir.Path(), AppSource("one")), testing::Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  int port = PortOf(sim, "root/Default/api");
  ASSERT_GT(port, 0);
  EXPECT_EQ(Get(port, "/hits"), "one 1");

  UpdateResult result = sim.Update(CompileSource(dir.Path(), AppSource("two")), {});
  EXPECT_EQ(result.restart, "");
  EXPECT_EQ(Get(port, "/hits"), "two 2") << "same port, new code, the counter kept its value";
  std::vector<std::string> expected = {
      "  ~ root/Default/api (cloud.Api): inflight code reloaded in place",
  };
  EXPECT_NE(std::find(result.lines.begin(), result.lines.end(), expected[0]), result.lines.end())
      << ::testing::PrintToString(result.lines);
  // The queue's consumer was restarted with the new code.
  auto interp = sim.NewInterpreter();
  std::vector<ir::Value> args = {ir::Value::Str("m1")};
  sim.Find("root/Default/q")->Call(*interp, "push", args);
  EXPECT_TRUE(WaitFor([&] {
    std::ifstream file(dir.Path() / "state" / "inbox" / "objects" / "m1");
    std::string text;
    std::getline(file, text);
    return text == "two";
  })) << ::testing::PrintToString(log.Lines());
  sim.Stop();
}

TEST(SimulatorUpdate, AddsRemovesAndReplacesResources) {
  TempDir dir("update2");
  BufferLogSink log;
  Simulator sim(CompileSource(dir.Path(), AppSource("one")), testing::Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  int port = PortOf(sim, "root/Default/api");

  // An Api whose routes change is replaced, on the same port.
  UpdateResult more = sim.Update(CompileSource(dir.Path(), AppSource("one", R"(
let other = new cloud.Api() as "other";
other.get("/", inflight (req) => { return cloud.ApiResponse { status: 200, body: "other" }; });
api.get("/extra", inflight (req) => { return cloud.ApiResponse { status: 200, body: "extra" }; });
)")),
                                 {});
  EXPECT_EQ(more.restart, "");
  EXPECT_EQ(Get(port, "/extra"), "extra");
  int other = PortOf(sim, "root/Default/other");
  ASSERT_GT(other, 0);
  EXPECT_EQ(Get(other, "/"), "other");
  // hits, inbox, the queue, its consumer and the first handler
  EXPECT_EQ(more.kept, 5) << ::testing::PrintToString(more.lines);

  UpdateResult fewer = sim.Update(CompileSource(dir.Path(), AppSource("one")), {});
  EXPECT_EQ(fewer.restart, "");
  EXPECT_EQ(Get(other, "/"), "(no answer)");
  EXPECT_EQ(Get(port, "/extra"), "no route for GET /extra");
  EXPECT_EQ(Get(port, "/hits"), "one 1");
  sim.Stop();
}

TEST(SimulatorUpdate, AnAppThatStartsRunningContainersIsRestartedInstead) {
  TempDir dir("update3");
  BufferLogSink log;
  Simulator sim(CompileSource(dir.Path(), AppSource("one")), testing::Options(dir.Path(), &log));
  ASSERT_EQ(sim.Start(), "");
  int port = PortOf(sim, "root/Default/api");
  UpdateResult result = sim.Update(CompileSource(dir.Path(), AppSource("two", R"(bring containers;
new containers.Workload(name: "w", image: "busybox") as "w";
)")),
                                   {});
  EXPECT_NE(result.restart.find("the app now runs containers"), std::string::npos) << result.restart;
  EXPECT_EQ(Get(port, "/hits"), "one 1") << "nothing was changed";
}

}  // namespace
}  // namespace wdsl::runtime
