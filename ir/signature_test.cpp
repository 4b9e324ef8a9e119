// Signatures of bindable user-class methods: JSON arguments converted by
// parameter type, what cannot cross JSON, results as the Resource API sends them.
#include "ir/signature.h"

#include <gtest/gtest.h>

#include "ir/json.h"

namespace wdsl::ir {
namespace {

using nlohmann::json;

auto TypesProgram() -> Program {
  Program program;
  program.types = json::parse(R"({
    "main.Entry": {"struct": [{"name": "key", "type": "str"}, {"name": "value", "type": "str", "optional": true},
                              {"name": "tags", "type": {"set": "str"}, "optional": true}]},
    "main.Mode": {"enum": ["FAST", "SAFE"]},
    "main.Holder": {"struct": [{"name": "bucket", "type": {"class": "cloud.Bucket"}}]}})");
  return program;
}

auto Encoded(const std::optional<std::vector<Value>>& values) -> std::string {
  if (!values) return "<none>";
  json out = json::array();
  for (const Value& v : *values) out.push_back(ValueToJson(v).value_or(json("<?>")));
  return out.dump();
}

TEST(Signature, ConvertsArgumentsByParameterType) {
  Program program = TypesProgram();
  json signature = json::parse(R"({"params": [
      {"name": "entry", "type": {"struct": "main.Entry"}},
      {"name": "counts", "type": {"map": "num"}},
      {"name": "data", "type": "json"},
      {"name": "mode", "type": {"optional": {"enum": "main.Mode"}}, "optional": true}], "result": "void"})");
  std::string error;
  auto values = ArgsFromJson(program, signature,
                             json::parse(R"([{"key": "k", "tags": ["a", "a", "b"]}, {"x": 1}, {"any": [1, null]}, "SAFE"])"),
                             &error);
  ASSERT_TRUE(values) << error;
  EXPECT_EQ(Encoded(values), R"([{"key":"k","tags":["a","b"]},{"x":1},{"any":[1,null]},"SAFE"])");
  EXPECT_EQ((*values)[0].map->struct_name, "main.Entry");
  EXPECT_TRUE((*values)[0].map->Find("tags")->array->is_set);
  EXPECT_TRUE((*values)[2].map->is_json);
  // The last parameter may be left out, or sent as null.
  EXPECT_TRUE(ArgsFromJson(program, signature, json::parse(R"([{"key": "k"}, {}, 1])"), &error)) << error;
  EXPECT_TRUE(ArgsFromJson(program, signature, json::parse(R"([{"key": "k"}, {}, 1, null])"), &error)) << error;
}

TEST(Signature, SaysWhichArgumentDoesNotFit) {
  Program program = TypesProgram();
  json signature = json::parse(R"({"params": [{"name": "entry", "type": {"struct": "main.Entry"}},
                                              {"name": "mode", "type": {"enum": "main.Mode"}}], "result": "void"})");
  auto error_of = [&](const char* args) {
    std::string error;
    EXPECT_FALSE(ArgsFromJson(program, signature, json::parse(args), &error)) << args;
    return error;
  };
  EXPECT_EQ(error_of(R"([{"key": "k"}])"), "expected 2 arguments, got 1");
  EXPECT_EQ(error_of(R"([{"key": "k"}, "FAST", 3])"), "expected 2 arguments, got 3");
  EXPECT_EQ(error_of(R"([{"key": 1}, "FAST"])"), "argument 1 (`entry`).key must be str, got a number");
  EXPECT_EQ(error_of(R"([{}, "FAST"])"), "argument 1 (`entry`) is missing the field `key` of struct `main.Entry`");
  EXPECT_EQ(error_of(R"([{"key": "k", "kee": 1}, "FAST"])"),
            "argument 1 (`entry`) has a field `kee`, which struct `main.Entry` does not have");
  EXPECT_EQ(error_of(R"([{"key": "k", "tags": [1]}, "FAST"])"), "argument 1 (`entry`).tags[0] must be str, got a number");
  EXPECT_EQ(error_of(R"([{"key": "k"}, "SLOW"])"),
            R"(argument 2 (`mode`) must be one of "FAST", "SAFE" (enum `main.Mode`), got "SLOW")");
}

TEST(Signature, FindsWhatCannotCrossJson) {
  Program program = TypesProgram();
  EXPECT_EQ(NotJsonCrossable(program, json::parse(R"({"array": {"map": {"optional": {"struct": "main.Entry"}}}})")), "");
  EXPECT_EQ(NotJsonCrossable(program, json::parse(R"({"array": {"function": "inflight (): void"}})")),
            "inflight (): void");
  EXPECT_EQ(NotJsonCrossable(program, json::parse(R"({"struct": "main.Holder"})")),
            "cloud.Bucket (field `bucket` of `main.Holder`)");
  EXPECT_EQ(NotJsonCrossable(program, json("duration")), "duration");
  EXPECT_EQ(TypeText(json::parse(R"({"mutmap": {"optional": {"array": "json"}}})")), "MutMap<Array<Json>?>");
  EXPECT_EQ(SignatureProblem(program, json::parse(R"({"params": [{"name": "h", "type": {"array": {"class": "cloud.Queue"}}}],
                                                     "result": "void"})")),
            "parameter `h` has type `Array<cloud.Queue>`, with `cloud.Queue` in it");
  EXPECT_EQ(SignatureProblem(program, json::parse(R"({"params": [], "result": {"class": "cloud.Bucket"}})")),
            "its result has type `cloud.Bucket`");
}

TEST(Signature, ResultsLeaveOutEmptyOptionalFields) {
  Program program = TypesProgram();
  json result = json::parse(R"([{"key": "k", "value": null}, {"key": "j", "value": "v"}])");
  TidyResult(program, json::parse(R"({"array": {"struct": "main.Entry"}})"), result);
  EXPECT_EQ(result.dump(), R"([{"key":"k"},{"key":"j","value":"v"}])");
}

}  // namespace
}  // namespace wdsl::ir
