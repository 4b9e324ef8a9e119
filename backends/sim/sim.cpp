#include "backends/sim/sim.h"

#include <fmt/format.h>

#include <filesystem>

#include "ir/json.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;

auto LiftsToJson(const std::vector<ir::Lift>& lifts) -> Json {
  Json out = Json::array();
  for (const ir::Lift& lift : lifts) {
    Json entry = {{"resource", lift.resource}, {"ops", lift.ops}};
    if (!lift.via.empty()) entry["via"] = lift.via;
    out.push_back(std::move(entry));
  }
  return out;
}

auto PermissionsOf(const Json& permissions) -> Json {
  return permissions.is_object() ? permissions : Json::object();
}

constexpr std::string_view kSidecarMarker = "#sidecar:";

}  // namespace

auto SimManifest(const ir::Program& program, const std::map<std::string, nlohmann::json>& images) -> nlohmann::json {
  // The IR's own JSON form is the source of every piece, so the manifest
  // and `--target ir` can never disagree on how a value is written.
  Json ir = ir::ToJson(program);
  Json manifest = Json::object();
  manifest["version"] = kSimManifestVersion;
  manifest["app"] = program.app;
  manifest["entry"] = program.entry_file;
  // Relative to the app's directory, so the manifest reads the same in
  // every checkout; `wdsl run` compares their times with the manifest's.
  std::filesystem::path app_dir = std::filesystem::path(program.entry_file).parent_path();
  Json sources = Json::array();
  for (const std::string& file : program.files) {
    sources.push_back(std::filesystem::path(file).lexically_relative(app_dir).generic_string());
  }
  manifest["sources"] = std::move(sources);

  Json resources = Json::array();
  for (size_t i = 0; i < program.resources.size(); ++i) {
    const ir::Resource& resource = program.resources[i];
    Json entry = ir["resources"][i];
    // The bind and permissions passes fill these; ToJson may or may not
    // write them yet, so they are taken from the Resource itself.
    entry["lifts"] = LiftsToJson(resource.lifts);
    entry["permissions"] = PermissionsOf(resource.permissions);
    if (auto it = images.find(resource.path); it != images.end()) {
      entry["image"] = it->second;
      // The client files of a workload's bindings (ir/image_client.h) are
      // made again whenever images are described; their hash is in the tag.
      entry["image"].erase("client");
    }
    Json sidecars = Json::object();
    for (auto it = images.lower_bound(resource.path + std::string(kSidecarMarker));
         it != images.end() && it->first.starts_with(resource.path + std::string(kSidecarMarker)); ++it) {
      sidecars[it->first.substr(resource.path.size() + kSidecarMarker.size())] = it->second;
    }
    if (!sidecars.empty()) entry["sidecarImages"] = std::move(sidecars);
    resources.push_back(std::move(entry));
  }
  manifest["resources"] = std::move(resources);

  // Indices stay stable: closures name their function by index. Preflight
  // code never runs in the simulator, so it is left out.
  Json functions = std::move(ir["functions"]);
  for (size_t i = 0; i < program.functions.size() && i < functions.size(); ++i) {
    if (program.functions[i].phase == ir::Phase::kPreflight) functions[i].erase("code");
  }
  manifest["functions"] = std::move(functions);
  manifest["classes"] = std::move(ir["classes"]);

  Json tests = std::move(ir["tests"]);
  for (size_t i = 0; i < program.tests.size() && i < tests.size(); ++i) {
    tests[i]["lifts"] = LiftsToJson(program.tests[i].lifts);
    tests[i]["permissions"] = PermissionsOf(program.tests[i].permissions);
  }
  manifest["tests"] = std::move(tests);
  manifest["edges"] = std::move(ir["edges"]);
  // Structs and enums of bound user classes' signatures: the Resource API
  // converts arguments with them.
  if (ir.contains("types")) manifest["types"] = std::move(ir["types"]);
  return manifest;
}

auto ProgramFromSimManifest(const nlohmann::json& manifest, std::string* error) -> ir::Program {
  if (!manifest.is_object() || manifest.value("version", 0) != kSimManifestVersion) {
    if (error != nullptr) *error = fmt::format("not a simulator manifest of version {}", kSimManifestVersion);
    return {};
  }
  // The manifest is the IR's JSON form with the simulator's extras; only
  // the names of two fields differ.
  Json ir = manifest;
  ir["version"] = ir::kIrVersion;
  ir["entry_file"] = manifest.value("entry", "");
  ir.erase("entry");
  return ir::ProgramFromJson(ir, error);
}

auto EmitSim(const ir::Program& program, const std::map<std::string, nlohmann::json>& images) -> OutputFiles {
  return OutputFiles{{"simulator.json", SimManifest(program, images).dump(2) + "\n"}};
}

}  // namespace wdsl
