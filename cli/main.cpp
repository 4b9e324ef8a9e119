// wdsl: compile, run and test Wing programs for containerized workloads.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "backends/ir_target.h"
#include "backends/output.h"
#include "cli/driver.h"

namespace {

namespace fs = std::filesystem;
using wdsl::Phase;

constexpr int kExitOk = 0;
constexpr int kExitUserError = 1;
constexpr int kExitEnvironment = 2;

auto UseColor() -> bool { return isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr; }

// Compiles `options.entry`, prints diagnostics, and returns the program (or
// the exit code to stop with).
auto CompileAndReport(const wdsl::CompileOptions& options, int& exit_code) -> std::optional<wdsl::ir::Program> {
  wdsl::SourceManager sources;
  wdsl::Diagnostics diagnostics(sources);
  wdsl::CompileResult result = wdsl::Compile(options, sources, diagnostics);
  std::cerr << diagnostics.RenderAll(UseColor());
  if (result.environment_error) {
    exit_code = kExitEnvironment;
  } else if (diagnostics.HasErrors()) {
    size_t errors = diagnostics.ErrorCount();
    std::cerr << "wdsl: " << errors << (errors == 1 ? " error" : " errors") << " in " << options.entry << "\n";
    exit_code = kExitUserError;
  } else {
    exit_code = kExitOk;
  }
  return std::move(result.program);
}

// `target/<stem>.<target>` beside the entry file, as Wing does.
auto DefaultOutputDir(const std::string& entry, const std::string& target) -> std::string {
  fs::path path(entry);
  std::string suffix = target == "tf-aws" ? "tfaws" : target;
  return (path.parent_path() / "target" / (path.stem().string() + "." + suffix)).string();
}

auto NotYet(const std::string& what, const std::string& issue) -> int {
  std::cerr << "wdsl: `" << what << "` is not implemented yet (tracked in issue " << issue
            << "); today wdsl can `check` a program and `build --target ir`\n";
  return kExitEnvironment;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  CLI::App app{"wdsl: a compiler and local simulator for Wing programs with containerized workloads"};
  app.set_version_flag("--version", std::string("wdsl ") + WDSL_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  wdsl::CompileOptions options;
  options.entry = "main.w";

  auto* check = app.add_subcommand("check", "Parse and check a program; print its diagnostics");
  check->add_option("file", options.entry, "The program's entry file")->capture_default_str();
  std::string phase = "preflight";
  check->add_option("--phase", phase, "Stop after this stage")
      ->check(CLI::IsMember({"parse", "check", "preflight"}))
      ->capture_default_str();
  check->add_flag("--dump-ast", options.dump_ast, "Print the entry file's syntax tree");

  auto* build = app.add_subcommand("build", "Compile a program and write its output for a target");
  build->add_option("file", options.entry, "The program's entry file")->capture_default_str();
  std::string target = "sim";
  build->add_option("-t,--target", target, "What to produce")
      ->check(CLI::IsMember({"ir", "sim", "helm", "k8s", "ecs", "tf-aws"}))
      ->capture_default_str();
  std::string output_dir;
  build->add_option("-o,--output", output_dir, "Output directory (default: target/<name>.<target> beside the file)");

  auto* run = app.add_subcommand("run", "Run the whole app locally in the simulator");
  run->allow_extras();
  auto* test = app.add_subcommand("test", "Run the program's test blocks in the simulator");
  test->allow_extras();
  auto* lsp = app.add_subcommand("lsp", "Serve the Language Server Protocol over stdio");
  lsp->allow_extras();

  CLI11_PARSE(app, argc, argv);

  if (*check) {
    options.stop_after = phase == "parse" ? Phase::kParse : phase == "check" ? Phase::kCheck : Phase::kPreflight;
    int exit_code = kExitOk;
    CompileAndReport(options, exit_code);
    return exit_code;
  }
  if (*build) {
    if (target != "ir") return NotYet("build --target " + target, target == "sim" ? "#3" : "#6/#7");
    options.target = "sim";
    int exit_code = kExitOk;
    std::optional<wdsl::ir::Program> program = CompileAndReport(options, exit_code);
    if (exit_code != kExitOk || !program) return exit_code == kExitOk ? kExitUserError : exit_code;
    std::string dir = output_dir.empty() ? DefaultOutputDir(options.entry, target) : output_dir;
    std::string error = wdsl::WriteOutputAtomically(dir, wdsl::EmitIr(*program));
    if (!error.empty()) {
      std::cerr << "wdsl: " << error << "\n";
      return kExitEnvironment;
    }
    std::cout << "wrote " << dir << "\n";
    return kExitOk;
  }
  if (*run) return NotYet("run", "#4");
  if (*test) return NotYet("test", "#4");
  if (*lsp) return NotYet("lsp", "#10");
  return kExitEnvironment;
}
