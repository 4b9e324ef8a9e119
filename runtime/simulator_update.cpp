// Simulator::Update: a recompiled program applied to the running app,
// resource by resource (ir/program_diff.h says what changed).
#include <fmt/format.h>

#include <thread>

#include "ir/program_diff.h"
#include "runtime/container_host.h"
#include "runtime/live_resource.h"
#include "runtime/resource_api.h"
#include "runtime/simulator.h"

namespace wdsl::runtime {

using ir::ResourceChange;

auto Simulator::Update(ir::Program next, std::map<std::string, nlohmann::json> images) -> UpdateResult {
  UpdateResult result;
  std::vector<LiveResource*> made;
  std::map<std::string, ResourceChange> changes;
  std::set<std::string> reloaded;  // kCode changes applied in place
  {
    std::unique_lock lock(stop_mutex_);
    if (!started_) {
      result.restart = "the app is not running";
      return result;
    }
    changes = ir::DiffPrograms(as_given_, next, options_.images, images);
    // What can take new code in place does; the rest is replaced.
    std::set<std::string> replace, remove;
    bool needs_containers = false;
    for (const auto& [path, change] : changes) {
      const ir::Resource* resource = change == ResourceChange::kRemoved ? nullptr : next.FindResource(path);
      if (change == ResourceChange::kRemoved) remove.insert(path);
      if (change == ResourceChange::kProps || (change == ResourceChange::kCode && resource->type != "cloud.Api")) {
        replace.insert(path);
      }
      if ((change == ResourceChange::kAdded || change == ResourceChange::kProps) &&
          (RunsInContainers(resource->type) || ServiceInContainer(*resource, options_))) {
        needs_containers = true;
      }
    }
    if (needs_containers && !containers_) {
      result.restart = "the app now runs containers, which needs Docker to be prepared";
      return result;
    }

    // Stop what goes away, newest first (as Stop() does).
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      LiveResource* live = *it;
      if (!remove.contains(live->Path()) && !replace.contains(live->Path())) continue;
      // A replaced Api asks for its port again, so its URL stays the same.
      if (auto url = live->Attribute("url"); url && live->Type() == "cloud.Api") {
        previous_ports_[live->Path()] = std::stoi(url->substr(url->rfind(':') + 1));
      }
      live->Remove();
    }
    {
      std::unique_lock live_lock(live_mutex_);
      std::erase_if(order_, [&](LiveResource* live) {
        return remove.contains(live->Path()) || replace.contains(live->Path());
      });
      std::erase_if(in_containers_, [&](LiveResource* live) {
        return remove.contains(live->Path()) || replace.contains(live->Path());
      });
      for (const std::string& path : remove) {
        if (auto it = live_.find(path); it != live_.end()) retired_.push_back(std::move(it->second)), live_.erase(it);
      }
      for (const std::string& path : replace) {
        if (auto it = live_.find(path); it != live_.end()) retired_.push_back(std::move(it->second)), live_.erase(it);
      }
    }

    // The new program becomes current; resources made from now on use it.
    as_given_ = next;
    programs_.push_back(std::make_unique<ir::Program>(std::move(next)));
    ir::Program& program = *programs_.back();
    program_ = &program;
    options_.images = std::move(images);

    std::set<std::string> make;
    for (const auto& [path, change] : changes) {
      if (change == ResourceChange::kAdded || replace.contains(path)) make.insert(path);
    }
    bool containers = false;
    made = MakeResources(program, make, containers);
    auto fail = [&](const std::string& error) {
      result.restart = fmt::format("the update failed part way ({})", error);
      return result;
    };
    for (LiveResource* live : made) {
      if (std::string error = live->Bind(); !error.empty()) return fail(error);
    }
    if (containers_ && containers_->GetRouter().HasRoutes() && containers_->GetRouter().Url().empty()) {
      if (std::string error = containers_->GetRouter().Bind(); !error.empty()) return fail(error);
      containers_->GetRouter().Start();
    }
    ResolveTokens(program);
    for (const auto& [path, change] : changes) {
      if (change != ResourceChange::kCode || replace.contains(path)) continue;
      LiveResource* live = Find(path);
      const ir::Resource* resource = program.FindResource(path);
      if (live != nullptr && resource != nullptr && live->Reload(*resource)) reloaded.insert(path);
    }
    if (resource_api_) resource_api_->Refresh();
    if (std::string error = StartAll(made); !error.empty()) return fail(error);
  }
  // Outside the lock: Ctrl-C (Stop) must be able to end a wait for a
  // container that never gets ready.
  for (LiveResource* live : made) {
    if (std::string error = live->WaitReady(); !error.empty()) {
      result.restart = fmt::format("the update failed part way ({})", error);
      return result;
    }
  }
  for (const auto& [path, change] : changes) {
    std::string type;
    if (const ir::Resource* resource = GetProgram().FindResource(path)) type = resource->type;
    switch (change) {
      case ResourceChange::kSame: ++result.kept; break;
      case ResourceChange::kAdded: result.lines.push_back(fmt::format("  + {} ({}): added, started", path, type)); break;
      case ResourceChange::kRemoved: result.lines.push_back(fmt::format("  - {}: removed, stopped", path)); break;
      case ResourceChange::kProps:
        result.lines.push_back(fmt::format("  ~ {} ({}): changed, replaced", path, type));
        break;
      case ResourceChange::kCode:
        result.lines.push_back(reloaded.contains(path)
                                   ? fmt::format("  ~ {} ({}): inflight code reloaded in place", path, type)
                                   : fmt::format("  ~ {} ({}): inflight code changed, restarted", path, type));
        break;
    }
  }
  return result;
}

}  // namespace wdsl::runtime
