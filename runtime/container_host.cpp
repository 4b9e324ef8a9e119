#include "runtime/container_host.h"

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "ir/images.h"
#include "runtime/docker/images.h"
#include "runtime/simulator.h"

namespace wdsl::runtime {

namespace fs = std::filesystem;

ContainerHost::ContainerHost(Simulator& sim, docker::Runner* runner) : sim_(sim), runner_(runner), router_(sim) {
  if (runner_ == nullptr) {
    owned_runner_ = std::make_unique<docker::CliRunner>();
    runner_ = owned_runner_.get();
  }
  app_ = sim.GetProgram().app;
  run_ = docker::ShortHash(std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) +
                               std::to_string(::getpid()),
                           12);
  home_ = ContainerHome(sim.Options().state_dir);
  network_ = docker::SanitizeName(
      fmt::format("wdsl-{}-{}", app_, sim.Options().instance.empty() ? home_.substr(0, 8) : sim.Options().instance));
}

ContainerHost::~ContainerHost() { Shutdown(); }

auto ContainerHome(const std::filesystem::path& state_dir) -> std::string {
  return docker::ShortHash(fs::absolute(state_dir).lexically_normal().string(), 12);
}

void RemoveContainersOf(const std::filesystem::path& state_dir) {
  docker::CliRunner runner;
  if (runner.Binary().empty()) return;
  docker::RemoveLabelled(runner, "wdsl.home=" + ContainerHome(state_dir));
}

auto ContainerHost::Prepare(bool& environment) -> std::string {
  environment = false;
  auto* cli = dynamic_cast<docker::CliRunner*>(runner_);
  if (std::string problem = docker::CheckEngine(*runner_, cli == nullptr || !cli->Binary().empty()); !problem.empty()) {
    environment = true;
    return problem;
  }
  // A run that was killed (kill -9, a crash) left its containers behind:
  // they carry this state directory's label.
  if (int removed = docker::RemoveLabelled(*runner_, "wdsl.home=" + home_); removed > 0) {
    sim_.Note(fmt::format("removed {} container(s) left by an earlier run that did not stop cleanly", removed));
  }
  if (std::string error = docker::CreateNetwork(*runner_, network_, {{"wdsl.app", app_}, {"wdsl.home", home_}});
      !error.empty()) {
    environment = true;
    return error;
  }
  network_created_ = true;
  gateway_ = docker::NetworkGateway(*runner_, network_);

  std::vector<docker::ImageJob> jobs = docker::ImageJobs(sim_.Options().images, sim_.Options().app_dir, app_);
  std::string errors;
  std::vector<docker::ImageOutcome> outcomes =
      docker::EnsureImages(*runner_, jobs, 4, [&](const docker::ImageOutcome& outcome) {
        if (outcome.state == docker::ImageState::kBuilt || outcome.state == docker::ImageState::kPulled) {
          sim_.Note(docker::DescribeOutcome(outcome));
        }
      });
  for (const docker::ImageOutcome& outcome : outcomes) {
    if (outcome.state == docker::ImageState::kFailed) errors += (errors.empty() ? "" : "\n") + outcome.error;
  }
  return errors;
}

auto ContainerHost::ContainerName(const std::string& name, const std::string& suffix) const -> std::string {
  std::string text = fmt::format("wdsl-{}-{}", app_, name);
  if (!sim_.Options().instance.empty()) text += "-" + sim_.Options().instance;
  if (!suffix.empty()) text += "-" + suffix;
  return docker::SanitizeName(text);
}

auto ContainerHost::ImageOf(const std::string& owner, const std::string& image) const -> std::string {
  {
    std::lock_guard lock(mutex_);
    if (auto rebuilt = rebuilt_.find(owner); rebuilt != rebuilt_.end()) return rebuilt->second;
  }
  auto it = sim_.Options().images.find(owner);
  if (it != sim_.Options().images.end() && it->second.contains("tag")) return it->second["tag"].get<std::string>();
  return image;
}

auto ContainerHost::HostPath(const std::string& source) const -> std::string {
  fs::path path(source);
  if (path.is_relative()) path = sim_.Options().app_dir / path;
  return fs::absolute(path).lexically_normal().string();
}

auto ContainerHost::Run(docker::RunSpec spec, const std::string& source, LineFilter filter) -> std::string {
  spec.labels["wdsl.app"] = app_;
  spec.labels["wdsl.home"] = home_;
  spec.labels["wdsl.resource"] = source;
  spec.labels["wdsl.run"] = run_;
  if (spec.network.empty()) spec.network = network_;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return "the simulator is stopping";
    containers_.push_back(spec.name);
    epoch_[spec.name] = ++last_epoch_;
    ++starting_;
  }
  std::string error = docker::RunContainer(*runner_, spec);
  // Shutdown() may have begun while `docker run` ran (Ctrl-C during a live
  // update): it waits for this, but the container is this call's to remove.
  bool late = stopping_;
  if (late && error.empty()) runner_->Run({"rm", "--force", "--volumes", spec.name}, std::chrono::minutes(1));
  // Before this run counts as done, so Shutdown() joins its log follower.
  if (!late && error.empty()) FollowLogs(spec.name, source, std::move(filter));
  {
    std::lock_guard lock(mutex_);
    --starting_;
  }
  started_.notify_all();
  if (!error.empty()) return error;
  if (late) return "the simulator is stopping";
  return "";
}

