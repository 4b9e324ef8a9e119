// The generated lexer and parser on their own: every program of the valid
// corpus (tests/parse/valid) parses without a syntax error in both prediction
// modes, every program of the invalid corpus reports one, and operators group
// as Wing groups them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "WingLexer.h"
#include "WingParser.h"
#include "antlr4-runtime.h"

namespace wdsl {
namespace {

using gen::WingLexer;
using gen::WingParser;

class CountingListener : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t line, size_t col, const std::string& message,
                   std::exception_ptr) override {
    messages.push_back(std::to_string(line) + ":" + std::to_string(col) + " " + message);
  }
  std::vector<std::string> messages;
};

// Token types the lexer uses for malformed input instead of failing.
auto IsErrorToken(size_t type) -> bool {
  return type == WingLexer::ERROR_CHAR || type == WingLexer::INVALID_NUMBER ||
         type == WingLexer::UNTERMINATED_RAW_STRING || type == WingLexer::UNTERMINATED_COMMENT;
}

struct ParseResult {
  std::vector<std::string> errors;  // syntax errors and malformed tokens
  std::string tree;                 // LISP-style parse tree
};

// Parses `text` with either the fast SLL mode (bailing at the first error,
// as the frontend's first stage does) or full LL with error recovery.
auto ParseText(const std::string& text, bool sll) -> ParseResult {
  ParseResult result;
  antlr4::ANTLRInputStream input(text);
  WingLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  for (antlr4::Token* token : tokens.getTokens()) {
    if (IsErrorToken(token->getType())) result.errors.push_back("bad token " + token->getText());
  }
  WingParser parser(&tokens);
  parser.removeErrorListeners();
  CountingListener listener;
  parser.addErrorListener(&listener);
  if (sll) {
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  }
  try {
    WingParser::ProgramContext* program = parser.program();
    result.tree = program->toStringTree(&parser);
  } catch (const antlr4::ParseCancellationException&) {
    result.errors.push_back("SLL bailed out");
  }
  for (const std::string& message : listener.messages) result.errors.push_back(message);
  return result;
}

