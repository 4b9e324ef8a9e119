#include <unistd.h>

#include <iostream>

#include "cli/driver.h"
#include "cli/sim_commands.h"

namespace wdsl {

auto CompileForSimulator(const std::string& entry, int& exit_code) -> std::optional<ir::Program> {
  CompileOptions options;
  options.entry = entry;
  options.target = "sim";
  // The simulator does not build images yet, so their contexts are not hashed.
  options.images = false;
  SourceManager sources;
  Diagnostics diagnostics(sources);
  CompileResult result = Compile(options, sources, diagnostics);
  bool color = isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr;
  std::cerr << diagnostics.RenderAll(color);
  if (result.environment_error) {
    exit_code = 2;
    return std::nullopt;
  }
  if (diagnostics.HasErrors() || !result.program) {
    size_t errors = diagnostics.ErrorCount();
    std::cerr << "wdsl: " << errors << (errors == 1 ? " error" : " errors") << " in " << entry << "\n";
    exit_code = 1;
    return std::nullopt;
  }
  exit_code = 0;
  return std::move(result.program);
}

}  // namespace wdsl
