// The bind pass on hand-written IR: what the checker rejects today (local
// aliases of resources, dynamic access, bad bindings) must still be handled
// by the pass, since the IR is a contract of its own.
#include "ir/bind.h"

#include <gtest/gtest.h>

#include "ir/json.h"
#include "ir/permissions.h"

namespace wdsl::ir {
namespace {

using nlohmann::json;

auto Program1(const std::string& code, const json& captures) -> Program {
  json j = json::parse(R"({
    "version": 1, "app": "t", "entry_file": "main.w", "files": ["main.w"],
    "resources": [
      {"path": "root/Default/a", "id": "a", "type": "cloud.Bucket", "parent": "root/Default", "props": {}, "pos": "main.w:2:1"},
      {"path": "root/Default/b", "id": "b", "type": "cloud.Bucket", "parent": "root/Default", "props": {}, "pos": "main.w:3:1"},
      {"path": "root/Default/f", "id": "f", "type": "cloud.Function", "parent": "root/Default", "pos": "main.w:4:1",
       "props": {"handler": {"$closure": {"function": 0, "captures": []}}}}
    ],
    "functions": [{"kind": "Closure", "phase": "Inflight", "name": "c", "pos": "main.w:4:5", "slots": 2,
                   "captures": ["x"], "code": {}}],
    "classes": [], "tests": [], "edges": []})");
  j["functions"][0]["code"] = json::parse(code);
  j["resources"][2]["props"]["handler"]["$closure"]["captures"] = captures;
  std::string error;
  Program program = ProgramFromJson(j, &error);
  EXPECT_EQ(error, "");
  return program;
}

auto Lifts(const Program& program) -> std::string {
  std::string out;
  for (const Lift& lift : program.FindResource("root/Default/f")->lifts) {
    out += lift.resource + ":";
    for (const auto& op : lift.ops) out += op + ",";
    out += ";";
  }
  return out;
}

TEST(Bind, FollowsALocalAlias) {
  // let y = x; y.put("k", "v")
  Program program = Program1(R"({"k": "Block", "kids": [
      {"k": "Let", "slot": 1, "kids": [{"k": "Capture", "slot": 0}]},
      {"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "put", "at": "6:3",
        "kids": [{"k": "Local", "slot": 1}, {"k": "Const", "const": "k"}, {"k": "Const", "const": "v"}]}]}]})",
                             json::array({{{"$resource", "root/Default/a"}}}));
  std::vector<BindProblem> problems;
  Bind(program, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(Lifts(program), "root/Default/a:put,;");
}

TEST(Bind, ReportsAResourceReachedThroughAnIndex) {
  // x[0].put("k", "v") where x = [a, b]
  Program program = Program1(R"({"k": "Block", "kids": [
      {"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "put", "at": "7:3",
        "kids": [{"k": "Index", "at": "7:3", "kids": [{"k": "Capture", "slot": 0}, {"k": "Const", "const": 0}]},
                 {"k": "Const", "const": "k"}, {"k": "Const", "const": "v"}]}]},
      {"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "get", "at": "8:3",
        "kids": [{"k": "MethodCall", "name": "at", "at": "8:3", "kids": [{"k": "Capture", "slot": 0}, {"k": "Const", "const": 1}]},
                 {"k": "Const", "const": "k"}]}]}]})",
                             json::array({json::array({{{"$resource", "root/Default/a"}}, {{"$resource", "root/Default/b"}}})}));
  std::vector<BindProblem> problems;
  Bind(program, problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].pos.file, "main.w");
  EXPECT_EQ(problems[0].pos.line, 7u);
  EXPECT_EQ(problems[1].pos.line, 8u);
  EXPECT_NE(problems[0].message.find("collection"), std::string::npos);
}

TEST(Bind, PlainValueMethodsAreNotProblems) {
  // Json.parse(...).get("a"); "s".contains("t")
  Program program = Program1(R"({"k": "Block", "kids": [
      {"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "get",
        "kids": [{"k": "Call", "kids": [{"k": "Global", "name": "Json.parse"}, {"k": "Const", "const": "{}"}]},
                 {"k": "Const", "const": "a"}]}]}]})",
                             json::array());
  std::vector<BindProblem> problems;
  Bind(program, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(Lifts(program), "");
}

TEST(Bind, ChecksWorkloadBindings) {
  Program program = Program1(R"({"k": "Block", "kids": []})", json::array());
  Resource web;
  web.path = "root/Default/web";
  web.type = "containers.Workload";
  web.props = json::parse(R"({"bindings": {
      "UP": {"resource": {"$resource": "root/Default/a"}, "ops": ["put", "frobnicate"]},
      "ALL": {"$resource": "root/Default/b"}}})");
  program.resources.push_back(web);
  std::vector<BindProblem> problems;
  Bind(program, problems);
  ASSERT_EQ(problems.size(), 1u);
  std::string all = problems[0].message;
  EXPECT_NE(all.find("`frobnicate` is not an inflight operation of `cloud.Bucket`"), std::string::npos) << all;
  EXPECT_NE(all.find("`put`"), std::string::npos) << all;
  const Resource* bound = program.FindResource("root/Default/web");
  ASSERT_EQ(bound->lifts.size(), 2u);
  EXPECT_EQ(bound->lifts[0].resource, "root/Default/a");
  EXPECT_EQ(bound->lifts[0].ops, std::vector<std::string>{"put"});
  EXPECT_EQ(bound->lifts[0].via, "binding");
  EXPECT_EQ(bound->lifts[1].resource, "root/Default/b");
  EXPECT_GT(bound->lifts[1].ops.size(), 5u);
}

