// Parse() on broken and hostile input: one message per mistake, in user
// words (exact text), and never a crash, a hang or a stack overflow.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "frontend/parse.h"

namespace wdsl {
namespace {

struct Result {
  std::string errors;  // "line:col: message" per diagnostic
  size_t count = 0;
  double seconds = 0;
};

auto ParseTimed(const std::string& text) -> Result {
  SourceManager sources;
  FileId file = sources.Add("test.w", text);
  Diagnostics diagnostics(sources);
  ast::Ast ast;
  auto start = std::chrono::steady_clock::now();
  Parse(sources, file, ast, diagnostics);
  Result result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Diagnostic& d : diagnostics.All()) {
    LineCol lc = sources.Start(d.span);
    result.errors += std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " + d.message + "\n";
  }
  result.count = diagnostics.All().size();
  return result;
}

auto Errors(const std::string& text) -> std::string { return ParseTimed(text).errors; }

TEST(ParseErrorsTest, MissingSemicolon) {
  EXPECT_EQ(Errors("let x = 1\nlet y = 2;\n"), "1:10: expected `;` after the statement\n");
  EXPECT_EQ(Errors("log(\"hi\")"), "1:10: expected `;` after the statement\n");
  EXPECT_EQ(Errors("struct S {\n  name: str\n}\n"), "2:12: expected `;` after the field\n");
}

TEST(ParseErrorsTest, UnclosedAndMismatchedDelimiters) {
  // The `}` that closes `foo` sits at the indentation of `if`: the `{` of
  // `if` is the one left open.
  EXPECT_EQ(Errors("class A {\n  foo() {\n    if x {\n      log(\"a\");\n  }\n}\n"),
            "3:10: missing `}` to close the `{` at 3:10\n");
  EXPECT_EQ(Errors("if x {\n  log(\"a\");\nelse {\n}\n"), "1:6: missing `}` to close the `{` at 1:6\n");
  EXPECT_EQ(Errors("foo(1, 2];\n"), "1:9: missing `)` to close the `(` at 1:4\n");
  EXPECT_EQ(Errors("let a = 1;\n}\n"), "2:1: unexpected `}` with no matching `{`\n");
}

TEST(ParseErrorsTest, ExpectedSomethingElse) {
  EXPECT_EQ(Errors("let x = 1 +;\n"), "1:12: expected an expression, found `;`\n");
  EXPECT_EQ(Errors("let = 5;\n"), "1:5: expected a name, found `=`\n");
  EXPECT_EQ(Errors("let x: = 5;\n"), "1:8: expected a type, found `=`\n");
  EXPECT_EQ(Errors("for x items {}\n"), "1:6: expected `in` after `x`\n");
  EXPECT_EQ(Errors("let f = (x: num) => x + 1;\n"), "1:21: expected `{`, found `x`\n");
  EXPECT_EQ(Errors("class C {\n  5;\n}\n"), "2:3: expected a field, method or constructor, found `5`\n");
  EXPECT_EQ(Errors("let x = foo(1 2);\n"), "1:15: unexpected `2`\n");
  EXPECT_EQ(Errors("else { }\nlet x = 1;\n"), "1:1: unexpected keyword `else`\n");
}

TEST(ParseErrorsTest, OneMessagePerMistake) {
  // Each broken statement gets one message; the next statement parses.
  EXPECT_EQ(Errors("let a = (1 + );\nlet b = ;\n"), "1:14: expected an expression, found `)`\n"
                                                   "2:9: expected an expression, found `;`\n");
  EXPECT_EQ(Errors("let a = (x: ..) => {};\nlet b = 2;\nlet c = 3 3;\n"),
            "1:13: expected a type, found `..`\n3:10: expected `;` after the statement\n");
  EXPECT_EQ(Errors("let x = 5 $ 3;\n"), "1:11: unexpected character `$`\n");
}

TEST(ParseErrorsTest, LiteralErrors) {
  EXPECT_EQ(Errors("let s = \"never closed;\nlog(s);\n"), "1:9: unterminated string literal\n");
  EXPECT_EQ(Errors("let s = \"a {b} c\";\nlet t = \"{x\n"), "2:9: unterminated string literal\n");
  EXPECT_EQ(Errors("let r = #\"raw\n"), "1:9: unterminated string literal\n");
  EXPECT_EQ(Errors("let x = 0x1F;\n"), "1:9: invalid number literal `0x1F`\n");
  EXPECT_EQ(Errors("let s = \"\\u{110000}\";\n"), "1:10: invalid escape sequence `\\u{110000}` in string\n");
  EXPECT_EQ(Errors("/* open\nlet x = 1;\n"), "1:1: unterminated comment: `/*` without a closing `*/`\n");
  EXPECT_EQ(Errors("test \"t {x}\" {}\n"), "1:10: a test name cannot contain `{...}` interpolation\n");
}

TEST(ParseErrorsTest, DeclarationErrors) {
  EXPECT_EQ(Errors("class A {\n  pub pub foo() {}\n  var bar() {}\n}\n"),
            "2:7: duplicate modifier `pub`\n3:3: `var` applies to fields, not methods\n");
  EXPECT_EQ(Errors("interface I {\n  x: num;\n}\n"), "2:3: an interface can only declare methods\n");
  EXPECT_EQ(Errors("f(a: 1, 2);\n"), "1:9: positional argument after a named argument\n");
}

TEST(ParseErrorsTest, InvalidUtf8IsReportedWithItsOffset) {
  EXPECT_EQ(Errors("let s = \"caf\xc3\";\n"), "1:13: invalid UTF-8 byte 0xc3 at offset 12\n");
  EXPECT_EQ(Errors("let x = 1; // \xff\n"), "1:15: invalid UTF-8 byte 0xff at offset 14\n");
  // Valid multi-byte text is fine, and columns count code points.
  EXPECT_EQ(Errors("let s = \"café ☕\"; let\n"), "2:1: expected a name, found the end of the file\n");
}

TEST(ParseErrorsTest, TooManyErrorsStopsTheParse) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "let = 1;\n";
  Result result = ParseTimed(text);
  EXPECT_EQ(result.count, 26u);  // 25 errors and the note that it stopped
  EXPECT_NE(result.errors.find("too many errors, stopping after 25"), std::string::npos);
}

