// Internal to the parser (frontend/parse*.cpp): syntax errors in user words.
//
// ANTLR's default strategy reports "mismatched input 'x' expecting {30 token
// names}", calls a missing `}` "extraneous input 'else'", and can drop the
// rest of a file after two bad tokens at the start of a statement list. This
// strategy reports one message per real error, phrased from what the parser
// expected ("expected `;` after the statement", "expected an expression,
// found `)`"), skips junk in statement lists one statement at a time, and
// never inserts or deletes a delimiter (they are known to be balanced: the
// token scan checked them before parsing).
#pragma once

#include <string>
#include <unordered_set>

#include "DefaultErrorStrategy.h"
#include "frontend/parse_input.h"

namespace wdsl::parse {

// Thrown (not a RecognitionException, so no rule catches it) to abandon a
// parse: the error budget is spent, or the input nests deeper than the stack
// allows.
struct ParseAbandoned {
  enum class Reason { kTooManyErrors, kTooDeep } reason;
};

class FriendlyErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  // Each statement, class member or struct field in which an error is
  // reported lands in `broken`, for the AST builder to leave out.
  FriendlyErrorStrategy(const TokenSpans& spans, SyntaxErrors& errors,
                        std::unordered_set<const antlr4::ParserRuleContext*>& broken)
      : spans_(spans), errors_(errors), broken_(broken) {}

  void sync(antlr4::Parser* parser) override;
  // Unwinds to the innermost statement, class member or struct field and
  // skips to its end, so that one mistake gets one message.
  void recover(antlr4::Parser* parser, std::exception_ptr e) override;
  auto recoverInline(antlr4::Parser* parser) -> antlr4::Token* override;

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;
  auto singleTokenInsertion(antlr4::Parser* parser) -> bool override;
  auto singleTokenDeletion(antlr4::Parser* parser) -> antlr4::Token* override;
  void consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) override;

 private:
  // "expected <what>, found <token>" or, when one token was expected right
  // after the previous one, "expected `)` after `x`".
  void ReportExpected(antlr4::Parser* parser, const antlr4::misc::IntervalSet& expected, antlr4::Token* found);
  void ReportUnexpected(antlr4::Parser* parser, antlr4::Token* found);
  // Consumes one token; an opening delimiter is consumed with everything up
  // to its matching closer.
  void SkipGroup(antlr4::Parser* parser);
  // Skips what is left of the statement (or member) that began at token
  // `start`: to its `;`, past its block, or to the next line that begins a
  // statement, never past the `}` of an enclosing block.
  void SkipRestOfStatement(antlr4::Parser* parser, size_t start);
  // Marks the statement, member or field being parsed as broken, then stops
  // the parse if the error budget is spent.
  void Reported(antlr4::Parser* parser);

  const TokenSpans& spans_;
  SyntaxErrors& errors_;
  std::unordered_set<const antlr4::ParserRuleContext*>& broken_;
  // Junk skipped between statements breaks none of them.
  bool skipping_junk_ = false;
  size_t last_recovery_index_ = static_cast<size_t>(-1);
};

// How a token reads in a message: "`let`", "`foo`", "a string", "the end of
// the file".
auto DescribeToken(const antlr4::Token* token) -> std::string;

}  // namespace wdsl::parse
