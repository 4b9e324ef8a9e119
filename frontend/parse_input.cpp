#include "frontend/parse_input.h"

#include <fmt/format.h>

#include <string>

#include "WingLexer.h"

namespace wdsl::parse {
namespace {

using gen::WingLexer;

auto IsOpener(size_t type) -> bool {
  return type == WingLexer::LPAREN || type == WingLexer::LBRACK || type == WingLexer::LBRACE ||
         type == WingLexer::INTERP_START;
}

auto IsCloser(size_t type) -> bool {
  return type == WingLexer::RPAREN || type == WingLexer::RBRACK || type == WingLexer::RBRACE;
}

auto CloserOf(size_t opener) -> size_t {
  switch (opener) {
    case WingLexer::LPAREN: return WingLexer::RPAREN;
    case WingLexer::LBRACK: return WingLexer::RBRACK;
    default: return WingLexer::RBRACE;  // `{` and the `{` of an interpolation
  }
}

auto Text(size_t type) -> const char* {
  switch (type) {
    case WingLexer::LPAREN: return "(";
    case WingLexer::RPAREN: return ")";
    case WingLexer::LBRACK: return "[";
    case WingLexer::RBRACK: return "]";
    case WingLexer::RBRACE: return "}";
    default: return "{";
  }
}

auto OpenerOf(size_t closer) -> size_t {
  switch (closer) {
    case WingLexer::RPAREN: return WingLexer::LPAREN;
    case WingLexer::RBRACK: return WingLexer::LBRACK;
    default: return WingLexer::LBRACE;
  }
}

// How an unknown character reads in a message: the character itself when it
// is printable, its code point otherwise.
auto DescribeCharacter(const std::string& text) -> std::string {
  if (text.size() == 1 && (text[0] < 0x21 || text[0] > 0x7e || text[0] == '`')) {
    return fmt::format("U+{:04X}", static_cast<unsigned char>(text[0]));
  }
  return fmt::format("`{}`", text);
}

// Where delimiters stand relative to the lines around them; used to guess
// which `{` lacks its `}` when the file ends with some still open.
class Layout {
 public:
  Layout(const SourceManager& sources, FileId file) : text_(sources.File(file).text) {}

  // Leading spaces of the line holding `offset`, tabs counting as one.
  auto Indent(uint32_t offset) const -> size_t {
    uint32_t begin = LineBegin(offset);
    size_t indent = 0;
    while (begin + indent < text_.size() && (text_[begin + indent] == ' ' || text_[begin + indent] == '\t')) ++indent;
    return indent;
  }
  auto FirstOnLine(uint32_t offset) const -> bool { return Indent(offset) == offset - LineBegin(offset); }
  auto LastOnLine(uint32_t end) const -> bool {
    size_t i = end;
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\r')) ++i;
    return i >= text_.size() || text_[i] == '\n' || text_.compare(i, 2, "//") == 0;
  }

 private:
  auto LineBegin(uint32_t offset) const -> uint32_t {
    uint32_t begin = offset;
    while (begin > 0 && text_[begin - 1] != '\n') --begin;
    return begin;
  }
  const std::string& text_;
};

}  // namespace

Utf8InputStream::Utf8InputStream(std::string_view valid_utf8) {
  _data.reserve(valid_utf8.size());
  for (size_t i = 0; i < valid_utf8.size();) {
    auto byte = static_cast<unsigned char>(valid_utf8[i]);
    int extra = byte < 0x80 ? 0 : byte < 0xE0 ? 1 : byte < 0xF0 ? 2 : 3;
    char32_t cp = extra == 0 ? byte : extra == 1 ? (byte & 0x1F) : extra == 2 ? (byte & 0x0F) : (byte & 0x07);
    for (int k = 1; k <= extra && i + k < valid_utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(valid_utf8[i + k]) & 0x3F);
    }
    _data.push_back(cp);
    i += 1 + extra;
  }
  p = 0;
}

