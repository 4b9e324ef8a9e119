#include "frontend/parse_errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "WingParser.h"
#include "antlr4-runtime.h"

namespace wdsl::parse {
namespace {

using gen::WingParser;
using antlr4::misc::IntervalSet;

// Tokens that can begin an expression. When the parser expected any of
// them, the message says "an expression" instead of listing 30 tokens.
constexpr std::initializer_list<size_t> kExpressionStarts = {
    WingParser::NUMBER,  WingParser::DURATION,  WingParser::STRING_START, WingParser::RAW_STRING,
    WingParser::IDENTIFIER, WingParser::TRUE_KW, WingParser::FALSE_KW,   WingParser::NIL,
    WingParser::THIS,    WingParser::SUPER,     WingParser::INTRINSIC,    WingParser::NEW,
    WingParser::LBRACK,  WingParser::LBRACE,    WingParser::LPAREN,       WingParser::MINUS,
    WingParser::BANG,    WingParser::JSON,      WingParser::MUT_JSON,     WingParser::ARRAY,
    WingParser::MUT_ARRAY, WingParser::MAP,     WingParser::MUT_MAP,      WingParser::SET,
    WingParser::MUT_SET, WingParser::INFLIGHT,  WingParser::UNPHASED};

constexpr std::initializer_list<size_t> kStatementKeywords = {
    WingParser::BRING, WingParser::LET,    WingParser::IF,     WingParser::FOR,       WingParser::WHILE,
    WingParser::BREAK, WingParser::CONTINUE, WingParser::RETURN, WingParser::THROW,   WingParser::TRY,
    WingParser::STRUCT, WingParser::ENUM,  WingParser::INTERFACE, WingParser::CLASS,  WingParser::PUB,
    WingParser::PROTECTED, WingParser::TEST_KW, WingParser::LIFT};

constexpr std::initializer_list<size_t> kTypeStarts = {
    WingParser::IDENTIFIER, WingParser::LPAREN, WingParser::INFLIGHT, WingParser::UNPHASED, WingParser::JSON,
    WingParser::MUT_JSON,   WingParser::ARRAY,  WingParser::MUT_ARRAY, WingParser::MAP,     WingParser::MUT_MAP,
    WingParser::SET,        WingParser::MUT_SET};

// Tokens that may continue what came before (operators, `.`, `?`): listing
// them says nothing about the error, so they go when something else is left.
constexpr std::initializer_list<size_t> kContinuations = {
    WingParser::DOT,    WingParser::QDOT,      WingParser::BANG,      WingParser::POWER,     WingParser::STAR,
    WingParser::SLASH,  WingParser::BACKSLASH, WingParser::PERCENT,   WingParser::PLUS,      WingParser::MINUS,
    WingParser::DQUESTION, WingParser::LT,     WingParser::LE,        WingParser::GT,        WingParser::GE,
    WingParser::EQ,     WingParser::NE,        WingParser::AND,       WingParser::OR,        WingParser::RANGE,
    WingParser::RANGE_INCL, WingParser::QUESTION, WingParser::PLUS_ASSIGN, WingParser::MINUS_ASSIGN,
    WingParser::STAR_ASSIGN, WingParser::SLASH_ASSIGN};

// Words that begin a statement or member when they begin a line: where
// skipping after an error stops.
constexpr std::initializer_list<size_t> kLineStarts = {
    WingParser::LET,    WingParser::IF,      WingParser::FOR,       WingParser::WHILE,    WingParser::RETURN,
    WingParser::THROW,  WingParser::TRY,     WingParser::STRUCT,    WingParser::ENUM,     WingParser::INTERFACE,
    WingParser::CLASS,  WingParser::TEST_KW, WingParser::LIFT,      WingParser::BRING,    WingParser::BREAK,
    WingParser::CONTINUE, WingParser::PUB,   WingParser::PROTECTED, WingParser::STATIC,   WingParser::INFLIGHT,
    WingParser::UNPHASED, WingParser::NEW,   WingParser::EXTERN};

auto IsOpener(size_t type) -> bool {
  return type == WingParser::LPAREN || type == WingParser::LBRACK || type == WingParser::LBRACE ||
         type == WingParser::INTERP_START;
}

auto IsCloser(size_t type) -> bool {
  return type == WingParser::RPAREN || type == WingParser::RBRACK || type == WingParser::RBRACE;
}

// The rules an error unwinds to: each is a unit the AST can do without.
auto IsRecoveryPoint(const antlr4::ParserRuleContext* ctx) -> bool {
  return dynamic_cast<const WingParser::StatementContext*>(ctx) != nullptr ||
         dynamic_cast<const WingParser::ClassMemberContext*>(ctx) != nullptr ||
         dynamic_cast<const WingParser::StructFieldContext*>(ctx) != nullptr;
}

auto IsDelimiter(size_t type) -> bool {
  return type == WingParser::LPAREN || type == WingParser::RPAREN || type == WingParser::LBRACK ||
         type == WingParser::RBRACK || type == WingParser::LBRACE || type == WingParser::RBRACE ||
         type == WingParser::INTERP_START;
}

auto IsKeyword(size_t type) -> bool { return type >= WingParser::BRING && type <= WingParser::MUT_SET; }

// IntervalSet overloads contains/remove on size_t and ssize_t; token type
// enumerators match both.
auto Has(const IntervalSet& set, size_t type) -> bool { return set.contains(type); }
void Drop(IntervalSet& set, size_t type) { set.remove(type); }

void RemoveAll(IntervalSet& set, std::initializer_list<size_t> types) {
  for (size_t type : types) Drop(set, type);
}

auto Quoted(antlr4::Parser* parser, size_t type) -> std::string {
  if (type == WingParser::STRING_START || type == WingParser::STRING_END) return "`\"`";
  // `{` pushes a lexer mode, which leaves it without a literal name.
  if (type == WingParser::LBRACE || type == WingParser::INTERP_START) return "`{`";
  std::string literal = parser->getVocabulary().getLiteralName(type);  // returned by value
  if (literal.size() >= 2 && literal.front() == '\'') return fmt::format("`{}`", literal.substr(1, literal.size() - 2));
  switch (type) {
    case WingParser::NUMBER: return "a number";
    case WingParser::DURATION: return "a duration";
    case WingParser::RAW_STRING: return "a string";
    case WingParser::INTRINSIC: return "an intrinsic";
    default: return "a token";
  }
}

auto JoinOr(const std::vector<std::string>& items) -> std::string {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// What the parser expected, in user words, or "" when the set is too wide to
// say anything useful.
auto DescribeExpected(antlr4::Parser* parser, IntervalSet expected) -> std::string {
  std::vector<std::string> items;
  Drop(expected, antlr4::Token::EPSILON);
  bool class_body = dynamic_cast<const WingParser::ClassBodyContext*>(parser->getContext()) != nullptr;
  if (class_body && Has(expected, WingParser::STATIC)) {
    items.push_back("a field, method or constructor");
    for (size_t type = WingParser::BRING; type <= WingParser::MUT_SET; ++type) Drop(expected, type);
    Drop(expected, WingParser::IDENTIFIER);
    Drop(expected, WingParser::RBRACE);
  }
  if (Has(expected, WingParser::LET) && Has(expected, WingParser::IF)) {
    items.push_back("a statement");
    RemoveAll(expected, kStatementKeywords);
    RemoveAll(expected, kExpressionStarts);
  }
  if (Has(expected, WingParser::NUMBER) && Has(expected, WingParser::STRING_START)) {
    items.push_back("an expression");
    RemoveAll(expected, kExpressionStarts);
  }
  if (Has(expected, WingParser::IDENTIFIER) && Has(expected, WingParser::LPAREN) &&
      Has(expected, WingParser::ARRAY)) {
    items.push_back("a type");
    RemoveAll(expected, kTypeStarts);
  }
  if (Has(expected, WingParser::IDENTIFIER)) {
    items.push_back("a name");
    Drop(expected, WingParser::IDENTIFIER);
    for (size_t type = WingParser::BRING; type <= WingParser::MUT_SET; ++type) Drop(expected, type);
  }
  // After an expression every operator could follow; `(` `[` only matter
  // when they are not just a call or an index.
  IntervalSet without = expected;
  RemoveAll(without, kContinuations);
  if (Has(expected, WingParser::DOT)) {
    Drop(without, WingParser::LPAREN);
    Drop(without, WingParser::LBRACK);
  }
  if (Has(expected, WingParser::PLUS_ASSIGN)) Drop(without, WingParser::ASSIGN);
  if (!without.isEmpty() || !items.empty()) expected = without;
  std::vector<ssize_t> rest = expected.toList();
  if (rest.size() + items.size() > 4) return items.empty() ? "" : JoinOr(items);
  for (ssize_t type : rest) items.push_back(Quoted(parser, static_cast<size_t>(type)));
  return JoinOr(items);
}

// Where a missing `;` belonged, for "expected `;` after the statement".
auto SemicolonPlace(const antlr4::ParserRuleContext* ctx) -> std::string {
  if (dynamic_cast<const WingParser::FieldTailContext*>(ctx) != nullptr ||
      dynamic_cast<const WingParser::StructFieldContext*>(ctx) != nullptr) {
    return "after the field";
  }
  if (dynamic_cast<const WingParser::MethodTailContext*>(ctx) != nullptr) return "after the declaration";
  return "after the statement";
}

}  // namespace

auto DescribeToken(const antlr4::Token* token) -> std::string {
  switch (token->getType()) {
    case antlr4::Token::EOF: return "the end of the file";
    case WingParser::STRING_START:
    case WingParser::RAW_STRING: return "a string";
    case WingParser::INTERP_START: return "`{`";
    default: break;
  }
  std::string text = token->getText();
  if (text.size() > 40) return fmt::format("`{}...`", text.substr(0, 37));
  return fmt::format("`{}`", text);
}

void FriendlyErrorStrategy::Reported(antlr4::Parser* parser) {
  if (!skipping_junk_) {
    for (antlr4::ParserRuleContext* ctx = parser->getContext(); ctx != nullptr;
         ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
      if (dynamic_cast<WingParser::StatementContext*>(ctx) != nullptr ||
          dynamic_cast<WingParser::ClassMemberContext*>(ctx) != nullptr ||
          dynamic_cast<WingParser::StructFieldContext*>(ctx) != nullptr) {
        broken_.insert(ctx);
        break;
      }
    }
  }
  if (errors_.Exhausted()) throw ParseAbandoned{ParseAbandoned::Reason::kTooManyErrors};
}

void FriendlyErrorStrategy::ReportUnexpected(antlr4::Parser* parser, antlr4::Token* found) {
  if (errors_.IsShadowed(found->getTokenIndex())) return Reported(parser);
  std::string what = DescribeToken(found);
  if (IsKeyword(found->getType())) what = fmt::format("keyword {}", what);
  errors_.Report(DiagnosticKind::kUnexpectedToken, spans_.Of(found), what);
  Reported(parser);
}

void FriendlyErrorStrategy::ReportExpected(antlr4::Parser* parser, const IntervalSet& expected, antlr4::Token* found) {
  if (errors_.IsShadowed(found->getTokenIndex())) return Reported(parser);
  std::string what = DescribeExpected(parser, expected);
  if (what.empty()) return ReportUnexpected(parser, found);
  antlr4::Token* previous = parser->getTokenStream()->LT(-1);
  bool single = what.front() == '`' && what.find(" or ") == std::string::npos;
  if (single && previous != nullptr &&
      (found->getType() == antlr4::Token::EOF || previous->getLine() != found->getLine())) {
    // The token belongs at the end of the previous line, not before `found`.
    std::string place = what == "`;`" ? SemicolonPlace(parser->getContext()) : fmt::format("after {}", DescribeToken(previous));
    errors_.Report(DiagnosticKind::kExpectedToken, spans_.After(previous), what, place);
  } else {
    errors_.Report(DiagnosticKind::kExpectedToken, spans_.Of(found), fmt::format("{},", what),
                   fmt::format("found {}", DescribeToken(found)));
  }
  Reported(parser);
}

void FriendlyErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) {
  // When prediction failed several tokens in, the expected set of the
  // decision describes its first token, not the one that failed.
  if (e.getStartToken() != e.getOffendingToken()) return ReportUnexpected(parser, e.getOffendingToken());
  ReportExpected(parser, e.getExpectedTokens(), e.getOffendingToken());
}

void FriendlyErrorStrategy::reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) {
  ReportExpected(parser, e.getExpectedTokens(), e.getOffendingToken());
}

