#include "backends/graph/graph.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

extern char** environ;

namespace wdsl {
namespace {

using Json = nlohmann::json;

// ------------------------------------------------------------ the model

struct Node {
  std::string path;
  std::string id;
  std::string type;
  bool host = false;  // runs inflight code or a container
  std::vector<size_t> children;
};

struct GraphEdge {
  std::string from;
  std::string to;
  std::string label;
  bool dashed = false;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::map<std::string, size_t> index;  // path -> node
  std::vector<size_t> roots;             // nodes whose parent is no node
  std::vector<GraphEdge> edges;
};

auto IsHostType(const std::string& type) -> bool {
  return type == "cloud.Function" || type == "cloud.Service" || type == "containers.Workload" ||
         type == "sim.Container";
}

auto JoinOps(const std::vector<std::string>& ops) -> std::string {
  std::vector<std::string> sorted = ops;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (const std::string& op : sorted) out += (out.empty() ? "" : ", ") + op;
  return out;
}

// The operations a workload's `bindings` grant on `target`, for binding edges
// when the bind pass has not produced lifts: `allow([...])` lists them; a bare
// resource grants them all ("*").
auto BindingOps(const ir::Resource& resource, const std::string& target) -> std::string {
  auto bindings = resource.props.find("bindings");
  if (bindings == resource.props.end() || !bindings->is_object()) return "";
  std::vector<std::string> ops;
  for (const auto& [name, binding] : bindings->items()) {
    if (binding.is_object() && binding.value("$resource", "") == target) {
      ops.push_back("*");
    } else if (binding.is_object() && binding.contains("resource") && binding["resource"].is_object() &&
               binding["resource"].value("$resource", "") == target) {
      for (const Json& op : binding.value("ops", Json::array())) {
        if (op.is_string()) ops.push_back(op.get<std::string>());
      }
    }
  }
  if (std::find(ops.begin(), ops.end(), "*") != ops.end()) return "*";
  return JoinOps(ops);
}

auto BuildGraph(const ir::Program& program) -> Graph {
  Graph graph;
  graph.name = program.app;
  for (const ir::Resource& resource : program.resources) {
    graph.index[resource.path] = graph.nodes.size();
    graph.nodes.push_back(Node{resource.path, resource.id, resource.type,
                               IsHostType(resource.type) || !resource.lifts.empty(), {}});
  }
  for (const ir::TestCase& test : program.tests) {
    graph.index[test.path] = graph.nodes.size();
    graph.nodes.push_back(Node{test.path, "test:" + test.name, "test", true, {}});
  }
  for (size_t i = 0; i < program.resources.size(); ++i) {
    auto parent = graph.index.find(program.resources[i].parent);
    if (parent != graph.index.end() && parent->second != i) {
      graph.nodes[parent->second].children.push_back(i);
    } else {
      graph.roots.push_back(i);
    }
  }
  for (size_t i = program.resources.size(); i < graph.nodes.size(); ++i) graph.roots.push_back(i);

  // Lifts first: they carry the operations. An IR edge between the same two
  // nodes adds nothing then.
  std::set<std::pair<std::string, std::string>> drawn;
  auto add_lifts = [&](const std::string& from, const std::vector<ir::Lift>& lifts) {
    for (const ir::Lift& lift : lifts) {
      if (!graph.index.count(lift.resource)) continue;
      graph.edges.push_back(GraphEdge{from, lift.resource, JoinOps(lift.ops), false});
      drawn.insert({from, lift.resource});
    }
  };
  for (const ir::Resource& resource : program.resources) add_lifts(resource.path, resource.lifts);
  for (const ir::TestCase& test : program.tests) add_lifts(test.path, test.lifts);
  for (const ir::Edge& edge : program.edges) {
    if (!graph.index.count(edge.from) || !graph.index.count(edge.to)) continue;
    if (!drawn.insert({edge.from, edge.to}).second) continue;
    const ir::Resource* to = program.FindResource(edge.to);
    bool child = edge.reason == "handler" && to != nullptr && to->parent == edge.from;
    std::string label;
    if (edge.reason == "binding") {
      if (const ir::Resource* from = program.FindResource(edge.from)) label = BindingOps(*from, edge.to);
    }
    graph.edges.push_back(GraphEdge{edge.from, edge.to, label, child});
  }
  return graph;
}

// ------------------------------------------------------------ DOT

auto DotQuote(const std::string& text) -> std::string {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void WriteDotNode(const Graph& graph, size_t i, int depth, std::ostringstream& out) {
  const Node& node = graph.nodes[i];
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  std::string label = DotQuote(node.id + "\n" + node.type);
  if (node.children.empty()) {
    out << indent << DotQuote(node.path) << " [label=" << label
        << (node.host ? ", style=\"rounded,filled\", fillcolor=\"#e8f0fe\"" : "") << "];\n";
    return;
  }
  out << indent << "subgraph " << DotQuote("cluster_" + node.path) << " {\n";
  out << indent << "  label=" << DotQuote(node.id) << ";\n";
  out << indent << "  style=rounded;\n" << indent << "  color=gray60;\n";
  out << indent << "  " << DotQuote(node.path) << " [label=" << label
      << (node.host ? ", style=\"rounded,filled\", fillcolor=\"#e8f0fe\"" : "") << "];\n";
  for (size_t child : node.children) WriteDotNode(graph, child, depth + 1, out);
  out << indent << "}\n";
}

// ------------------------------------------------------------ Mermaid

auto MermaidText(const std::string& text) -> std::string {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '\n': out += "<br/>"; break;
      default: out += c;
    }
  }
  return out;
}

void WriteMermaidNode(const Graph& graph, size_t i, int depth, std::ostringstream& out) {
  const Node& node = graph.nodes[i];
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  std::string label = "\"" + MermaidText(node.id) + "<br/>" + MermaidText(node.type) + "\"";
  std::string shape = node.host ? "([" + label + "])" : "[" + label + "]";
  if (node.children.empty()) {
    out << indent << "n" << i << shape << "\n";
    return;
  }
  out << indent << "subgraph c" << i << "[\"" << MermaidText(node.id) << "\"]\n";
  out << indent << "  n" << i << shape << "\n";
  for (size_t child : node.children) WriteMermaidNode(graph, child, depth + 1, out);
  out << indent << "end\n";
}

// ------------------------------------------------------------ running dot

auto ReadAll(int fd) -> std::string {
  std::string out;
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  return out;
}

}  // namespace

