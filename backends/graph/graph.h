// `wdsl graph`: the app's resources and how they use each other, as a
// Graphviz DOT or Mermaid flowchart, and DOT rendered to SVG by Graphviz.
#pragma once

#include <string>
#include <variant>

#include "ir/ir.h"

namespace wdsl {

// Resources are nodes labelled with their id and type, grouped in clusters
// by their parent resource; inflight hosts (functions, services, workloads,
// containers, tests, anything with lifts) are drawn rounded. Lifts are edges
// labelled with their operations ("get, put"); a parent's edge to a child
// it made for a handler is dashed; other IR edges are plain.
auto EmitDot(const ir::Program& program) -> std::string;
auto EmitMermaid(const ir::Program& program) -> std::string;

struct RenderError {
  bool missing_tool = false;  // `dot` is not installed: an environment error
  std::string message;
};

// Runs Graphviz (`dot -Tsvg`) on `dot_source`, returns the SVG document.
auto RenderSvg(const std::string& dot_source) -> std::variant<std::string, RenderError>;

}  // namespace wdsl
