// The evaluator's dealings with its host: resources, user preflight classes,
// builtins the host overrides, and the inflight view of preflight objects.
#include <gtest/gtest.h>

#include "ir/eval.h"
#include "ir/json.h"
#include "ir/test_support.h"

namespace wdsl::ir {
namespace {

using testing::AddFunction;
using testing::CodeBuilder;
using testing::FakeHost;

auto Method(Program& program, const std::string& name, FunctionKind kind, Phase phase, int32_t slots, Code code,
            std::vector<std::string> params, const std::string& cls) -> int32_t {
  int32_t index = AddFunction(program, name, kind, phase, slots, std::move(code), std::move(params));
  program.functions[index].class_name = cls;
  program.functions[index].module_toplevel = 0;
  return index;
}

TEST(EvalHost, NewResourceAndCallResource) {
  Program program;
  CodeBuilder b;
  b.At(2, 11);
  NodeId make = b.New("cloud.Bucket", {b.Struct("cloud.BucketProps", {{"public", b.Bool(true)}})}, b.Str("uploads"));
  b.At(3, 1);
  NodeId put = b.MCall(b.Local(0), "put", {b.Str("k"), b.Str("v")});
  NodeId root = b.Block({b.Let(0, make), b.Expr(put), b.Expr(b.CallGlobal("log", {b.Member(b.Local(0), "url")})),
                         b.Expr(b.CallGlobal("log", {b.Local(0)}))});
  int32_t top = AddFunction(program, "main.w", FunctionKind::kTopLevel, Phase::kPreflight, 1, b.Finish(root));
  FakeHost host;
  Interpreter interp(program, host);
  interp.RunTopLevel(top);
  EXPECT_EQ(host.created, std::vector<std::string>{"root/uploads"});
  ASSERT_EQ(host.new_args.size(), 1u);
  EXPECT_EQ(ToDisplayString(host.new_args[0][0]), R"({"public":true})");
  EXPECT_EQ(host.new_pos[0].line, 2u);
  EXPECT_EQ(host.new_pos[0].col, 11u);
  ASSERT_EQ(host.calls.size(), 1u);
  EXPECT_EQ(host.calls[0].path, "root/uploads");
  EXPECT_EQ(host.calls[0].method, "put");
  EXPECT_EQ(host.calls[0].args.size(), 2u);
  EXPECT_EQ(host.logs, (std::vector<std::string>{"field url", "root/uploads"}));
  // The top-level frame stays readable after the run.
  std::optional<Value> slot = interp.TopLevelSlot(top, 0);
  ASSERT_TRUE(slot.has_value());
  EXPECT_EQ(slot->kind, ValueKind::kResource);
  EXPECT_FALSE(interp.TopLevelSlot(top, 5).has_value());
}

TEST(EvalHost, HostErrorsGetATrace) {
  Program program;
  CodeBuilder b;
  b.At(5, 3);
  NodeId fail = b.MCall(b.New("cloud.Queue"), "fail");
  int32_t top = AddFunction(program, "main.w", FunctionKind::kTopLevel, Phase::kPreflight, 0,
                            b.Finish(b.Block({b.Expr(fail)})));
  FakeHost host;
  Interpreter interp(program, host);
  try {
    interp.RunTopLevel(top);
    FAIL() << "expected an error";
  } catch (const ThrownError& error) {
    EXPECT_STREQ(error.what(), "resource failed");
    ASSERT_EQ(error.trace.size(), 1u);
    EXPECT_EQ(error.trace[0].pos.line, 5u);
  }
}

// class Store { data; new() { this.data = new cloud.Bucket(); } fmt(x) { ... } inflight get() }
// let store = new Store() as "store";  store.addBucket();
struct StoreProgram {
  Program program;
  int32_t top = -1;
  int32_t get = -1;

