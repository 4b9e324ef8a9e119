#include <gtest/gtest.h>

#include <cmath>

#include "ir/eval.h"
#include "ir/eval_internal.h"
#include "ir/json.h"
#include "ir/test_support.h"

namespace wdsl::ir {
namespace {

using testing::AddFunction;
using testing::CodeBuilder;

auto SampleProgram() -> Program {
  Program program;
  program.app = "demo";
  program.entry_file = "main.w";
  program.files = {"main.w", "lib.w"};
  Resource bucket;
  bucket.path = "root/Default/uploads";
  bucket.id = "uploads";
  bucket.type = "cloud.Bucket";
  bucket.parent = "root/Default";
  bucket.props = nlohmann::json::parse(R"({"public": false, "handler": {"$closure": {"function": 1, "captures": [1, "x"]}}})");
  bucket.pos = SourcePos{"C:/dir/main.w", 3, 14};
  bucket.lifts.push_back(Lift{"root/Default/q", {"push"}, "code"});
  bucket.permissions = nlohmann::json::parse(R"({"tf-aws": [{"action": "sqs:SendMessage"}]})");
  program.resources.push_back(bucket);

  CodeBuilder b;
  b.At(3, 5);
  NodeId put = b.MCall(b.Capture(0), "put", {b.Str("k"), b.Interp({b.Str("v"), b.Local(0)})}, true);
  b.At(4, 1);
  NodeId loop = b.For(1, b.Range(b.Num(0), b.Num(3), true),
                      b.Block({b.If(b.Bin(Op::kEq, b.Local(1), b.Num(2)), b.Block({b.Break()}), b.Block({b.Continue()}))}));
  NodeId tr = b.Try(b.Block({b.Throw(b.Str("x"))}), 2, b.Block({}), kNoNode);
  NodeId misc = b.Expr(b.Array({b.Const(Value::Duration(1.5)), b.Num(std::nan("")), b.Num(-2.25),
                                b.Struct("main.Opts", {{"a", b.Bool(true)}}), b.Json(b.Map({b.Str("k"), b.Nil()}), true),
                                b.New("cloud.Queue", {b.Num(1)}, b.Str("q")), b.Super("main.Base.new"), b.This(),
                                b.Global("util.sleep"), b.Unwrap(b.Index(b.Local(0, 1), b.Num(0))),
                                b.Un(Op::kNeg, b.Num(1)), b.Closure(0, {b.Local(0)})},
                               true));
  NodeId root = b.Block({b.Let(0, b.Num(1)), b.Expr(put), loop, tr, misc,
                         b.AssignMember(b.This(), "f", b.Nil()), b.AssignIndex(b.Local(0), b.Num(0), b.Num(1)),
                         b.While(b.Bool(false), b.Block({})), b.Return(b.Member(b.This(), "f", true))});
  int32_t fn = AddFunction(program, "Store.put", FunctionKind::kMethod, Phase::kInflight, 3, b.Finish(root), {"k"});
  program.functions[fn].class_name = "main.Store";
  program.functions[fn].capture_names = {"bucket"};
  program.functions[fn].module_toplevel = 1;
  program.functions[fn].module_capture_slots = {0, -1};
  program.functions[fn].module_captures = nlohmann::json::parse(R"([{"$resource": "root/Default/uploads"}, null])");
  Function stub;
  stub.name = "main.w";
  stub.kind = FunctionKind::kTopLevel;
  program.functions.push_back(stub);

  ClassInfo store;
  store.name = "main.Store";
  store.base = "main.Base";
  store.fields = {"data"};
  store.inflight_fields = {"cache"};
  store.methods = {{"put", 0}};
  store.init = 1;
  program.classes.push_back(store);
  TestCase test;
  test.name = "it works";
  test.path = "root/Default/test:it works";
  test.closure = nlohmann::json::parse(R"({"$closure": {"function": 0, "captures": []}})");
  test.pos = SourcePos{"main.w", 9, 1};
  program.tests.push_back(test);
  program.edges.push_back(Edge{"root/Default/a", "root/Default/uploads", "binding"});
  return program;
}

TEST(Json, ProgramRoundTrip) {
  Program program = SampleProgram();
  nlohmann::json json = ToJson(program);
  std::string error;
  Program back = ProgramFromJson(json, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(ToJson(back), json);
  // Through text, too.
  Program reparsed = ProgramFromJson(nlohmann::json::parse(json.dump(2)), &error);
  EXPECT_EQ(ToJson(reparsed), json);

  ASSERT_EQ(back.functions.size(), 2u);
  const Function& fn = back.functions[0];
  EXPECT_EQ(fn.name, "Store.put");
  EXPECT_EQ(fn.kind, FunctionKind::kMethod);
  EXPECT_EQ(fn.phase, Phase::kInflight);
  EXPECT_EQ(fn.class_name, "main.Store");
  EXPECT_EQ(fn.params, std::vector<std::string>{"k"});
  EXPECT_EQ(fn.slot_count, 3);
  EXPECT_EQ(fn.module_capture_slots, (std::vector<int32_t>{0, -1}));
  EXPECT_EQ(fn.pos.file, "main.w");
  EXPECT_EQ(back.resources[0].pos.file, "C:/dir/main.w");
  EXPECT_EQ(back.resources[0].pos.line, 3u);
  EXPECT_EQ(back.resources[0].props, program.resources[0].props);
  EXPECT_EQ(back.classes[0].methods.at("put"), 0);
  EXPECT_EQ(back.classes[0].init, 1);
  EXPECT_EQ(back.classes[0].inflight_init, -1);
  EXPECT_EQ(back.tests[0].pos.line, 9u);
  EXPECT_EQ(back.edges[0].reason, "binding");
  ASSERT_EQ(back.resources[0].lifts.size(), 1u);
  EXPECT_EQ(back.resources[0].lifts[0].ops, std::vector<std::string>{"push"});
  EXPECT_EQ(back.resources[0].lifts[0].via, "code");
  EXPECT_EQ(back.resources[0].permissions, program.resources[0].permissions);
  EXPECT_TRUE(back.tests[0].lifts.empty());
  EXPECT_EQ(back.functions[1].code.root, kNoNode);
  // Every node survives with its fields (ids are renumbered children-first).
  EXPECT_EQ(back.functions[0].code.nodes.size(), program.functions[0].code.nodes.size());
}

TEST(Json, CodeIsAReadableTree) {
  CodeBuilder b;
  b.At(3, 5);
  NodeId call = b.MCall(b.Local(0), "put", {b.Str("k")});
  Code code = b.Finish(b.Block({b.Expr(call)}));
  EXPECT_EQ(CodeToJson(code).dump(),
            R"({"at":"3:5","k":"Block","kids":[{"at":"3:5","k":"ExprStmt","kids":[{"at":"3:5","k":"MethodCall",)"
            R"("kids":[{"at":"3:5","k":"Local","slot":0},{"at":"3:5","const":"k","k":"Const"}],"name":"put"}]}]})");
}

TEST(Json, ValuesEncodeAsDocumented) {
  auto ref = std::make_shared<ResourceRef>(ResourceRef{"root/Default/q", "cloud.Queue"});
  Value value = Value::NewMap({{"q", Value::Resource(ref)},
                               {"d", Value::Duration(30)},
                               {"n", Value::Num(1.5)},
                               {"i", Value::Num(3)},
                               {"list", Value::NewArray({Value::Str("a"), Value(), Value::Bool(true)}, false)},
                               {"set", Value::NewArray({Value::Num(1)}, false, true)}},
                              false, "main.Opts");
  std::optional<nlohmann::json> json = ValueToJson(value);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->dump(),
            R"({"d":{"$duration":30},"i":3,"list":["a",null,true],"n":1.5,"q":{"$resource":"root/Default/q"},"set":[1]})");
  Program program;
  Resource queue;
  queue.path = "root/Default/q";
  queue.type = "cloud.Queue";
  program.resources.push_back(queue);
  Value back = ValueFromJson(*json, &program);
  EXPECT_EQ(back.map->Find("q")->resource->type, "cloud.Queue");
  EXPECT_EQ(back.map->Find("d")->kind, ValueKind::kDuration);
  EXPECT_EQ(back.map->Find("d")->number, 30);
  EXPECT_EQ(back.map->Find("i")->number, 3);
  // Non-finite numbers survive.
  Value inf = ValueFromJson(*ValueToJson(Value::Num(-INFINITY)));
  EXPECT_TRUE(std::isinf(inf.number) && inf.number < 0);
  EXPECT_TRUE(std::isnan(ValueFromJson(*ValueToJson(Value::Num(NAN))).number));
}

TEST(Json, UnstorableValuesAreReportedNotThrown) {
  auto instance = std::make_shared<InstanceObject>();
  instance->class_name = "main.Helper";
  std::string error;
  EXPECT_FALSE(ValueToJson(Value::NewArray({Value::Instance(instance)}, false), &error).has_value());
  EXPECT_EQ(error, "an instance of inflight class `main.Helper` cannot be used outside the code that created it");
  auto closure = std::make_shared<ClosureObject>();
  closure->function = 0;
  closure->enclosing = std::make_shared<Frame>();
  error.clear();
  EXPECT_FALSE(ValueToJson(Value::Closure(closure), &error).has_value());
  EXPECT_NE(error.find("closure"), std::string::npos);
  closure->enclosing.reset();
  EXPECT_TRUE(ValueToJson(Value::Closure(closure), &error).has_value());
}

TEST(Json, MalformedProgramDoesNotThrow) {
  std::string error;
  Program p = ProgramFromJson(nlohmann::json::parse(R"({"version":1,"functions":[{"name":"f","code":{"k":"Bogus"}},3],
                                                      "resources":[{"path":1}]})"),
                              &error);
  EXPECT_NE(error.find("Bogus"), std::string::npos);
  EXPECT_EQ(p.functions.size(), 2u);
  EXPECT_EQ(p.resources.size(), 1u);
  error.clear();
  ProgramFromJson(nlohmann::json::array(), &error);
  EXPECT_FALSE(error.empty());
}

TEST(Json, KindAndOpNames) {
  EXPECT_STREQ(NodeKindName(NodeKind::kMethodCall), "MethodCall");
  EXPECT_EQ(NodeKindFromName("Try"), NodeKind::kTry);
  EXPECT_FALSE(NodeKindFromName("Nope").has_value());
  EXPECT_STREQ(OpName(Op::kNilCoalesce), "NilCoalesce");
  EXPECT_EQ(OpFromName("IntDiv"), Op::kIntDiv);
  EXPECT_EQ(OpFromName("??"), Op::kNone);
}

}  // namespace
}  // namespace wdsl::ir
