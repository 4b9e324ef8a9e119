#include "stdlib/stdlib.h"

#include <algorithm>

#include "stdlib/embedded.h"

namespace wdsl::stdlib {
namespace {

constexpr std::string_view kModuleSuffix = ".w";

auto Text(const internal::EmbeddedFile& file) -> std::string_view {
  return {reinterpret_cast<const char*>(file.data), file.size};
}

// The module a file declares ("cloud.w" -> "cloud"), or empty for other files.
auto ModuleName(const internal::EmbeddedFile& file) -> std::string_view {
  std::string_view name = file.name;
  if (name.size() <= kModuleSuffix.size() || !name.ends_with(kModuleSuffix)) {
    return {};
  }
  return name.substr(0, name.size() - kModuleSuffix.size());
}

}  // namespace

auto FindModule(std::string_view name) -> std::optional<std::string_view> {
  for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    const auto& file = internal::kEmbeddedFiles[i];
    if (!name.empty() && ModuleName(file) == name) {
      return Text(file);
    }
  }
  return std::nullopt;
}

auto ModuleNames() -> std::vector<std::string_view> {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    if (auto name = ModuleName(internal::kEmbeddedFiles[i]); !name.empty()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

auto ResourcesJson() -> std::string_view {
  for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    const auto& file = internal::kEmbeddedFiles[i];
    if (std::string_view(file.name) == "resources.json") {
      return Text(file);
    }
  }
  return {};  // unreachable: CMakeLists.txt always embeds resources.json
}

auto JsClientFiles() -> std::vector<std::pair<std::string_view, std::string_view>> {
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (std::string_view wanted : {"index.js", "index.d.ts", "aws.js"}) {
    for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
      const auto& file = internal::kEmbeddedFiles[i];
      if (std::string_view(file.name) == wanted) files.emplace_back(wanted, Text(file));
    }
  }
  return files;
}

}  // namespace wdsl::stdlib
