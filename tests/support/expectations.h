// The `// expect:` header of an expected-diagnostic file (tests/diagnostics/),
// read by the checker's unit tests and by the whole-program CLI tests:
//   // expect: E0200 at 4:3 "unknown name `bukcet`"
// (code, line:col of the span start, a fragment of the message).
#pragma once

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace wdsl::testing {

struct ExpectedDiagnostic {
  std::string code;
  int line = 0;
  int col = 0;
  std::string fragment;
};

inline auto ParseExpectations(const std::string& text) -> std::vector<ExpectedDiagnostic> {
  static const std::regex kExpect(R"(^//\s*expect:\s*([EW]\d{4})\s+at\s+(\d+):(\d+)\s+\"(.*)\"\s*$)");
  std::vector<ExpectedDiagnostic> result;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kExpect)) result.push_back({m[1], std::stoi(m[2]), std::stoi(m[3]), m[4]});
  }
  return result;
}

}  // namespace wdsl::testing
