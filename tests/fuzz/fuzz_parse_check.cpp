// libFuzzer target: any bytes as main.w through load, check, lower,
// preflight and the IR passes (bind, permissions, validate) must give
// diagnostics, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "frontend/check.h"
#include "frontend/lower.h"
#include "frontend/preflight.h"
#include "ir/bind.h"
#include "ir/permissions.h"
#include "ir/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  wdsl::SourceManager sources;
  wdsl::Diagnostics diagnostics(sources);
  wdsl::ast::Ast ast;
  wdsl::LoadedProgram loaded = wdsl::LoadText("fuzz.w", std::move(text), sources, ast, diagnostics);
  wdsl::Semantics semantics;
  if (!wdsl::Check(loaded, semantics, diagnostics)) return 0;
  wdsl::LoweredProgram lowered = wdsl::Lower(loaded, sources, diagnostics);
  std::string log;
  wdsl::PreflightOptions options;
  options.max_steps = 200'000;  // keep each input fast
  options.log_sink = &log;
  std::optional<wdsl::ir::Program> program = wdsl::RunPreflight(std::move(lowered), semantics, diagnostics, options);
  if (program) {
    std::vector<wdsl::ir::BindProblem> unbound;
    wdsl::ir::Bind(*program, unbound);
    wdsl::ir::ComputePermissions(*program);
    std::vector<wdsl::ir::ValidateProblem> problems;
    wdsl::ir::Validate(*program, problems);
  }
  (void)diagnostics.RenderAll(false);
  return 0;
}
