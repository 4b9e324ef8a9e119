// The bind and permissions passes on programs built by the real front end
// (parse, check, lower, preflight): lifts found through closures, classes and
// recursion; workload bindings; tf-aws and sim permissions.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "frontend/check.h"
#include "frontend/lower.h"
#include "frontend/preflight.h"
#include "ir/bind.h"
#include "ir/json.h"
#include "ir/permissions.h"

namespace wdsl {
namespace {

using nlohmann::json;

struct Bound {
  ir::Program program;
  std::vector<ir::BindProblem> problems;
};

auto BuildAndBind(const std::string& text) -> Bound {
  SourceManager sources;
  Diagnostics diagnostics(sources);
  ast::Ast ast;
  LoadedProgram loaded = LoadText("main.w", text, sources, ast, diagnostics);
  Semantics semantics;
  Check(loaded, semantics, diagnostics);
  std::optional<ir::Program> program;
  if (!diagnostics.HasErrors()) {
    LoweredProgram lowered = Lower(loaded, sources, diagnostics);
    if (!diagnostics.HasErrors()) program = RunPreflight(std::move(lowered), semantics, diagnostics);
  }
  Bound out;
  EXPECT_TRUE(program.has_value()) << diagnostics.RenderAll(false);
  if (!program) return out;
  out.program = std::move(*program);
  ir::Bind(out.program, out.problems);
  ir::ComputePermissions(out.program);
  return out;
}

auto Host(const ir::Program& program, const std::string& path) -> const ir::Resource& {
  const ir::Resource* r = program.FindResource(path);
  EXPECT_NE(r, nullptr) << path;
  static const ir::Resource kNone;
  return r == nullptr ? kNone : *r;
}

// "path:op,op" per lift, in order.
auto LiftText(const std::vector<ir::Lift>& lifts) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const ir::Lift& lift : lifts) {
    std::string ops;
    for (const auto& op : lift.ops) ops += (ops.empty() ? "" : ",") + op;
    out.push_back(lift.resource + ":" + ops + " via " + lift.via);
  }
  return out;
}

auto ProblemText(const std::vector<ir::BindProblem>& problems) -> std::string {
  std::string out;
  for (const auto& p : problems) out += p.pos.file + ":" + std::to_string(p.pos.line) + ": " + p.message + "\n";
  return out;
}

constexpr const char* kConsumer = R"(
bring cloud;
let uploads = new cloud.Bucket() as "uploads";
let jobs = new cloud.Queue() as "jobs";
jobs.setConsumer(inflight (m: str) => {
  uploads.put("k", m);
  CALL
});
)";

auto WithCall(std::string text, const std::string& call) -> std::string {
  return text.replace(text.find("CALL"), 4, call);
}

TEST(BindE2e, ConsumerThatPutsLiftsBucketPut) {
  Bound b = BuildAndBind(WithCall(kConsumer, ""));
  EXPECT_EQ(ProblemText(b.problems), "");
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/jobs/Consumer0").lifts),
            (std::vector<std::string>{"root/Default/uploads:put via code"}));
  // The queue itself hosts the consumer too.
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/jobs").lifts),
            (std::vector<std::string>{"root/Default/uploads:put via code"}));
  const json& perms = Host(b.program, "root/Default/jobs/Consumer0").permissions;
  EXPECT_EQ(perms["tf-aws"], json::parse(R"([{"actions": ["s3:PutObject"],
      "resources": ["${wdsl#root/Default/uploads#arn}/*"]}])"));
  EXPECT_EQ(perms["sim"], json::parse(R"([{"resource": "root/Default/uploads", "ops": ["put"]}])"));
}

TEST(BindE2e, RemovingACallRemovesItsPermission) {
  Bound with = BuildAndBind(WithCall(kConsumer, "uploads.list();"));
  Bound without = BuildAndBind(WithCall(kConsumer, ""));
  EXPECT_EQ(LiftText(Host(with.program, "root/Default/jobs/Consumer0").lifts),
            (std::vector<std::string>{"root/Default/uploads:list,put via code"}));
  std::string with_text = Host(with.program, "root/Default/jobs/Consumer0").permissions.dump();
  std::string without_text = Host(without.program, "root/Default/jobs/Consumer0").permissions.dump();
  EXPECT_NE(with_text.find("s3:ListBucket"), std::string::npos);
  EXPECT_EQ(without_text.find("s3:ListBucket"), std::string::npos);
}