void FriendlyErrorStrategy::reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) {
  ReportUnexpected(parser, e.getOffendingToken());
}

void FriendlyErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  ReportUnexpected(parser, parser->getCurrentToken());
}

void FriendlyErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  if (errors_.IsShadowed(parser->getCurrentToken()->getTokenIndex())) return Reported(parser);
  antlr4::Token* previous = parser->getTokenStream()->LT(-1);
  IntervalSet expected = getExpectedTokens(parser);
  std::string what = DescribeExpected(parser, expected);
  if (what.empty() || previous == nullptr) return ReportExpected(parser, expected, parser->getCurrentToken());
  std::string place = what == "`;`" ? SemicolonPlace(parser->getContext()) : fmt::format("after {}", DescribeToken(previous));
  errors_.Report(DiagnosticKind::kExpectedToken, spans_.After(previous), what, place);
  // A statement that only lacks its `;` is complete: keep it in the AST.
  if (what == "`;`" && !errors_.Exhausted()) return;
  Reported(parser);
}

auto FriendlyErrorStrategy::singleTokenInsertion(antlr4::Parser* parser) -> bool {
  // Conjuring a delimiter would unbalance the (balanced) rest of the file.
  IntervalSet expected = getExpectedTokens(parser);
  for (size_t type : {WingParser::LPAREN, WingParser::RPAREN, WingParser::LBRACK, WingParser::RBRACK,
                      WingParser::LBRACE, WingParser::RBRACE}) {
    if (Has(expected, type)) return false;
  }
  return DefaultErrorStrategy::singleTokenInsertion(parser);
}