auto FindInvalidUtf8(std::string_view text) -> size_t {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    if (length == 0) return i;
    // The second byte's range also excludes overlong forms, surrogates and
    // code points past U+10FFFF.
    unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    for (size_t k = 1; k < length; ++k) {
      if (i + k >= text.size()) return i;  // cut short by the end of the file
      unsigned char byte = bytes[i + k];
      if (k == 1 ? (byte < low || byte > high) : (byte & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

OffsetMap::OffsetMap(std::string_view text) : size_(static_cast<uint32_t>(text.size())) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return;
  byte_of_.reserve(text.size() + 1);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_.push_back(i);
  }
  byte_of_.push_back(size_);
}

auto OffsetMap::ByteOf(size_t code_point) const -> uint32_t {
  if (byte_of_.empty()) return code_point < size_ ? static_cast<uint32_t>(code_point) : size_;
  return code_point < byte_of_.size() ? byte_of_[code_point] : size_;
}

auto TokenSpans::Of(const antlr4::Token* token) const -> Span {
  uint32_t begin = offsets_->ByteOf(token->getStartIndex());
  if (token->getType() == antlr4::Token::EOF) return Span{file_, begin, begin};
  uint32_t end = offsets_->ByteOf(token->getStopIndex() + 1);
  return Span{file_, begin, end < begin ? begin : end};
}

auto TokenSpans::After(const antlr4::Token* token) const -> Span {
  Span span = Of(token);
  return Span{file_, span.end, span.end};
}

auto TokenSpans::Cover(const antlr4::Token* first, const antlr4::Token* last) const -> Span {
  return Span::Cover(Of(first), Of(last));
}

auto Position(const SourceManager& sources, const Span& span) -> std::string {
  LineCol lc = sources.Start(span);
  return fmt::format("{}:{}", lc.line, lc.col);
}

namespace {

// Nesting the builder would find too deep, measured on tokens so that a
// pathological file is turned away before it costs a parse: delimiters, runs
// of prefix operators (`!!!!x`), and chains (`a + a + ...`, `a.b.c...`,
// `f()()...`), where every link is one more level of the AST.
class NestingMeter {
 public:
  explicit NestingMeter(int limit) : limit_(limit), links_(1, 0) {}

  // Counts `token`; false once something nests deeper than the limit.
  auto Add(size_t type, size_t previous) -> bool {
    bool prefix = type == WingLexer::BANG || type == WingLexer::MINUS || type == WingLexer::JSON ||
                  type == WingLexer::MUT_JSON;
    prefix_run_ = prefix ? prefix_run_ + 1 : 0;
    if (IsChainLink(type, previous)) ++links_.back();
    if (IsSeparator(type)) links_.back() = 0;
    if (IsOpener(type)) links_.push_back(0);
    if (IsCloser(type) && links_.size() > 1) links_.pop_back();
    return prefix_run_ <= limit_ && links_.back() <= limit_ && static_cast<int>(links_.size()) <= limit_ + 1;
  }

 private:
  static auto IsChainLink(size_t type, size_t previous) -> bool {
    switch (type) {
      case WingLexer::DOT: case WingLexer::QDOT: case WingLexer::BANG: case WingLexer::POWER:
      case WingLexer::STAR: case WingLexer::SLASH: case WingLexer::BACKSLASH: case WingLexer::PERCENT:
      case WingLexer::PLUS: case WingLexer::MINUS: case WingLexer::DQUESTION: case WingLexer::LT:
      case WingLexer::LE: case WingLexer::GT: case WingLexer::GE: case WingLexer::EQ: case WingLexer::NE:
      case WingLexer::AND: case WingLexer::OR: case WingLexer::RANGE: case WingLexer::RANGE_INCL:
        return true;
      case WingLexer::LPAREN: case WingLexer::LBRACK:
        // A call or an index, not a parenthesized expression or an array.
        return previous == WingLexer::IDENTIFIER || previous == WingLexer::RPAREN || previous == WingLexer::RBRACK ||
               previous == WingLexer::INTRINSIC || previous == WingLexer::SUPER || previous == WingLexer::THIS;
      default:
        return false;
    }
  }
  static auto IsSeparator(size_t type) -> bool {
    return type == WingLexer::SEMI || type == WingLexer::COMMA || type == WingLexer::COLON ||
           type == WingLexer::ASSIGN || type == WingLexer::FAT_ARROW || type == WingLexer::LBRACE ||
           type == WingLexer::RBRACE || (type >= WingLexer::BRING && type <= WingLexer::EXTERN);
  }

  int limit_;
  int prefix_run_ = 0;
  std::vector<int> links_;  // per open delimiter: chain links since the last separator
};

}  // namespace

auto ScanTokens(antlr4::CommonTokenStream& tokens, const TokenSpans& spans, const SourceManager& sources,
                SyntaxErrors& errors, int max_nesting) -> bool {
  Layout layout(sources, spans.File());
  NestingMeter meter(max_nesting);
  std::vector<antlr4::Token*> open;           // delimiters not closed yet
  std::vector<antlr4::Token*> open_strings;   // `"` not closed yet
  antlr4::Token* misindented = nullptr;       // first `{` closed at another indent
  antlr4::Token* delimiter_error = nullptr;   // first unbalanced delimiter
  antlr4::Token* previous_error_char = nullptr;
  size_t previous_type = antlr4::Token::INVALID_TYPE;
  bool parseable = true;

  // Lexes as it goes, so that a hopeless file stops costing time (and the
  // memory of its tokens) as soon as that is clear.
  size_t scanned = 0;
  for (bool done = false; !done;) {
    done = tokens.LT(1)->getType() == antlr4::Token::EOF;
    if (tokens.size() > kMaxTokens) {
      errors.Report(DiagnosticKind::kSyntaxError, spans.Of(tokens.get(kMaxTokens)),
                    fmt::format("the file is too large: wdsl parses at most {} tokens per file", kMaxTokens));
      return false;
    }
    for (; scanned < tokens.size(); ++scanned) {
      antlr4::Token* token = tokens.get(scanned);
      auto* writable = dynamic_cast<antlr4::WritableToken*>(token);
      size_t type = token->getType();
      if (type == WingLexer::ERROR_CHAR) {
        // One report per run of unknown characters (`$$$`, a pasted emoji).
        bool adjacent = previous_error_char != nullptr &&
                        previous_error_char->getStopIndex() + 1 == token->getStartIndex();
        if (!adjacent) {
          errors.Report(DiagnosticKind::kUnexpectedToken, spans.Of(token),
                        fmt::format("character {}", DescribeCharacter(token->getText())));
        }
        previous_error_char = token;
        writable->setChannel(antlr4::Token::HIDDEN_CHANNEL);
      } else if (type == WingLexer::INVALID_NUMBER) {
        errors.Report(DiagnosticKind::kInvalidNumber, spans.Of(token), token->getText());
        writable->setType(WingLexer::NUMBER);
      } else if (type == WingLexer::UNTERMINATED_RAW_STRING) {
        errors.Report(DiagnosticKind::kUnterminatedString, spans.Of(token));
        parseable = false;
      } else if (type == WingLexer::UNTERMINATED_COMMENT) {
        Span start = spans.Of(token);
        errors.Report(DiagnosticKind::kSyntaxError, Span{start.file, start.begin, start.begin + 2},
                      "unterminated comment: `/*` without a closing `*/`");
        writable->setChannel(antlr4::Token::HIDDEN_CHANNEL);
      } else if (type == WingLexer::STRING_START) {
        open_strings.push_back(token);
      } else if (type == WingLexer::STRING_END) {
        if (!open_strings.empty()) open_strings.pop_back();
      }
      if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
      if (previous_error_char != nullptr && previous_error_char->getTokenIndex() + 1 == token->getTokenIndex()) {
        errors.Shadow(token->getTokenIndex());
      }
      if (!meter.Add(type, previous_type)) {
        errors.Report(DiagnosticKind::kTooDeeplyNested, spans.Of(token), max_nesting);
        return false;
      }
      previous_type = type;
      if (delimiter_error != nullptr) continue;
      if (IsOpener(type)) {
        open.push_back(token);
      } else if (IsCloser(type)) {
        if (open.empty() || CloserOf(open.back()->getType()) != type) {
          delimiter_error = token;
          continue;
        }
        antlr4::Token* opener = open.back();
        open.pop_back();
        // A `{` that ends its line, closed by a `}` that starts a line with a
        // different indentation, is the likely home of a missing `}`.
        Span opener_span = spans.Of(opener);
        Span closer_span = spans.Of(token);
        if (misindented == nullptr && opener->getType() == WingLexer::LBRACE && layout.LastOnLine(opener_span.end) &&
            layout.FirstOnLine(closer_span.begin) &&
            layout.Indent(opener_span.begin) != layout.Indent(closer_span.begin)) {
          misindented = opener;
        }
      }
    }
    if (!done) tokens.consume();
  }

  // An unterminated string turns the rest of the file into its text, so
  // nothing after its opening quote is worth another message.
  if (!open_strings.empty()) {
    errors.Report(DiagnosticKind::kUnterminatedString, spans.Of(open_strings.front()));
    return false;
  }
  if (delimiter_error != nullptr) {
    if (open.empty()) {
      errors.Report(DiagnosticKind::kUnexpectedToken, spans.Of(delimiter_error),
                    fmt::format("`{}` with no matching `{}`", Text(delimiter_error->getType()),
                                Text(OpenerOf(delimiter_error->getType()))));
    } else {
      antlr4::Token* opener = open.back();
      errors.Report(DiagnosticKind::kUnclosedDelimiter, spans.Of(delimiter_error), Text(CloserOf(opener->getType())),
                    Text(opener->getType()), Position(sources, spans.Of(opener)));
    }
    return false;
  }
  if (!open.empty()) {
    antlr4::Token* culprit = misindented != nullptr ? misindented : open.back();
    errors.Report(DiagnosticKind::kUnclosedDelimiter, spans.Of(culprit), Text(CloserOf(culprit->getType())),
                  Text(culprit->getType()), Position(sources, spans.Of(culprit)));
    return false;
  }
  tokens.seek(0);
  return parseable;
}

}  // namespace wdsl::parse
