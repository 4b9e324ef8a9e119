#include "backends/sim/sim.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>


namespace wdsl {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

auto SmallProgram() -> ir::Program {
  ir::Program program;
  program.app = "shop";
  program.entry_file = "shop/main.w";
  program.files = {"shop/main.w"};
  ir::Function top;
  top.name = "shop/main.w";
  top.kind = ir::FunctionKind::kTopLevel;
  top.phase = ir::Phase::kPreflight;
  ir::Node block;
  block.kind = ir::NodeKind::kBlock;
  top.code.root = top.code.Add(block);
  ir::Function handler;
  handler.name = "shop/main.w:3:1 closure";
  handler.kind = ir::FunctionKind::kClosure;
  handler.phase = ir::Phase::kInflight;
  handler.code.root = handler.code.Add(block);
  program.functions = {top, handler};

  ir::Resource bucket;
  bucket.path = "root/Default/uploads";
  bucket.id = "uploads";
  bucket.type = "cloud.Bucket";
  bucket.parent = "root/Default";
  bucket.props = {{"public", false}};
  ir::Resource web;
  web.path = "root/Default/web";
  web.id = "web";
  web.type = "containers.Workload";
  web.parent = "root/Default";
  web.props = {{"name", "web"}, {"image", "./web"}};
  web.lifts = {ir::Lift{"root/Default/uploads", {"get", "put"}, "binding"}};
  web.permissions = {{"sim", {"get", "put"}}};
  program.resources = {bucket, web};
  ir::TestCase test;
  test.name = "works";
  test.path = "root/Default/test:works";
  test.closure = {{"$closure", {{"function", 1}, {"captures", Json::array()}}}};
  program.tests = {test};
  program.edges = {ir::Edge{"root/Default/web", "root/Default/uploads", "binding"}};
  return program;
}

TEST(SimManifest, HasTheDocumentedShape) {
  std::map<std::string, Json> images = {
      {"root/Default/web", {{"context", "web"}, {"hash", "h"}, {"tag", "wdsl-shop-web:h"}}},
      {"root/Default/web#sidecar:log", {{"pull", "busybox"}}}};
  Json manifest = SimManifest(SmallProgram(), images);
  EXPECT_EQ(manifest["version"], 1);
  EXPECT_EQ(manifest["app"], "shop");
  EXPECT_EQ(manifest["entry"], "shop/main.w");
  ASSERT_EQ(manifest["resources"].size(), 2u);
  const Json& bucket = manifest["resources"][0];
  EXPECT_EQ(bucket["path"], "root/Default/uploads");
  EXPECT_EQ(bucket["type"], "cloud.Bucket");
  EXPECT_EQ(bucket["props"], Json({{"public", false}}));
  EXPECT_EQ(bucket["lifts"], Json::array());
  EXPECT_EQ(bucket["permissions"], Json::object());
  EXPECT_FALSE(bucket.contains("image"));
  const Json& web = manifest["resources"][1];
  EXPECT_EQ(web["lifts"], Json::parse(R"([{"resource": "root/Default/uploads", "ops": ["get", "put"], "via": "binding"}])"));
  EXPECT_EQ(web["permissions"]["sim"], Json({"get", "put"}));
  EXPECT_EQ(web["image"]["tag"], "wdsl-shop-web:h");
  EXPECT_EQ(web["sidecarImages"]["log"]["pull"], "busybox");
  EXPECT_EQ(manifest["tests"][0]["lifts"], Json::array());
  EXPECT_EQ(manifest["edges"][0]["reason"], "binding");
}

TEST(SimManifest, KeepsFunctionIndicesAndDropsPreflightCode) {
  Json functions = SimManifest(SmallProgram(), {})["functions"];
  ASSERT_EQ(functions.size(), 2u);
  EXPECT_EQ(functions[0]["phase"], "Preflight");
  EXPECT_FALSE(functions[0].contains("code"));
  EXPECT_EQ(functions[1]["phase"], "Inflight");
  EXPECT_TRUE(functions[1].contains("code"));
}

TEST(SimManifest, EmitsOneStableFile) {
  OutputFiles files = EmitSim(SmallProgram(), {});
  ASSERT_EQ(files.size(), 1u);
  const std::string& text = files.at("simulator.json");
  EXPECT_EQ(text, EmitSim(SmallProgram(), {}).at("simulator.json"));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(Json::parse(text), SimManifest(SmallProgram(), {}));
}

}  // namespace
}  // namespace wdsl