auto FriendlyErrorStrategy::singleTokenDeletion(antlr4::Parser* parser) -> antlr4::Token* {
  if (IsDelimiter(parser->getTokenStream()->LA(1))) return nullptr;
  return DefaultErrorStrategy::singleTokenDeletion(parser);
}

void FriendlyErrorStrategy::SkipGroup(antlr4::Parser* parser) {
  antlr4::TokenStream* tokens = parser->getTokenStream();
  int depth = 0;
  do {
    size_t type = tokens->LA(1);
    if (type == antlr4::Token::EOF) return;
    if (type == WingParser::LPAREN || type == WingParser::LBRACK || type == WingParser::LBRACE ||
        type == WingParser::INTERP_START) {
      ++depth;
    } else if (type == WingParser::RPAREN || type == WingParser::RBRACK || type == WingParser::RBRACE) {
      if (depth == 0) return;  // the closer of an enclosing group: not ours
      --depth;
    }
    parser->consume();
  } while (depth > 0);
}

void FriendlyErrorStrategy::consumeUntil(antlr4::Parser* parser, const IntervalSet& set) {
  antlr4::TokenStream* tokens = parser->getTokenStream();
  while (tokens->LA(1) != antlr4::Token::EOF && !Has(set, tokens->LA(1))) {
    size_t before = tokens->index();
    SkipGroup(parser);
    if (tokens->index() == before) return;  // at a closer that ends an enclosing group
  }
}

