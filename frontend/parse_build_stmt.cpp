// Statements, types and the builder's shared helpers: parse tree -> AST.
// Declarations (struct, enum, interface, class) are in parse_build_decl.cpp.
#include <fmt/format.h>

#include "WingLexer.h"
#include "frontend/parse_build.h"

namespace wdsl::parse {

void AstBuilder::BuildProgram(WingParser::ProgramContext* program, ast::Module& module) {
  if (program == nullptr) return;
  for (WingParser::StatementContext* statement : program->statement()) {
    if (ast::Stmt* stmt = BuildStatement(statement)) module.stmts.push_back(stmt);
  }
}

auto AstBuilder::BuildBlock(WingParser::BlockContext* ctx) -> ast::BlockStmt* {
  auto* block = ast_.New<ast::BlockStmt>(ctx != nullptr ? SpanOf(ctx) : Span{spans_.File(), 0, 0});
  if (ctx == nullptr) return block;
  DepthScope scope(depth_, depth_ + 1);
  if (TooDeep(depth_, block->span)) return block;
  for (WingParser::StatementContext* statement : ctx->statement()) {
    if (ast::Stmt* stmt = BuildStatement(statement)) block->stmts.push_back(stmt);
  }
  if (ctx->RBRACE() != nullptr) block->close_span = SpanOf(ctx->RBRACE());
  return block;
}

auto AstBuilder::BuildStatement(WingParser::StatementContext* ctx) -> ast::Stmt* {
  if (ctx == nullptr || IsBroken(ctx)) return nullptr;
  DepthScope scope(depth_, depth_ + 1);
  Span span = SpanOf(ctx);
  if (TooDeep(depth_, span)) return nullptr;
  if (auto* c = dynamic_cast<WingParser::ExpressionStatementContext*>(ctx)) return BuildExpressionStatement(c);
  if (auto* c = dynamic_cast<WingParser::LetStatementContext*>(ctx)) return BuildLet(c);
  if (auto* c = dynamic_cast<WingParser::IfStatementContext*>(ctx)) return BuildIf(c);
  if (auto* c = dynamic_cast<WingParser::ReturnStatementContext*>(ctx)) {
    auto* node = ast_.New<ast::ReturnStmt>(span);
    if (c->expression() != nullptr) node->value = BuildExpr(c->expression());
    return node;
  }
  if (auto* c = dynamic_cast<WingParser::ForStatementContext*>(ctx)) {
    auto* node = ast_.New<ast::ForStmt>(span);
    if (c->identifier() != nullptr) {
      node->var = c->identifier()->getText();
      node->var_span = SpanOf(c->identifier());
    }
    node->iterable = BuildExpr(c->expression());
    node->body = BuildBlock(c->block());
    return node;
  }
  if (auto* c = dynamic_cast<WingParser::WhileStatementContext*>(ctx)) {
    auto* node = ast_.New<ast::WhileStmt>(span);
    node->condition = BuildExpr(c->expression());
    node->body = BuildBlock(c->block());
    return node;
  }
  if (dynamic_cast<WingParser::BreakStatementContext*>(ctx) != nullptr) return ast_.New<ast::BreakStmt>(span);
  if (dynamic_cast<WingParser::ContinueStatementContext*>(ctx) != nullptr) return ast_.New<ast::ContinueStmt>(span);
  if (auto* c = dynamic_cast<WingParser::ThrowStatementContext*>(ctx)) {
    auto* node = ast_.New<ast::ThrowStmt>(span);
    if (c->expression() != nullptr) node->value = BuildExpr(c->expression());
    return node;
  }
  if (auto* c = dynamic_cast<WingParser::TryStatementContext*>(ctx)) return BuildTry(c);
  if (auto* c = dynamic_cast<WingParser::BringStatementContext*>(ctx)) return BuildBring(c);
  if (auto* c = dynamic_cast<WingParser::ClassStatementContext*>(ctx)) return BuildClass(c);
  if (auto* c = dynamic_cast<WingParser::StructStatementContext*>(ctx)) return BuildStruct(c);
  if (auto* c = dynamic_cast<WingParser::EnumStatementContext*>(ctx)) return BuildEnum(c);
  if (auto* c = dynamic_cast<WingParser::InterfaceStatementContext*>(ctx)) return BuildInterface(c);
  if (auto* c = dynamic_cast<WingParser::TestStatementContext*>(ctx)) {
    auto* node = ast_.New<ast::TestStmt>(span);
    node->name = PlainText(c->string(), "a test name");
    node->body = BuildBlock(c->block());
    return node;
  }
  if (auto* c = dynamic_cast<WingParser::LiftStatementContext*>(ctx)) return BuildLift(c);
  return nullptr;
}

auto AstBuilder::BuildBring(WingParser::BringStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::BringStmt>(SpanOf(ctx));
  std::vector<WingParser::IdentifierContext*> names = ctx->identifier();
  size_t alias = 0;
  if (ctx->string() != nullptr) {
    node->path = PlainText(ctx->string(), "a `bring` path");
    node->target_span = SpanOf(ctx->string());
  } else if (!names.empty()) {
    node->module = names[0]->getText();
    node->target_span = SpanOf(names[0]);
    alias = 1;
  }
  if (ctx->AS() != nullptr && names.size() > alias) node->alias = names[alias]->getText();
  return node;
}

auto AstBuilder::BuildLet(WingParser::LetStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::LetStmt>(SpanOf(ctx));
  node->is_var = ctx->VAR() != nullptr;
  if (ctx->identifier() != nullptr) {
    node->name = ctx->identifier()->getText();
    node->name_span = SpanOf(ctx->identifier());
  }
  if (ctx->type() != nullptr) node->annotation = BuildType(ctx->type());
  node->init = BuildExpr(ctx->expression());
  return node;
}

auto AstBuilder::BuildExpressionStatement(WingParser::ExpressionStatementContext* ctx) -> ast::Stmt* {
  std::vector<WingParser::ExpressionContext*> exprs = ctx->expression();
  if (ctx->assignOp() == nullptr) {
    auto* node = ast_.New<ast::ExprStmt>(SpanOf(ctx));
    node->expr = BuildExpr(exprs.empty() ? nullptr : exprs[0]);
    return node;
  }
  // `x += e` keeps its operator; lowering expands it (frontend/lower.cpp).
  auto* node = ast_.New<ast::AssignStmt>(SpanOf(ctx));
  WingParser::AssignOpContext* op = ctx->assignOp();
  node->op = op->PLUS_ASSIGN() != nullptr    ? ast::AssignOp::kAdd
             : op->MINUS_ASSIGN() != nullptr ? ast::AssignOp::kSub
             : op->STAR_ASSIGN() != nullptr  ? ast::AssignOp::kMul
             : op->SLASH_ASSIGN() != nullptr ? ast::AssignOp::kDiv
                                             : ast::AssignOp::kAssign;
  node->target = BuildExpr(exprs.empty() ? nullptr : exprs[0]);
  node->value = BuildExpr(exprs.size() < 2 ? nullptr : exprs[1]);
  return node;
}

auto AstBuilder::BuildIf(WingParser::IfStatementContext* ctx) -> ast::Stmt* {
  // `if a {} else if b {} else {}` is one flat rule in the grammar; in the
  // AST each `else if` is an IfStmt in the else branch of the one before.
  std::vector<WingParser::IfHeadContext*> heads = ctx->ifHead();
  std::vector<WingParser::BlockContext*> blocks = ctx->block();
  std::vector<antlr4::tree::TerminalNode*> ifs = ctx->IF();
  const int top = depth_;
  const int count = static_cast<int>(heads.size());
  if (count == 0 || blocks.size() < heads.size() || ifs.size() < heads.size()) return nullptr;
  if (TooDeep(top + count - 1, SpanOf(ctx))) return nullptr;
  ast::Stmt* else_branch = nullptr;
  if (blocks.size() > heads.size()) {
    DepthScope scope(depth_, top + count - 1);
    else_branch = BuildBlock(blocks.back());
  }
  for (int i = count - 1; i >= 0; --i) {
    DepthScope scope(depth_, top + i);
    Span span = Span::Cover(SpanOf(ifs[i]), SpanOf(ctx));
    span.begin = SpanOf(ifs[i]).begin;
    auto* node = ast_.New<ast::IfStmt>(span);
    if (auto* let = dynamic_cast<WingParser::IfLetHeadContext*>(heads[i])) {
      node->let_is_var = let->VAR() != nullptr;
      if (let->identifier() != nullptr) {
        node->let_name = let->identifier()->getText();
        node->let_span = SpanOf(let->identifier());
      }
      node->condition = BuildExpr(let->expression());
    } else if (auto* condition = dynamic_cast<WingParser::IfConditionHeadContext*>(heads[i])) {
      node->condition = BuildExpr(condition->expression());
    }
    node->then_block = BuildBlock(blocks[i]);
    node->else_branch = else_branch;
    else_branch = node;
  }
  return else_branch;
}

auto AstBuilder::BuildTry(WingParser::TryStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::TryStmt>(SpanOf(ctx));
  std::vector<WingParser::BlockContext*> blocks = ctx->block();
  size_t next = 0;
  node->body = BuildBlock(next < blocks.size() ? blocks[next++] : nullptr);
  if (ctx->CATCH() != nullptr) {
    if (ctx->identifier() != nullptr) {
      node->catch_name = ctx->identifier()->getText();
      node->catch_span = SpanOf(ctx->identifier());
    }
    node->catch_block = BuildBlock(next < blocks.size() ? blocks[next++] : nullptr);
  }
  if (ctx->FINALLY() != nullptr) node->finally_block = BuildBlock(next < blocks.size() ? blocks[next] : nullptr);
  if (ctx->CATCH() == nullptr && ctx->FINALLY() == nullptr) {
    errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(ctx->TRY()),
                   "a `try` block needs a `catch` or a `finally` block after it");
  }
  return node;
}

