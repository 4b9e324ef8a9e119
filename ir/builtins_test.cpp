// Native builtins, called the way the evaluator calls them. Expected values
// are what Wing (JavaScript) gives.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "ir/eval.h"
#include "ir/test_support.h"

namespace wdsl::ir {
namespace {

auto S(std::string s) -> Value { return Value::Str(std::move(s)); }
auto N(double n) -> Value { return Value::Num(n); }
auto Arr(std::vector<Value> items, bool is_mutable = true) -> Value { return Value::NewArray(std::move(items), is_mutable); }

struct Natives {
  Program program;
  testing::FakeHost host;
  Interpreter interp{program, host};

  auto Closure(const std::string& name, Value receiver = Value()) -> Value {
    auto closure = std::make_shared<ClosureObject>();
    closure->builtin = name;
    closure->receiver = std::move(receiver);
    return Value::Closure(std::move(closure));
  }
  auto Static(const std::string& name, std::vector<Value> args = {}) -> Value {
    return interp.Call(Closure(name), std::move(args));
  }
  auto Method(const Value& self, const std::string& name, std::vector<Value> args = {}) -> Value {
    return interp.Call(Closure(name, self), std::move(args));
  }
  // The display form of a result.
  auto M(const Value& self, const std::string& name, std::vector<Value> args = {}) -> std::string {
    return ToDisplayString(Method(self, name, std::move(args)));
  }
  auto St(const std::string& name, std::vector<Value> args = {}) -> std::string {
    return ToDisplayString(Static(name, std::move(args)));
  }
  template <typename Fn>
  auto Error(Fn fn) -> std::string {
    try {
      fn();
    } catch (const ThrownError& error) {
      return error.what();
    }
    return "<no error>";
  }
};

TEST(Builtins, StringMethods) {
  Natives n;
  EXPECT_EQ(n.M(S("abc"), "at", {N(-1)}), "c");
  EXPECT_EQ(n.Error([&] { n.Method(S("abc"), "at", {N(3)}); }), "index out of bounds");
  EXPECT_EQ(n.M(S("ab"), "concat", {S("cd")}), "abcd");
  EXPECT_EQ(n.M(S("hello"), "contains", {S("ell")}), "true");
  EXPECT_EQ(n.M(S("hello"), "endsWith", {S("lo")}), "true");
  EXPECT_EQ(n.M(S("hello"), "startsWith", {S("he")}), "true");
  EXPECT_EQ(n.M(S("hello"), "indexOf", {S("l")}), "2");
  EXPECT_EQ(n.M(S("héllo"), "indexOf", {S("l")}), "2");
  EXPECT_EQ(n.M(S("hello"), "indexOf", {S("z")}), "-1");
  EXPECT_EQ(n.M(S("HeLLo É"), "lowercase"), "hello é");
  EXPECT_EQ(n.M(S("straße"), "uppercase"), "STRASSE");
  EXPECT_EQ(n.M(S("a,b,,c"), "split", {S(",")}), R"(["a","b","","c"])");
  EXPECT_EQ(n.M(S("abc"), "split", {S("")}), R"(["a","b","c"])");
  EXPECT_EQ(n.M(S(""), "split", {S(",")}), R"([""])");
  EXPECT_EQ(n.M(S("abcdef"), "substring", {N(4), N(1)}), "bcd");
  EXPECT_EQ(n.M(S("abcdef"), "substring", {N(2)}), "cdef");
  EXPECT_EQ(n.M(S("abcdef"), "substring", {N(-2), N(2)}), "ab");
  EXPECT_EQ(n.M(S("日本語テキスト"), "substring", {N(1), N(3)}), "本語");
  EXPECT_EQ(n.M(S("aXbX"), "replace", {S("X"), S("[$&|$$]")}), "a[X|$]bX");
  EXPECT_EQ(n.M(S("aXbX"), "replaceAll", {S("X"), S("-")}), "a-b-");
  EXPECT_EQ(n.M(S("abc"), "replaceAll", {S(""), S("-")}), "-a-b-c-");
  EXPECT_EQ(n.M(S(" \t hi \n"), "trim"), "hi");
  EXPECT_EQ(n.M(S("\u00a0hi\u3000"), "trim"), "hi");
  EXPECT_EQ(n.St("String.fromJson", {S("x")}), "x");
  EXPECT_EQ(n.Error([&] { n.Static("String.fromJson", {N(1)}); }), "unable to parse string:\n- string must be string");
}

TEST(Builtins, ArrayMethods) {
  Natives n;
  Value a = Arr({N(1), N(2), N(3)}, false);
  EXPECT_EQ(n.M(a, "at", {N(0)}), "1");
  EXPECT_EQ(n.Error([&] { n.Method(a, "at", {N(-1)}); }), "Index out of bounds");
  EXPECT_EQ(n.M(a, "tryAt", {N(-1)}), "3");
  EXPECT_EQ(n.M(a, "tryAt", {N(5)}), "nil");
  EXPECT_EQ(n.M(a, "concat", {Arr({N(4)})}), "[1,2,3,4]");
  EXPECT_EQ(n.M(a, "contains", {N(2)}), "true");
  EXPECT_EQ(n.M(a, "indexOf", {N(3)}), "2");
  EXPECT_EQ(n.M(a, "lastIndexOf", {N(9)}), "-1");
  EXPECT_EQ(n.M(Arr({N(1), Arr({N(2), N(3)}), Value(), S("x")}), "join"), "1,2,3,,x");
  EXPECT_EQ(n.M(a, "join", {S("-")}), "1-2-3");
  EXPECT_EQ(n.M(a, "slice", {N(-2)}), "[2,3]");
  EXPECT_EQ(n.M(a, "slice", {N(1), N(-1)}), "[2]");
  EXPECT_EQ(n.M(a, "slice", {Value(), N(2)}), "[1,2]");
  Value copy = n.Method(a, "copyMut");
  EXPECT_TRUE(copy.array->is_mutable);
  EXPECT_NE(copy.array, a.array);

  Value m = Arr({S("a")});
  n.Method(m, "push", {S("b")});
  n.Method(m, "insert", {N(0), S("z")});
  EXPECT_EQ(ToDisplayString(m), R"(["z","a","b"])");
  EXPECT_EQ(n.Error([&] { n.Method(m, "insert", {N(4), S("q")}); }), "Index out of bounds");
  EXPECT_EQ(n.M(m, "popAt", {N(1)}), "a");
  n.Method(m, "set", {N(0), S("y")});
  EXPECT_EQ(n.M(m, "pop"), "b");
  EXPECT_EQ(n.M(m, "removeFirst", {S("y")}), "true");
  EXPECT_EQ(n.M(m, "removeFirst", {S("y")}), "false");
  EXPECT_EQ(n.M(m, "pop"), "nil");
  n.Method(m, "push", {S("x")});
  n.Method(m, "clear");
  EXPECT_EQ(ToDisplayString(m), "[]");
  EXPECT_EQ(n.M(n.Method(a, "copy"), "at", {N(1)}), "2");
}

TEST(Builtins, SetMethods) {
  Natives n;
  Value s = Value::NewArray({N(1), N(2), N(1)}, true, true);
  EXPECT_EQ(ToDisplayString(s), "[1,2]");
  EXPECT_EQ(n.M(s, "has", {N(2)}), "true");
  n.Method(s, "add", {N(3)});
  n.Method(s, "add", {N(3)});
  EXPECT_EQ(n.M(s, "toArray"), "[1,2,3]");
  EXPECT_EQ(n.M(s, "delete", {N(1)}), "true");
  EXPECT_EQ(n.M(s, "delete", {N(1)}), "false");
  EXPECT_TRUE(n.Method(s, "copy").array->is_set);
  n.Method(s, "clear");
  EXPECT_EQ(n.M(s, "toArray"), "[]");
  // Sets compare regardless of order.
  EXPECT_TRUE(DeepEqual(Value::NewArray({N(1), N(2)}, false, true), Value::NewArray({N(2), N(1)}, false, true)));
}

TEST(Builtins, MapMethods) {
  Natives n;
  Value m = Value::NewMap({{"b", N(1)}, {"a", N(2)}}, true);
  EXPECT_EQ(n.M(m, "size"), "2");
  EXPECT_EQ(n.M(m, "get", {S("a")}), "2");
  EXPECT_EQ(n.Error([&] { n.Method(m, "get", {S("z")}); }), "MutMap does not contain key: \"z\"");
  EXPECT_EQ(n.Error([&] { n.Method(Value::NewMap({}, false), "get", {S("z")}); }), "Map does not contain key: \"z\"");
  EXPECT_EQ(n.M(m, "tryGet", {S("z")}), "nil");
  EXPECT_EQ(n.M(m, "has", {S("b")}), "true");
  EXPECT_EQ(n.M(m, "keys"), R"(["b","a"])");
  EXPECT_EQ(n.M(m, "values"), "[1,2]");
  EXPECT_EQ(n.M(m, "entries"), R"([{"key":"b","value":1},{"key":"a","value":2}])");
  n.Method(m, "set", {S("c"), N(3)});
  EXPECT_EQ(n.M(m, "delete", {S("b")}), "true");
  EXPECT_EQ(ToDisplayString(m), R"({"a":2,"c":3})");
  EXPECT_FALSE(n.Method(m, "copy").map->is_mutable);
  n.Method(m, "clear");
  EXPECT_EQ(ToDisplayString(m), "{}");
  // Integer-like keys come first, as in JS objects.
  Value ordered = Value::NewMap({{"b", N(1)}, {"2", N(2)}, {"1", N(3)}, {"01", N(4)}}, false);
  EXPECT_EQ(ToDisplayString(ordered), R"({"1":3,"2":2,"b":1,"01":4})");
}

TEST(Builtins, JsonMethods) {
  Natives n;
  Value j = n.Static("Json.parse", {S(R"({"s":"x","n":1.5,"b":true,"a":[1,{"k":null}],"o":{}})")});
  EXPECT_EQ(n.M(n.Method(j, "get", {S("s")}), "asStr"), "x");
  EXPECT_EQ(n.M(n.Method(j, "get", {S("n")}), "asNum"), "1.5");
  EXPECT_EQ(n.M(n.Method(j, "get", {S("b")}), "asBool"), "true");
  EXPECT_EQ(n.M(n.Method(j, "get", {S("s")}), "tryAsNum"), "nil");
  EXPECT_EQ(n.Error([&] { n.Method(n.Method(j, "get", {S("s")}), "asNum"); }), "unable to parse string x as a number");
  EXPECT_EQ(n.Error([&] { n.Method(n.Method(j, "get", {S("o")}), "asStr"); }),
            "unable to parse object [object Object] as a string");
  EXPECT_EQ(n.M(n.Method(j, "get", {S("a")}), "getAt", {N(0)}), "1");
  EXPECT_EQ(n.Error([&] { n.Method(n.Method(j, "get", {S("a")}), "getAt", {N(5)}); }), "Index out of bounds");
  EXPECT_EQ(n.M(n.Method(j, "get", {S("a")}), "tryGetAt", {N(5)}), "nil");
  EXPECT_EQ(n.M(j, "tryGet", {S("zz")}), "nil");
  // Json null is a value, not a missing key.
  EXPECT_EQ(n.M(n.Method(n.Method(j, "get", {S("a")}), "getAt", {N(1)}), "get", {S("k")}), "nil");
  EXPECT_EQ(n.M(j, "has", {S("o")}), "true");
  EXPECT_EQ(n.St("Json.keys", {j}), R"(["s","n","b","a","o"])");
  EXPECT_EQ(n.St("Json.values", {n.Static("Json.parse", {S("[1,2]")})}), "[1,2]");
  EXPECT_EQ(n.St("Json.entries", {n.Static("Json.parse", {S(R"({"k":1})")})}), R"([{"key":"k","value":1}])");
  EXPECT_EQ(n.St("Json.stringify", {j}), R"({"s":"x","n":1.5,"b":true,"a":[1,{"k":null}],"o":{}})");
  EXPECT_EQ(n.St("Json.stringify", {n.Static("Json.parse", {S(R"({"a":[1],"e":[]})")}),
                                    Value::NewMap({{"indent", N(2)}}, false)}),
            "{\n  \"a\": [\n    1\n  ],\n  \"e\": []\n}");
  EXPECT_EQ(n.Error([&] { n.Static("Json.parse", {S("{")}); }), "Expected property name or '}' in JSON at position 1");
  EXPECT_EQ(n.Error([&] { n.Static("Json.parse", {S("x")}); }), "Unexpected token 'x', \"x\" is not valid JSON");
  EXPECT_EQ(n.St("Json.tryParse", {S("{")}), "nil");
  EXPECT_EQ(n.St("Json.tryParse", {Value()}), "nil");
  Value mut = n.Static("Json.deepCopyMut", {j});
  EXPECT_TRUE(mut.map->is_mutable);
  n.Method(mut, "set", {S("s"), S("y")});
  n.Method(n.Method(mut, "get", {S("a")}), "setAt", {N(0), N(9)});
  EXPECT_EQ(n.M(n.Method(j, "get", {S("s")}), "asStr"), "x");  // the copy is deep
  EXPECT_EQ(n.M(n.Method(mut, "get", {S("a")}), "getAt", {N(0)}), "9");
  n.Static("Json.delete", {mut, S("s")});
  EXPECT_EQ(n.M(mut, "has", {S("s")}), "false");
  EXPECT_FALSE(n.Static("Json.deepCopy", {mut}).map->is_mutable);
  EXPECT_EQ(n.Error([&] { n.Method(j, "get", {S("zz")}); }), "Json property \"zz\" does not exist");
  EXPECT_EQ(n.M(N(1), "tryAsStr"), "nil");
}

TEST(Builtins, StructAndPrimitiveParsing) {
  Natives n;
  Value j = n.Static("Json.parse", {S(R"({"name":"x","port":null,"nested":{"a":null,"b":1}})")});
  Value opts = n.Static("main.Opts.fromJson", {j});
  EXPECT_EQ(opts.map->struct_name, "main.Opts");
  EXPECT_EQ(ToDisplayString(opts), R"({"name":"x","nested":{"b":1}})");
  EXPECT_EQ(n.Error([&] { n.Static("main.Opts.fromJson", {N(1)}); }), "unable to parse Opts:\n- Opts must be object");
  EXPECT_EQ(n.St("main.Opts.tryFromJson", {N(1)}), "nil");
  EXPECT_EQ(n.St("main.Opts.parseJson", {S(R"({"name":"y"})")}), R"({"name":"y"})");
  EXPECT_EQ(n.St("main.Opts.tryParseJson", {S("{")}), "nil");
  EXPECT_EQ(n.St("Number.fromJson", {N(3)}), "3");
  EXPECT_EQ(n.Error([&] { n.Static("Number.fromJson", {S("3")}); }), "unable to parse num:\n- num must be number");
  EXPECT_EQ(n.St("Boolean.fromJson", {Value::Bool(false)}), "false");
  EXPECT_EQ(n.Error([&] { n.Static("Boolean.fromJson", {N(0)}); }), "unable to parse bool:\n- bool must be boolean");
  EXPECT_EQ(n.St("Number.fromStr", {S(" 12.5 ")}), "12.5");
  EXPECT_EQ(n.St("Number.fromStr", {S("0x1F")}), "31");
  EXPECT_EQ(n.Error([&] { n.Static("Number.fromStr", {S("12px")}); }), "unable to parse \"12px\" as a number");
}

TEST(Builtins, Durations) {
  Natives n;
  EXPECT_EQ(n.Static("Duration.fromMinutes", {N(2)}).number, 120);
  EXPECT_EQ(n.Static("Duration.fromMilliseconds", {N(1500)}).number, 1.5);
  EXPECT_EQ(n.Static("Duration.fromHours", {N(1)}).number, 3600);
  EXPECT_EQ(n.Static("Duration.fromDays", {N(1)}).number, 86400);
  EXPECT_EQ(n.Static("Duration.fromYears", {N(1)}).number, 86400 * 365);
  EXPECT_EQ(n.Static("Duration.fromMonths", {N(12)}).number, 86400 * 365);
  EXPECT_EQ(n.Static("Duration.fromSeconds", {N(3)}).number, 3);
  EXPECT_EQ(ToDisplayString(Value::Duration(90)), R"({"seconds":90})");
}

TEST(Builtins, Expect) {
  Natives n;
  n.Static("expect.equal", {Arr({N(1), S("a")}), Arr({N(1), S("a")}, false)});
  EXPECT_EQ(n.Error([&] { n.Static("expect.equal", {N(1), N(2)}); }),
            "Expected values to be strictly deep-equal:\n\n1 !== 2\n");
  EXPECT_EQ(n.Error([&] { n.Static("expect.equal", {S("a"), S("b")}); }),
            "Expected values to be strictly deep-equal:\n\n'a' !== 'b'\n");
  EXPECT_EQ(n.Error([&] { n.Static("expect.equal", {Value(), N(1)}); }),
            "Expected values to be strictly deep-equal:\n\nundefined !== 1\n");
  EXPECT_EQ(n.Error([&] { n.Static("expect.equal", {Arr({N(1)}), Arr({N(2)})}); }),
            "Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ [1]\n- [2]");
  n.Static("expect.notEqual", {N(1), N(2)});
  EXPECT_EQ(n.Error([&] { n.Static("expect.notEqual", {N(1), N(1)}); }),
            "Expected \"actual\" not to be strictly deep-equal to: 1");
  n.Static("expect.nil", {Value()});
  EXPECT_EQ(n.Error([&] { n.Static("expect.nil", {S("x")}); }), "Expected \"x\" to be nil");
  n.Static("expect.notNil", {N(0)});
  EXPECT_EQ(n.Error([&] { n.Static("expect.notNil", {Value()}); }), "Expected \"undefined\" to be not nil");
  n.Static("expect.match", {S("hello world"), S("wor.d")});
  EXPECT_EQ(n.Error([&] { n.Static("expect.match", {S("abc"), S("^z")}); }),
            "The input \"abc\" did not match the regular expression ^z");
  n.Static("expect.doesNotMatch", {S("abc"), S("^z")});
  EXPECT_EQ(n.Error([&] { n.Static("expect.doesNotMatch", {S("abc"), S("b")}); }),
            "The input should not match the regular expression b");
  n.Static("expect.ok", {Value::Bool(true)});
  EXPECT_EQ(n.Error([&] { n.Static("expect.ok", {Value::Bool(false), S("custom")}); }), "custom");
  EXPECT_EQ(n.Error([&] { n.Static("expect.fail"); }), "Failed");
  EXPECT_EQ(n.Error([&] { n.Static("expect.fail", {S("boom")}); }), "boom");
}

TEST(Builtins, StdGlobals) {
  Natives n;
  n.Static("log", {S("hi"), N(2)});
  EXPECT_EQ(n.host.logs, std::vector<std::string>{"hi 2"});
  n.Static("assert", {Value::Bool(true)});
  EXPECT_EQ(n.Error([&] { n.Static("assert", {Value::Bool(false)}); }), "assertion failed");
  EXPECT_EQ(n.St("unsafeCast", {N(4)}), "4");
}

TEST(Builtins, Util) {
  Natives n;
  ::setenv("WDSL_IR_TEST_VAR", "value", 1);
  ::setenv("WDSL_IR_TEST_EMPTY", "", 1);
  EXPECT_EQ(n.St("util.env", {S("WDSL_IR_TEST_VAR")}), "value");
  EXPECT_EQ(n.Error([&] { n.Static("util.env", {S("WDSL_IR_TEST_EMPTY")}); }),
            "Environment variable WDSL_IR_TEST_EMPTY not found.");
  EXPECT_EQ(n.St("util.tryEnv", {S("WDSL_IR_TEST_NOPE")}), "nil");
  EXPECT_EQ(n.St("util.base64Encode", {S("héllo wörld?>>")}), "aMOpbGxvIHfDtnJsZD8+Pg==");
  EXPECT_EQ(n.St("util.base64Encode", {S("héllo wörld?>>"), Value::Bool(true)}), "aMOpbGxvIHfDtnJsZD8-Pg");
  EXPECT_EQ(n.St("util.base64Decode", {S("aMOpbGxvIHfDtnJsZD8+Pg==")}), "héllo wörld?>>");
  EXPECT_EQ(n.St("util.sha256", {S("abc")}), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(n.St("util.sha256", {S("")}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string uuid = n.St("util.uuidv4");
  EXPECT_TRUE(std::regex_match(uuid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uuid;
  EXPECT_NE(uuid, n.St("util.uuidv4"));
  EXPECT_EQ(n.St("util.nanoid").size(), 21u);
  EXPECT_EQ(n.St("util.nanoid", {Value::NewMap({{"size", N(5)}, {"alphabet", S("a")}}, false)}), "aaaaa");
  n.Static("util.sleep", {Value::Duration(0.25)});
  EXPECT_DOUBLE_EQ(n.host.slept, 0.25);
}

}  // namespace
}  // namespace wdsl::ir
