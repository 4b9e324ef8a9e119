// What every backend produces: a set of files, written all-or-nothing.
#pragma once

#include <map>
#include <string>

namespace wdsl {

// Relative path ("ir.json", "templates/web.yaml") -> file contents.
using OutputFiles = std::map<std::string, std::string>;

// Replaces directory `dir` with exactly `files`. The files are written into a
// sibling temporary directory first and swapped in by rename, so a failed or
// interrupted build leaves the previous output intact. Returns an error
// message, or "" on success.
auto WriteOutputAtomically(const std::string& dir, const OutputFiles& files) -> std::string;

}  // namespace wdsl
