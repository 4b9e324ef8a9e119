// The globals of class Std (`log`, `assert`, `unsafeCast`), num and
// duration statics, duration properties, and the `expect` module.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <regex>

#include "ir/eval_internal.h"
#include "ir/json_text.h"
#include "ir/text.h"

namespace wdsl::ir {
namespace {

auto Log(Evaluator&, std::vector<Value>& args) -> Value {
  std::string line;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line += ' ';
    line += ToDisplayString(args[i]);
  }
  line += '\n';
  std::cout << line << std::flush;
  return Value();
}

auto Assert(Evaluator&, std::vector<Value>& args) -> Value {
  if (!IsTruthy(Arg(args, 0))) {
    Throw(Arg(args, 1).IsNil() ? std::string("assertion failed") : "assertion failed: " + ArgStr(args, 1));
  }
  return Value();
}

auto UnsafeCast(Evaluator&, std::vector<Value>& args) -> Value { return Arg(args, 0); }

auto NumberFromStr(Evaluator&, std::vector<Value>& args) -> Value {
  std::string text = ArgStr(args, 0);
  double n = Arg(args, 0).IsNil() ? NAN : ParseJsNumber(text);
  if (std::isnan(n)) Throw(fmt::format("unable to parse \"{}\" as a number", Arg(args, 0).IsNil() ? "undefined" : text));
  return Value::Num(n);
}

// ------------------------------------------------------------ durations

template <int kUnit>
auto DurationFrom(Evaluator&, std::vector<Value>& args) -> Value {
  double amount = ArgNum(args, 0);
  constexpr double kDay = 60.0 * 60 * 24;
  switch (kUnit) {
    case 0: return Value::Duration(amount / 1000);
    case 1: return Value::Duration(amount);
    case 2: return Value::Duration(amount * 60);
    case 3: return Value::Duration(amount * 60 * 60);
    case 4: return Value::Duration(amount * kDay);
    case 5: return Value::Duration(amount * kDay * 365 / 12);
    default: return Value::Duration(amount * kDay * 365);
  }
}

template <int kUnit>
auto DurationIn(Evaluator&, const Value& self) -> Value {
  double s = self.number;
  double days = s / 60 / 60 / 24;
  switch (kUnit) {
    case 0: return Value::Num(s * 1000);
    case 1: return Value::Num(s);
    case 2: return Value::Num(s / 60);
    case 3: return Value::Num(s / 60 / 60);
    case 4: return Value::Num(days);
    case 5: return Value::Num(days / 365 * 12);
    default: return Value::Num(days / 365);
  }
}

// ------------------------------------------------------------ expect

auto IsPrimitive(const Value& v) -> bool {
  return v.kind == ValueKind::kNil || v.kind == ValueKind::kBool || v.kind == ValueKind::kNum ||
         v.kind == ValueKind::kStr;
}

// Node's util.inspect of a primitive.
auto Inspect(const Value& v) -> std::string {
  switch (v.kind) {
    case ValueKind::kNil: return "undefined";
    case ValueKind::kNum: return v.number == 0 && std::signbit(v.number) ? "-0" : FormatNumber(v.number);
    case ValueKind::kStr: {
      std::string out = "'";
      for (char c : *v.str) {
        if (c == '\'') out += "\\'";
        else if (c == '\n') out += "\\n";
        else if (c == '\\') out += "\\\\";
        else out += c;
      }
      return out + "'";
    }
    case ValueKind::kResource:
    case ValueKind::kClosure: return ToDisplayString(v);
    default: break;
  }
  if (IsPrimitive(v)) return ToDisplayString(v);
  try {
    return StringifyJson(v, 2);
  } catch (const std::runtime_error&) {
    return "[Circular]";
  }
}

// `${x}` of a value in a JS template string.
auto TemplateString(const Value& v) -> std::string {
  switch (v.kind) {
    case ValueKind::kNil: return "undefined";
    case ValueKind::kMap:
    case ValueKind::kInstance:
    case ValueKind::kDuration: return "[object Object]";
    case ValueKind::kArray: {
      std::string out;
      for (size_t i = 0; i < v.array->items.size() && out.size() < 4096; ++i) {
        if (i > 0) out += ',';
        if (!v.array->items[i].IsNil()) out += TemplateString(v.array->items[i]);
      }
      return out;
    }
    default: return ToDisplayString(v);
  }
}

auto ExpectEqual(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& actual = Arg(args, 0);
  const Value& expected = Arg(args, 1);
  if (DeepEqual(actual, expected)) return Value();
  if (IsPrimitive(actual) && IsPrimitive(expected)) {
    Throw(fmt::format("Expected values to be strictly deep-equal:\n\n{} !== {}\n", Inspect(actual), Inspect(expected)));
  }
  Throw(fmt::format("Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ {}\n- {}",
                    ToDisplayString(actual), ToDisplayString(expected)));
}

auto ExpectNotEqual(Evaluator&, std::vector<Value>& args) -> Value {
  const Value& actual = Arg(args, 0);
  const Value& expected = Arg(args, 1);
  if (!DeepEqual(actual, expected)) return Value();
  if (IsPrimitive(expected)) {
    Throw(fmt::format("Expected \"actual\" not to be strictly deep-equal to: {}", Inspect(expected)));
  }
  Throw(fmt::format("Expected \"actual\" not to be strictly deep-equal to:\n\n{}\n", Inspect(expected)));
}

auto ExpectNil(Evaluator&, std::vector<Value>& args) -> Value {
  if (!Arg(args, 0).IsNil()) Throw(fmt::format("Expected \"{}\" to be nil", TemplateString(Arg(args, 0))));
  return Value();
}

auto ExpectNotNil(Evaluator&, std::vector<Value>& args) -> Value {
  if (Arg(args, 0).IsNil()) Throw("Expected \"undefined\" to be not nil");
  return Value();
}

auto Matches(const std::string& text, const std::string& pattern) -> bool {
  try {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& error) {
    Throw(fmt::format("Invalid regular expression: /{}/: {}", pattern, error.what()));
  }
}

auto ExpectMatch(Evaluator&, std::vector<Value>& args) -> Value {
  std::string actual = ArgStr(args, 0);
  std::string pattern = ArgStr(args, 1);
  if (!Matches(actual, pattern)) {
    Throw(fmt::format("The input \"{}\" did not match the regular expression {}", actual, pattern));
  }
  return Value();
}

auto ExpectDoesNotMatch(Evaluator&, std::vector<Value>& args) -> Value {
  std::string pattern = ArgStr(args, 1);
  if (Matches(ArgStr(args, 0), pattern)) {
    Throw(fmt::format("The input should not match the regular expression {}", pattern));
  }
  return Value();
}

auto ExpectOk(Evaluator&, std::vector<Value>& args) -> Value {
  if (IsTruthy(Arg(args, 0))) return Value();
  Throw(Arg(args, 1).IsNil() ? std::string("The expression evaluated to a falsy value") : ArgStr(args, 1));
}

auto ExpectFail(Evaluator&, std::vector<Value>& args) -> Value {
  Throw(Arg(args, 0).IsNil() ? std::string("Failed") : ArgStr(args, 0));
}

}  // namespace