TEST(ParseErrorsTest, HugeFilesGetOneDiagnostic) {
  Result result = ParseTimed(std::string(kMaxTokens + 10, ';'));
  EXPECT_EQ(result.errors, "1:500001: the file is too large: wdsl parses at most 500000 tokens per file\n");
  RecordProperty("seconds", std::to_string(result.seconds));  // a hang is caught by ctest's timeout
}

TEST(ParseErrorsTest, DeepNestingGetsADiagnostic) {
  std::string parens = "let x = " + std::string(10000, '(') + "1" + std::string(10000, ')') + ";\n";
  EXPECT_EQ(Errors(parens), "1:2009: nesting is deeper than 2000 levels\n");
  std::string fine = "let x = " + std::string(1900, '(') + "1" + std::string(1900, ')') + ";\n";
  EXPECT_EQ(Errors(fine), "");
  std::string bangs = "let x = " + std::string(1000000, '!') + "y;\n";
  EXPECT_EQ(Errors(bangs), "1:2009: nesting is deeper than 2000 levels\n");
  // Unbracketed nesting the token scan cannot see stops at the stack budget.
  std::string types = "let x: ";
  for (int i = 0; i < 100000; ++i) types += "Array<";
  types += "str" + std::string(100000, '>') + " = [];\n";
  EXPECT_NE(Errors(types).find("nesting is deeper than 2000 levels"), std::string::npos);
  // A long flat chain nests just as deep in the AST (each `+` is a level).
  std::string sum = "let x = 1";
  for (int i = 0; i < 50000; ++i) sum += " + 1";
  EXPECT_EQ(Errors(sum + ";\n"), "1:8011: nesting is deeper than 2000 levels\n");
  // Two AST levels per parenthesis: only the AST builder sees this one.
  std::string calls = "let x = ";
  for (int i = 0; i < 1500; ++i) calls += "a + f(";
  calls.append("1").append(1500, ')').append(";\n");
  EXPECT_NE(Errors(calls).find("nesting is deeper than 2000 levels"), std::string::npos);
}

TEST(ParseErrorsTest, RandomBytesFailQuickly) {
  std::mt19937 random(42);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  Result binary = ParseTimed(bytes);
  EXPECT_GE(binary.count, 1u);
  RecordProperty("seconds", std::to_string(binary.seconds));  // a hang is caught by ctest's timeout

  // Printable ASCII gets past the UTF-8 check and into the lexer.
  std::string ascii(1 << 20, ' ');
  for (char& c : ascii) c = static_cast<char>(random() % 6 == 0 ? '\n' : 32 + random() % 95);
  Result text = ParseTimed(ascii);
  EXPECT_GE(text.count, 1u);
  EXPECT_LE(text.count, 26u);
  RecordProperty("seconds", std::to_string(text.seconds));  // a hang is caught by ctest's timeout
}

TEST(ParseErrorsTest, RandomTokensFailQuickly) {
  // Balanced delimiters, so the parser itself (not the token scan) has to
  // work through 200,000 random tokens.
  const char* words[] = {"let", "x", "=", "1", "+", "if", "else", "\"s\"", "foo", ".", ",", ":", "=>", "class",
                         "new", "inflight", "return", "for", "in", "..", "??", "!", "-", "Json", "str", "5s", ";"};
  std::mt19937 random(7);
  std::string text;
  std::string closers;
  for (int i = 0; i < 200000; ++i) {
    int pick = static_cast<int>(random() % 32);
    if (pick < 27) {
      text += std::string(words[pick]) + " ";
    } else if (pick < 30 && closers.size() < 40) {
      const char* open[] = {"(", "[", "{"};
      const char* close[] = {")", "]", "}"};
      text += open[pick - 27];
      closers += close[pick - 27];
    } else if (!closers.empty()) {
      text += closers.back();
      closers.pop_back();
    }
  }
  text += std::string(closers.rbegin(), closers.rend());
  Result result = ParseTimed(text);
  EXPECT_GE(result.count, 1u);
  RecordProperty("seconds", std::to_string(result.seconds));  // a hang is caught by ctest's timeout
}

}  // namespace
}  // namespace wdsl
