#include "backends/graph/graph.h"

#include <gtest/gtest.h>

namespace wdsl {
namespace {

using Json = nlohmann::json;

auto MakeResource(const std::string& path, const std::string& type, const std::string& parent) -> ir::Resource {
  ir::Resource resource;
  resource.path = path;
  resource.id = path.substr(path.rfind('/') + 1);
  resource.type = type;
  resource.parent = parent;
  return resource;
}

// A bucket and a queue; the queue's consumer function (its child) counts in
// a counter; a workload binds the bucket for `put`/`get` and the queue whole.
auto App() -> ir::Program {
  ir::Program program;
  program.app = "shop";
  program.resources.push_back(MakeResource("root/Default/uploads", "cloud.Bucket", "root/Default"));
  program.resources.push_back(MakeResource("root/Default/jobs", "cloud.Queue", "root/Default"));
  program.resources.push_back(MakeResource("root/Default/hits", "cloud.Counter", "root/Default"));
  ir::Resource web = MakeResource("root/Default/web", "containers.Workload", "root/Default");
  web.props = {{"bindings",
                {{"UPLOADS", {{"resource", {{"$resource", "root/Default/uploads"}}}, {"ops", {"put", "get"}}}},
                 {"JOBS", {{"$resource", "root/Default/jobs"}}}}}};
  program.resources.push_back(web);
  ir::Resource consumer = MakeResource("root/Default/jobs/Consumer0", "cloud.Function", "root/Default/jobs");
  consumer.lifts = {ir::Lift{"root/Default/hits", {"inc"}, "code"}};
  program.resources.push_back(consumer);
  ir::TestCase test;
  test.name = "counts";
  test.path = "root/Default/test:counts";
  test.lifts = {ir::Lift{"root/Default/hits", {"peek", "inc"}, "code"}};
  program.tests.push_back(test);
  program.edges = {{"root/Default/jobs", "root/Default/jobs/Consumer0", "handler"},
                   {"root/Default/web", "root/Default/uploads", "binding"},
                   {"root/Default/web", "root/Default/jobs", "binding"},
                   {"root/Default/jobs/Consumer0", "root/Default/hits", "handler"}};
  return program;
}

auto Contains(const std::string& text, const std::string& fragment) -> ::testing::AssertionResult {
  if (text.find(fragment) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "`" << fragment << "` not found in:\n" << text;
}

TEST(GraphDot, NodesClustersAndLabelledEdges) {
  std::string dot = EmitDot(App());
  EXPECT_TRUE(Contains(dot, "digraph \"shop\" {"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/uploads\" [label=\"uploads\\ncloud.Bucket\"];"));
  EXPECT_TRUE(Contains(dot, "subgraph \"cluster_root/Default/jobs\" {"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/jobs/Consumer0\" [label=\"Consumer0\\ncloud.Function\", style=\"rounded,filled\""));
  EXPECT_TRUE(Contains(dot, "\"root/Default/test:counts\" [label=\"test:counts\\ntest\""));
  // Lifts carry their operations; binding edges without lifts use the binding's.
  EXPECT_TRUE(Contains(dot, "\"root/Default/jobs/Consumer0\" -> \"root/Default/hits\" [label=\"inc\"];"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/test:counts\" -> \"root/Default/hits\" [label=\"inc, peek\"];"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/web\" -> \"root/Default/uploads\" [label=\"get, put\"];"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/web\" -> \"root/Default/jobs\" [label=\"*\"];"));
  EXPECT_TRUE(Contains(dot, "\"root/Default/jobs\" -> \"root/Default/jobs/Consumer0\" [style=dashed];"));
  // The IR edge that duplicates a lift is drawn once.
  size_t first = dot.find("\"root/Default/jobs/Consumer0\" -> \"root/Default/hits\"");
  EXPECT_EQ(dot.find("\"root/Default/jobs/Consumer0\" -> \"root/Default/hits\"", first + 1), std::string::npos);
}

TEST(GraphDot, EscapesQuotes) {
  ir::Program program;
  program.app = "a\"b";
  program.resources.push_back(MakeResource("root/Default/x\"y", "cloud.Bucket", "root/Default"));
  std::string dot = EmitDot(program);
  EXPECT_TRUE(Contains(dot, "digraph \"a\\\"b\""));
  EXPECT_TRUE(Contains(dot, "\"root/Default/x\\\"y\" [label=\"x\\\"y\\ncloud.Bucket\"]"));
}

TEST(GraphMermaid, NodesSubgraphsAndLabelledEdges) {
  std::string mermaid = EmitMermaid(App());
  EXPECT_TRUE(Contains(mermaid, "flowchart LR\n"));
  EXPECT_TRUE(Contains(mermaid, "n0[\"uploads<br/>cloud.Bucket\"]"));
  EXPECT_TRUE(Contains(mermaid, "subgraph c1[\"jobs\"]"));
  EXPECT_TRUE(Contains(mermaid, "n4([\"Consumer0<br/>cloud.Function\"])"));
  EXPECT_TRUE(Contains(mermaid, "n3 -->|\"get, put\"| n0"));
  EXPECT_TRUE(Contains(mermaid, "n4 -->|\"inc\"| n2"));
  EXPECT_TRUE(Contains(mermaid, "n1 -.-> n4"));
  EXPECT_TRUE(Contains(mermaid, "end\n"));
}

TEST(GraphSvg, DotRendersAnSvgDocument) {
  auto result = RenderSvg(EmitDot(App()));
  if (auto* error = std::get_if<RenderError>(&result)) {
    if (error->missing_tool) GTEST_SKIP() << error->message;
    FAIL() << error->message;
  }
  const std::string& svg = std::get<std::string>(result);
  EXPECT_TRUE(Contains(svg, "<svg"));
  EXPECT_TRUE(Contains(svg, "uploads"));
}

TEST(GraphSvg, BadInputIsAnErrorNotACrash) {
  auto result = RenderSvg("this is not dot {");
  ASSERT_TRUE(std::holds_alternative<RenderError>(result));
  EXPECT_FALSE(std::get<RenderError>(result).missing_tool);
}

}  // namespace
}  // namespace wdsl
