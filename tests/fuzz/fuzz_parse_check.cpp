// libFuzzer target: any bytes as main.w through load, check, lower and
// preflight must give diagnostics, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "frontend/check.h"
#include "frontend/lower.h"
#include "frontend/preflight.h"

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
  wdsl::RunPreflight(std::move(lowered), semantics, diagnostics, options);
  (void)diagnostics.RenderAll(false);
  return 0;
}