TEST(BindE2e, FollowsCallsThroughTwoClasses) {
  Bound b = BuildAndBind(R"(
bring cloud;
class Store {
  data: cloud.Bucket;
  new() { this.data = new cloud.Bucket(); }
  pub inflight get(k: str): str? { return this.data.tryGet(k); }
  pub inflight put(k: str, v: str) { this.data.put(k, v); }
}
class CachedStore {
  inner: Store;
  hits: cloud.Counter;
  new() { this.inner = new Store(); this.hits = new cloud.Counter(); }
  pub inflight get(k: str): str? { this.hits.inc(); return this.inner.get(k); }
}
let cached = new CachedStore() as "cached";
new cloud.Function(inflight () => { log(cached.get("a") ?? "-"); }) as "reader";
test "reads" { assert(cached.get("x") == nil); }
)");
  EXPECT_EQ(ProblemText(b.problems), "");
  std::vector<std::string> expected = {"root/Default/cached/Counter:inc via code",
                                       "root/Default/cached/Store/Bucket:tryGet via code"};
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/reader").lifts), expected);
  ASSERT_EQ(b.program.tests.size(), 1u);
  EXPECT_EQ(LiftText(b.program.tests[0].lifts), expected);
  EXPECT_FALSE(b.program.tests[0].permissions.empty());
}

TEST(BindE2e, RecursionTerminates) {
  Bound b = BuildAndBind(R"(
bring cloud;
let bucket = new cloud.Bucket() as "data";
class Walker {
  b: cloud.Bucket;
  new(b: cloud.Bucket) { this.b = b; }
  pub inflight walk(n: num): num {
    if n <= 0 { return 0; }
    this.b.put("k{n}", "v");
    return this.walk(n - 1) + this.other(n);
  }
  pub inflight other(n: num): num {
    this.b.list();
    return this.walk(n - 2);
  }
}
let w = new Walker(bucket) as "w";
new cloud.Function(inflight () => { w.walk(3); }) as "f";
)");
  EXPECT_EQ(ProblemText(b.problems), "");
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/f").lifts),
            (std::vector<std::string>{"root/Default/data:list,put via code"}));
}

TEST(BindE2e, WorkloadBindingsFullAndAllowListed) {
  Bound b = BuildAndBind(R"(
bring cloud;
bring containers;
let uploads = new cloud.Bucket() as "uploads";
let jobs = new cloud.Queue() as "jobs";
new containers.Workload(
  name: "web",
  image: "nginx",
  bindings: { "UPLOADS" => uploads.allow(["put", "get"]), "JOBS" => jobs },
) as "web";
)");
  EXPECT_EQ(ProblemText(b.problems), "");
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/web").lifts),
            (std::vector<std::string>{"root/Default/jobs:approxSize,pop,purge,push via binding",
                                      "root/Default/uploads:get,put via binding"}));
  const json& perms = Host(b.program, "root/Default/web").permissions;
  EXPECT_EQ(perms["sim"], json::parse(R"([
    {"resource": "root/Default/jobs", "ops": ["approxSize", "pop", "purge", "push"]},
    {"resource": "root/Default/uploads", "ops": ["get", "put"]}])"));
}

TEST(BindE2e, TfAwsStatementsMergeByResourceAndHaveNoWildcards) {
  Bound b = BuildAndBind(WithCall(kConsumer, "uploads.get(\"k\"); uploads.delete(\"k\"); jobs.push(\"x\");"));
  const json& aws = Host(b.program, "root/Default/jobs/Consumer0").permissions["tf-aws"];
  EXPECT_EQ(aws, json::parse(R"([
    {"actions": ["sqs:SendMessage"], "resources": ["${wdsl#root/Default/jobs#arn}"]},
    {"actions": ["s3:ListBucket"], "resources": ["${wdsl#root/Default/uploads#arn}"]},
    {"actions": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], "resources": ["${wdsl#root/Default/uploads#arn}/*"]}])"))
      << aws.dump(2);
  for (const json& statement : aws) {
    for (const json& action : statement["actions"]) EXPECT_EQ(action.get<std::string>().find('*'), std::string::npos);
    for (const json& resource : statement["resources"]) EXPECT_NE(resource.get<std::string>(), "*");
  }
}

