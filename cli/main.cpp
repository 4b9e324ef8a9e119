// wdsl: compile, run and test Wing programs for containerized workloads.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "backends/graph/graph.h"
#include "backends/cpln/cpln.h"
#include "backends/ecs/ecs.h"
#include "backends/ir_target.h"
#include "backends/tfaws/tfaws.h"
#include "backends/k8s/chart.h"
#include "backends/output.h"
#include "backends/services.h"
#include "backends/sim/sim.h"
#include "cli/driver.h"
#include "cli/images.h"
#include "cli/lsp.h"
#include "cli/platform_values.h"
#include "cli/service_images.h"
#include "cli/sim_commands.h"

namespace {

namespace fs = std::filesystem;
using wdsl::Phase;

constexpr int kExitOk = 0;
constexpr int kExitUserError = 1;
constexpr int kExitEnvironment = 2;

auto UseColor() -> bool { return isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr; }

// Compiles `options.entry`, prints diagnostics (and the stage timings when
// asked), and returns the result; `exit_code` says how the command ends.
auto CompileAndReport(const wdsl::CompileOptions& options, int& exit_code, bool timings = false)
    -> wdsl::CompileResult {
  wdsl::SourceManager sources;
  wdsl::Diagnostics diagnostics(sources);
  wdsl::CompileResult result = wdsl::Compile(options, sources, diagnostics);
  std::cerr << diagnostics.RenderAll(UseColor());
  if (timings) std::cerr << "wdsl: stage timings\n" << result.timings.Render();
  if (result.environment_error) {
    exit_code = kExitEnvironment;
  } else if (diagnostics.HasErrors()) {
    size_t errors = diagnostics.ErrorCount();
    std::cerr << "wdsl: " << errors << (errors == 1 ? " error" : " errors") << " in " << options.entry << "\n";
    exit_code = kExitUserError;
  } else {
    exit_code = kExitOk;
  }
  return result;
}

// Writes `text` to `path` through a temporary file and a rename, so a failed
// write never leaves half a file. Returns an error message, or "".
auto WriteFileAtomically(const std::string& path, const std::string& text) -> std::string {
  fs::path target(path);
  fs::path temp = target;
  temp += ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      return "cannot write `" + path + "`";
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    return "cannot write `" + path + "`: " + ec.message();
  }
  return "";
}

// `target/<stem>.<target>` beside the entry file, as Wing does.
auto DefaultOutputDir(const std::string& entry, const std::string& target) -> std::string {
  fs::path path(entry);
  std::string suffix = target == "tf-aws" ? "tfaws" : target;
  return (path.parent_path() / "target" / (path.stem().string() + "." + suffix)).string();
}

// `wdsl run|test ...` is `wdsl-sim run|test ...` (cli/sim_commands.h says why).
auto ExecSimulator(char** argv) -> int {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  fs::path sim = (ec ? fs::path(argv[0]) : self).parent_path() / "wdsl-sim";
  std::string path = sim.string();
  argv[0] = path.data();
  execv(path.c_str(), argv);
  std::cerr << "wdsl: cannot start the simulator `" << path << "`: " << std::strerror(errno)
            << "; it is built and installed beside `wdsl` (make build)\n";
  return kExitEnvironment;
}


}  // namespace

