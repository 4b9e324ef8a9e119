#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ir/json_text.h"
#include "ir/text.h"
#include "ir/value.h"

namespace wdsl::ir {
namespace {

TEST(Value, NumbersPrintAsJavaScript) {
  EXPECT_EQ(FormatNumber(1), "1");
  EXPECT_EQ(FormatNumber(-1.5), "-1.5");
  EXPECT_EQ(FormatNumber(1e21), "1e+21");
  EXPECT_EQ(FormatNumber(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(FormatNumber(0.000001), "0.000001");
  EXPECT_EQ(FormatNumber(1e-7), "1e-7");
  EXPECT_EQ(FormatNumber(-1.5e-9), "-1.5e-9");
  EXPECT_EQ(FormatNumber(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(FormatNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(std::nan("")), "NaN");
  EXPECT_EQ(FormatNumber(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(FormatNumber(100), "100");
  EXPECT_EQ(FormatNumber(1.25e-5), "0.0000125");
}

TEST(Value, ParsesNumbersAsJavaScript) {
  EXPECT_EQ(ParseJsNumber(" 12 "), 12);
  EXPECT_EQ(ParseJsNumber(""), 0);
  EXPECT_EQ(ParseJsNumber("0x1F"), 31);
  EXPECT_EQ(ParseJsNumber("1e3"), 1000);
  EXPECT_EQ(ParseJsNumber("1."), 1);
  EXPECT_EQ(ParseJsNumber(".5"), 0.5);
  EXPECT_EQ(ParseJsNumber("+.5e-1"), 0.05);
  EXPECT_EQ(ParseJsNumber("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseJsNumber("0b101"), 5);
  for (const char* bad : {"1_000", "12px", "-", ".", "1e", "-0x10", "abc"}) {
    EXPECT_TRUE(std::isnan(ParseJsNumber(bad))) << bad;
  }
}

TEST(Value, DisplayStrings) {
  EXPECT_EQ(ToDisplayString(Value()), "nil");
  EXPECT_EQ(ToDisplayString(Value::Bool(true)), "true");
  EXPECT_EQ(ToDisplayString(Value::Str("a\"b")), "a\"b");
  Value nested = Value::NewArray({Value::Num(1), Value::Str("a\"b"), Value(),
                                  Value::NewMap({{"k", Value::Bool(false)}, {"n", Value()}}, false)},
                                 false);
  EXPECT_EQ(ToDisplayString(nested), R"([1,"a\"b",null,{"k":false,"n":null}])");
  auto ref = std::make_shared<ResourceRef>(ResourceRef{"root/Default/b", "cloud.Bucket"});
  EXPECT_EQ(ToDisplayString(Value::Resource(ref)), "root/Default/b");
  // A cycle does not hang.
  Value cyclic = Value::NewArray({}, true);
  cyclic.array->items.push_back(cyclic);
  EXPECT_EQ(ToDisplayString(cyclic), "[circular]");
  cyclic.array->items.clear();
}

TEST(Value, DeepEquality) {
  auto arr = [](std::vector<Value> items) { return Value::NewArray(std::move(items), false); };
  EXPECT_TRUE(DeepEqual(Value::Num(1), Value::Num(1)));
  EXPECT_FALSE(DeepEqual(Value::Num(1), Value::Str("1")));
  EXPECT_TRUE(DeepEqual(Value::Num(std::nan("")), Value::Num(std::nan(""))));
  EXPECT_FALSE(DeepEqual(Value::Num(0.0), Value::Num(-0.0)));
  EXPECT_TRUE(DeepEqual(arr({Value::Num(1), arr({Value::Str("x")})}), arr({Value::Num(1), arr({Value::Str("x")})})));
  EXPECT_FALSE(DeepEqual(arr({Value::Num(1)}), arr({Value::Num(1), Value::Num(2)})));
  EXPECT_TRUE(DeepEqual(Value::NewMap({{"a", Value::Num(1)}, {"b", Value::Num(2)}}, false),
                        Value::NewMap({{"b", Value::Num(2)}, {"a", Value::Num(1)}}, true)));
  EXPECT_FALSE(DeepEqual(Value::NewMap({{"a", Value::Num(1)}}, false), Value::NewMap({{"b", Value::Num(1)}}, false)));
  EXPECT_FALSE(DeepEqual(arr({}), Value::NewArray({}, false, true)));
  EXPECT_TRUE(DeepEqual(Value::Duration(2), Value::Duration(2)));
  auto a = std::make_shared<ResourceRef>(ResourceRef{"root/x", "cloud.Bucket"});
  auto b = std::make_shared<ResourceRef>(ResourceRef{"root/x", "cloud.Bucket"});
  EXPECT_TRUE(DeepEqual(Value::Resource(a), Value::Resource(b)));
}

TEST(Value, Utf16) {
  EXPECT_EQ(Utf16Length("héllo"), 5u);
  EXPECT_EQ(Utf16Length("😀"), 2u);
  EXPECT_EQ(FromUtf16(ToUtf16("日本 😀")), "日本 😀");
  EXPECT_EQ(FromUtf16(ToUtf16("\xff")), "\xef\xbf\xbd");  // invalid UTF-8 -> U+FFFD
}

TEST(Value, JsonText) {
  std::string error;
  std::optional<Value> v = ParseJson(R"({"b":[1,2.5,"\u00e9\ud83d\ude00",true,null],"a":{}})", false, &error);
  ASSERT_TRUE(v.has_value()) << error;
  EXPECT_TRUE(v->map->is_json);
  EXPECT_EQ(StringifyJson(*v), R"({"b":[1,2.5,"é😀",true,null],"a":{}})");
  EXPECT_EQ(StringifyJson(*v, 1), "{\n \"b\": [\n  1,\n  2.5,\n  \"é😀\",\n  true,\n  null\n ],\n \"a\": {}\n}");
  EXPECT_EQ(StringifyJson(Value::Str("a\x01\n")), R"("a\u0001\n")");
  EXPECT_EQ(StringifyJson(Value::Num(std::nan(""))), "null");
  const std::pair<const char*, const char*> bad[] = {
      {"", "Unexpected end of JSON input"},
      {"[1,", "Unexpected end of JSON input"},
      {R"({"a" 1})", "Expected ':' after property name in JSON at position 5"},
      {"[1 2]", "Expected ',' or ']' after array element in JSON at position 3"},
      {R"("abc)", "Unterminated string in JSON at position 4"},
      {"01", "Unexpected number in JSON at position 1"},
      {"1.", "Unterminated fractional number in JSON at position 2"},
      {R"({"a":1,})", "Expected double-quoted property name in JSON at position 7"},
      {"[1]x", "Unexpected non-whitespace character after JSON at position 3"},
  };
  for (const auto& [text, message] : bad) {
    std::string got;
    EXPECT_FALSE(ParseJson(text, false, &got).has_value()) << text;
    EXPECT_EQ(got, message) << text;
  }
  // Deep nesting is an error, not a crash.
  EXPECT_FALSE(ParseJson(std::string(100000, '['), false, &error).has_value());
}

TEST(Value, Base64AndSha256) {
  EXPECT_EQ(Base64Encode("", false), "");
  EXPECT_EQ(Base64Encode("f", false), "Zg==");
  EXPECT_EQ(Base64Encode("fo", false), "Zm8=");
  EXPECT_EQ(Base64Encode("foo", false), "Zm9v");
  EXPECT_EQ(Base64Decode("Zm9v", false), "foo");
  EXPECT_EQ(Base64Decode("a!G$k=x", false), "hi");
  EXPECT_EQ(Sha256Hex(std::string(1000, 'a')), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

}  // namespace
}  // namespace wdsl::ir