auto AstBuilder::BuildLift(WingParser::LiftStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::LiftStmt>(SpanOf(ctx));
  for (WingParser::LiftQualificationContext* qualification : ctx->liftQualification()) {
    ast::LiftQualification lift;
    lift.object = BuildExpr(qualification->expression());
    for (WingParser::MemberNameContext* op : qualification->memberName()) {
      lift.ops.emplace_back(op->getText(), SpanOf(op));
    }
    node->qualifications.push_back(std::move(lift));
  }
  node->body = BuildBlock(ctx->block());
  return node;
}

auto AstBuilder::BuildParams(WingParser::ParameterListContext* ctx) -> std::vector<ast::Param> {
  std::vector<ast::Param> params;
  if (ctx == nullptr) return params;
  for (WingParser::ParameterContext* parameter : ctx->parameter()) {
    ast::Param param;
    if (parameter->identifier() != nullptr) {
      param.name = parameter->identifier()->getText();
      param.span = SpanOf(parameter->identifier());
    }
    param.is_var = parameter->VAR() != nullptr;
    if (parameter->type() != nullptr) param.type = BuildType(parameter->type());
    params.push_back(std::move(param));
  }
  // As in Wing, only trailing parameters may be optional (they can be left
  // out of a call); one in front of a required parameter never could be.
  for (size_t i = 0; i + 1 < params.size(); ++i) {
    const ast::TypeExpr* type = params[i].type;
    if (type == nullptr || type->kind != ast::TypeExpr::Kind::kOptional) continue;
    for (size_t j = i + 1; j < params.size(); ++j) {
      const ast::TypeExpr* later = params[j].type;
      if (later != nullptr && later->kind != ast::TypeExpr::Kind::kOptional) {
        errors_.Report(DiagnosticKind::kSyntaxError, params[i].span,
                       fmt::format("the optional parameter `{}` comes before the required parameter `{}`; put "
                                   "optional parameters last",
                                   params[i].name, params[j].name));
        break;
      }
    }
  }
  return params;
}

