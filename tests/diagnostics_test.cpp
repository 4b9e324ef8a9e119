// Expected-diagnostic tests: each tests/diagnostics/*.w file lists, in header
// comments, exactly the diagnostics `wdsl check` must report for it:
//   // expect: E0200 at 4:3 "unknown name `bukcet`"
// (code, line:col of the span start, a fragment of the message).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "frontend/diagnostics.h"
#include "tests/run_wdsl.h"
#include "tests/support/expectations.h"

namespace wdsl::testing {
namespace {

using Expected = ExpectedDiagnostic;

struct Actual {
  std::string file;
  std::string code;
  int line = 0;
  int col = 0;
  std::string message;
};

auto ParseActual(const std::string& stderr_text) -> std::vector<Actual> {
  static const std::regex kLocated(R"(^(.+):(\d+):(\d+): (?:error|warning)\[([EW]\d{4})\]: (.*)$)");
  static const std::regex kBare(R"(^(?:error|warning)\[([EW]\d{4})\]: (.*)$)");
  std::vector<Actual> result;
  std::istringstream lines(stderr_text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kLocated)) {
      result.push_back({m[1], m[4], std::stoi(m[2]), std::stoi(m[3]), m[5]});
    } else if (std::regex_match(line, m, kBare)) {
      result.push_back({"", m[1], 0, 0, m[2]});
    }
  }
  return result;
}

class DiagnosticCase : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticCase, ReportsExactlyTheExpectedDiagnostics) {
  const std::string& file = GetParam();
  std::vector<Expected> expected = ParseExpectations(ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + file));
  ASSERT_FALSE(expected.empty()) << file << " has no `// expect:` header";
  RunResult run = RunWdsl({"check", file});
  std::vector<Actual> actual = ParseActual(run.err);
  std::vector<bool> used(actual.size(), false);
  bool any_error = false;
  for (const Expected& e : expected) {
    any_error = any_error || e.code[0] == 'E';
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i) {
      const Actual& a = actual[i];
      if (!used[i] && a.code == e.code && a.line == e.line && a.col == e.col &&
          a.message.find(e.fragment) != std::string::npos) {
        used[i] = found = true;
      }
    }
    EXPECT_TRUE(found) << file << ": expected " << e.code << " at " << e.line << ":" << e.col << " \""
                       << e.fragment << "\"\nactual output:\n"
                       << run.err;
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_TRUE(used[i]) << file << ": unexpected " << actual[i].code << " at " << actual[i].line << ":"
                         << actual[i].col << " " << actual[i].message;
  }
  EXPECT_EQ(run.exit_code, any_error ? 1 : 0) << run.err;
  EXPECT_EQ(run.err.find("Assertion"), std::string::npos);
}

auto CaseName(const ::testing::TestParamInfo<std::string>& info) -> std::string {
  std::string name = info.param.substr(info.param.rfind('/') + 1);
  name = name.substr(0, name.rfind('.'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, DiagnosticCase, ::testing::ValuesIn(ListFiles("tests/diagnostics", ".w")), CaseName);

// Kinds that cannot be written as a .w file with a header; each has its own
// test in cli_test.cpp.
const std::set<std::string> kCoveredElsewhere = {
    "E0001",  // the entry file is missing: CliTest.MissingFileIsAnEnvironmentError
    "E0002",  // invalid UTF-8: CliTest.InvalidUtf8IsReported
    "E0003",  // deep nesting: CliTest.DeepNestingGivesADiagnostic
    "E0004",  // the error cap: CliTest.ErrorCountIsCapped
    "E0603",  // needs a --target: CliTest.SimContainerIsAnErrorOnHelm,
              // CliTest.ServiceTokensResolveOnK8sAndAreAnErrorWhereTheyCannot,
              // CliTest.UserClassBindingIsAnErrorOnCloudTargets
};

TEST(DiagnosticKinds, EveryKindHasAnExpectedDiagnosticCase) {
  std::set<std::string> covered = kCoveredElsewhere;
  for (const std::string& file : ListFiles("tests/diagnostics", ".w")) {
    for (const Expected& e : ParseExpectations(ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + file))) {
      covered.insert(e.code);
    }
  }
  for (DiagnosticKind kind : AllDiagnosticKinds()) {
    const DiagnosticInfo& info = InfoOf(kind);
    EXPECT_TRUE(covered.count(std::string(info.code)) == 1)
        << "diagnostic " << info.code << " (" << info.name << ") has no case in tests/diagnostics/";
  }
}

}  // namespace
}  // namespace wdsl::testing