void AddGlobalNatives(NativeTables& t) {
  t.statics["log"] = Log;
  t.statics["assert"] = Assert;
  t.statics["unsafeCast"] = UnsafeCast;
  t.statics["Number.fromStr"] = NumberFromStr;

  t.statics["Duration.fromMilliseconds"] = DurationFrom<0>;
  t.statics["Duration.fromSeconds"] = DurationFrom<1>;
  t.statics["Duration.fromMinutes"] = DurationFrom<2>;
  t.statics["Duration.fromHours"] = DurationFrom<3>;
  t.statics["Duration.fromDays"] = DurationFrom<4>;
  t.statics["Duration.fromMonths"] = DurationFrom<5>;
  t.statics["Duration.fromYears"] = DurationFrom<6>;
  auto& d = t.properties[static_cast<size_t>(Receiver::kDuration)];
  d["milliseconds"] = DurationIn<0>;
  d["seconds"] = DurationIn<1>;
  d["minutes"] = DurationIn<2>;
  d["hours"] = DurationIn<3>;
  d["days"] = DurationIn<4>;
  d["months"] = DurationIn<5>;
  d["years"] = DurationIn<6>;

  t.statics["expect.equal"] = ExpectEqual;
  t.statics["expect.notEqual"] = ExpectNotEqual;
  t.statics["expect.nil"] = ExpectNil;
  t.statics["expect.notNil"] = ExpectNotNil;
  t.statics["expect.match"] = ExpectMatch;
  t.statics["expect.doesNotMatch"] = ExpectDoesNotMatch;
  t.statics["expect.ok"] = ExpectOk;
  t.statics["expect.fail"] = ExpectFail;
}

}  // namespace wdsl::ir
