#include "cli/driver.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <malloc.h>
#include <pthread.h>

#include <chrono>
#include <functional>
#include <iostream>

#include "frontend/check.h"
#include "frontend/lower.h"
#include "frontend/preflight.h"
#include "ir/bind.h"
#include "ir/images.h"
#include "ir/permissions.h"
#include "ir/tokens.h"
#include "ir/validate.h"

namespace wdsl {
namespace {

constexpr size_t kStackBytes = size_t{512} << 20;

// Runs `work` on a thread whose stack is kStackBytes (virtual memory; only
// the pages used are ever touched).
void RunWithLargeStack(const std::function<void()>& work) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_t thread;
  auto entry = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, entry, const_cast<std::function<void()>*>(&work)) != 0) {
    work();  // fall back to the current thread
  } else {
    pthread_join(thread, nullptr);
  }
  pthread_attr_destroy(&attr);
}

// Times one stage into `timings`.
class StageClock {
 public:
  explicit StageClock(StageTimings& timings) : timings_(timings) {}
  void Lap(const char* stage) {
    auto now = std::chrono::steady_clock::now();
    timings_.stages.emplace_back(stage, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  StageTimings& timings_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

auto FrontHalf(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics, CompileResult& result)
    -> void {
  StageClock clock(result.timings);
  ast::Ast local_ast;
  ast::Ast& ast = options.keep != nullptr ? options.keep->ast : local_ast;
  std::optional<LoadedProgram> loaded = options.entry_text
                                            ? LoadText(options.entry, *options.entry_text, sources, ast, diagnostics)
                                            : Load(options.entry, sources, ast, diagnostics);
  clock.Lap("load and parse");
  if (!loaded) {
    result.environment_error = true;
    return;
  }
  if (options.dump_ast) std::cout << ast::DumpAst(*loaded->entry, sources);
  if (options.stop_after == Phase::kParse) return;
  Semantics local_semantics;
  Semantics& semantics = options.keep != nullptr ? options.keep->semantics : local_semantics;
  bool checked = Check(*loaded, semantics, diagnostics);
  if (options.keep != nullptr) {
    options.keep->loaded = *loaded;
    options.keep->checked = true;
  }
  clock.Lap("check");
  if (!checked || options.stop_after == Phase::kCheck) return;
  LoweredProgram lowered = Lower(*loaded, sources, diagnostics, LowerOptions{options.target});
  clock.Lap("lower");
  if (diagnostics.HasErrors()) return;
  result.program = RunPreflight(std::move(lowered), semantics, diagnostics);
  clock.Lap("preflight");
}

void Report(const std::vector<ir::ValidateProblem>& problems, DiagnosticKind kind, Diagnostics& diagnostics) {
  for (const ir::ValidateProblem& problem : problems) {
    const ir::SourcePos& pos = problem.pos;
    diagnostics.Report(kind, diagnostics.Sources().SpanAt(pos.file, pos.line, pos.col), problem.message);
  }
}

// Deploy-time tokens that would reach a deployed app as `${wdsl#...}`: a
// service's image (and on tf-aws, a function's) holds its bundle with tokens
// in it, which wdsl-runtime resolves from WDSL_TOKENS, and a workload's props
// (its `env`) are written as they are; a token the target cannot give a value
// is an error, at the service, function or workload that uses it.
void UnresolvedDeployTokens(const ir::Program& program, const std::string& target,
                            std::vector<ir::ValidateProblem>& problems) {
  for (const ir::Resource& host : program.resources) {
    std::vector<ir::Token> tokens;
    const char* kind = "";
    if (host.type == "cloud.Service") {
      kind = "service";
      tokens = ir::ServiceTokens(program, host);
    } else if (host.type == "containers.Workload") {
      kind = "workload";
      tokens = ir::FindTokens(host.props);
    } else if (host.type == "cloud.Function" && target == "tf-aws") {  // deployed only there (Lambda)
      kind = "function";
      tokens = ir::FunctionTokens(program, host);
    }
    for (const ir::Token& token : tokens) {
      if (ir::DeployTokenValue(program, target, token)) continue;
      const ir::Resource* owner = program.FindResource(token.path);
      problems.push_back(
          {host.pos,
           fmt::format("the {} `{}` uses `{}` (the `{}` of `{}`{}), which `--target {}` cannot resolve; pass the "
                       "value another way (an `env` entry or a `cloud.Secret`), or use it only when `@target == "
                       "\"sim\"`",
                       kind, host.path, token.text, token.attribute, token.path,
                       owner != nullptr ? ", a `" + owner->type + "`" : "", target)});
    }
  }
}

// Deployed code that starts, stops or asks about a `cloud.Service`: the
// simulator does it, but no deployed runtime or client can scale a
// deployment or an ECS service yet, so the call would fail where the app
// runs; an error here names the host, the service and the operation. Hosts
// are what the target deploys: services, workloads, and on tf-aws functions.
// A service with `autoStart: false` cannot also autoscale there (the
// autoscaler keeps at least `min` replicas running).
void DeployedServiceControl(const ir::Program& program, const std::string& target,
                            std::vector<ir::ValidateProblem>& problems) {
  for (const ir::Resource& host : program.resources) {
    bool deployed = host.type == "cloud.Service" || host.type == "containers.Workload" ||
                    (host.type == "cloud.Function" && target == "tf-aws");
    if (!deployed) continue;
    for (const ir::Lift& lift : host.lifts) {
      const ir::Resource* service = program.FindResource(lift.resource);
      if (service == nullptr || service->type != "cloud.Service") continue;
      std::vector<std::string> ops;
      for (const std::string& op : lift.ops) {
        if (op == "start" || op == "stop" || op == "started") ops.push_back("`" + op + "`");
      }
      if (ops.empty()) continue;
      problems.push_back(
          {host.pos, fmt::format("`{}` calls {} of the cloud.Service `{}`, which deployed code cannot do on "
                                 "`--target {}` yet (it runs in the simulator only); deploy the service with "
                                 "`autoStart` as it should run, or make the call only `if @target == \"sim\"`",
                                 host.path, fmt::join(ops, ", "), service->path, target)});
    }
  }
  for (const ir::Resource& service : program.resources) {
    if (service.type != "cloud.Service" || service.props.value("autoStart", true)) continue;
    auto scaling = service.props.find("autoscaling");
    if (scaling == service.props.end() || !scaling->is_object()) continue;
    problems.push_back({service.pos, fmt::format("the cloud.Service `{}` has `autoStart: false` and `autoscaling`: "
                                                 "on `--target {}` the autoscaler keeps at least `autoscaling.min` "
                                                 "replicas running, so it would start anyway; drop one of the two",
                                                 service.path, target)});
  }
}

// The passes over the IR that fill lifts and permissions, check props, and
// describe local images.
void Passes(const CompileOptions& options, Diagnostics& diagnostics, CompileResult& result) {
  StageClock clock(result.timings);
  ir::Program& program = *result.program;
  std::vector<ir::BindProblem> unbound;
  ir::Bind(program, unbound);
  for (const ir::BindProblem& problem : unbound) {
    diagnostics.Report(DiagnosticKind::kCannotBind,
                       diagnostics.Sources().SpanAt(problem.pos.file, problem.pos.line, problem.pos.col),
                       problem.message);
  }
  ir::ComputePermissions(program);
  clock.Lap("bind and permissions");
  std::vector<ir::ValidateProblem> problems;
  if (options.validate) {
    ir::Validate(program, problems);
    Report(problems, DiagnosticKind::kInvalidProp, diagnostics);
    // Resources that exist only in the simulator cannot be deployed.
    if (options.target != "sim") {
      problems.clear();
      for (const ir::Resource& resource : program.resources) {
        if (resource.type != "sim.Container") continue;
        problems.push_back({resource.pos, fmt::format("`{}` is a `sim.Container`, which runs only in the simulator; "
                                                      "`--target {}` cannot deploy it: use a `containers.Workload`, or "
                                                      "create it only `if @target == \"sim\"`",
                                                      resource.path, options.target)});
      }
      // A bound user class's methods run in the simulator's interpreter;
      // no target deploys them for a container yet.
      for (const ir::Resource& resource : program.resources) {
        for (const ir::Lift& lift : resource.lifts) {
          const ir::Resource* target = lift.via == "binding" ? program.FindResource(lift.resource) : nullptr;
          if (target == nullptr || program.FindClass(target->type) == nullptr) continue;
          problems.push_back({resource.pos, fmt::format("`{}` binds `{}`, an instance of the user class `{}`: "
                                                        "user-class bindings run in the simulator only for now, so "
                                                        "`--target {}` cannot deploy it; bind the resources the class "
                                                        "uses instead, or bind it only `if @target == \"sim\"`",
                                                        resource.path, target->path, target->type, options.target)});
        }
      }
      DeployedServiceControl(program, options.target, problems);
      Report(problems, DiagnosticKind::kNotOnTarget, diagnostics);
      problems.clear();
      UnresolvedDeployTokens(program, options.target, problems);
      Report(problems, DiagnosticKind::kNotOnTarget, diagnostics);
    }
    clock.Lap("validate");
  }
  if (options.images) {
    problems.clear();
    result.images = ir::DescribeImages(program, problems);
    Report(problems, DiagnosticKind::kImageContext, diagnostics);
    clock.Lap("images");
  }
}

}  // namespace

void TuneAllocator() {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_MXFAST, 0);  // no fastbins: no malloc_consolidate walks when ir.json grows (-6% at 5,000 resources)
}

auto StageTimings::Render() const -> std::string {
  std::string text;
  double total = 0;
  for (const auto& [stage, ms] : stages) {
    text += fmt::format("  {:<22} {:>9.1f} ms\n", stage, ms);
    total += ms;
  }
  text += fmt::format("  {:<22} {:>9.1f} ms\n", "total", total);
  return text;
}

auto Compile(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics) -> CompileResult {
  CompileResult result;
  RunWithLargeStack([&] { FrontHalf(options, sources, diagnostics, result); });
  if (result.program && !diagnostics.HasErrors() && options.stop_after == Phase::kPasses) {
    Passes(options, diagnostics, result);
  }
  diagnostics.SortAndDedupe();
  if (diagnostics.HasErrors()) result.program.reset();
  return result;
}

}  // namespace wdsl
