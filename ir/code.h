// The IR form of executable code: a small lowered tree per function, stored
// as a flat vector of nodes addressed by index. The frontend lowers checked
// AST into it (frontend/lower.cpp); the evaluator (ir/eval.h) runs it for
// preflight code at compile time and for inflight code in the simulator.
// Desugared: no compound assignment, no named arguments, no `if let`, no
// string interpolation syntax, no ranges in `for` (they stay as kRange).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "ir/value.h"

namespace wdsl::ir {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFF;

enum class NodeKind : uint8_t {
#define IR_NODE(name, doc) k##name,
#include "ir/code_kinds.def"
#undef IR_NODE
};
auto NodeKindName(NodeKind kind) -> const char*;
auto NodeKindFromName(std::string_view name) -> std::optional<NodeKind>;

enum class Op : uint8_t {
  kNone,
  kNeg, kNot,                                  // unary
  kAdd, kSub, kMul, kDiv, kIntDiv, kMod, kPow,  // arithmetic; kAdd also joins strings
  kEq, kNe, kLt, kLe, kGt, kGe,                 // deep equality for kEq/kNe
  kAnd, kOr, kNilCoalesce,                      // short-circuit
};
auto OpName(Op op) -> const char*;
auto OpFromName(std::string_view name) -> Op;

// One node. Which fields matter depends on `kind` (see code_kinds.def).
struct Node {
  NodeKind kind = NodeKind::kConst;
  Op op = Op::kNone;
  bool flag = false;        // kMember/kMethodCall: optional chain `?.`;
                            // kArray/kMap/kSet/kJson: mutable; kRange: inclusive
  int32_t depth = 0;        // kLocal/kLet/kAssignLocal/kForIn/kTry: how many
                            // function frames up the slot lives (0 = own frame)
  int32_t slot = -1;        // frame slot (locals), capture index (kCapture),
                            // function index (kClosure)
  uint32_t line = 0;        // source position for stack traces (in the
  uint32_t col = 0;         // function's file)
  std::string name;         // member/method/global/class/struct name
  Value constant;           // kConst
  std::vector<NodeId> kids; // operands, in the order code_kinds.def gives
};

// The code of one function: its nodes and the root statement (a kBlock).
struct Code {
  std::vector<Node> nodes;
  NodeId root = kNoNode;

  auto Add(Node node) -> NodeId {
    nodes.push_back(std::move(node));
    return static_cast<NodeId>(nodes.size() - 1);
  }
  auto At(NodeId id) const -> const Node& { return nodes[id]; }
};

}  // namespace wdsl::ir