// A program with a user class `main.Store` (resource root/Default/store,
// its field `data` the bucket a): `get` puts into it, `watch` takes a
// closure, `hidden` is not `pub` (no signature).
auto StoreProgram(const json& bindings) -> Program {
  Program program = Program1(R"({"k": "Block", "kids": []})", json::array());
  auto method = [&](const std::string& name, const json& signature, const std::string& code) {
    Function fn;
    fn.name = "Store." + name;
    fn.kind = FunctionKind::kMethod;
    fn.phase = Phase::kInflight;
    fn.class_name = "main.Store";
    fn.params = {"x"};
    fn.slot_count = 1;
    fn.pos = SourcePos{"main.w", 9, 3};
    fn.signature = signature;
    std::string error;
    Program holder = ProgramFromJson(json::parse(R"({"version": 1, "functions": [{"kind": "Method", "code": )" + code +
                                                 "}]}"),
                                     &error);
    fn.code = holder.functions[0].code;
    program.functions.push_back(fn);
    return static_cast<int32_t>(program.functions.size() - 1);
  };
  ClassInfo cls;
  cls.name = "main.Store";
  cls.methods["get"] = method("get", json::parse(R"({"params": [{"name": "key", "type": "str"}],
                                                    "result": {"optional": "str"}})"),
                              R"({"k": "Block", "kids": [{"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "put",
                                  "kids": [{"k": "Member", "name": "data", "kids": [{"k": "This"}]},
                                           {"k": "Const", "const": "k"}, {"k": "Const", "const": "v"}]}]}]})");
  cls.methods["watch"] = method("watch", json::parse(R"({"params": [{"name": "handler",
                                    "type": {"function": "inflight (str): void"}}], "result": "void"})"),
                                R"({"k": "Block", "kids": []})");
  cls.methods["hidden"] = method("hidden", nullptr, R"({"k": "Block", "kids": []})");
  program.classes.push_back(cls);
  Resource store;
  store.path = "root/Default/store";
  store.id = "store";
  store.type = "main.Store";
  store.fields = json::parse(R"({"data": {"$resource": "root/Default/a"}})");
  program.resources.push_back(store);
  Resource web;
  web.path = "root/Default/web";
  web.type = "containers.Workload";
  web.pos = SourcePos{"main.w", 12, 1};
  web.props = json{{"bindings", bindings}};
  program.resources.push_back(web);
  return program;
}

// The workload may call the bound methods (its `sim` permissions); what they
// use is the class's lifts, since they run in the simulator on its behalf.
TEST(Bind, UserClassBindingGrantsItsMethods) {
  Program program = StoreProgram(json::parse(R"({"STORE": {"resource": {"$resource": "root/Default/store"},
                                                            "ops": ["get"]}})"));
  std::vector<BindProblem> problems;
  Bind(program, problems);
  EXPECT_TRUE(problems.empty()) << problems[0].message;
  const Resource* web = program.FindResource("root/Default/web");
  ASSERT_EQ(web->lifts.size(), 1u);
  EXPECT_EQ(web->lifts[0].resource, "root/Default/store");
  EXPECT_EQ(web->lifts[0].ops, std::vector<std::string>{"get"});
  EXPECT_EQ(web->lifts[0].via, "binding");
  const Resource* store = program.FindResource("root/Default/store");
  ASSERT_EQ(store->lifts.size(), 1u);
  EXPECT_EQ(store->lifts[0].resource, "root/Default/a");
  EXPECT_EQ(store->lifts[0].ops, std::vector<std::string>{"put"});
  EXPECT_EQ(store->lifts[0].via, "code");
  ComputePermissions(program);
  EXPECT_EQ(program.FindResource("root/Default/web")->permissions["sim"],
            json::parse(R"([{"resource": "root/Default/store", "ops": ["get"]}])"));
  EXPECT_EQ(program.FindResource("root/Default/web")->permissions["tf-aws"], json::array())
      << "nothing in the cloud: the class's own lifts are not the workload's";
}