// ---------------------------------------------------------------- types

auto AstBuilder::BuildType(WingParser::TypeContext* ctx) -> ast::TypeExpr* {
  if (ctx == nullptr) return nullptr;
  DepthScope scope(depth_, depth_ + 1);
  Span span = SpanOf(ctx);
  if (TooDeep(depth_, span)) return nullptr;
  if (auto* named = dynamic_cast<WingParser::NamedTypeReferenceContext*>(ctx)) return BuildNamedType(named->namedType());
  if (auto* optional = dynamic_cast<WingParser::OptionalTypeContext*>(ctx)) {
    auto* type = ast_.New<ast::TypeExpr>(span, ast::TypeExpr::Kind::kOptional);
    type->inner = BuildType(optional->type());
    return type;
  }
  if (auto* function = dynamic_cast<WingParser::FunctionTypeContext*>(ctx)) {
    auto* type = ast_.New<ast::TypeExpr>(span, ast::TypeExpr::Kind::kFunction);
    type->phase = function->INFLIGHT() != nullptr   ? ast::Phase::kInflight
                  : function->UNPHASED() != nullptr ? ast::Phase::kUnphased
                                                    : ast::Phase::kPreflight;
    std::vector<WingParser::TypeContext*> types = function->type();
    // The last type follows the `:`: the result.
    for (size_t i = 0; i + 1 < types.size(); ++i) type->args.push_back(BuildType(types[i]));
    if (!types.empty()) type->result = BuildType(types.back());
    return type;
  }
  if (auto* paren = dynamic_cast<WingParser::ParenthesizedTypeContext*>(ctx)) return BuildType(paren->type());
  return nullptr;
}