auto ReadFile(const std::filesystem::path& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

auto CorpusFiles(const std::string& folder) -> std::vector<std::filesystem::path> {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(WDSL_SOURCE_DIR) + "/tests/parse/" + folder)) {
    if (entry.path().extension() == ".w") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

auto Join(const std::vector<std::string>& lines) -> std::string {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

TEST(GrammarTest, ValidCorpusParsesInBothModes) {
  std::vector<std::filesystem::path> files = CorpusFiles("valid");
  ASSERT_GE(files.size(), 5u);
  for (const auto& path : files) {
    std::string text = ReadFile(path);
    ParseResult ll = ParseText(text, /*sll=*/false);
    EXPECT_TRUE(ll.errors.empty()) << path << ":\n" << Join(ll.errors);
    // The fast first stage must accept the corpus too, with the same tree.
    ParseResult sll = ParseText(text, /*sll=*/true);
    EXPECT_TRUE(sll.errors.empty()) << path << " (SLL):\n" << Join(sll.errors);
    EXPECT_EQ(sll.tree, ll.tree) << path;
  }
}

TEST(GrammarTest, InvalidCorpusReportsErrors) {
  std::vector<std::filesystem::path> files = CorpusFiles("invalid");
  ASSERT_GE(files.size(), 5u);
  for (const auto& path : files) {
    ParseResult ll = ParseText(ReadFile(path), /*sll=*/false);
    EXPECT_FALSE(ll.errors.empty()) << path << " parsed without errors";
  }
}

// A compact S-expression of an expression's grouping: `(+ 1 (* 2 3))`.
auto Shape(antlr4::tree::ParseTree* tree) -> std::string {
  if (auto* paren = dynamic_cast<WingParser::PrimaryExpressionContext*>(tree)) {
    if (auto* inner = dynamic_cast<WingParser::ParenthesizedExpressionContext*>(paren->primary())) {
      return Shape(inner->expression());
    }
    return paren->getText();
  }
  auto* ctx = dynamic_cast<antlr4::ParserRuleContext*>(tree);
  if (ctx == nullptr) return tree->getText();
  std::vector<std::string> operands;
  std::string op;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (dynamic_cast<WingParser::ExpressionContext*>(child) != nullptr) {
      operands.push_back(Shape(child));
    } else if (op.empty()) {
      op = child->getText();
    }
  }
  // Built with append: GCC 12 warns (-Wrestrict, falsely) on "(" + string.
  std::string out = "(";
  if (auto* call = dynamic_cast<WingParser::CallExpressionContext*>(tree)) {
    out.append("call ").append(operands[0]);
    if (call->argumentList() != nullptr) {
      for (auto* argument : call->argumentList()->argument()) out.append(" ").append(argument->getText());
    }
  } else if (dynamic_cast<WingParser::MemberExpressionContext*>(tree) != nullptr) {
    out.append(op).append(" ").append(operands[0]).append(" ").append(ctx->children.back()->getText());
  } else {
    out.append(op);
    for (const std::string& operand : operands) out.append(" ").append(operand);
  }
  return out.append(")");
}

auto ExpressionShape(const std::string& expression) -> std::string {
  antlr4::ANTLRInputStream input("let x = " + expression + ";");
  WingLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  WingParser parser(&tokens);
  parser.removeErrorListeners();
  CountingListener listener;
  parser.addErrorListener(&listener);
  auto* program = parser.program();
  if (!listener.messages.empty()) return "error: " + listener.messages[0];
  auto* let = dynamic_cast<WingParser::LetStatementContext*>(program->statement(0));
  return let == nullptr ? "not a let" : Shape(let->expression());
}

TEST(GrammarTest, OperatorsGroupLikeWing) {
  EXPECT_EQ(ExpressionShape("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(ExpressionShape("1 - 2 - 3"), "(- (- 1 2) 3)");
  // `**` and `??` parse left-associative; the AST builder re-associates them.
  EXPECT_EQ(ExpressionShape("2 ** 3 ** 2"), "(** (** 2 3) 2)");
  EXPECT_EQ(ExpressionShape("-2 ** 2"), "(- (** 2 2))");
  EXPECT_EQ(ExpressionShape("2 ** -1"), "(** 2 (- 1))");
  EXPECT_EQ(ExpressionShape("a ?? b + 1"), "(?? a (+ b 1))");
  EXPECT_EQ(ExpressionShape("x ?? 5 == 4"), "(== (?? x 5) 4)");
  EXPECT_EQ(ExpressionShape("a || b && c == d"), "(|| a (&& b (== c d)))");
  EXPECT_EQ(ExpressionShape("a < b == c > d"), "(== (< a b) (> c d))");
  EXPECT_EQ(ExpressionShape("0..n - 1"), "(.. 0 (- n 1))");
  EXPECT_EQ(ExpressionShape("!a.b"), "(! (. a b))");
  EXPECT_EQ(ExpressionShape("-x!"), "(- (! x))");
  EXPECT_EQ(ExpressionShape("a?.b.c"), "(. (?. a b) c)");
  EXPECT_EQ(ExpressionShape("(1 + 2) * 3"), "(* (+ 1 2) 3)");
}

TEST(GrammarTest, JsonPrefixWinsOverIndexing) {
  EXPECT_EQ(ExpressionShape("Json [1]"), "(Json [1])");
  EXPECT_EQ(ExpressionShape("Json.parse(s)"), "(call (. Json parse) s)");
  EXPECT_EQ(ExpressionShape("Json {a: 1}.get(k)"), "(call (. (Json {a:1}) get) k)");
}

auto TokenTypes(const std::string& text) -> std::vector<size_t> {
  antlr4::ANTLRInputStream input(text);
  WingLexer lexer(&input);
  std::vector<size_t> types;
  for (auto token = lexer.nextToken(); token->getType() != antlr4::Token::EOF; token = lexer.nextToken()) {
    if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) types.push_back(token->getType());
  }
  return types;
}

TEST(GrammarTest, InterpolationNestsThroughLexerModes) {
  using L = WingLexer;
  std::vector<size_t> expected = {L::STRING_START, L::STRING_TEXT,  L::INTERP_START, L::IDENTIFIER,
                                  L::PLUS,         L::STRING_START, L::STRING_TEXT,  L::INTERP_START,
                                  L::IDENTIFIER,   L::RBRACE,       L::STRING_END,   L::RBRACE,
                                  L::STRING_TEXT,  L::STRING_END};
  EXPECT_EQ(TokenTypes(R"("a {b + "c {d}"} e")"), expected);
  EXPECT_EQ(TokenTypes(R"("\{x}")"), (std::vector<size_t>{L::STRING_START, L::ESCAPE, L::STRING_TEXT, L::STRING_END}));
  EXPECT_EQ(TokenTypes(R"("{ {a: 1} }")"),
            (std::vector<size_t>{L::STRING_START, L::INTERP_START, L::LBRACE, L::IDENTIFIER, L::COLON, L::NUMBER,
                                 L::RBRACE, L::RBRACE, L::STRING_END}));
}

TEST(GrammarTest, LexerSurvivesStrayClosingBraces) {
  EXPECT_EQ(TokenTypes("} } {").size(), 3u);
}

TEST(GrammarTest, DurationsAndNumbers) {
  using L = WingLexer;
  EXPECT_EQ(TokenTypes("100ms 5m 1mo 2y 1.5s"), (std::vector<size_t>(5, L::DURATION)));
  EXPECT_EQ(TokenTypes("42 3.14 1_000 1e3 2.5E-3"), (std::vector<size_t>(5, L::NUMBER)));
  EXPECT_EQ(TokenTypes("0..10"), (std::vector<size_t>{L::NUMBER, L::RANGE, L::NUMBER}));
  EXPECT_EQ(TokenTypes("0x1F 5min"), (std::vector<size_t>{L::INVALID_NUMBER, L::INVALID_NUMBER}));
}

}  // namespace
}  // namespace wdsl