auto main(int argc, char** argv) -> int {
  wdsl::TuneAllocator();
  CLI::App app{"wdsl: a compiler and local simulator for Wing programs with containerized workloads"};
  app.set_version_flag("--version", std::string("wdsl ") + WDSL_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  wdsl::CompileOptions options;
  options.entry = "main.w";

  auto* check = app.add_subcommand("check", "Parse and check a program; print its diagnostics");
  check->add_option("file", options.entry, "The program's entry file")->capture_default_str();
  std::string phase = "all";
  check->add_option("--phase", phase,
                    "Stop after this stage: parse, check (names, types, phases), preflight (run the top-level "
                    "code), or all (also bindings, permissions, props and image contexts)")
      ->check(CLI::IsMember({"parse", "check", "preflight", "all"}))
      ->capture_default_str();
  check->add_flag("--dump-ast", options.dump_ast, "Print the entry file's syntax tree");
  bool timings = false;
  check->add_flag("--timings", timings, "Print how long each stage took (to standard error)");

  auto* build = app.add_subcommand("build", "Compile a program and write its output for a target");
  build->add_option("file", options.entry, "The program's entry file")->capture_default_str();
  std::string target = "sim";
  build->add_option("-t,--target", target, "What to produce")
      ->check(CLI::IsMember({"ir", "sim", "helm", "k8s", "ecs", "tf-aws", "cpln"}))
      ->capture_default_str();
  std::string output_dir;
  build->add_option("-o,--output", output_dir, "Output directory (default: target/<name>.<target> beside the file)");
  build->add_flag("--timings", timings, "Print how long each stage took (to standard error)");
  std::string registry;
  build->add_option("--registry", registry,
                    "helm/k8s/ecs/cpln: the registry of local images, `<registry>/<app>-<name>:<hash>` (values: "
                    "global.registry)");
  std::string values_file;
  build->add_option("--values", values_file, "A platform values file (YAML): `helm.registry`, ... (docs/cli.md)");
  bool push = false;
  build->add_flag("--push", push,
                  "Push the local images to the registry of --registry or the values file (helm.registry, "
                  "ecs.registry; cpln: the org's registry, or cpln.registry) as <registry>/<app>-<name>:<hash>");
  bool no_images = false;
  build->add_flag("--no-images", no_images,
                  "Do not build the app's local images with Docker (the output still names their content-hash tags)");

  auto* graph = app.add_subcommand("graph", "Draw the app's resources and how they use each other");
  graph->add_option("file", options.entry, "The program's entry file")->capture_default_str();
  std::string graph_format = "dot";
  graph->add_option("--format", graph_format, "Graphviz DOT, Mermaid, or SVG rendered by Graphviz's `dot`")
      ->check(CLI::IsMember({"dot", "mermaid", "svg"}))
      ->capture_default_str();
  std::string graph_output;
  graph->add_option("-o,--output", graph_output, "Write to this file (default: standard output)");

  wdsl::RunCommandOptions run_options;
  wdsl::TestCommandOptions test_options;
  wdsl::OtherSimOptions other_sim_options;
  wdsl::SimCommands sim_commands = wdsl::AddSimCommands(app, run_options, test_options, other_sim_options);
  auto* lsp = app.add_subcommand("lsp", "Serve the Language Server Protocol over stdio");
  lsp->allow_extras();

  CLI11_PARSE(app, argc, argv);

  if (*check) {
    options.stop_after = phase == "parse"       ? Phase::kParse
                         : phase == "check"     ? Phase::kCheck
                         : phase == "preflight" ? Phase::kPreflight
                                                : Phase::kPasses;
    int exit_code = kExitOk;
    CompileAndReport(options, exit_code, timings);
    return exit_code;
  }
  if (*build) {
    wdsl::EcsOptions ecs_options;
    wdsl::TfAwsOptions tfaws_options;
    wdsl::CplnOptions cpln_options;
    const std::string registry_flag = registry;
    if (!values_file.empty()) {
      std::string error;
      int code = kExitOk;
      std::optional<wdsl::PlatformValues> platform = wdsl::ReadPlatformValues(values_file, error, code);
      if (!platform) {
        std::cerr << "wdsl: " << error << "\n";
        return code;
      }
      if (registry.empty()) registry = platform->helm_registry;
      const auto& ecs = platform->ecs;
      ecs_options = {ecs.region,  ecs.account_id, ecs.cluster, ecs.registry, ecs.execution_role_arn,
                     ecs.subnets, ecs.security_groups, ecs.assign_public_ip, ecs.target_groups};
      tfaws_options.backend = platform->containers_backend;
      tfaws_options.eks_cluster = platform->eks_cluster;
      if (!platform->eks_namespace.empty()) tfaws_options.eks_namespace = platform->eks_namespace;
      if (!ecs.region.empty()) tfaws_options.region = ecs.region;
      const auto& cpln = platform->cpln;
      cpln_options = {cpln.org,    cpln.gvc,           cpln.locations, cpln.workload_type,
                      cpln.domain, cpln.cloud_account, cpln.registry};
    }
    if (!registry.empty() && ecs_options.registry.empty()) ecs_options.registry = registry;
    if (!registry_flag.empty()) cpln_options.registry = registry_flag;  // helm.registry is helm's only
    options.target = target == "ir" ? "sim" : target;  // `@target`, and what may be deployed
    int exit_code = kExitOk;
    // The IR does not describe images, so `--target ir` does not hash build contexts.
    options.images = target != "ir";
    wdsl::CompileResult compiled = CompileAndReport(options, exit_code);
    if (exit_code != kExitOk || !compiled.program) return exit_code == kExitOk ? kExitUserError : exit_code;
    std::string dir = output_dir.empty() ? DefaultOutputDir(options.entry, target) : output_dir;
    // Every cloud.Service gets an image of the runtime and its bundle;
    // backends deploy it, the simulator runs it with `runtime: "container"`.
    // So does every cloud.Function on tf-aws (a Lambda function of it).
    if (target != "ir") {
      fs::path app_dir = fs::absolute(options.entry).parent_path();
      std::string error = wdsl::AddServiceImages(*compiled.program, app_dir, wdsl::RuntimeBinary(), compiled.images);
      // On tf-aws every cloud.Function runs on Lambda as an image of the runtime too.
      if (error.empty() && target == "tf-aws") {
        error = wdsl::AddFunctionImages(*compiled.program, app_dir, wdsl::RuntimeBinary(), compiled.images);
      }
      if (!error.empty()) {
        std::cerr << "wdsl: error: " << error << "\n";
        return kExitEnvironment;
      }
    }
    // Emit (pure, and it may find missing platform values), then images,
    // then write: a build that fails anywhere leaves the previous output.
    auto start = std::chrono::steady_clock::now();
    // Deployment targets run each cloud.Service as a workload of its image.
    if (target == "helm" || target == "k8s" || target == "ecs" || target == "tf-aws" || target == "cpln") {
      compiled.program = wdsl::ServicesAsWorkloads(*compiled.program);
    }
    wdsl::ChartOptions chart_options;
    chart_options.registry = registry;
    wdsl::OutputFiles files;
    if (target == "ecs") {
      wdsl::EcsResult ecs = wdsl::EmitEcs(*compiled.program, compiled.images, ecs_options);
      for (const std::string& note : ecs.notes) std::cerr << "wdsl: note: " << note << "\n";
      for (const std::string& error : ecs.errors) std::cerr << "wdsl: error: " << error << "\n";
      if (!ecs.errors.empty()) return kExitUserError;
      files = std::move(ecs.files);
    } else if (target == "tf-aws") {
      fs::path app_dir = fs::path(options.entry).parent_path();
      wdsl::TfAwsResult tf = wdsl::EmitTfAws(*compiled.program, compiled.images, tfaws_options,
                                             app_dir.empty() ? fs::path(".") : app_dir, dir);
      for (const std::string& note : tf.notes) std::cerr << "wdsl: note: " << note << "\n";
      for (const std::string& error : tf.errors) std::cerr << "wdsl: error: " << error << "\n";
      if (!tf.errors.empty()) return kExitUserError;
      files = std::move(tf.files);
    } else if (target == "cpln") {
      wdsl::CplnResult cpln = wdsl::EmitCpln(*compiled.program, compiled.images, cpln_options);
      for (const std::string& note : cpln.notes) std::cerr << "wdsl: note: " << note << "\n";
      for (const std::string& warning : cpln.warnings) std::cerr << "wdsl: warning: " << warning << "\n";
      for (const std::string& error : cpln.errors) std::cerr << "wdsl: error: " << error << "\n";
      if (!cpln.errors.empty()) return kExitUserError;
      files = std::move(cpln.files);
    } else {
      files = target == "ir"     ? wdsl::EmitIr(*compiled.program)
              : target == "helm" ? wdsl::EmitHelm(*compiled.program, compiled.images, chart_options)
              : target == "k8s"  ? wdsl::EmitK8s(*compiled.program, compiled.images, chart_options)
                                 : wdsl::EmitSim(*compiled.program, compiled.images);
    }
    auto emitted = std::chrono::steady_clock::now();
    if (target != "ir" && !no_images) {
      wdsl::ImageStepOptions image_options;
      int images = wdsl::EnsureAppImages(compiled.images, std::filesystem::path(options.entry).parent_path(),
                                         compiled.program->app, image_options, std::cerr);
      if (images != kExitOk) return images;
      compiled.timings.stages.emplace_back(
          "images", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - emitted).count());
    }
    if (push) {
      std::string to = target == "cpln"      ? wdsl::CplnPushRegistry(cpln_options)
                       : !registry.empty() ? registry
                                           : ecs_options.registry;
      if (to.empty()) {
        std::cerr << "wdsl: `--push` needs a registry: pass `--registry REGISTRY`, or set `helm.registry` or "
                     "`ecs.registry` in a `--values` file (`--target tf-aws` publishes to ECR by itself)\n";
        return kExitUserError;
      }
      if (no_images) {
        std::cerr << "wdsl: `--push` and `--no-images` contradict each other; drop one\n";
        return kExitUserError;
      }
      std::string login = target == "cpln" && cpln_options.registry.empty()
                              ? "cpln image docker-login --org " + cpln_options.org
                              : "";
      int pushed = wdsl::PushAppImages(compiled.images, std::filesystem::path(options.entry).parent_path(),
                                       compiled.program->app, to, std::cerr, login);
      if (pushed != kExitOk) return pushed;
    }
    auto imaged = std::chrono::steady_clock::now();
    std::string error = wdsl::WriteOutputAtomically(dir, files);
    if (timings) {
      compiled.timings.stages.emplace_back("emit " + target,
                                           std::chrono::duration<double, std::milli>(emitted - start).count());
      compiled.timings.stages.emplace_back(
          "write", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - imaged).count());
      std::cerr << "wdsl: stage timings\n" << compiled.timings.Render();
    }
    if (!error.empty()) {
      std::cerr << "wdsl: " << error << "\n";
      return kExitEnvironment;
    }
    std::cout << "wrote " << dir << "\n";
    return kExitOk;
  }
  if (*graph) {
    options.target = "sim";
    int exit_code = kExitOk;
    options.validate = false;
    options.images = false;
    wdsl::CompileResult compiled = CompileAndReport(options, exit_code);
    if (exit_code != kExitOk || !compiled.program) return exit_code == kExitOk ? kExitUserError : exit_code;
    std::string text;
    if (graph_format == "mermaid") {
      text = wdsl::EmitMermaid(*compiled.program);
    } else {
      text = wdsl::EmitDot(*compiled.program);
      if (graph_format == "svg") {
        auto svg = wdsl::RenderSvg(text);
        if (auto* failure = std::get_if<wdsl::RenderError>(&svg)) {
          std::cerr << "wdsl: " << failure->message << "\n";
          return failure->missing_tool ? kExitEnvironment : kExitUserError;
        }
        text = std::get<std::string>(std::move(svg));
      }
    }
    if (graph_output.empty()) {
      std::cout << text;
      return kExitOk;
    }
    std::string error = WriteFileAtomically(graph_output, text);
    if (!error.empty()) {
      std::cerr << "wdsl: " << error << "\n";
      return kExitEnvironment;
    }
    std::cout << "wrote " << graph_output << "\n";
    return kExitOk;
  }
  if (*sim_commands.run || *sim_commands.test || *sim_commands.logs || *sim_commands.exec) return ExecSimulator(argv);
  if (*lsp) return wdsl::RunLanguageServerOnStdio();
  return kExitEnvironment;
}
