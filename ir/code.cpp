#include "ir/code.h"

#include <array>

namespace wdsl::ir {
namespace {

constexpr std::array kNodeKindNames = {
#define IR_NODE(name, doc) #name,
#include "ir/code_kinds.def"
#undef IR_NODE
};

// Op names as they appear in the IR's JSON form.
constexpr std::array kOpNames = {
    "None", "Neg", "Not", "Add", "Sub", "Mul", "Div", "IntDiv", "Mod", "Pow",
    "Eq",   "Ne",  "Lt",  "Le",  "Gt",  "Ge",  "And", "Or",     "NilCoalesce",
};
static_assert(kOpNames.size() == static_cast<size_t>(Op::kNilCoalesce) + 1);

}  // namespace

auto NodeKindName(NodeKind kind) -> const char* {
  auto index = static_cast<size_t>(kind);
  return index < kNodeKindNames.size() ? kNodeKindNames[index] : "?";
}

auto NodeKindFromName(std::string_view name) -> std::optional<NodeKind> {
  for (size_t i = 0; i < kNodeKindNames.size(); ++i) {
    if (name == kNodeKindNames[i]) return static_cast<NodeKind>(i);
  }
  return std::nullopt;
}

auto OpName(Op op) -> const char* {
  auto index = static_cast<size_t>(op);
  return index < kOpNames.size() ? kOpNames[index] : "None";
}

auto OpFromName(std::string_view name) -> Op {
  for (size_t i = 0; i < kOpNames.size(); ++i) {
    if (name == kOpNames[i]) return static_cast<Op>(i);
  }
  return Op::kNone;
}

}  // namespace wdsl::ir
