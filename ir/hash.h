// The content hash that names a locally built image: `wdsl-<app>-<name>:<hash>`.
// An unchanged hash means no `docker build` at all (in `wdsl build`, in the
// simulator, in the Terraform publishing step). What goes in and why:
// docs/content-hash.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wdsl::ir {

struct BuildSpec {
  std::string context_dir;               // absolute or relative to cwd
  std::string dockerfile = "Dockerfile";  // relative to context_dir
  // Optional globs relative to the context ("web/**", "*.go"), in .dockerignore
  // syntax (a `!` glob takes files back out); empty = the whole context.
  std::vector<std::string> sources;
  std::map<std::string, std::string> build_args;
};

struct ContentHash {
  std::string hex;     // 32 lowercase hex digits of XXH3-128
  uint64_t files = 0;  // regular files and symlinks that went in (the Dockerfile included)
  uint64_t bytes = 0;  // content bytes of those files
};

// Hashes the Dockerfile, its ignore file, every entry of the build context
// that Docker would send (minus .dockerignore; only what `sources` selects
// when given) and the build args. Each entry contributes its path relative to
// the context, its type, its executable bit and its bytes (a symlink: its
// target text, never followed). Independent of directory order, mtimes and
// owners. Errors (missing context or Dockerfile, unreadable file, malformed
// pattern) come back as a message, never thrown.
auto HashBuildContext(const BuildSpec& spec) -> std::variant<ContentHash, std::string>;

// Whether `path` (relative to the context root, '/'-separated) is left out of
// the build context by the .dockerignore text `rules`, as Docker decides it;
// a message for a malformed rule. For tests and for the watcher, which asks
// whether a changed file can affect an image.
auto DockerignoreExcludes(std::string_view rules, std::string_view path) -> std::variant<bool, std::string>;

}  // namespace wdsl::ir
