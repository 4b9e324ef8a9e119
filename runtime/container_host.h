// What the simulator needs to run containers (c:simulator, c:workload): the
// Docker engine (checked before anything starts), the images (built or
// pulled, runtime/docker/images.h), one Docker network per app so
// containers reach each other by name, labels on everything it creates
// (`wdsl.home` names the app's state directory), removal of leftovers of a
// run that was killed, log lines of every container, and the router.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/docker/containers.h"
#include "runtime/docker/copy.h"
#include "runtime/router.h"

namespace wdsl::runtime {

class Simulator;

class ContainerHost {
 public:
  ContainerHost(Simulator& sim, docker::Runner* runner);
  ~ContainerHost();
  ContainerHost(const ContainerHost&) = delete;
  auto operator=(const ContainerHost&) -> ContainerHost& = delete;

  // Checks the engine, removes leftovers of an earlier run of this state
  // directory, creates the network and gets every image. "" or the error;
  // `environment` is set when the problem is the machine (no Docker).
  auto Prepare(bool& environment) -> std::string;
  // Stops and removes every container and the network. Safe to call twice.
  void Shutdown();

  auto Docker() -> docker::Runner& { return *runner_; }
  auto Network() const -> const std::string& { return network_; }
  // The host's address on the app network (where containers reach the Resource API).
  auto Gateway() const -> const std::string& { return gateway_; }
  auto GetRouter() -> Router& { return router_; }

  // A container name for `name` (a workload's or container's name), unique
  // per app and simulator: `wdsl-<app>-<name>[-<instance>][-<suffix>]`.
  auto ContainerName(const std::string& name, const std::string& suffix = "") const -> std::string;
  // The image a resource runs: the built tag of its local context, or `image` itself.
  auto ImageOf(const std::string& owner, const std::string& image) const -> std::string;
  // A host path for a volume source written relative to the app ("./data").
  auto HostPath(const std::string& source) const -> std::string;

  // Sees each line of a container's output first; false keeps it out of the log.
  using LineFilter = std::function<bool(const std::string&)>;
  // Runs a container with this app's labels (and network unless the spec
  // names one), and streams its output to the log as `source` (through
  // `filter`, when given: a service container's readiness line).
  auto Run(docker::RunSpec spec, const std::string& source, LineFilter filter = {}) -> std::string;
  // Restarts a container (liveness failure); its log stream follows it.
  auto Restart(const std::string& name) -> std::string;
  // The last lines of a container's output (for error messages).
  auto LastLogs(const std::string& name, int lines) -> std::string;
  // Stops and removes one container (a replica replaced by a live update).
  void Remove(const std::string& name);

  // ---- live update (wdsl run --watch)
  // Files a live update copied into `owner`'s replicas (by destination
  // directory). A replica started later (a replacement, or the workload
  // made again by a program change) gets them too, so a new container never
  // serves code older than what was synced (`initial sync`).
  void NoteSynced(const std::string& owner, const std::string& dest_dir, const docker::CopyFile& file);
  // A synced file or directory (a container path) was deleted.
  void NoteUnsynced(const std::string& owner, const std::string& container_path);
  auto SyncedFiles(const std::string& owner) const -> std::map<std::string, std::vector<docker::CopyFile>>;
  // Builds the local images of `owner` (a resource path; its sidecars' too)
  // again from their contexts as they are now. "" and `tags` (owner -> new
  // tag; empty when nothing changed) or the build's error; on an error the
  // images in use stay as they were.
  auto Rebuild(const std::string& owner, std::map<std::string, std::string>& tags) -> std::string;

 private:
  void FollowLogs(const std::string& name, const std::string& source, LineFilter filter);

  Simulator& sim_;
  std::unique_ptr<docker::Runner> owned_runner_;
  docker::Runner* runner_;
  Router router_;
  std::string app_;
  std::string home_;     // label value: a hash of the state directory
  std::string run_;      // label value: this run
  std::string network_;
  std::string gateway_;
  mutable std::mutex mutex_;
  std::vector<std::string> containers_;  // names, in start order
  // Per container name, how many times one of that name was started: a log
  // follower ends when its container is removed or another of its name
  // replaced it (a live update that replaced a workload reuses names).
  std::map<std::string, int> epoch_;
  int last_epoch_ = 0;
  int starting_ = 0;  // `docker run`s under way (guarded by mutex_)
  std::condition_variable started_;
  std::map<std::string, std::string> rebuilt_;  // owner -> tag of an image built again by a live update
  // owner -> destination directory -> path below it -> host file
  std::map<std::string, std::map<std::string, std::map<std::string, std::filesystem::path>>> synced_;
  std::vector<std::thread> log_threads_;
  std::atomic<bool> stopping_{false};
  bool network_created_ = false;
};

// The `wdsl.home` label of the containers a simulator with this state
// directory runs.
auto ContainerHome(const std::filesystem::path& state_dir) -> std::string;

// Removes every container and network of the simulator with this state
// directory (for a simulator that cannot be stopped: a test that timed out).
void RemoveContainersOf(const std::filesystem::path& state_dir);

}  // namespace wdsl::runtime
