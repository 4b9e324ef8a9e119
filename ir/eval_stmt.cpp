// Statements: blocks, variables, control flow, loops and exceptions.
#include <fmt/format.h>

#include "ir/eval_internal.h"

namespace wdsl::ir {

auto Evaluator::SlotAt(Frame& f, int32_t depth, int32_t slot, const Node& n) -> Value& {
  Frame* frame = &f;
  for (int32_t d = 0; d < depth && frame != nullptr; ++d) frame = frame->parent.get();
  if (frame == nullptr || slot < 0 || static_cast<size_t>(slot) >= frame->slots.size()) {
    Fail(n, fmt::format("internal error: no variable at depth {} slot {}", depth, slot));
  }
  return frame->slots[slot];
}

auto Evaluator::Exec(Frame& f, NodeId id) -> Flow {
  WDSL_CHECK_LIMITS();
  const Node& n = Code(f).nodes[id];
  switch (n.kind) {
    case NodeKind::kBlock:
      for (NodeId kid : n.kids) {
        Flow flow = Exec(f, kid);
        if (flow != Flow::kNormal) return flow;
      }
      return Flow::kNormal;
    case NodeKind::kExprStmt:
      Eval(f, n.kids[0]);
      return Flow::kNormal;
    case NodeKind::kLet:
      SlotAt(f, 0, n.slot, n) = Eval(f, n.kids[0]);
      return Flow::kNormal;
    case NodeKind::kAssignLocal: {
      Value value = Eval(f, n.kids[0]);
      SlotAt(f, n.depth, n.slot, n) = std::move(value);
      return Flow::kNormal;
    }
    case NodeKind::kAssignMember:
      AssignMember(f, n, id);
      return Flow::kNormal;
    case NodeKind::kAssignIndex:
      AssignIndex(f, n);
      return Flow::kNormal;
    case NodeKind::kIf:
      if (IsTruthy(Eval(f, n.kids[0]))) return Exec(f, n.kids[1]);
      if (n.kids.size() > 2 && n.kids[2] != kNoNode) return Exec(f, n.kids[2]);
      return Flow::kNormal;
    case NodeKind::kWhile:
      while (IsTruthy(Eval(f, n.kids[0]))) {
        Flow flow = Exec(f, n.kids[1]);
        if (flow == Flow::kBreak) break;
        if (flow == Flow::kReturn) return flow;
      }
      return Flow::kNormal;
    case NodeKind::kForIn:
      return ExecForIn(f, n);
    case NodeKind::kBreak:
      return Flow::kBreak;
    case NodeKind::kContinue:
      return Flow::kContinue;
    case NodeKind::kReturn:
      return_value_ = n.kids.empty() ? Value() : Eval(f, n.kids[0]);
      return Flow::kReturn;
    case NodeKind::kThrow: {
      Value value = Eval(f, n.kids[0]);
      Fail(n, ToDisplayString(value));
    }
    case NodeKind::kTry:
      return ExecTry(f, n);
    case NodeKind::kLift:
      // The qualified objects only matter to the bind pass.
      return n.kids.empty() ? Flow::kNormal : Exec(f, n.kids.back());
    default:
      // An expression in statement position.
      Eval(f, id);
      return Flow::kNormal;
  }
}

auto Evaluator::ExecForIn(Frame& f, const Node& n) -> Flow {
  const Node& iterable = Code(f).nodes[n.kids[0]];
  NodeId body = n.kids[1];
  if (iterable.kind == NodeKind::kRange) {
    // As Wing's range(): counts up, or down when the end is below the start.
    Value start = Eval(f, iterable.kids[0]);
    Value end = Eval(f, iterable.kids[1]);
    if (start.kind != ValueKind::kNum || end.kind != ValueKind::kNum) Fail(iterable, "a range needs numbers");
    double i = start.number;
    double limit = iterable.flag ? (end.number < start.number ? end.number - 1 : end.number + 1) : end.number;
    for (int pass = 0; pass < 2; ++pass) {
      while (pass == 0 ? i < limit : i > limit) {
        SlotAt(f, n.depth, n.slot, n) = Value::Num(i);
        pass == 0 ? ++i : --i;
        Flow flow = Exec(f, body);
        if (flow == Flow::kBreak) return Flow::kNormal;
        if (flow == Flow::kReturn) return flow;
      }
    }
    return Flow::kNormal;
  }
  Value collection = Eval(f, n.kids[0]);
  if (collection.kind != ValueKind::kArray) {
    Fail(iterable, fmt::format("a {} is not iterable", ReceiverName(collection)));
  }
  // Like JS for...of: items pushed during the loop are visited too.
  std::shared_ptr<ArrayObject> array = collection.array;
  for (size_t i = 0; i < array->items.size(); ++i) {
    SlotAt(f, n.depth, n.slot, n) = array->items[i];
    Flow flow = Exec(f, body);
    if (flow == Flow::kBreak) break;
    if (flow == Flow::kReturn) return flow;
  }
  return Flow::kNormal;
}

auto Evaluator::ExecTry(Frame& f, const Node& n) -> Flow {
  const ir::Code& code = Code(f);
  auto present = [&](size_t k) {
    return n.kids.size() > k && n.kids[k] != kNoNode && code.nodes[n.kids[k]].kind != NodeKind::kConst;
  };
  bool has_catch = present(1);
  bool has_finally = present(2);
  std::exception_ptr pending;
  Flow flow = Flow::kNormal;
  size_t depth = calls_.size();
  try {
    flow = Exec(f, n.kids[0]);
  } catch (const ThrownError& error) {
    calls_.resize(depth);
    if (has_catch) {
      if (n.slot >= 0) SlotAt(f, n.depth, n.slot, n) = Value::Str(error.what());
      try {
        flow = Exec(f, n.kids[1]);
      } catch (const ThrownError&) {
        calls_.resize(depth);
        pending = std::current_exception();
      }
    } else {
      pending = std::current_exception();
    }
  }
  if (has_finally) {
    // A `return` in flight survives calls made by the finally block, unless
    // the block leaves by itself (return, break, continue), as in JS.
    Value returning = std::move(return_value_);
    Flow finally_flow = Exec(f, n.kids[2]);
    if (finally_flow != Flow::kNormal) return finally_flow;
    return_value_ = std::move(returning);
  }
  if (pending) std::rethrow_exception(pending);
  return flow;
}

}  // namespace wdsl::ir