auto EmitDot(const ir::Program& program) -> std::string {
  Graph graph = BuildGraph(program);
  std::ostringstream out;
  out << "digraph " << DotQuote(graph.name) << " {\n";
  out << "  rankdir=LR;\n";
  out << "  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (size_t root : graph.roots) WriteDotNode(graph, root, 1, out);
  for (const GraphEdge& edge : graph.edges) {
    out << "  " << DotQuote(edge.from) << " -> " << DotQuote(edge.to);
    std::vector<std::string> attributes;
    if (!edge.label.empty()) attributes.push_back("label=" + DotQuote(edge.label));
    if (edge.dashed) attributes.push_back("style=dashed");
    for (size_t i = 0; i < attributes.size(); ++i) out << (i == 0 ? " [" : ", ") << attributes[i];
    out << (attributes.empty() ? "" : "]") << ";\n";
  }
  out << "}\n";
  return out.str();
}

auto EmitMermaid(const ir::Program& program) -> std::string {
  Graph graph = BuildGraph(program);
  std::ostringstream out;
  out << "flowchart LR\n";
  for (size_t root : graph.roots) WriteMermaidNode(graph, root, 1, out);
  for (const GraphEdge& edge : graph.edges) {
    out << "  n" << graph.index.at(edge.from) << (edge.dashed ? " -.->" : " -->");
    if (!edge.label.empty()) out << "|\"" << MermaidText(edge.label) << "\"|";
    out << " n" << graph.index.at(edge.to) << "\n";
  }
  return out.str();
}

auto RenderSvg(const std::string& dot_source) -> std::variant<std::string, RenderError> {
  // The source goes through a file and the SVG through a pipe, so neither
  // side can block on a full pipe; stderr goes to a second file.
  namespace fs = std::filesystem;
  std::string dir_template = (fs::temp_directory_path() / "wdsl-graph-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    return RenderError{false, std::string("cannot create a temporary directory: ") + std::strerror(errno)};
  }
  fs::path dir(dir_template);
  std::string input = (dir / "graph.dot").string();
  std::string errors = (dir / "stderr.txt").string();
  auto cleanup = [&] {
    std::error_code ec;
    fs::remove_all(dir, ec);
  };
  {
    std::ofstream file(input, std::ios::binary);
    file << dot_source;
    if (!file) {
      cleanup();
      return RenderError{false, "cannot write `" + input + "`"};
    }
  }
  int out_pipe[2];
  if (pipe(out_pipe) != 0) {
    cleanup();
    return RenderError{false, std::string("cannot create a pipe: ") + std::strerror(errno)};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, out_pipe[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string arg0 = "dot";
  std::string arg1 = "-Tsvg";
  std::vector<char*> argv = {arg0.data(), arg1.data(), input.data(), nullptr};
  pid_t pid = 0;
  int spawn_error = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (spawn_error != 0) {
    close(out_pipe[0]);
    cleanup();
    if (spawn_error == ENOENT) {
      return RenderError{true, "Graphviz `dot` was not found on PATH; install it (`apt-get install graphviz`, "
                               "`brew install graphviz`) or use `--format dot` or `--format mermaid`"};
    }
    return RenderError{false, std::string("cannot run `dot`: ") + std::strerror(spawn_error)};
  }
  std::string svg = ReadAll(out_pipe[0]);
  close(out_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string stderr_text;
  {
    std::ifstream file(errors, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    stderr_text = text.str();
  }
  cleanup();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!stderr_text.empty() && (stderr_text.back() == '\n' || stderr_text.back() == '\r')) stderr_text.pop_back();
    // glibc's posix_spawnp reports a missing program as exit status 127.
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && svg.empty()) {
      return RenderError{true, "Graphviz `dot` was not found on PATH; install it (`apt-get install graphviz`, "
                               "`brew install graphviz`) or use `--format dot` or `--format mermaid`"};
    }
    return RenderError{false, "`dot -Tsvg` failed" + (stderr_text.empty() ? "" : ": " + stderr_text)};
  }
  return svg;
}

}  // namespace wdsl
