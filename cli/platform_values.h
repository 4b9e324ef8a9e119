// `wdsl build --values platform.yaml`: settings of the platform an app is
// deployed to, kept out of main.w (a registry, a cluster, locations). Read
// with yaml-cpp; docs/cli.md lists the keys.
#pragma once

#include <optional>
#include <string>

namespace wdsl {

struct PlatformValues {
  std::string helm_registry;  // helm.registry: prefix of local images
};

// Reads `path`; on a problem sets `error` (what, where, how to fix) and
// `exit_code` (2: cannot read the file, 1: its content is wrong).
auto ReadPlatformValues(const std::string& path, std::string& error, int& exit_code) -> std::optional<PlatformValues>;

}  // namespace wdsl
