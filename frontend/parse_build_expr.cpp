// Expressions: parse tree -> ast::Expr. Operator chains are walked with a
// loop over their left spine (a 50,000-term sum must not recurse 50,000
// times), and `**` / `??`, which the grammar parses left-associative, are
// re-associated to the right here.
#include <charconv>
#include <vector>

#include "frontend/parse_build.h"

namespace wdsl::parse {
namespace {

using ExprCtx = WingParser::ExpressionContext;

// The left operand of a left-recursive alternative (`a + b`, `a.b`, `f(x)`),
// or null for the others: a primary starts with a PrimaryContext, a prefix
// operator with its token.
auto LeftOperand(ExprCtx* ctx) -> ExprCtx* {
  return ctx->children.size() >= 2 ? dynamic_cast<ExprCtx*>(ctx->children[0]) : nullptr;
}

// The right operand of a binary alternative.
auto RightOperand(ExprCtx* ctx) -> ExprCtx* {
  return ctx->children.size() >= 3 ? dynamic_cast<ExprCtx*>(ctx->children[2]) : nullptr;
}

// The token after the left operand says which alternative a chain link is:
// `.` `?.` `(` `[` `!` or a binary operator. One cast instead of one per
// alternative: the builder spends most of its time here.
auto OperatorOf(ExprCtx* ctx) -> antlr4::Token* {
  auto* terminal = ctx->children.size() >= 2 ? dynamic_cast<antlr4::tree::TerminalNode*>(ctx->children[1]) : nullptr;
  return terminal != nullptr ? terminal->getSymbol() : nullptr;
}

auto BinaryOpOf(size_t token) -> ast::BinaryOp {
  switch (token) {
    case WingParser::PLUS: return ast::BinaryOp::kAdd;
    case WingParser::MINUS: return ast::BinaryOp::kSub;
    case WingParser::STAR: return ast::BinaryOp::kMul;
    case WingParser::SLASH: return ast::BinaryOp::kDiv;
    case WingParser::BACKSLASH: return ast::BinaryOp::kIntDiv;
    case WingParser::PERCENT: return ast::BinaryOp::kMod;
    case WingParser::POWER: return ast::BinaryOp::kPow;
    case WingParser::EQ: return ast::BinaryOp::kEq;
    case WingParser::NE: return ast::BinaryOp::kNe;
    case WingParser::LT: return ast::BinaryOp::kLt;
    case WingParser::LE: return ast::BinaryOp::kLe;
    case WingParser::GT: return ast::BinaryOp::kGt;
    case WingParser::GE: return ast::BinaryOp::kGe;
    case WingParser::AND: return ast::BinaryOp::kAnd;
    case WingParser::OR: return ast::BinaryOp::kOr;
    default: return ast::BinaryOp::kNilCoalesce;
  }
}

auto IsRightAssociative(const antlr4::Token* op) {
  return op != nullptr && (op->getType() == WingParser::POWER || op->getType() == WingParser::DQUESTION);
}

// `1_000` -> 1000. Invalid numbers were reported by the token scan.
auto ParseNumber(std::string text) -> double {
  std::erase(text, '_');
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

auto DurationSeconds(const std::string& text) -> double {
  struct Unit {
    const char* suffix;
    double seconds;
  };
  // Longest suffixes first; a month is a twelfth of a 365-day year, as in Wing.
  static constexpr Unit kUnits[] = {{"ms", 0.001}, {"mo", 2628000}, {"s", 1},        {"m", 60},
                                    {"h", 3600},   {"d", 86400},     {"y", 31536000}};
  for (const Unit& unit : kUnits) {
    std::string_view suffix = unit.suffix;
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      return ParseNumber(text.substr(0, text.size() - suffix.size())) * unit.seconds;
    }
  }
  return 0;
}

}  // namespace

auto AstBuilder::BuildExpr(ExprCtx* ctx) -> ast::Expr* {
  if (ctx == nullptr) return Placeholder(Span{spans_.File(), 0, 0});
  DepthScope scope(depth_, depth_ + 1);
  if (TooDeep(depth_, SpanOf(ctx))) return Placeholder(SpanOf(ctx));
  if (auto* primary = dynamic_cast<WingParser::PrimaryExpressionContext*>(ctx)) {
    return BuildPrimary(primary->primary());
  }
  if (auto* json = dynamic_cast<WingParser::JsonExpressionContext*>(ctx)) {
    auto* node = ast_.New<ast::JsonLitExpr>(SpanOf(ctx));
    node->mutable_json = json->MUT_JSON() != nullptr;
    node->value = BuildExpr(json->expression());
    return node;
  }
  if (auto* unary = dynamic_cast<WingParser::UnaryExpressionContext*>(ctx)) {
    auto* node = ast_.New<ast::UnaryExpr>(SpanOf(ctx));
    node->op = unary->BANG() != nullptr ? ast::UnaryOp::kNot : ast::UnaryOp::kNeg;
    node->operand = BuildExpr(unary->expression());
    return node;
  }
  return BuildChain(ctx);
}

auto AstBuilder::BuildChain(ExprCtx* ctx) -> ast::Expr* {
  std::vector<ExprCtx*> chain;  // outermost first; chain[k] nests k levels deep
  ExprCtx* base = ctx;
  while (ExprCtx* left = LeftOperand(base)) {
    chain.push_back(base);
    base = left;
  }
  if (chain.empty()) return Placeholder(SpanOf(ctx));
  const int top = depth_;
  const int length = static_cast<int>(chain.size());
  if (TooDeep(top + length, SpanOf(ctx))) return Placeholder(SpanOf(ctx));
  ast::Expr* value = nullptr;
  {
    DepthScope scope(depth_, top + length - 1);
    value = BuildExpr(base);
  }
  for (int k = length - 1; k >= 0; --k) {
    ExprCtx* node = chain[k];
    DepthScope scope(depth_, top + k);
    antlr4::Token* op = OperatorOf(node);
    if (IsRightAssociative(op)) {
      // A run `v op r1 op r2 ... op rn` of one right-associative operator,
      // parsed as ((v op r1) op r2)...: regroup it as v op (r1 op (r2 ...)).
      std::vector<ast::Expr*> operands = {value};
      std::vector<antlr4::Token*> ops;
      int j = k;
      for (; j >= 0 && OperatorOf(chain[j]) != nullptr && OperatorOf(chain[j])->getType() == op->getType(); --j) {
        operands.push_back(BuildExpr(RightOperand(chain[j])));
        ops.push_back(OperatorOf(chain[j]));
      }
      value = operands.back();
      for (int i = static_cast<int>(operands.size()) - 2; i >= 0; --i) {
        auto* binary = ast_.New<ast::BinaryExpr>(Span::Cover(operands[i]->span, value->span));
        binary->op = BinaryOpOf(ops[i]->getType());
        binary->op_span = SpanOf(ops[i]);
        binary->lhs = operands[i];
        binary->rhs = value;
        value = binary;
      }
      k = j + 1;
      continue;
    }
    size_t type = op != nullptr ? op->getType() : antlr4::Token::INVALID_TYPE;
    if (type == WingParser::DOT || type == WingParser::QDOT) {
      auto* expr = ast_.New<ast::MemberExpr>(SpanOf(node));
      expr->object = value;
      expr->optional_chain = type == WingParser::QDOT;
      if (auto* name = node->children.size() >= 3 ? dynamic_cast<WingParser::MemberNameContext*>(node->children[2]) : nullptr) {
        expr->name = name->getText();
        expr->name_span = SpanOf(name);
      }
      value = expr;
    } else if (auto* call = type == WingParser::LPAREN ? dynamic_cast<WingParser::CallExpressionContext*>(node) : nullptr) {
      value = BuildCall(call, value);
    } else if (type == WingParser::LBRACK) {
      auto* expr = ast_.New<ast::IndexExpr>(SpanOf(node));
      expr->object = value;
      expr->index = BuildExpr(RightOperand(node));
      value = expr;
    } else if (type == WingParser::BANG) {
      auto* expr = ast_.New<ast::UnwrapExpr>(SpanOf(node));
      expr->operand = value;
      value = expr;
    } else if (type == WingParser::RANGE || type == WingParser::RANGE_INCL) {
      auto* expr = ast_.New<ast::RangeExpr>(SpanOf(node));
      expr->start = value;
      expr->end = BuildExpr(RightOperand(node));
      expr->inclusive = type == WingParser::RANGE_INCL;
      value = expr;
    } else if (op != nullptr) {
      auto* expr = ast_.New<ast::BinaryExpr>(SpanOf(node));
      expr->op = BinaryOpOf(type);
      expr->op_span = SpanOf(op);
      expr->lhs = value;
      expr->rhs = BuildExpr(RightOperand(node));
      value = expr;
    }
  }
  return value;
}

auto AstBuilder::BuildCall(WingParser::CallExpressionContext* ctx, ast::Expr* callee) -> ast::Expr* {
  std::vector<ast::Expr*> args;
  std::vector<ast::NamedArg> named;
  BuildArguments(ctx->argumentList(), args, named);
  if (auto* intrinsic = ast::As<ast::IntrinsicExpr>(callee); intrinsic != nullptr && !intrinsic->called) {
    intrinsic->span = SpanOf(ctx);
    intrinsic->called = true;
    intrinsic->args = std::move(args);
    if (!named.empty()) {
      errors_.Report(DiagnosticKind::kSyntaxError, named[0].span, "intrinsics take no named arguments");
    }
    return intrinsic;
  }
  auto* call = ast_.New<ast::CallExpr>(SpanOf(ctx));
  call->callee = callee;
  call->args = std::move(args);
  call->named = std::move(named);
  return call;
}

void AstBuilder::BuildArguments(WingParser::ArgumentListContext* ctx, std::vector<ast::Expr*>& args,
                                std::vector<ast::NamedArg>& named) {
  if (ctx == nullptr) return;
  for (WingParser::ArgumentContext* argument : ctx->argument()) {
    if (auto* keyed = dynamic_cast<WingParser::NamedArgumentContext*>(argument)) {
      ast::NamedArg arg;
      arg.name = keyed->memberName() != nullptr ? keyed->memberName()->getText() : "";
      arg.span = keyed->memberName() != nullptr ? SpanOf(keyed->memberName()) : SpanOf(keyed);
      arg.value = BuildExpr(keyed->expression());
      named.push_back(std::move(arg));
    } else if (auto* positional = dynamic_cast<WingParser::PositionalArgumentContext*>(argument)) {
      // The order is lost once positional and named arguments are apart.
      if (!named.empty()) errors_.Report(DiagnosticKind::kMixedArgumentOrder, SpanOf(positional));
      args.push_back(BuildExpr(positional->expression()));
    }
  }
}

auto AstBuilder::BuildPrimary(WingParser::PrimaryContext* ctx) -> ast::Expr* {
  if (ctx == nullptr) return Placeholder(Span{spans_.File(), 0, 0});
  Span span = SpanOf(ctx);
  if (auto* name = dynamic_cast<WingParser::NameReferenceContext*>(ctx)) {
    auto* ident = ast_.New<ast::IdentExpr>(span);
    ident->name = name->getText();
    return ident;
  }
  if (auto* number = dynamic_cast<WingParser::NumberLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::NumberExpr>(span);
    node->value = ParseNumber(number->getText());
    return node;
  }
  if (auto* string = dynamic_cast<WingParser::StringLiteralContext*>(ctx)) return BuildString(string->string());
  if (auto* closure = dynamic_cast<WingParser::ClosureContext*>(ctx)) return BuildClosure(closure);
  if (auto* created = dynamic_cast<WingParser::NewInstanceContext*>(ctx)) return BuildNew(created);
  if (auto* inner = dynamic_cast<WingParser::ParenthesizedExpressionContext*>(ctx)) {
    DepthScope scope(depth_, depth_ - 1);  // parentheses add no node
    return BuildExpr(inner->expression());
  }
  if (auto* duration = dynamic_cast<WingParser::DurationLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::DurationExpr>(span);
    node->seconds = DurationSeconds(duration->getText());
    return node;
  }
  if (auto* raw = dynamic_cast<WingParser::RawStringLiteralContext*>(ctx)) return BuildRawString(raw->RAW_STRING());
  if (auto* boolean = dynamic_cast<WingParser::BoolLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::BoolExpr>(span);
    node->value = boolean->TRUE_KW() != nullptr;
    return node;
  }
  if (dynamic_cast<WingParser::NilLiteralContext*>(ctx) != nullptr) return ast_.New<ast::NilExpr>(span);
  if (dynamic_cast<WingParser::ThisReferenceContext*>(ctx) != nullptr) return ast_.New<ast::ThisExpr>(span);
  if (dynamic_cast<WingParser::SuperReferenceContext*>(ctx) != nullptr) return ast_.New<ast::SuperExpr>(span);
  if (auto* intrinsic = dynamic_cast<WingParser::IntrinsicReferenceContext*>(ctx)) {
    auto* node = ast_.New<ast::IntrinsicExpr>(span);
    node->name = intrinsic->getText().substr(1);
    return node;
  }
  if (auto* type = dynamic_cast<WingParser::TypeReferenceContext*>(ctx)) {
    // `Json.parse(...)`: the type's name used as a value, like `cloud` in `cloud.Bucket`.
    auto* ident = ast_.New<ast::IdentExpr>(span);
    ident->name = type->getText();
    return ident;
  }
  if (auto* array = dynamic_cast<WingParser::ArrayLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::ArrayLitExpr>(span);
    if (array->containerType() != nullptr) node->annotation = BuildContainerType(array->containerType());
    for (ExprCtx* item : array->expression()) node->items.push_back(BuildExpr(item));
    return node;
  }
  if (auto* map = dynamic_cast<WingParser::MapLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::MapLitExpr>(span);
    if (map->containerType() != nullptr) node->annotation = BuildContainerType(map->containerType());
    for (WingParser::MapEntryContext* entry : map->mapEntry()) {
      node->entries.push_back(ast::MapEntry{BuildExpr(entry->expression(0)), BuildExpr(entry->expression(1))});
    }
    return node;
  }
  if (auto* empty = dynamic_cast<WingParser::EmptyTypedCollectionContext*>(ctx)) {
    // `MutSet<str>{}` is an empty set, `Map<num>{}` an empty map.
    ast::TypeExpr* annotation = BuildContainerType(empty->containerType());
    std::string name = annotation->path.empty() ? "" : annotation->path[0];
    if (name == "Set" || name == "MutSet" || name == "Array" || name == "MutArray") {
      auto* node = ast_.New<ast::ArrayLitExpr>(span);
      node->annotation = annotation;
      return node;
    }
    auto* node = ast_.New<ast::MapLitExpr>(span);
    node->annotation = annotation;
    return node;
  }
  if (auto* object = dynamic_cast<WingParser::ObjectLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::ObjectLitExpr>(span);
    node->fields = BuildFields(object->fieldInit());
    return node;
  }
  if (auto* literal = dynamic_cast<WingParser::StructLiteralContext*>(ctx)) {
    auto* node = ast_.New<ast::StructLitExpr>(span);
    node->struct_type = BuildQualifiedType(literal->qualifiedName());
    node->fields = BuildFields(literal->fieldInit());
    return node;
  }
  return Placeholder(span);
}

auto AstBuilder::BuildFields(const std::vector<WingParser::FieldInitContext*>& inits) -> std::vector<ast::FieldInit> {
  std::vector<ast::FieldInit> fields;
  for (WingParser::FieldInitContext* init : inits) {
    ast::FieldInit field;
    if (auto* keyed = dynamic_cast<WingParser::KeyedFieldContext*>(init)) {
      if (keyed->memberName() != nullptr) {
        field.name = keyed->memberName()->getText();
        field.span = SpanOf(keyed->memberName());
      } else if (keyed->string() != nullptr) {
        field.name = PlainText(keyed->string(), "a field name");
        field.span = SpanOf(keyed->string());
      }
      field.value = BuildExpr(keyed->expression());
    } else if (auto* punned = dynamic_cast<WingParser::PunnedFieldContext*>(init)) {
      // `{ name }` is `{ name: name }`.
      field.name = punned->getText();
      field.span = SpanOf(punned);
      auto* ident = ast_.New<ast::IdentExpr>(field.span);
      ident->name = field.name;
      field.value = ident;
    } else {
      continue;
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

auto AstBuilder::BuildNew(WingParser::NewInstanceContext* ctx) -> ast::Expr* {
  auto* node = ast_.New<ast::NewExpr>(SpanOf(ctx));
  node->class_type = BuildNamedType(ctx->namedType());
  BuildArguments(ctx->argumentList(), node->args, node->named);
  // `as <id>` and `in <scope>` are both optional: tell them apart by the
  // keyword in front.
  size_t keyword = 0;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
      keyword = terminal->getSymbol()->getType();
    } else if (auto* expr = dynamic_cast<ExprCtx*>(child)) {
      (keyword == WingParser::AS ? node->id : node->scope) = BuildExpr(expr);
    }
  }
  return node;
}

auto AstBuilder::BuildClosure(WingParser::ClosureContext* ctx) -> ast::Expr* {
  auto* node = ast_.New<ast::ClosureExpr>(SpanOf(ctx));
  node->closure_phase = ctx->INFLIGHT() != nullptr   ? ast::Phase::kInflight
                        : ctx->UNPHASED() != nullptr ? ast::Phase::kUnphased
                                                     : ast::Phase::kPreflight;
  node->params = BuildParams(ctx->parameterList());
  if (ctx->type() != nullptr) node->result = BuildType(ctx->type());
  node->body = BuildBlock(ctx->block());
  return node;
}

auto AstBuilder::Placeholder(Span span) -> ast::Expr* { return ast_.New<ast::NilExpr>(span); }

}  // namespace wdsl::parse