void ContainerHost::FollowLogs(const std::string& name, const std::string& source, LineFilter filter) {
  std::lock_guard lock(mutex_);
  int epoch = epoch_[name];
  log_threads_.emplace_back([this, name, source, epoch, filter = std::move(filter)] {
    // `docker logs --follow` ends when the container stops; a restart
    // (liveness, restart policy) starts a new one from the restart time.
    std::string since;
    auto gone = [&] {
      std::lock_guard lock(mutex_);
      auto it = epoch_.find(name);
      return it == epoch_.end() || it->second != epoch;
    };
    while (!stopping_ && !gone()) {
      std::vector<std::string> args = {"logs", "--follow"};
      if (!since.empty()) args.insert(args.end(), {"--since", since});
      args.push_back(name);
      runner_->Stream(
          args,
          [&](const std::string& line) {
            if (!filter || filter(line)) sim_.Log(source, line);
          },
          [&] { return stopping_.load() || gone(); });
      since = std::to_string(std::time(nullptr));
      for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

auto ContainerHost::Restart(const std::string& name) -> std::string {
  docker::Result restarted = runner_->Run({"restart", "--time", "2", name}, std::chrono::seconds(60));
  return restarted.Ok() ? "" : fmt::format("cannot restart `{}`: {}", name, restarted.Message());
}

auto ContainerHost::LastLogs(const std::string& name, int lines) -> std::string {
  docker::Result logs = runner_->Run({"logs", "--tail", std::to_string(lines), name}, std::chrono::seconds(20));
  std::string text = logs.out + logs.err;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

void ContainerHost::Remove(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    epoch_.erase(name);
    std::erase(containers_, name);
  }
  runner_->Run({"rm", "--force", "--volumes", name}, std::chrono::minutes(1));
}

void ContainerHost::NoteSynced(const std::string& owner, const std::string& dest_dir, const docker::CopyFile& file) {
  std::lock_guard lock(mutex_);
  synced_[owner][dest_dir][file.relative] = file.host;
}

void ContainerHost::NoteUnsynced(const std::string& owner, const std::string& container_path) {
  std::lock_guard lock(mutex_);
  auto it = synced_.find(owner);
  if (it == synced_.end()) return;
  for (auto& [dest, files] : it->second) {
    std::erase_if(files, [&](const auto& entry) {
      std::string path = dest + "/" + entry.first;
      return path == container_path || path.starts_with(container_path + "/");
    });
  }
}

auto ContainerHost::SyncedFiles(const std::string& owner) const
    -> std::map<std::string, std::vector<docker::CopyFile>> {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::vector<docker::CopyFile>> out;
  auto it = synced_.find(owner);
  if (it == synced_.end()) return out;
  for (const auto& [dest, files] : it->second) {
    for (const auto& [relative, host] : files) out[dest].push_back({host, relative});
  }
  return out;
}

auto ContainerHost::Rebuild(const std::string& owner, std::map<std::string, std::string>& tags) -> std::string {
  std::vector<ir::ValidateProblem> problems;
  std::map<std::string, nlohmann::json> described = ir::DescribeImages(sim_.GetProgram(), problems);
  std::map<std::string, nlohmann::json> mine;
  for (const auto& [path, description] : described) {
    if ((path == owner || path.starts_with(owner + "#sidecar:")) && description.contains("tag")) {
      mine[path] = description;
    }
  }
  std::string errors;
  for (const ir::ValidateProblem& problem : problems) errors += (errors.empty() ? "" : "\n") + problem.message;
  if (!errors.empty()) return errors;
  std::vector<docker::ImageJob> jobs = docker::ImageJobs(mine, sim_.Options().app_dir, app_);
  std::vector<docker::ImageOutcome> outcomes = docker::EnsureImages(*runner_, jobs, 2, [&](const docker::ImageOutcome& outcome) {
    if (outcome.state == docker::ImageState::kBuilt) sim_.Log(owner, docker::DescribeOutcome(outcome));
  });
  for (const docker::ImageOutcome& outcome : outcomes) {
    if (outcome.state == docker::ImageState::kFailed) errors += (errors.empty() ? "" : "\n") + outcome.error;
  }
  if (!errors.empty()) return errors;
  std::lock_guard lock(mutex_);
  for (const auto& [path, description] : mine) {
    std::string tag = description["tag"];
    std::string current = rebuilt_.contains(path) ? rebuilt_[path] : sim_.Options().images.at(path).value("tag", "");
    if (tag != current) tags[path] = tag;
    rebuilt_[path] = tag;
  }
  return "";
}

void ContainerHost::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
  }
  router_.Stop();
  // One `rm --force` for all: Docker stops them in parallel.
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    names = containers_;
  }
  if (!names.empty()) {
    std::vector<std::string> args = {"rm", "--force", "--volumes"};
    args.insert(args.end(), names.rbegin(), names.rend());
    runner_->Run(args, std::chrono::minutes(2));
  }
  {
    // A `docker run` still under way removes its own container (Run()).
    std::unique_lock lock(mutex_);
    started_.wait_for(lock, std::chrono::minutes(2), [&] { return starting_ == 0; });
  }
  for (std::thread& thread : log_threads_) thread.join();
  log_threads_.clear();
  // Anything else with this label (a container whose `run` timed out).
  docker::RemoveLabelled(*runner_, "wdsl.home=" + home_);
  if (network_created_) runner_->Run({"network", "rm", network_}, std::chrono::seconds(30));
}

}  // namespace wdsl::runtime
