// The image step of `wdsl build` and of the simulator commands (c:building):
// checks that a Docker engine answers and gets every image the app runs
// (runtime/docker/images.h), printing one progress line per image.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>

namespace wdsl {

struct ImageStepOptions {
  bool pull = false;  // also pull images that are not built locally (the simulator runs them)
  bool quiet_cached = false;  // no line for an image that was already there
  int parallel = 4;
};

// `images`: ir::DescribeImages's descriptions; build contexts are relative
// to `app_dir`. Returns 0, 1 when a build or pull failed (its log is
// printed), or 2 when Docker is missing (with what to do about it). Does
// nothing, and needs no Docker, when there is nothing to build or pull.
auto EnsureAppImages(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
                     const std::string& app, const ImageStepOptions& options, std::ostream& out) -> int;

// `wdsl build --push`: tags every local image as
// `<registry>/<app>-<name>:<content hash>` and pushes it (layers the registry
// has are not sent again, so an unchanged image costs one round trip).
// 0, 1 when a push failed (with what to check), 2 without Docker. `login`
// is the command that logs Docker in to the registry (default `docker login <host>`).
auto PushAppImages(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
                   const std::string& app, const std::string& registry, std::ostream& out,
                   const std::string& login = "") -> int;

}  // namespace wdsl
