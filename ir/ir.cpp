#include "ir/ir.h"

namespace wdsl::ir {
namespace {

// Looks `key` up in `index`, bringing the index up to date first. Vectors
// only grow while a program is built, so new items are added incrementally
// (amortized constant time per lookup); a vector that moved (reallocation,
// replacement) or shrank, or a hit that no longer matches, rebuilds it.
// Duplicate keys keep their first position.
template <typename T, typename NameOf>
auto Lookup(const std::vector<T>& items, Program::Index& index, const std::string& key, NameOf name_of) -> const T* {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (index.data != static_cast<const void*>(items.data()) || index.covered > items.size() || attempt > 0) {
      index.positions.clear();
      index.covered = 0;
      index.data = items.data();
    }
    for (; index.covered < items.size(); ++index.covered) {
      index.positions.emplace(name_of(items[index.covered]), index.covered);
    }
    auto it = index.positions.find(key);
    if (it == index.positions.end()) return nullptr;
    if (name_of(items[it->second]) == key) return &items[it->second];
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
