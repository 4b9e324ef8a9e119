// The signatures of `pub inflight` methods of preflight classes, for the IR
// (ir::Function::signature, ir::Program::types): a container that binds such
// a class calls these methods through the Resource API with JSON arguments,
// and its generated TypeScript typings (ir/image_client.h) are made from them.
#pragma once

#include <nlohmann/json.hpp>

#include "frontend/ast.h"
#include "frontend/types.h"

namespace wdsl {

// A type in the IR's encoding (docs/ir.md): "str", "num", "bool", "json",
// "mutjson", "void", ..., {"array": T} (also "mutarray", "map", "mutmap",
// "set", "mutset"), {"optional": T}, {"struct": name}, {"enum": name}, and
// for what cannot cross JSON {"class"|"interface"|"function"|"other": text}.
// Structs and enums it names are added to `types` with their fields/members.
auto EncodeType(const Type* type, nlohmann::json& types) -> nlohmann::json;

// {"params": [{"name", "type", "optional"}], "result": type, "doc"} of a
// method; null unless it is a `pub inflight` method of a preflight class.
auto MethodSignature(const ast::ClassStmt& cls, const ast::FunctionDecl& method, nlohmann::json& types)
    -> nlohmann::json;

}  // namespace wdsl
