// Getting every image an app runs (c:building): local build contexts are
// built once per content hash and tagged `wdsl-<app>-<name>:<hash>` (ir/images.h
// describes them); when that tag exists no `docker build` runs at all. Other
// images are pulled when absent. Used by `wdsl build` and by the simulator.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/docker/docker.h"

namespace wdsl::docker {

struct ImageJob {
  std::vector<std::string> owners;  // resource paths (a sidecar's as "<path>#sidecar:<name>")
  std::vector<std::string> tags;    // local: every tag of this build; pulled: the image reference
  bool local = false;
  std::filesystem::path context;  // absolute build context
  std::string dockerfile;         // relative to the context
  std::string hash;               // content hash of the context (ir/hash.h)
  std::string app;                // labels the image `wdsl.app=<app>` (for `docker image prune --filter`)
  // Files written into the context before the build (path relative to the
  // context -> text): `.wdsl-client/` of a workload with bindings (ir/image_client.h).
  std::map<std::string, std::string> files;
};

enum class ImageState { kCached, kBuilt, kPresent, kPulled, kFailed };

struct ImageOutcome {
  ImageJob job;
  ImageState state = ImageState::kFailed;
  double seconds = 0;
  std::string error;  // kFailed: what happened and what to check
  std::string log;    // kFailed builds: the whole build output
};

// One job per distinct build (same context, Dockerfile and hash: built once
// and tagged for each owner) or pulled image, from ir::DescribeImages's
// descriptions (`{"context", "dockerfile", "hash", "tag"}` or `{"pull"}`).
// Contexts are relative to `app_dir`.
auto ImageJobs(const std::map<std::string, nlohmann::json>& images, const std::filesystem::path& app_dir,
               const std::string& app) -> std::vector<ImageJob>;

// Builds or pulls what is missing (writing each local job's `files` first,
// built or not, so editors see the client's typings), up to `parallel` at once, calling
// `progress` (from worker threads, one call at a time) as each finishes.
auto EnsureImages(Runner& runner, const std::vector<ImageJob>& jobs, int parallel,
                  const std::function<void(const ImageOutcome&)>& progress) -> std::vector<ImageOutcome>;

// Writes `files` (relative path -> text) under `context`, each atomically
// (a temporary file renamed over it) and only when its content differs, so
// an unchanged client touches nothing. "" or what failed, with the path.
auto WriteContextFiles(const std::filesystem::path& context, const std::map<std::string, std::string>& files)
    -> std::string;

// Which of `images` (tags or references) the engine has, in one docker call.
auto ExistingImages(Runner& runner, const std::vector<std::string>& images) -> std::set<std::string>;

// "web  wdsl-app-web:3f2a...  cached" style line for people.
auto DescribeOutcome(const ImageOutcome& outcome) -> std::string;

}  // namespace wdsl::docker
