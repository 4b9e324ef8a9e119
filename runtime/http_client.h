// The `http` module's client functions for inflight code (`http.get(url)`),
// which the evaluator leaves to its host.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/value.h"

namespace wdsl::runtime {

// `http.<function>(args)`: fetch, get, post, put, patch, delete, connect,
// trace. Returns nullopt for the functions it does not implement (the
// evaluator then reports them); throws ir::ThrownError when the request fails.
auto CallHttp(const std::string& function, std::vector<ir::Value>& args) -> std::optional<ir::Value>;

}  // namespace wdsl::runtime