TEST(BindE2e, LiftsSurviveTheJsonRoundTrip) {
  Bound b = BuildAndBind(WithCall(kConsumer, ""));
  json j = ir::ToJson(b.program);
  std::string error;
  ir::Program back = ir::ProgramFromJson(j, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(ir::ToJson(back), j);
  const ir::Resource* r = back.FindResource("root/Default/jobs/Consumer0");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(LiftText(r->lifts), (std::vector<std::string>{"root/Default/uploads:put via code"}));
  // Hosts with nothing lifted write no "lifts"/"permissions" keys.
  for (const json& resource : j["resources"]) {
    if (resource["path"] == "root/Default/uploads") {
      EXPECT_FALSE(resource.contains("lifts"));
      EXPECT_FALSE(resource.contains("permissions"));
    }
  }
}

}  // namespace
}  // namespace wdsl

namespace wdsl {
namespace {

// Objects reached through a collection are lifted as a `lift` block says;
// without the block the bind pass reports that it cannot follow them.
TEST(BindE2e, LiftBlockGivesTheLiftsItNames) {
  const std::string program = R"(
bring cloud;
let b1 = new cloud.Bucket() as "b1";
let b2 = new cloud.Bucket() as "b2";
let all = [b1, b2];
new cloud.Function(inflight () => {
  lift { b1: [put], b2: [put, list] } {
    for b in all { b.put("k", "v"); }
  }
}) as "f";
)";
  Bound b = BuildAndBind(program);
  EXPECT_EQ(ProblemText(b.problems), "");
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/f").lifts),
            (std::vector<std::string>{"root/Default/b1:put via code", "root/Default/b2:list,put via code"}));
}

}  // namespace
}  // namespace wdsl

namespace wdsl {
namespace {

// Inflight closures kept in collections (array, map values, set, nested):
// calling one taken out of the collection lifts what every closure it may be
// uses.
TEST(BindE2e, ClosuresInCollectionsAreFollowed) {
  Bound b = BuildAndBind(R"(
bring cloud;
let b1 = new cloud.Bucket() as "b1";
let b2 = new cloud.Bucket() as "b2";
let c1 = inflight () => { b1.put("k", "v"); };
let c2 = inflight () => { b2.list(); };
let array = [c1, c2];
let map = {"one" => c1, "two" => c2};
let nested = [{"k" => [c1, c2]}];
new cloud.Function(inflight () => { for c in array { c(); } }) as "viaArray";
new cloud.Function(inflight () => { for c in map.values() { c(); } }) as "viaMap";
new cloud.Function(inflight () => { let i = 0; nested.at(i).get("k").at(1)(); }) as "viaNested";
)");
  EXPECT_EQ(ProblemText(b.problems), "");
  for (const char* host : {"root/Default/viaArray", "root/Default/viaMap", "root/Default/viaNested"}) {
    EXPECT_EQ(LiftText(Host(b.program, host).lifts),
              (std::vector<std::string>{"root/Default/b1:put via code", "root/Default/b2:list via code"}))
        << host;
  }
}

}  // namespace
}  // namespace wdsl

namespace wdsl {
namespace {

// A call through an interface follows the implementation the value is.
TEST(BindE2e, FollowsCallsThroughInterfaces) {
  Bound b = BuildAndBind(R"(
bring cloud;
interface IStore {
  inflight save(k: str): void;
}
class Store impl IStore {
  data: cloud.Bucket;
  new() { this.data = new cloud.Bucket(); }
  pub inflight save(k: str): void { this.data.put(k, "v"); }
}
let store: IStore = new Store() as "store";
let save = inflight (k: str) => { store.save(k); };
new cloud.Function(inflight () => { save("a"); }) as "f";
)");
  EXPECT_EQ(ProblemText(b.problems), "");
  EXPECT_EQ(LiftText(Host(b.program, "root/Default/f").lifts),
            (std::vector<std::string>{"root/Default/store/Bucket:put via code"}));
}

}  // namespace
}  // namespace wdsl
