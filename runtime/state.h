// Files of the simulator's state (.wdsl/state/<resource>/): atomic writes,
// and bucket keys that can never name a file outside their bucket.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace wdsl::runtime {

// Writes `data` to `target` through a unique temporary file in `temp_dir`
// (same file system) and a rename, so readers and a crash at any moment
// see the old content or the new, never half a file. Creates missing
// directories. Returns an error message, or "".
// `mode` is the new file's permission bits (0600 for files with tokens).
auto WriteAtomically(const std::filesystem::path& target, std::string_view data,
                     const std::filesystem::path& temp_dir, unsigned mode = 0644) -> std::string;

// The whole file, or nullopt if it cannot be read.
auto ReadWholeFile(const std::filesystem::path& path) -> std::optional<std::string>;

// Why `key` is not a valid bucket key, or "" if it is. Keys are relative
// paths of non-empty segments ("reports/2024.json"): no `.` or `..` segment,
// no leading `/`, no empty segment, no control character (NUL included),
// segments of at most 255 bytes.
auto BucketKeyProblem(const std::string& key) -> std::string;

// `key` quoted for an error message, control characters escaped.
auto QuoteKey(const std::string& key) -> std::string;

// The state directory of a resource: its path below `root/Default`, one
// directory per segment ("root/Default/api/OnRequestHandler0" ->
// "<state>/api/OnRequestHandler0").
auto ResourceStateDir(const std::filesystem::path& state_root, const std::string& resource_path)
    -> std::filesystem::path;

}  // namespace wdsl::runtime
