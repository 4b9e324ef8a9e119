#include "cli/images.h"

#include <fmt/format.h>

#include <chrono>

#include "runtime/docker/images.h"

namespace wdsl {

auto EnsureAppImages(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
                     const std::string& app, const ImageStepOptions& options, std::ostream& out) -> int {
  std::vector<docker::ImageJob> jobs;
  for (docker::ImageJob& job : docker::ImageJobs(images, app_dir, app)) {
    if (job.local || options.pull) jobs.push_back(std::move(job));
  }
  if (jobs.empty()) return 0;
  docker::CliRunner runner;
  auto started = std::chrono::steady_clock::now();
  // The common case, every image there, costs one docker call; only
  // otherwise is the engine checked (`docker info`) for a clear message.
  std::vector<std::string> all;
  for (const docker::ImageJob& job : jobs) all.insert(all.end(), job.tags.begin(), job.tags.end());
  bool everything_there = !runner.Binary().empty() && docker::ExistingImages(runner, all).size() == all.size();
  if (everything_there) {
    if (!options.quiet_cached) {
      for (const docker::ImageJob& job : jobs) {
        docker::ImageOutcome outcome;
        outcome.job = job;
        outcome.state = job.local ? docker::ImageState::kCached : docker::ImageState::kPresent;
        out << "image " << docker::DescribeOutcome(outcome) << "\n";
      }
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      out << fmt::format("images: {} ready ({} unchanged) in {:.2f} s\n", jobs.size(), jobs.size(), seconds);
    }
    return 0;
  }
  {
    if (std::string problem = docker::CheckEngine(runner, !runner.Binary().empty()); !problem.empty()) {
      out << "wdsl: " << problem << "\n";
      return 2;
    }
  }
  int failed = 0;
  int cached = 0;
  docker::EnsureImages(runner, jobs, options.parallel, [&](const docker::ImageOutcome& outcome) {
    bool was_there = outcome.state == docker::ImageState::kCached || outcome.state == docker::ImageState::kPresent;
    cached += was_there ? 1 : 0;
    if (outcome.state == docker::ImageState::kFailed) {
      ++failed;
      out << "wdsl: error: " << outcome.error << "\n";
    } else if (!(was_there && options.quiet_cached)) {
      out << "image " << docker::DescribeOutcome(outcome) << "\n";
    }
    out.flush();
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failed > 0) {
    out << fmt::format("wdsl: {} of {} image(s) failed\n", failed, jobs.size());
    return 1;
  }
  if (!options.quiet_cached || cached < static_cast<int>(jobs.size())) {
    out << fmt::format("images: {} ready ({} unchanged) in {:.2f} s\n", jobs.size(), cached, seconds);
  }
  return 0;
}

auto PushAppImages(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
                   const std::string& app, const std::string& registry, std::ostream& out,
                   const std::string& login) -> int {
  std::vector<std::pair<std::string, std::string>> pushes;  // local tag -> remote reference
  for (const docker::ImageJob& job : docker::ImageJobs(images, app_dir, app)) {
    if (!job.local) continue;
    for (const std::string& tag : job.tags) {
      std::string remote = tag.starts_with("wdsl-") ? tag.substr(5) : tag;
      pushes.emplace_back(tag, registry + "/" + remote);
    }
  }
  if (pushes.empty()) {
    out << "push: the app has no local images\n";
    return 0;
  }
  docker::CliRunner runner;
  if (std::string problem = docker::CheckEngine(runner, !runner.Binary().empty()); !problem.empty()) {
    out << "wdsl: " << problem << "\n";
    return 2;
  }
  int failed = 0;
  for (const auto& [local, remote] : pushes) {
    auto started = std::chrono::steady_clock::now();
    docker::Result tagged = runner.Run({"tag", local, remote}, std::chrono::seconds(30));
    docker::Result pushed = tagged.Ok() ? runner.Run({"push", "--quiet", remote}, std::chrono::minutes(30)) : tagged;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!pushed.Ok()) {
      ++failed;
      out << fmt::format(
          "wdsl: error: cannot push {}: {}\nCheck that the registry answers, that you are logged in (`{}`), and "
          "that the repository exists and accepts pushes\n",
          remote, pushed.Message(), login.empty() ? "docker login " + registry.substr(0, registry.find('/')) : login);
    } else {
      out << fmt::format("pushed {} in {:.1f} s\n", remote, seconds);
    }
    out.flush();
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace wdsl
