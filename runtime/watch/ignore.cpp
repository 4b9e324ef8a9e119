// Ignore rules of the watcher: Docker's, through ir::DockerignoreExcludes, so
// the watcher and the image content hash never disagree about a file.
#include <string>
#include <variant>
#include <vector>

#include "ir/hash.h"
#include "runtime/watch/watch.h"

namespace wdsl::watch {

auto DefaultIgnores() -> std::vector<std::string> {
  return {
      "**/.git", ".wdsl", "target",                            // VCS, simulator state, wdsl's output
      "**/.wdsl-client",                                       // the bindings client wdsl writes into contexts
      "**/*.swp", "**/*.swo", "**/*.swx", "**/4913",           // vim: swap files, its write test file
      "**/*~", "**/.#*", "**/#*#",                             // backups (vim, emacs), emacs locks and autosaves
      "**/*.tmp", "**/*___jb_tmp___", "**/*___jb_old___",      // atomic-save temp files, JetBrains safe write
  };
}

auto Ignored(const std::vector<std::string>& patterns, const std::string& relative) -> bool {
  if (patterns.empty()) return false;
  std::string rules;
  for (const std::string& p : patterns) rules.append(p).push_back('\n');
  auto result = ir::DockerignoreExcludes(rules, relative);
  const bool* ignored = std::get_if<bool>(&result);
  return ignored && *ignored;
}

}  // namespace wdsl::watch
