// Golden tests: `wdsl build --target ir` of every example and of every
// tests/golden/*.w program must produce exactly the committed ir.json.
// Regenerate with `make update-goldens` (WDSL_UPDATE_GOLDENS=1) and review
// the diff like any other change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

namespace fs = std::filesystem;

auto Programs() -> std::vector<std::string> {
  std::vector<std::string> programs;
  for (const std::string& file : ListFiles("examples", "/main.w")) programs.push_back(file);
  for (const std::string& file : ListFiles("tests/golden", ".w")) programs.push_back(file);
  return programs;
}

// examples/api/main.w -> tests/golden/api.ir.json; tests/golden/x.w -> tests/golden/x.ir.json
auto GoldenPath(const std::string& program) -> std::string {
  fs::path path(program);
  std::string stem = path.filename() == "main.w" ? path.parent_path().filename().string() : path.stem().string();
  return "tests/golden/" + stem + ".ir.json";
}

class GoldenIr : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenIr, MatchesCommittedOutput) {
  const std::string& program = GetParam();
  std::string out = TempDir("golden");
  RunResult run = RunWdsl({"build", program, "--target", "ir", "-o", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string actual = ReadFile(out + "/ir.json");
  std::string golden = std::string(WDSL_SOURCE_DIR) + "/" + GoldenPath(program);
  if (std::getenv("WDSL_UPDATE_GOLDENS") != nullptr) {
    WriteFile(golden, actual);
  } else {
    ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run `make update-goldens`";
    EXPECT_EQ(actual, ReadFile(golden)) << "IR of " << program << " changed; if intended, run `make update-goldens`";
  }
  fs::remove_all(out);
}

auto CaseName(const ::testing::TestParamInfo<std::string>& info) -> std::string {
  std::string name = GoldenPath(info.param);
  name = name.substr(name.rfind('/') + 1);
  name = name.substr(0, name.find('.'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Programs, GoldenIr, ::testing::ValuesIn(Programs()), CaseName);

}  // namespace
}  // namespace wdsl::testing
