// Preflight programs that print: each tests/preflight/*.w holds its
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
