// What the Docker end-to-end tests share (tests/docker_e2e_test.cpp,
// tests/live_update_e2e_test.cpp): cleaning up an app's containers however a
// test ends, and plain HTTP GETs against what it serves on 127.0.0.1.
#pragma once

#include <httplib.h>

#include <string>
#include <utility>

#include "tests/run_wdsl.h"

namespace wdsl::testing {

// Removes an app's containers, networks and images when a test ends,
// whatever way it ends (a failed assertion that kills a run with SIGKILL
// leaves them). Each test's app is named after its own temporary directory,
// so the images are its own; removing them by tag keeps a developer's
// engine from gaining a tag per test per run.
struct CleanUpApp {
  std::string app;
  ~CleanUpApp() {
    Shell("docker ps -aq --filter label=wdsl.app=" + app + " | xargs -r docker rm -f -v");
    Shell("docker network ls -q --filter label=wdsl.app=" + app + " | xargs -r docker network rm");
    Shell("docker images --filter label=wdsl.app=" + app +
          " --format '{{.Repository}}:{{.Tag}}' | grep -v ':<none>$' | xargs -r docker rmi >/dev/null");
  }
};

// GET url+path: the status and body, or -1 and the connection error.
inline auto Get(const std::string& url, const std::string& path) -> std::pair<int, std::string> {
  httplib::Client client(url);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Get(path);
  if (!res) return {-1, httplib::to_string(res.error())};
  return {res->status, res->body};
}

}  // namespace wdsl::testing