TEST(Bind, UserClassBindingRejectsMethodsThatCannotCrossJson) {
  // Named: the closure parameter and the method that is not `pub` are problems.
  Program program = StoreProgram(json::parse(R"({"STORE": {"resource": {"$resource": "root/Default/store"},
                                                            "ops": ["get", "watch", "hidden"]}})"));
  std::vector<BindProblem> problems;
  Bind(program, problems);
  ASSERT_EQ(problems.size(), 2u);
  std::string all = problems[0].message + "\n" + problems[1].message;
  EXPECT_NE(all.find("`hidden` is not a `pub inflight` method of `main.Store`; valid methods: `get`, `watch`"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("a container cannot call `watch` of `main.Store` (main.w:9:3): parameter `handler` has type "
                     "`inflight (str): void`, which cannot cross JSON"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("leave `watch` out of `allow`"), std::string::npos) << all;
  EXPECT_EQ(program.FindResource("root/Default/web")->lifts[0].ops, std::vector<std::string>{"get"});

  // Bare: every `pub inflight` method, so the fix names the others.
  program = StoreProgram(json::parse(R"({"ALL": {"$resource": "root/Default/store"}})"));
  problems.clear();
  Bind(program, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("bind only the other methods with `store.allow([\"get\"])`"), std::string::npos)
      << problems[0].message;
  EXPECT_EQ(problems[0].pos.line, 12u) << "at the workload";
}

// A workload whose env refers to a resource with inflight operations must
// bind it; one that refers to a bound resource, or to a resource with
// nothing to grant (a Function's env), is fine.
TEST(Bind, WorkloadThatUsesAnUnboundResourceIsAProblem) {
  Program program = Program1(R"({"k": "Block", "kids": []})", json::array());
  Resource web;
  web.path = "root/Default/web";
  web.type = "containers.Workload";
  web.props = json::parse(R"({"env": {"A": "s3://${wdsl#root/Default/a#name}", "B": "${wdsl#root/Default/b#name}"},
                              "bindings": {"B": {"$resource": "root/Default/b"}}})");
  program.resources.push_back(web);
  std::vector<BindProblem> problems;
  Bind(program, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("workload `root/Default/web` uses `root/Default/a` (in `env.A`) but does not bind "
                                     "it"),
            std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find(R"(`bindings: { "A" => a }`)"), std::string::npos) << problems[0].message;

  // Binding it (any operation) is enough.
  program.resources.back().props["bindings"]["A"] = json::parse(R"({"resource": {"$resource": "root/Default/a"},
                                                                      "ops": ["get"]})");
  problems.clear();
  Bind(program, problems);
  EXPECT_TRUE(problems.empty()) << problems[0].message;
}

TEST(Bind, LiftBlockQualifiesWhatTheAnalysisCannotFollow) {
  // lift { a: [put], b: [list] } { for x in [a, b] { x.put("k", "v"); } }
  Program program = Program1(R"({"k": "Block", "kids": [
      {"k": "Lift", "const": [["put"], ["list"]], "kids": [
        {"k": "Capture", "slot": 0}, {"k": "Capture", "slot": 1},
        {"k": "Block", "kids": [
          {"k": "ForIn", "slot": 0, "kids": [
            {"k": "Array", "kids": [{"k": "Capture", "slot": 0}, {"k": "Capture", "slot": 1}]},
            {"k": "Block", "kids": [{"k": "ExprStmt", "kids": [{"k": "MethodCall", "name": "put",
              "kids": [{"k": "Local", "slot": 0}, {"k": "Const", "const": "k"}, {"k": "Const", "const": "v"}]}]}]}]}]}]}]})",
                             json::parse(R"([{"$resource": "root/Default/a"}, {"$resource": "root/Default/b"}])"));
  std::vector<BindProblem> problems;
  Bind(program, problems);
  EXPECT_TRUE(problems.empty()) << problems[0].message;
  EXPECT_EQ(Lifts(program), "root/Default/a:put,;root/Default/b:list,;");
}

TEST(Permissions, MergeStatementsWithoutWildcards) {
  Program program = Program1(R"({"k": "Block", "kids": []})", json::array());
  TestCase test;
  test.lifts = {Lift{"root/Default/a", {"get", "put", "tryGet"}, "code"}, Lift{"root/Default/b", {"list"}, "code"}};
  program.tests.push_back(test);
  ComputePermissions(program);
  EXPECT_EQ(program.tests[0].permissions["tf-aws"], json::parse(R"([
    {"actions": ["s3:ListBucket"], "resources": ["${wdsl#root/Default/a#arn}"]},
    {"actions": ["s3:GetObject", "s3:PutObject"], "resources": ["${wdsl#root/Default/a#arn}/*"]},
    {"actions": ["s3:ListBucket"], "resources": ["${wdsl#root/Default/b#arn}"]}])"));
  EXPECT_EQ(program.tests[0].permissions["sim"], json::parse(R"([
    {"resource": "root/Default/a", "ops": ["get", "put", "tryGet"]},
    {"resource": "root/Default/b", "ops": ["list"]}])"));
  // A host with no lifts gets no permissions.
  EXPECT_TRUE(program.FindResource("root/Default/f")->permissions.empty());
}

}  // namespace
}  // namespace wdsl::ir
