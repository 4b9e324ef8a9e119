// The program `wdsl run --sim` and `wdsl test` simulate: read from
// target/<stem>.sim/simulator.json when that manifest is newer than every
// source file and than the wdsl binary, else compiled (with diagnostics) and
// the manifest written again, exactly as `wdsl build` would.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "backends/output.h"
#include "backends/sim/sim.h"
#include "cli/driver.h"
#include "cli/images.h"
#include "cli/service_images.h"
#include "ir/images.h"
#include "cli/sim_commands.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

auto ManifestPath(const std::string& entry) -> fs::path {
  fs::path path(entry);
  return path.parent_path() / "target" / (path.stem().string() + ".sim") / "simulator.json";
}

// The manifest's program when it is up to date; nullopt when it is missing,
// unreadable, from another wdsl, or older than a source it lists.
auto FreshManifest(const std::string& entry, const fs::path& manifest_path,
                   std::map<std::string, nlohmann::json>& images) -> std::optional<ir::Program> {
  std::error_code ec;
  fs::file_time_type built = fs::last_write_time(manifest_path, ec);
  if (ec) return std::nullopt;
  fs::file_time_type compiler = fs::last_write_time("/proc/self/exe", ec);
  if (!ec && compiler > built) return std::nullopt;
  std::ifstream in(manifest_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json manifest = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object() || !manifest.contains("sources") || !manifest["sources"].is_array() ||
      manifest["sources"].empty()) {
    return std::nullopt;
  }
  fs::path app_dir = fs::path(entry).parent_path();
  for (const nlohmann::json& source : manifest["sources"]) {
    if (!source.is_string()) return std::nullopt;
    fs::file_time_type changed = fs::last_write_time(app_dir / source.get<std::string>(), ec);
    if (ec || changed > built) return std::nullopt;
  }
  std::string error;
  ir::Program program = ProgramFromSimManifest(manifest, &error);
  if (!error.empty()) return std::nullopt;
  // Build contexts are not among the sources: hash them again (cheap), so
  // an edited Dockerfile or context file gets its new tag. A context that
  // became unreadable is reported by a full compile.
  program.entry_file = entry;
  std::vector<ir::ValidateProblem> problems;
  images = ir::DescribeImages(program, problems);
  if (!problems.empty()) return std::nullopt;
  return program;
}

// Adds the images of the services that run in containers; false (with a
// message and exit code 2) when their contexts cannot be written.
auto AddContainerServices(const std::string& entry, const ir::Program& program, bool services_in_containers,
                          std::map<std::string, nlohmann::json>& images, int& exit_code) -> bool {
  std::string error = AddServiceImages(program, fs::absolute(entry).parent_path(), RuntimeBinary(), images,
                                       [&](const ir::Resource& service) {
                                         return services_in_containers ||
                                                service.props.value("runtime", "process") == "container";
                                       });
  if (error.empty()) return true;
  std::cerr << "wdsl: error: " << error << "\n";
  exit_code = 2;
  return false;
}

}  // namespace

auto CompileForSimulator(const std::string& entry, int& exit_code, std::map<std::string, nlohmann::json>& images,
                         bool services_in_containers) -> std::optional<ir::Program> {
  fs::path manifest_path = ManifestPath(entry);
  if (std::error_code ec; fs::exists(entry, ec)) {
    if (std::optional<ir::Program> program = FreshManifest(entry, manifest_path, images)) {
      if (!AddContainerServices(entry, *program, services_in_containers, images, exit_code)) return std::nullopt;
      exit_code = 0;
      return program;
    }
  }
  CompileOptions options;
  options.entry = entry;
  options.target = "sim";
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
  // Written for the next run (and for tools); the simulator does not need
  // it now, so a write that fails (a read-only checkout) is only a note.
  std::string error = WriteOutputAtomically(manifest_path.parent_path().string(), EmitSim(*result.program, result.images));
  if (!error.empty()) std::cerr << "wdsl: note: " << error << "; simulating without a saved manifest\n";
  images = std::move(result.images);
  if (!AddContainerServices(entry, *result.program, services_in_containers, images, exit_code)) return std::nullopt;
  exit_code = 0;
  return std::move(result.program);
}

auto PrepareImagesForSimulator(const ir::Program& program, const std::map<std::string, nlohmann::json>& images,
                               const std::string& entry) -> int {
  ImageStepOptions options;
  options.pull = true;
  options.quiet_cached = true;
  return EnsureAppImages(images, fs::absolute(entry).parent_path(), program.app, options, std::cerr);
}

}  // namespace wdsl
