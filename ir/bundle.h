// The inflight bundle of a `cloud.Service` or a `cloud.Function`: what the
// runtime (`wdsl-runtime`: runtime/service_runtime.h, runtime/lambda_runtime.h)
// needs to run that one resource outside the simulator - the resource, the
// resources its code can reach, and the program's functions and classes - as
// JSON (ir/json.h):
//   {"wdsl_bundle": 1, "service": "root/Default/worker", "program": {...}}
//   {"wdsl_bundle": 1, "function": "root/Default/jobs/Consumer0", "trigger": "queue", "program": {...}}
// A function's `trigger` says what its handler is and so what the events it
// gets look like: `invoke` (a cloud.Function's own handler), `queue` (a
// queue consumer: SQS records), `api` (a cloud.Api route handler: API
// Gateway HTTP API requests) or `schedule` (a cloud.Schedule's tick handler:
// EventBridge scheduled events, which it does not read).
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

// The bundle of the cloud.Function at `function_path` (a queue's consumer and
// an Api's route handler are such functions too); nullopt (and `error`) when
// there is no such `cloud.Function`.
auto MakeFunctionBundle(const Program& program, const std::string& function_path, std::string* error = nullptr)
    -> std::optional<nlohmann::json>;

// What a function's handler is: "invoke", "queue" or "api" (see above).
auto FunctionTrigger(const Program& program, const std::string& function_path) -> std::string;

struct Bundle {
  Program program;
  std::string service;   // resource path of the service to run, or ""
  std::string function;  // resource path of the function to run, or ""
  std::string trigger;   // the function's trigger
};

// Reads a bundle; nullopt and `error` (what is wrong and what to do) for
// anything that is not a bundle of this version with a `cloud.Service` or a
// `cloud.Function` with a known trigger.
auto BundleFromJson(const nlohmann::json& json, std::string* error) -> std::optional<Bundle>;

}  // namespace wdsl::ir