void FriendlyErrorStrategy::recover(antlr4::Parser* parser, std::exception_ptr e) {
  antlr4::ParserRuleContext* ctx = parser->getContext();
  if (dynamic_cast<WingParser::ProgramContext*>(ctx) != nullptr ||
      dynamic_cast<WingParser::BlockContext*>(ctx) != nullptr ||
      dynamic_cast<WingParser::ClassBodyContext*>(ctx) != nullptr) {
    return DefaultErrorStrategy::recover(parser, e);
  }
  // Below a statement: let the exception climb to it. The rule functions
  // call recover() from their catch block, so this throw leaves the rule.
  if (!IsRecoveryPoint(ctx)) std::rethrow_exception(e);
  antlr4::TokenStream* tokens = parser->getTokenStream();
  if (tokens->index() == last_recovery_index_ && tokens->LA(1) != antlr4::Token::EOF) {
    SkipGroup(parser);  // no progress since the last recovery: make some
  }
  size_t start = ctx->getStart() != nullptr ? ctx->getStart()->getTokenIndex() : tokens->index();
  SkipRestOfStatement(parser, start);
  last_recovery_index_ = tokens->index();
}

void FriendlyErrorStrategy::SkipRestOfStatement(antlr4::Parser* parser, size_t start) {
  antlr4::TokenStream* tokens = parser->getTokenStream();
  // Groups the statement opened before the error and has not closed yet.
  int open = 0;
  for (size_t i = start; i < tokens->index(); ++i) {
    antlr4::Token* token = tokens->get(i);
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (IsOpener(token->getType())) ++open;
    if (IsCloser(token->getType()) && open > 0) --open;
  }
  while (tokens->LA(1) != antlr4::Token::EOF) {
    antlr4::Token* token = tokens->LT(1);
    size_t type = token->getType();
    antlr4::Token* previous = tokens->LT(-1);
    bool line_start = previous != nullptr && previous->getLine() != token->getLine();
    if (open == 0 && line_start && std::find(kLineStarts.begin(), kLineStarts.end(), type) != kLineStarts.end()) {
      return;
    }
    if (IsCloser(type)) {
      if (open == 0) return;  // the `}` of the enclosing block
      --open;
      parser->consume();
    } else if (IsOpener(type) && open == 0) {
      SkipGroup(parser);
      // `if c {...}`, a method body: a block that ends its line ends the statement.
      antlr4::Token* next = tokens->LT(1);
      if (type == WingParser::LBRACE && next->getLine() != tokens->LT(-1)->getLine()) return;
    } else {
      parser->consume();
      if (type == WingParser::SEMI && open == 0) return;
    }
  }
}

