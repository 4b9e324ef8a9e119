#include "backends/output.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wdsl {
namespace {

namespace fs = std::filesystem;

auto Read(const fs::path& path) -> std::string {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wdsl-output-test-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    fs::permissions(root_, fs::perms::owner_all);
    fs::remove_all(root_);
  }
  fs::path root_;
};

TEST_F(OutputTest, WritesNestedFilesAndReplacesOldOutput) {
  fs::path dir = root_ / "target" / "main.ir";
  ASSERT_EQ(WriteOutputAtomically(dir, {{"a.json", "1"}, {"sub/b.yaml", "2"}}), "");
  EXPECT_EQ(Read(dir / "a.json"), "1");
  EXPECT_EQ(Read(dir / "sub" / "b.yaml"), "2");
  ASSERT_EQ(WriteOutputAtomically(dir, {{"c.json", "3"}}), "");
  EXPECT_FALSE(fs::exists(dir / "a.json")) << "stale files from the previous build must go";
  EXPECT_EQ(Read(dir / "c.json"), "3");
  for (const auto& entry : fs::directory_iterator(root_ / "target")) {
    EXPECT_EQ(entry.path().filename(), "main.ir") << "no temporary directory may be left behind";
  }
}

TEST_F(OutputTest, FailedWriteKeepsPreviousOutput) {
  if (geteuid() == 0) {
    // Root ignores directory permissions; use an impossible file name instead.
    fs::path dir = root_ / "target" / "main.ir";
    ASSERT_EQ(WriteOutputAtomically(dir, {{"keep.json", "old"}}), "");
    std::string error = WriteOutputAtomically(dir, {{"ok.json", "new"}, {std::string(300, 'x') + ".json", "y"}});
    EXPECT_NE(error, "");
    EXPECT_EQ(Read(dir / "keep.json"), "old");
    EXPECT_FALSE(fs::exists(dir / "ok.json"));
    return;
  }
  fs::path dir = root_ / "target" / "main.ir";
  ASSERT_EQ(WriteOutputAtomically(dir, {{"keep.json", "old"}}), "");
  fs::permissions(root_ / "target", fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_NE(WriteOutputAtomically(dir, {{"ok.json", "new"}}), "");
  fs::permissions(root_ / "target", fs::perms::owner_all);
  EXPECT_EQ(Read(dir / "keep.json"), "old");
}

}  // namespace
}  // namespace wdsl
