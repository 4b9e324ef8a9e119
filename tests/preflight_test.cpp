// Preflight programs that print (and docs that must list what the code has): each tests/preflight/*.w holds its
// expected standard output in `// output: <line>` header comments, and
// `wdsl check` must print exactly those lines and exit 0.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

auto ExpectedOutput(const std::string& text) -> std::string {
  std::istringstream in(text);
  std::string line;
  std::string out;
  const std::string marker = "// output: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) == 0) out += line.substr(marker.size()) + "\n";
  }
  return out;
}

TEST(PreflightPrograms, PrintWhatTheirHeadersSay) {
  std::vector<std::string> files = ListFiles("tests/preflight", ".w");
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    std::string expected = ExpectedOutput(ReadFile(std::string(WDSL_SOURCE_DIR) + "/" + file));
    ASSERT_FALSE(expected.empty()) << file << " has no `// output:` lines";
    RunResult run = RunWdsl({"check", file});
    EXPECT_EQ(run.exit_code, 0) << file << "\n" << run.err;
    EXPECT_EQ(run.out, expected) << file;
  }
}

}  // namespace
}  // namespace wdsl::testing

namespace wdsl::testing {
namespace {

// docs/diagnostics.md lists every code of frontend/diagnostic_kinds.def.
TEST(DocsTest, DiagnosticsDocListsEveryCode) {
  std::string defs = ReadFile(std::string(WDSL_SOURCE_DIR) + "/frontend/diagnostic_kinds.def");
  std::string doc = ReadFile(std::string(WDSL_SOURCE_DIR) + "/docs/diagnostics.md");
  size_t codes = 0;
  for (size_t at = defs.find("\nDIAGNOSTIC("); at != std::string::npos; at = defs.find("\nDIAGNOSTIC(", at + 1)) {
    size_t open = defs.find('"', at);
    std::string code = defs.substr(open + 1, defs.find('"', open + 1) - open - 1);
    ++codes;
    EXPECT_NE(doc.find("| `" + code + "` |"), std::string::npos) << code << " is missing from docs/diagnostics.md";
  }
  EXPECT_GT(codes, 30u);
}

}  // namespace
}  // namespace wdsl::testing
