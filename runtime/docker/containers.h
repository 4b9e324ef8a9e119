// Containers and networks through the docker CLI: what `docker run` gets for
// a container (RunArgs is pure, so tests check the command without an
// engine), and the lifecycle operations the simulator needs.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/docker/docker.h"

namespace wdsl::docker {

struct RunSpec {
  std::string name;   // the container's name (SanitizeName'd)
  std::string image;  // tag or reference
  std::vector<std::string> entrypoint;  // replaces the image's ENTRYPOINT (and its CMD) when not empty
  std::vector<std::string> args;        // replaces the image's CMD when not empty
  std::map<std::string, std::string> env;
  std::vector<int> publish;  // container ports published on a free port of 127.0.0.1
  double cpus = 0;           // --cpus (0: no limit)
  double memory_mib = 0;     // --memory (0: no limit)
  int gpus = 0;              // --gpus N
  std::vector<std::string> volumes;  // `-v` specs: "host:container[:ro]", "name:container" or "container" (anonymous)
  std::string network;               // --network: a name, "host", or "container:<name>" (a sidecar)
  std::vector<std::string> aliases;  // --network-alias (how other containers reach it by name)
  std::map<std::string, std::string> labels;
  std::vector<std::string> add_hosts;  // --add-host name:ip
  std::string restart = "on-failure";  // --restart policy ("no" to leave it stopped)
};

// `run --detach ...` arguments for `spec` (without the leading `docker`).
auto RunArgs(const RunSpec& spec) -> std::vector<std::string>;

// Runs the container; "" or the engine's message with what to check.
auto RunContainer(Runner& runner, const RunSpec& spec) -> std::string;

// The host port that `container_port/tcp` of a running container is
// published on, or nullopt.
// `error` (optional) gets what docker said when there is none.
auto HostPort(Runner& runner, const std::string& container, int container_port, std::string* error = nullptr)
    -> std::optional<int>;

// Whether the container exists and runs (not restarting, not exited).
auto IsRunning(Runner& runner, const std::string& container) -> bool;

// `docker exec` of a command; its exit status (-1 when it could not run).
auto Exec(Runner& runner, const std::string& container, const std::vector<std::string>& command,
          std::chrono::milliseconds timeout) -> int;

// Removes (stopping first) every container and then every network carrying
// `label` ("key=value"); returns how many containers it removed.
auto RemoveLabelled(Runner& runner, const std::string& label) -> int;

// Creates a bridge network with labels; "" or the error.
auto CreateNetwork(Runner& runner, const std::string& name, const std::map<std::string, std::string>& labels)
    -> std::string;

// The gateway address of a network (the host as its containers see it), or "".
auto NetworkGateway(Runner& runner, const std::string& name) -> std::string;

}  // namespace wdsl::docker
