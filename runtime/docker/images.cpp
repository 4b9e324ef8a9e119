#include "runtime/docker/images.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace wdsl::docker {
namespace {

using Clock = std::chrono::steady_clock;

auto Seconds(Clock::time_point since) -> double {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

auto Tail(const std::string& text, int lines) -> std::string {
  size_t cut = text.size();
  for (int i = 0; i <= lines && cut != std::string::npos && cut > 0; ++i) cut = text.rfind('\n', cut - 1);
  return cut == std::string::npos || cut == 0 ? text : text.substr(cut + 1);
}

auto Exists(Runner& runner, const std::string& image) -> bool {
  return runner.Run({"image", "inspect", "--format", "{{.Id}}", image}, std::chrono::seconds(30)).Ok();
}

void Build(Runner& runner, ImageOutcome& outcome, const std::string& app, const std::set<std::string>& existing) {
  const ImageJob& job = outcome.job;
  // Every tag of this hash exists: nothing to do, not even a build-cache check.
  bool all = true;
  bool any = false;
  for (const std::string& tag : job.tags) {
    bool exists = existing.count(tag) > 0;
    all = all && exists;
    any = any || exists;
  }
  if (all) {
    outcome.state = ImageState::kCached;
    return;
  }
  if (!any) {
    std::vector<std::string> args = {"build", "--label", "wdsl.app=" + app, "--label", "wdsl.hash=" + job.hash,
                                     "-f", (job.context / job.dockerfile).string()};
    for (const std::string& tag : job.tags) {
      args.push_back("-t");
      args.push_back(tag);
    }
    args.push_back(job.context.string());
    Result built = runner.Run(args, std::chrono::minutes(30));
    if (!built.Ok()) {
      outcome.state = ImageState::kFailed;
      outcome.log = built.out + built.err;
      outcome.error = fmt::format(
          "`docker build` of {} failed{}; the last lines of its output:\n{}\nFix the Dockerfile or the files it "
          "copies, then build again",
          (job.context / job.dockerfile).string(), built.timed_out ? " (timed out after 30 min)" : "",
          Tail(outcome.log, 20));
      return;
    }
    outcome.state = ImageState::kBuilt;
    return;
  }
  // Some tags exist (another workload with the same context was added):
  // tag the existing image, no build.
  std::string source;
  for (const std::string& tag : job.tags) {
    if (existing.count(tag) > 0) source = tag;
  }
  for (const std::string& tag : job.tags) {
    if (tag == source) continue;
    Result tagged = runner.Run({"tag", source, tag}, std::chrono::seconds(30));
    if (!tagged.Ok()) {
      outcome.state = ImageState::kFailed;
      outcome.error = fmt::format("cannot tag {} as {}: {}", source, tag, tagged.Message());
      return;
    }
  }
  outcome.state = ImageState::kCached;
}

void Pull(Runner& runner, ImageOutcome& outcome, const std::set<std::string>& existing) {
  const std::string& image = outcome.job.tags.front();
  if (existing.count(image) > 0 || Exists(runner, image)) {
    outcome.state = ImageState::kPresent;
    return;
  }
  Result pulled = runner.Run({"pull", "--quiet", image}, std::chrono::minutes(10));
  if (pulled.Ok()) {
    outcome.state = ImageState::kPulled;
    return;
  }
  outcome.state = ImageState::kFailed;
  outcome.error = fmt::format(
      "cannot pull image `{}`: {}\nCheck the image name and tag, run `docker login` if the registry is private, "
      "and check the network connection to the registry (or build the image locally with `docker build -t {} .`)",
      image, pulled.Message(), image);
}

}  // namespace

auto ExistingImages(Runner& runner, const std::vector<std::string>& images) -> std::set<std::string> {
  std::set<std::string> found;
  if (images.empty()) return found;
  // One call for all (each docker command costs ~80 ms): missing ones make
  // it fail, but the ones found are still printed, one line each, in order.
  std::vector<std::string> args = {"image", "inspect", "--format", "{{.Id}}"};
  args.insert(args.end(), images.begin(), images.end());
  Result result = runner.Run(args, std::chrono::seconds(30));
  if (result.Ok()) return {images.begin(), images.end()};
  // Which ones failed: the daemon names each missing image in stderr. The
  // others must account for every ID printed; anything else (no engine)
  // means none is known to exist.
  size_t ids = 0;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) ids += line.starts_with("sha256:") ? 1 : 0;
  for (const std::string& image : images) {
    if (result.err.find(image) == std::string::npos) found.insert(image);
  }
  if (found.size() != ids) found.clear();
  return found;
}