auto AstBuilder::BuildNamedType(WingParser::NamedTypeContext* ctx) -> ast::TypeExpr* {
  if (ctx == nullptr) return nullptr;
  auto* type = ast_.New<ast::TypeExpr>(SpanOf(ctx), ast::TypeExpr::Kind::kNamed);
  if (ctx->typeName() != nullptr) type->path.push_back(ctx->typeName()->getText());
  for (WingParser::MemberNameContext* part : ctx->memberName()) type->path.push_back(part->getText());
  if (ctx->typeArguments() != nullptr) {
    for (WingParser::TypeContext* arg : ctx->typeArguments()->type()) type->args.push_back(BuildType(arg));
  }
  return type;
}

auto AstBuilder::BuildContainerType(WingParser::ContainerTypeContext* ctx) -> ast::TypeExpr* {
  auto* type = ast_.New<ast::TypeExpr>(SpanOf(ctx), ast::TypeExpr::Kind::kNamed);
  if (ctx->containerName() != nullptr) type->path.push_back(ctx->containerName()->getText());
  if (ctx->typeArguments() != nullptr) {
    for (WingParser::TypeContext* arg : ctx->typeArguments()->type()) type->args.push_back(BuildType(arg));
  }
  return type;
}

auto AstBuilder::BuildQualifiedType(WingParser::QualifiedNameContext* ctx) -> ast::TypeExpr* {
  if (ctx == nullptr) return nullptr;
  auto* type = ast_.New<ast::TypeExpr>(SpanOf(ctx), ast::TypeExpr::Kind::kNamed);
  if (ctx->IDENTIFIER() != nullptr) type->path.push_back(ctx->IDENTIFIER()->getText());
  for (WingParser::MemberNameContext* part : ctx->memberName()) type->path.push_back(part->getText());
  return type;
}

auto AstBuilder::BuildTypes(WingParser::TypeListContext* ctx) -> std::vector<ast::TypeExpr*> {
  std::vector<ast::TypeExpr*> types;
  if (ctx == nullptr) return types;
  for (WingParser::TypeContext* type : ctx->type()) {
    if (ast::TypeExpr* built = BuildType(type)) types.push_back(built);
  }
  return types;
}

// ---------------------------------------------------------------- helpers

auto AstBuilder::SpanOf(antlr4::ParserRuleContext* ctx) const -> Span {
  antlr4::Token* start = ctx->getStart();
  antlr4::Token* stop = ctx->getStop();
  if (start == nullptr) return Span{spans_.File(), 0, 0};
  // An empty rule (all of it missing) stops before it starts.
  if (stop == nullptr || stop->getTokenIndex() < start->getTokenIndex()) return spans_.Of(start);
  return spans_.Cover(start, stop);
}

auto AstBuilder::SpanOf(antlr4::tree::TerminalNode* node) const -> Span {
  if (node == nullptr) return Span{spans_.File(), 0, 0};
  return spans_.Of(node->getSymbol());
}

auto AstBuilder::DocBefore(antlr4::Token* first) -> std::string {
  if (first == nullptr) return "";
  std::string doc;
  for (antlr4::Token* token : tokens_.getHiddenTokensToLeft(first->getTokenIndex(), gen::WingLexer::DOC)) {
    if (token->getType() != gen::WingLexer::DOC_COMMENT) continue;
    std::string line = token->getText().substr(3);
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    while (!line.empty() && line.back() == '\r') line.pop_back();
    doc += (doc.empty() ? "" : "\n") + line;
  }
  return doc;
}

auto AstBuilder::TooDeep(int depth, Span span) -> bool {
  if (depth <= max_nesting_) return false;
  if (!reported_too_deep_) {
    reported_too_deep_ = true;
    errors_.Report(DiagnosticKind::kTooDeeplyNested, span, max_nesting_);
  }
  return true;
}

}  // namespace wdsl::parse
