// The Resource API: how code outside the interpreter (containers, later)
// calls simulated resources. `POST /v1/<resource path>/<operation>` on
// 127.0.0.1 with `Authorization: Bearer <token>` and a JSON body
// `{"args": [...]}`; the answer is `{"result": ...}` or `{"error": "..."}`.
// Each host (a resource whose code or bindings use other resources) gets a
// random token per run, which allows exactly the operations of its `sim`
// permissions (the permissions pass, ir/permissions.h): anything else is 403.
// docs/simulator.md documents the protocol.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace wdsl::runtime {

class Simulator;

class ResourceApi {
 public:
  explicit ResourceApi(Simulator& sim);
  ~ResourceApi();
  // Listens on 127.0.0.1 (any free port) and makes the hosts' tokens; with a
  // `container_address` (the app network's gateway) also there, for containers.
  auto Start(const std::string& container_address = "") -> std::string;
  void Stop();
  auto Url() const -> std::string;
  // The URL containers use ("" without a container address).
  auto ContainerUrl() const -> std::string;
  // host path -> token.
  auto Tokens() const -> std::map<std::string, std::string>;
  // Hosts and their operations again from the simulator's current program
  // (after a live update); hosts that remain keep their tokens.
  void Refresh();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wdsl::runtime