auto WriteContextFiles(const std::filesystem::path& context, const std::map<std::string, std::string>& files)
    -> std::string {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  for (const auto& [relative, text] : files) {
    fs::path path = context / relative;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      std::ifstream in(path, std::ios::binary);
      std::string current((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (in.good() || in.eof()) {
        if (current == text) continue;
      }
    }
    fs::create_directories(path.parent_path(), ec);
    fs::path temporary = path;
    temporary += fmt::format(".tmp-{}-{}", ::getpid(), counter++);
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        fs::remove(temporary, ec);
        return fmt::format("cannot write `{}`: check that the build context `{}` is writable", path.string(),
                           context.string());
      }
    }
    fs::rename(temporary, path, ec);
    if (ec) {
      fs::remove(temporary, ec);
      return fmt::format("cannot write `{}`: {}", path.string(), ec.message());
    }
  }
  return "";
}

auto ImageJobs(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
               const std::string& app) -> std::vector<ImageJob> {
  std::vector<ImageJob> jobs;
  std::map<std::string, size_t> index;  // build key or pulled image -> job
  for (const auto& [owner, image] : images) {
    if (!image.is_object()) continue;
    if (image.contains("pull") && image["pull"].is_string()) {
      std::string ref = image["pull"].get<std::string>();
      auto [it, added] = index.emplace("pull\n" + ref, jobs.size());
      if (added) {
        ImageJob job;
        job.tags = {ref};
        job.app = app;
        jobs.push_back(std::move(job));
      }
      jobs[it->second].owners.push_back(owner);
      continue;
    }
    std::string context = image.value("context", "");
    std::string dockerfile = image.value("dockerfile", "Dockerfile");
    std::string hash = image.value("hash", "");
    std::string tag = image.value("tag", "");
    if (tag.empty()) continue;
    auto [it, added] = index.emplace("build\n" + context + "\n" + dockerfile + "\n" + hash, jobs.size());
    if (added) {
      ImageJob job;
      job.local = true;
      job.context = (app_dir / context).lexically_normal();
      job.dockerfile = dockerfile;
      job.hash = hash;
      job.app = app;
      jobs.push_back(std::move(job));
    }
    ImageJob& job = jobs[it->second];
    if (auto files = image.find("client"); files != image.end() && files->is_object()) {
      for (const auto& [path, text] : files->items()) {
        if (text.is_string()) job.files[path] = text.get<std::string>();
      }
    }
    job.owners.push_back(owner);
    if (std::find(job.tags.begin(), job.tags.end(), tag) == job.tags.end()) job.tags.push_back(tag);
  }
  return jobs;
}

auto EnsureImages(Runner& runner, const std::vector<ImageJob>& jobs, int parallel,
                  const std::function<void(const ImageOutcome&)>& progress) -> std::vector<ImageOutcome> {
  std::vector<ImageOutcome> outcomes(jobs.size());
  std::vector<std::string> all;
  for (const ImageJob& job : jobs) all.insert(all.end(), job.tags.begin(), job.tags.end());
  const std::set<std::string> existing = ExistingImages(runner, all);
  std::atomic<size_t> next{0};
  std::mutex report;
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      ImageOutcome& outcome = outcomes[i];
      outcome.job = jobs[i];
      auto started = Clock::now();
      std::string written = outcome.job.local ? WriteContextFiles(outcome.job.context, outcome.job.files) : "";
      if (!written.empty()) {
        outcome.state = ImageState::kFailed;
        outcome.error = written;
      } else if (outcome.job.local) {
        Build(runner, outcome, outcome.job.app, existing);
      } else {
        Pull(runner, outcome, existing);
      }
      outcome.seconds = Seconds(started);
      if (progress) {
        std::lock_guard lock(report);
        progress(outcome);
      }
    }
  };
  int threads = std::max(1, std::min<int>(parallel, static_cast<int>(jobs.size())));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  return outcomes;
}

auto DescribeOutcome(const ImageOutcome& outcome) -> std::string {
  const char* what = "";
  switch (outcome.state) {
    case ImageState::kCached: what = "up to date (no build)"; break;
    case ImageState::kBuilt: what = "built"; break;
    case ImageState::kPresent: what = "present"; break;
    case ImageState::kPulled: what = "pulled"; break;
    case ImageState::kFailed: what = "FAILED"; break;
  }
  std::string tags;
  for (const std::string& tag : outcome.job.tags) tags += (tags.empty() ? "" : ", ") + tag;
  return fmt::format("{} {} in {:.1f} s", tags, what, outcome.seconds);
}

}  // namespace wdsl::docker
