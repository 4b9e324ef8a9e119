// Internal to the bind pass (ir/bind*.cpp): the abstract values its
// analysis computes, and the checks of workload bindings.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ir/bind.h"

namespace wdsl::ir::bind_internal {

using Json = nlohmann::json;

struct FrameState;

struct AVal {
  enum class Kind : uint8_t { kBottom, kPlain, kUnknown, kRefs, kClosure, kBuiltin, kCollection, kInstance };
  Kind kind = Kind::kBottom;
  std::set<std::string> paths;            // kRefs: one of these resources
  int32_t function = -1;                  // kClosure
  std::vector<AVal> captures;             // kClosure
  std::vector<AVal> self;                 // kClosure: bound receiver (0 or 1)
  std::shared_ptr<FrameState> enclosing;  // kClosure made in inflight code
  std::string name;                       // kBuiltin: native name; kInstance: class
  std::vector<AVal> elem;                 // kCollection: join of unnamed items (0 or 1)
  std::vector<std::string> field_names;   // kCollection: struct/map entries by key
  std::vector<AVal> field_values;
  bool reported = false;                  // kUnknown: its origin is already a problem
  std::vector<AVal> alternatives;         // kClosure: "one of these closures" (a collection's
                                          // element); the fields above are unused then

  static auto Plain() -> AVal { return Of(Kind::kPlain); }
  static auto Unknown(bool reported) -> AVal {
    AVal v = Of(Kind::kUnknown);
    v.reported = reported;
    return v;
  }
  static auto Refs(std::set<std::string> paths) -> AVal {
    AVal v = Of(Kind::kRefs);
    v.paths = std::move(paths);
    return v;
  }
  static auto Of(Kind kind) -> AVal {
    AVal v;
    v.kind = kind;
    return v;
  }
  auto Is(Kind k) const -> bool { return kind == k; }
  // Bottom (nothing known yet) and plain data carry no resource.
  auto IsPlain() const -> bool { return kind == Kind::kBottom || kind == Kind::kPlain; }
};

struct FrameState : std::enable_shared_from_this<FrameState> {
  int32_t function = -1;
  std::vector<AVal> slots;
  std::vector<AVal> captures;
  AVal self;
  std::shared_ptr<FrameState> parent;
  AVal returned;
};

// A canonical text of a value: equal keys, equal values.
auto Key(const AVal& v) -> std::string;
// The least value that may be either (a collection joins its items).
auto Join(const AVal& a, const AVal& b) -> AVal;
void JoinField(AVal& into, const std::string& name, const AVal& value);
void JoinElem(AVal& into, const AVal& value);
// Whether everything a value may hold that the pass must follow is an
// inflight closure (no resource, instance or unknown), at any depth.
auto OnlyClosures(const AVal& v) -> bool;
// Whether a value may hold something the pass must follow (a resource, a
// closure, an instance) rather than plain data.
auto CarriesObjects(const AVal& v) -> bool;
// The abstract value of an IR value in its JSON form.
auto FromJson(const Json& j) -> AVal;
// Methods of arrays, maps and sets whose result is never one of the items.
auto IsPlainResultMethod(const std::string& name) -> bool;

// A workload's `bindings`: resource path -> operations it may use.
auto BindingLifts(const Program& program, const Resource& host, const Json& table, std::vector<BindProblem>& problems)
    -> std::map<std::string, std::set<std::string>>;
// Problems for bound methods of a user class whose types cannot cross JSON;
// those are taken out of `chosen`. `all`: the binding named no methods.
void CheckCrossable(const Program& program, const Resource& host, const std::string& name, const Resource& target,
                    const std::map<std::string, int32_t>& methods, std::set<std::string>& chosen, bool all,
                    std::vector<BindProblem>& problems);
// Problems for resources a workload's props refer to but it does not bind.
void CheckUnboundUses(const Program& program, const Resource& host, const Json& table,
                      const std::map<std::string, std::set<std::string>>& bound, std::vector<BindProblem>& problems);

}  // namespace wdsl::ir::bind_internal
