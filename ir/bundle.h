// The inflight bundle of a `cloud.Service`: what the runtime (`wdsl-runtime`,
// runtime/service_runtime.h) needs to run that one service outside the
// simulator - the service's resource, the resources its code can reach, and
// the program's functions and classes - as JSON (ir/json.h):
//   {"wdsl_bundle": 1, "service": "root/Default/worker", "program": {...}}
// Source paths are relative to the entry file's directory. Tests, edges,
// preflight code and resources the service cannot reach are left out, so a
// change to them does not change the bundle (nor the image built from it).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "ir/ir.h"

namespace wdsl::ir {

inline constexpr int kBundleVersion = 1;

// The bundle of the service at `service_path`; nullopt (and `error`) when
// there is no such `cloud.Service`.
auto MakeServiceBundle(const Program& program, const std::string& service_path, std::string* error = nullptr)
    -> std::optional<nlohmann::json>;

struct Bundle {
  Program program;
  std::string service;  // resource path of the service to run
};

// Reads a bundle; nullopt and `error` (what is wrong and what to do) for
// anything that is not a bundle of this version with a `cloud.Service`.
auto BundleFromJson(const nlohmann::json& json, std::string* error) -> std::optional<Bundle>;

}  // namespace wdsl::ir
