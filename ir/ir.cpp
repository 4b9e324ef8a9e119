#include "ir/ir.h"

namespace wdsl::ir {
namespace {

// Looks `key` up in `index` (name -> position in `items`), rebuilding the
// index when it is stale; `name_of` gives an item's key.
template <typename T, typename NameOf>
auto Lookup(const std::vector<T>& items, std::unordered_map<std::string, size_t>& index, const std::string& key,
            NameOf name_of) -> const T* {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (index.size() == items.size()) {
      auto it = index.find(key);
      if (it == index.end()) return nullptr;
      if (it->second < items.size() && name_of(items[it->second]) == key) return &items[it->second];
    }
    index.clear();
    for (size_t i = 0; i < items.size(); ++i) index.emplace(name_of(items[i]), i);
    if (index.size() != items.size()) break;  // duplicate keys: fall back to a scan
  }
  for (const T& item : items) {
    if (name_of(item) == key) return &item;
  }
  return nullptr;
}

}  // namespace

auto Program::FindResource(const std::string& path) const -> const Resource* {
  return Lookup(resources, resource_index_, path, [](const Resource& r) -> const std::string& { return r.path; });
}

auto Program::FindClass(const std::string& name) const -> const ClassInfo* {
  return Lookup(classes, class_index_, name, [](const ClassInfo& c) -> const std::string& { return c.name; });
}

}  // namespace wdsl::ir
