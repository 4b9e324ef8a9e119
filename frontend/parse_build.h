// Internal to the parser (frontend/parse*.cpp): turns the ANTLR parse tree
// into the project's AST (frontend/ast.h). Statements, declarations and types
// are in parse_build_stmt.cpp; expressions in parse_build_expr.cpp.
//
// The builder never trusts the tree to be complete: after a syntax error a
// context may miss children. Statements and class members in which the
// parser reported an error are left out (their message is already out, and
// a half-built node would only cause follow-up errors in the checker).
//
// Recursion is bounded: left-recursive operator chains (`a + b + ...`,
// `a.b.c...`) are walked with a loop, and nesting deeper than `max_nesting`
// gets kTooDeeplyNested instead of more stack.
#pragma once

#include <string>
#include <unordered_set>

#include "CommonTokenStream.h"
#include "WingParser.h"
#include "frontend/ast.h"
#include "frontend/parse_input.h"

namespace wdsl::parse {

using gen::WingParser;

class AstBuilder {
 public:
  AstBuilder(ast::Ast& ast, antlr4::CommonTokenStream& tokens, const TokenSpans& spans, SyntaxErrors& errors,
             const std::unordered_set<const antlr4::ParserRuleContext*>& broken, int max_nesting)
      : ast_(ast), tokens_(tokens), spans_(spans), errors_(errors), broken_(broken), max_nesting_(max_nesting) {}

  void BuildProgram(WingParser::ProgramContext* program, ast::Module& module);

 private:
  // ---- statements and declarations (parse_build_stmt.cpp)
  auto BuildStatement(WingParser::StatementContext* ctx) -> ast::Stmt*;
  auto BuildBlock(WingParser::BlockContext* ctx) -> ast::BlockStmt*;
  auto BuildBring(WingParser::BringStatementContext* ctx) -> ast::Stmt*;
  auto BuildLet(WingParser::LetStatementContext* ctx) -> ast::Stmt*;
  auto BuildExpressionStatement(WingParser::ExpressionStatementContext* ctx) -> ast::Stmt*;
  auto BuildIf(WingParser::IfStatementContext* ctx) -> ast::Stmt*;
  auto BuildTry(WingParser::TryStatementContext* ctx) -> ast::Stmt*;
  auto BuildStruct(WingParser::StructStatementContext* ctx) -> ast::Stmt*;
  auto BuildEnum(WingParser::EnumStatementContext* ctx) -> ast::Stmt*;
  auto BuildInterface(WingParser::InterfaceStatementContext* ctx) -> ast::Stmt*;
  auto BuildClass(WingParser::ClassStatementContext* ctx) -> ast::Stmt*;
  auto BuildLift(WingParser::LiftStatementContext* ctx) -> ast::Stmt*;
  // Fills `fields` and `methods` from a class or interface body.
  void BuildMembers(WingParser::ClassBodyContext* body, std::vector<ast::FieldDecl>& fields,
                    std::vector<ast::FunctionDecl>& methods);
  auto BuildParams(WingParser::ParameterListContext* ctx) -> std::vector<ast::Param>;
  auto BuildTypes(WingParser::TypeListContext* ctx) -> std::vector<ast::TypeExpr*>;

  // ---- types (parse_build_stmt.cpp)
  auto BuildType(WingParser::TypeContext* ctx) -> ast::TypeExpr*;
  auto BuildNamedType(WingParser::NamedTypeContext* ctx) -> ast::TypeExpr*;
  auto BuildContainerType(WingParser::ContainerTypeContext* ctx) -> ast::TypeExpr*;
  auto BuildQualifiedType(WingParser::QualifiedNameContext* ctx) -> ast::TypeExpr*;

  // ---- expressions (parse_build_expr.cpp)
  auto BuildExpr(WingParser::ExpressionContext* ctx) -> ast::Expr*;
  // The left-recursive alternatives whose left operand is `ctx->expression(0)`.
  auto BuildChain(WingParser::ExpressionContext* ctx) -> ast::Expr*;
  auto BuildPrimary(WingParser::PrimaryContext* ctx) -> ast::Expr*;
  auto BuildCall(WingParser::CallExpressionContext* ctx, ast::Expr* callee) -> ast::Expr*;
  auto BuildNew(WingParser::NewInstanceContext* ctx) -> ast::Expr*;
  auto BuildClosure(WingParser::ClosureContext* ctx) -> ast::Expr*;
  auto BuildString(WingParser::StringContext* ctx) -> ast::StringExpr*;
  auto BuildRawString(antlr4::tree::TerminalNode* node) -> ast::Expr*;
  auto BuildFields(const std::vector<WingParser::FieldInitContext*>& inits) -> std::vector<ast::FieldInit>;
  // Positional arguments into `args`, named ones into `named`.
  void BuildArguments(WingParser::ArgumentListContext* ctx, std::vector<ast::Expr*>& args,
                      std::vector<ast::NamedArg>& named);
  // A string's text when it has no interpolation; reports one otherwise.
  auto PlainText(WingParser::StringContext* ctx, const char* what) -> std::string;
  // Decodes the escape `text` (`\n`, `\u{1F600}`, ...) into `out`.
  void DecodeEscape(const std::string& text, antlr4::Token* token, std::string& out);

  // ---- shared helpers
  auto SpanOf(antlr4::ParserRuleContext* ctx) const -> Span;
  auto SpanOf(antlr4::tree::TerminalNode* node) const -> Span;
  auto SpanOf(antlr4::Token* token) const -> Span { return spans_.Of(token); }
  // The `///` lines right before `first`, without the slashes.
  auto DocBefore(antlr4::Token* first) -> std::string;
  // An expression that stands in for one that could not be built.
  auto Placeholder(Span span) -> ast::Expr*;
  // True (after one report) when a node at `depth` would nest too deeply.
  auto TooDeep(int depth, Span span) -> bool;
  auto IsBroken(const antlr4::ParserRuleContext* ctx) const -> bool { return broken_.count(ctx) > 0; }

  ast::Ast& ast_;
  antlr4::CommonTokenStream& tokens_;
  const TokenSpans& spans_;
  SyntaxErrors& errors_;
  const std::unordered_set<const antlr4::ParserRuleContext*>& broken_;
  int max_nesting_;
  int depth_ = 0;  // nesting of the node being built
  bool reported_too_deep_ = false;
};

// Sets `depth` for the lifetime of the scope.
class DepthScope {
 public:
  DepthScope(int& depth, int value) : depth_(depth), saved_(depth) { depth_ = value; }
  ~DepthScope() { depth_ = saved_; }
  DepthScope(const DepthScope&) = delete;
  auto operator=(const DepthScope&) -> DepthScope& = delete;

 private:
  int& depth_;
  int saved_;
};

}  // namespace wdsl::parse
