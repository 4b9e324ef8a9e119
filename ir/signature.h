// The `pub inflight` methods of user classes as a container calls them
// (c:bindings, case 3): which methods a binding may name, whether their
// types cross JSON, and the conversion of JSON arguments to Wing values by
// parameter type. The encoding of types is frontend/lower_signature.h's
// (ir::Function::signature, ir::Program::types; docs/ir.md).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "ir/value.h"

namespace wdsl::ir {

// The methods of `class_name` and its user bases that have a signature
// (`pub inflight`), by name -> function index; the nearest override wins.
auto BindableMethods(const Program& program, const std::string& class_name) -> std::map<std::string, int32_t>;

// An encoded type as Wing writes it: `Array<str>`, `main.Item?`.
auto TypeText(const nlohmann::json& type) -> std::string;

// The part of an encoded type that cannot be sent as JSON (a resource, a
// closure, a duration, `any`), as Wing text; "" when all of it can.
auto NotJsonCrossable(const Program& program, const nlohmann::json& type) -> std::string;

// The first parameter or result of a signature that cannot cross JSON, as
// "parameter `fn` has type `inflight (str): void`"; "" when none.
auto SignatureProblem(const Program& program, const nlohmann::json& signature) -> std::string;

// JSON arguments of a call -> values of the parameter types. nullopt, with
// `error` saying which argument and what was expected, when they do not fit.
auto ArgsFromJson(const Program& program, const nlohmann::json& signature, const nlohmann::json& args,
                  std::string* error) -> std::optional<std::vector<Value>>;

// A result as the Resource API sends it: optional fields of structs that
// hold nothing are left out (as TypeScript's `field?: T` expects).
void TidyResult(const Program& program, const nlohmann::json& type, nlohmann::json& value);

}  // namespace wdsl::ir