  StoreProgram() {
    CodeBuilder init;
    NodeId make = init.New("cloud.Bucket");
    Code init_code = init.Finish(init.Block({init.AssignMember(init.This(), "data", make),
                                             init.AssignMember(init.This(), "count", init.Num(1))}));
    CodeBuilder add;
    Code add_code = add.Finish(add.Block({add.Return(add.New("cloud.Queue", {}, add.Str("q")))}));
    CodeBuilder label;
    // A static method reading a top-level variable (depth 1).
    Code label_code =
        label.Finish(label.Block({label.Return(label.Bin(Op::kAdd, label.Str("store of "), label.Local(1, 1)))}));
    CodeBuilder get_b;
    Code get_code = get_b.Finish(get_b.Block({get_b.Return(get_b.MCall(get_b.Member(get_b.This(), "data"), "get",
                                                                       {get_b.Member(get_b.This(), "prefix")}))}));
    CodeBuilder inflight_init;
    Code inflight_init_code = inflight_init.Finish(
        inflight_init.Block({inflight_init.AssignMember(inflight_init.This(), "prefix", inflight_init.Str("p/"))}));

    CodeBuilder b;
    NodeId root =
        b.Block({b.Let(0, b.New("main.Store", {}, b.Str("store"))), b.Let(1, b.Str("owner")),
                 b.Expr(b.MCall(b.Local(0), "addQueue")),
                 b.Expr(b.CallGlobal("log", {b.CallGlobal("main.Store.label")}))});
    top = AddFunction(program, "main.w", FunctionKind::kTopLevel, Phase::kPreflight, 2, b.Finish(root));
    int32_t init_fn =
        Method(program, "Store.new", FunctionKind::kInit, Phase::kPreflight, 0, std::move(init_code), {}, "main.Store");
    int32_t add_fn = Method(program, "Store.addQueue", FunctionKind::kMethod, Phase::kPreflight, 0, std::move(add_code),
                            {}, "main.Store");
    int32_t label_fn = Method(program, "Store.label", FunctionKind::kMethod, Phase::kPreflight, 0,
                              std::move(label_code), {}, "main.Store");
    program.functions[label_fn].is_static = true;
    get = Method(program, "Store.get", FunctionKind::kMethod, Phase::kInflight, 0, std::move(get_code), {},
                 "main.Store");
    int32_t inflight_init_fn = Method(program, "Store.inflight new", FunctionKind::kInit, Phase::kInflight, 0,
                                      std::move(inflight_init_code), {}, "main.Store");
    ClassInfo store;
    store.name = "main.Store";
    store.phase = Phase::kPreflight;
    store.fields = {"data", "count"};
    store.inflight_fields = {"prefix"};
    store.init = init_fn;
    store.inflight_init = inflight_init_fn;
    store.methods = {{"addQueue", add_fn}, {"label", label_fn}, {"get", get}};
    program.classes.push_back(store);
  }
};

TEST(EvalHost, PreflightClassInstance) {
  StoreProgram p;
  FakeHost host;
  Interpreter interp(p.program, host);
  interp.RunTopLevel(p.top);
  EXPECT_EQ(host.events, (std::vector<std::string>{"begin root/store", "end root/store"}));
  // Resources made in the constructor and in a preflight method nest under the instance.
  EXPECT_EQ(host.created, (std::vector<std::string>{"root/store/cloud.Bucket", "root/store/q"}));
  EXPECT_EQ(host.logs, std::vector<std::string>{"store of owner"});
  const auto* fields = interp.InstanceFields("root/store");
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_EQ((*fields)[0].first, "data");
  EXPECT_EQ((*fields)[0].second.resource->path, "root/store/cloud.Bucket");
  EXPECT_EQ(interp.InstanceFields("root/nope"), nullptr);
  // The instance is stored as a resource reference.
  std::optional<Value> store = interp.TopLevelSlot(p.top, 0);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(ValueToJson(*store)->dump(), R"({"$resource":"root/store"})");
}

// In the simulator a user class object is a reference: its preflight fields
// come from the host, `inflight new()` runs once and sets inflight fields.
TEST(EvalHost, InflightClientOfPreflightClass) {
  StoreProgram p;
  FakeHost host;
  auto bucket = std::make_shared<ResourceRef>(ResourceRef{"root/store/Bucket", "cloud.Bucket"});
  host.fields["root/store.data"] = Value::Resource(bucket);
  auto store = std::make_shared<ResourceRef>(ResourceRef{"root/store", "main.Store"});
  // An inflight closure that calls store.get() through a capture.
  CodeBuilder b;
  NodeId root = b.Block({b.Return(b.MCall(b.Capture(0), "get"))});
  int32_t handler = AddFunction(p.program, "handler", FunctionKind::kClosure, Phase::kInflight, 0, b.Finish(root));
  Interpreter sim(p.program, host);
  Value closure = sim.MakeClosure(handler, {Value::Resource(store)});
  EXPECT_EQ(sim.Call(closure, {}).AsStr(), "result of get");
  EXPECT_EQ(sim.Call(closure, {}).AsStr(), "result of get");
  ASSERT_EQ(host.calls.size(), 2u);
  EXPECT_EQ(host.calls[0].path, "root/store/Bucket");
  EXPECT_EQ(host.calls[0].args[0].AsStr(), "p/");
  EXPECT_EQ(host.fields_read, (std::vector<std::string>{"root/store.data", "root/store.data"}));
}

TEST(EvalHost, InflightMemberReadsModuleCaptures) {
  Program program;
  CodeBuilder top_b;
  int32_t top = AddFunction(program, "main.w", FunctionKind::kTopLevel, Phase::kPreflight, 1,
                            top_b.Finish(top_b.Block({top_b.Let(0, top_b.Str("live"))})));
  CodeBuilder m;
  int32_t fn = Method(program, "Util.greet", FunctionKind::kMethod, Phase::kInflight, 0,
                      m.Finish(m.Block({m.Return(m.Capture(0))})), {}, "main.Util");
  program.functions[fn].is_static = true;
  program.functions[fn].module_toplevel = top;
  program.functions[fn].module_capture_slots = {0};
  program.functions[fn].capture_names = {"greeting"};
  ClassInfo util;
  util.name = "main.Util";
  util.phase = Phase::kPreflight;
  util.methods = {{"greet", fn}};
  program.classes.push_back(util);
  CodeBuilder call;
  int32_t caller = AddFunction(program, "caller", FunctionKind::kClosure, Phase::kInflight, 0,
                               call.Finish(call.Block({call.Return(call.CallGlobal("main.Util.greet"))})));
  FakeHost host;
  {
    // At compile time: the live top-level slot.
    Interpreter interp(program, host);
    interp.RunTopLevel(top);
    EXPECT_EQ(interp.Call(interp.MakeClosure(caller, {}), {}).AsStr(), "live");
  }
  // In the simulator: the value recorded when preflight ended.
  program.functions[fn].module_captures = nlohmann::json::parse(R"(["recorded"])");
  Interpreter sim(program, host);
  EXPECT_EQ(sim.Call(sim.MakeClosure(caller, {}), {}).AsStr(), "recorded");
}

TEST(EvalHost, HostOverridesBuiltins) {
  Program program;
  CodeBuilder b;
  NodeId wait = b.CallGlobal("util.waitUntil", {b.Closure(1), b.Struct("util.WaitUntilProps",
                                                                       {{"timeout", b.Const(Value::Duration(1))},
                                                                        {"throws", b.Bool(false)}})});
  NodeId root = b.Block({b.Expr(b.CallGlobal("log", {b.Str("a"), b.Num(1)})), b.Return(wait)});
  int32_t fn = AddFunction(program, "f", FunctionKind::kClosure, Phase::kInflight, 0, b.Finish(root));
  CodeBuilder never;
  AddFunction(program, "never", FunctionKind::kClosure, Phase::kInflight, 0,
              never.Finish(never.Block({never.Return(never.Bool(false))})));
  FakeHost host;
  Interpreter interp(program, host);
  EXPECT_FALSE(interp.Call(interp.MakeClosure(fn, {}), {}).boolean);
  EXPECT_EQ(host.logs, std::vector<std::string>{"a 1"});
  // Virtual sleeps of 100ms until the (summed) intervals reach the timeout.
  EXPECT_GE(host.slept, 1.0 - 1e-9);
  EXPECT_LE(host.slept, 1.1 + 1e-9);
  // A name only the host knows.
  Value echo = interp.Call(Value::Closure(std::make_shared<ClosureObject>(ClosureObject{-1, {}, nullptr, Value(), "host.echo"})),
                           {Value::Num(7)});
  EXPECT_EQ(echo.number, 7);
}

TEST(EvalHost, PreflightClosuresAreStorable) {
  Program program;
  // An inflight closure made at preflight captures values, not the frame.
  CodeBuilder h;
  int32_t handler = AddFunction(program, "handler", FunctionKind::kClosure, Phase::kInflight, 0,
                                h.Finish(h.Block({h.Return(h.Capture(0))})));
  CodeBuilder b;
  NodeId root = b.Block({b.Let(0, b.Str("v")), b.Return(b.Closure(handler, {b.Local(0)}))});
  int32_t top = AddFunction(program, "f", FunctionKind::kClosure, Phase::kPreflight, 1, b.Finish(root));
  FakeHost host;
  Interpreter interp(program, host);
  Value closure = interp.Call(interp.MakeClosure(top, {}), {});
  std::string error;
  std::optional<nlohmann::json> json = ValueToJson(closure, &error);
  ASSERT_TRUE(json.has_value()) << error;
  EXPECT_EQ(json->dump(), R"({"$closure":{"captures":["v"],"function":0}})");
  // Decoded, it runs in another interpreter.
  Interpreter sim(program, host);
  EXPECT_EQ(sim.Call(ValueFromJson(*json, &program), {}).AsStr(), "v");
}

}  // namespace
}  // namespace wdsl::ir
