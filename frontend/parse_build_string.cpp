// String literals: interpolation parts and escape sequences. Wing decodes
// escapes in raw strings too (`#"a\nb"` holds a newline); only `{...}` is
// literal there.
#include <fmt/format.h>

#include "frontend/parse_build.h"

namespace wdsl::parse {
namespace {

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// The value of `digits` as hexadecimal, or -1 when it is not a valid one.
auto Hex(std::string_view digits) -> int64_t {
  if (digits.empty() || digits.size() > 8) return -1;
  int64_t value = 0;
  for (char c : digits) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

auto IsScalar(int64_t code_point) -> bool {
  return code_point >= 0 && code_point <= 0x10FFFF && (code_point < 0xD800 || code_point > 0xDFFF);
}

// The raw body of `#"..."` split into escapes and text, as the lexer would.
auto SplitRaw(std::string_view body) -> std::vector<std::string_view> {
  std::vector<std::string_view> pieces;
  size_t i = 0;
  while (i < body.size()) {
    size_t start = i;
    if (body[i] == '\\') {
      i += 1;
      if (body.compare(i, 2, "u{") == 0) {
        size_t close = body.find('}', i);
        i = close == std::string_view::npos ? i + 2 : close + 1;
      } else if (i < body.size() && body[i] == 'u' && i + 5 <= body.size() && Hex(body.substr(i + 1, 4)) >= 0) {
        i += 5;
      } else if (i < body.size() && body[i] == 'x' && i + 3 <= body.size() && Hex(body.substr(i + 1, 2)) >= 0) {
        i += 3;
      } else if (i < body.size()) {
        // One code point: its UTF-8 bytes.
        i += 1;
        while (i < body.size() && (static_cast<unsigned char>(body[i]) & 0xC0) == 0x80) ++i;
      }
    } else {
      while (i < body.size() && body[i] != '\\') ++i;
    }
    pieces.push_back(body.substr(start, i - start));
  }
  return pieces;
}

}  // namespace

void AstBuilder::DecodeEscape(const std::string& text, antlr4::Token* token, std::string& out) {
  auto invalid = [&] { errors_.Report(DiagnosticKind::kInvalidEscape, SpanOf(token), text); };
  if (text.size() < 2) return invalid();
  char c = text[1];
  switch (c) {
    case 'n': out += '\n'; return;
    case 't': out += '\t'; return;
    case 'r': out += '\r'; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case 'v': out += '\v'; return;
    case '0': out += '\0'; return;
    case 'u': {
      std::string_view digits = std::string_view(text).substr(2);
      if (digits.starts_with("{")) {
        if (!digits.ends_with("}")) return invalid();
        digits = digits.substr(1, digits.size() - 2);
      } else if (digits.size() != 4) {
        return invalid();
      }
      int64_t code_point = Hex(digits);
      if (!IsScalar(code_point)) return invalid();
      return AppendUtf8(static_cast<uint32_t>(code_point), out);
    }
    case 'x': {
      int64_t byte = text.size() == 4 ? Hex(std::string_view(text).substr(2)) : -1;
      if (byte < 0) return invalid();
      return AppendUtf8(static_cast<uint32_t>(byte), out);
    }
    default:
      // `\"`, `\\`, `\{`, `\}` and any other character stand for themselves.
      out.append(text, 1);
  }
}

auto AstBuilder::BuildString(WingParser::StringContext* ctx) -> ast::StringExpr* {
  auto* node = ast_.New<ast::StringExpr>(ctx != nullptr ? SpanOf(ctx) : Span{spans_.File(), 0, 0});
  if (ctx == nullptr) return node;
  auto text_part = [&]() -> std::string& {
    if (node->parts.empty() || node->parts.back().expr != nullptr) node->parts.push_back(ast::StringPart{});
    return node->parts.back().text;
  };
  for (WingParser::StringPartContext* part : ctx->stringPart()) {
    if (auto* text = dynamic_cast<WingParser::StringTextContext*>(part)) {
      text_part() += text->getText();
    } else if (auto* escape = dynamic_cast<WingParser::StringEscapeContext*>(part)) {
      DecodeEscape(escape->getText(), escape->ESCAPE()->getSymbol(), text_part());
    } else if (auto* interpolation = dynamic_cast<WingParser::StringInterpolationContext*>(part)) {
      ast::StringPart piece;
      piece.expr = BuildExpr(interpolation->expression());
      node->parts.push_back(std::move(piece));
    }
  }
  return node;
}

auto AstBuilder::BuildRawString(antlr4::tree::TerminalNode* terminal) -> ast::Expr* {
  auto* node = ast_.New<ast::StringExpr>(SpanOf(terminal));
  node->raw = true;
  std::string token = terminal->getText();
  // Without the `#"` and the closing `"`.
  std::string_view body = std::string_view(token).substr(2, token.size() >= 3 ? token.size() - 3 : 0);
  std::string text;
  for (std::string_view piece : SplitRaw(body)) {
    if (piece.starts_with("\\")) {
      DecodeEscape(std::string(piece), terminal->getSymbol(), text);
    } else {
      text.append(piece);
    }
  }
  if (!text.empty()) node->parts.push_back(ast::StringPart{std::move(text), nullptr});
  return node;
}

auto AstBuilder::PlainText(WingParser::StringContext* ctx, const char* what) -> std::string {
  ast::StringExpr* string = BuildString(ctx);
  std::string text;
  for (const ast::StringPart& part : string->parts) {
    if (part.expr != nullptr) {
      errors_.Report(DiagnosticKind::kSyntaxError, part.expr->span,
                     fmt::format("{} cannot contain `{{...}}` interpolation", what));
      continue;
    }
    text += part.text;
  }
  return text;
}

}  // namespace wdsl::parse