void FriendlyErrorStrategy::sync(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  antlr4::ParserRuleContext* ctx = parser->getContext();
  bool statement_list = dynamic_cast<WingParser::ProgramContext*>(ctx) != nullptr ||
                        dynamic_cast<WingParser::BlockContext*>(ctx) != nullptr ||
                        dynamic_cast<WingParser::ClassBodyContext*>(ctx) != nullptr;
  if (!statement_list) return DefaultErrorStrategy::sync(parser);
  const antlr4::atn::ATN& atn = parser->getATN();
  antlr4::atn::ATNState* state = atn.states[parser->getState()];
  IntervalSet next = atn.nextTokens(state);
  size_t la = parser->getTokenStream()->LA(1);
  if (next.contains(antlr4::Token::EPSILON) || Has(next, la)) return;
  // A token that cannot start a statement (or member): report it once and
  // skip to the next thing that can, a group at a time, so that the list
  // goes on instead of the whole enclosing rule giving up.
  beginErrorCondition(parser);
  skipping_junk_ = true;
  if (dynamic_cast<WingParser::ClassBodyContext*>(ctx) != nullptr) {
    ReportExpected(parser, next, parser->getCurrentToken());
  } else {
    ReportUnexpected(parser, parser->getCurrentToken());
  }
  skipping_junk_ = false;
  // Resume at something that surely starts a statement: a keyword that
  // does, or any statement start at the beginning of a line.
  antlr4::TokenStream* tokens = parser->getTokenStream();
  while (tokens->LA(1) != antlr4::Token::EOF) {
    antlr4::Token* token = tokens->LT(1);
    size_t type = token->getType();
    antlr4::Token* previous = tokens->LT(-1);
    bool line_start = previous == nullptr || previous->getLine() != token->getLine();
    bool keyword = std::find(kLineStarts.begin(), kLineStarts.end(), type) != kLineStarts.end();
    if (IsCloser(type) || (Has(next, type) && (keyword || line_start))) break;
    size_t before = tokens->index();
    SkipGroup(parser);
    if (type == WingParser::SEMI || tokens->index() == before) break;
  }
}

auto FriendlyErrorStrategy::recoverInline(antlr4::Parser* parser) -> antlr4::Token* {
  // Insertion first: for `for in items`, a missing name explains the error
  // better than deleting `in` and then missing an `in`.
  if (singleTokenInsertion(parser)) return getMissingSymbol(parser);
  if (antlr4::Token* matched = singleTokenDeletion(parser)) {
    parser->consume();
    return matched;
  }
  throw antlr4::InputMismatchException(parser);
}

}  // namespace wdsl::parse
