// Internal to the parser (frontend/parse*.cpp): what happens to the text and
// its tokens before the grammar runs. The lexer never fails (unknown input
// becomes dedicated error tokens), so every lexical problem is reported here,
// in user words, and the parser only ever sees well-formed tokens.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ANTLRInputStream.h"
#include "CommonTokenStream.h"
#include "Token.h"
#include "frontend/diagnostics.h"
#include "frontend/parse.h"

namespace wdsl::parse {

// The byte offset of the first byte that is not part of a well-formed UTF-8
// sequence (overlong forms, surrogates and code points past U+10FFFF
// included), or npos when the whole text is valid.
auto FindInvalidUtf8(std::string_view text) -> size_t;

// ANTLR's input stream over text already checked by FindInvalidUtf8,
// decoded to code points directly: the runtime's own conversion
// (std::wstring_convert) was ~10% of parsing a 200-line program.
class Utf8InputStream : public antlr4::ANTLRInputStream {
 public:
  explicit Utf8InputStream(std::string_view valid_utf8);
};

// ANTLR indexes characters by code point; spans use byte offsets.
class OffsetMap {
 public:
  explicit OffsetMap(std::string_view text);
  auto ByteOf(size_t code_point) const -> uint32_t;

 private:
  std::vector<uint32_t> byte_of_;  // empty when the text is pure ASCII
  uint32_t size_ = 0;
};

// Counts the syntax errors of one file: garbage input gets a screenful of
// diagnostics and a "too many errors" note, not thousands of lines.
class SyntaxErrors {
 public:
  static constexpr int kMax = kMaxSyntaxErrors;

  explicit SyntaxErrors(Diagnostics& diagnostics) : diagnostics_(&diagnostics) {}

  template <typename... Args>
  void Report(DiagnosticKind kind, Span span, Args&&... args) {
    if (count_ >= kMax) return;
    diagnostics_->Report(kind, span, std::forward<Args>(args)...);
    if (++count_ == kMax) diagnostics_->Report(DiagnosticKind::kTooManyErrors, span, kMax);
  }
  auto Count() const -> int { return count_; }
  auto Exhausted() const -> bool { return count_ >= kMax; }

  // The token right after an unknown character was already explained by it
  // (`5 $ 3`): the parser's complaint about it would be a second message
  // for the same mistake.
  void Shadow(size_t token_index) { shadowed_.push_back(token_index); }
  auto IsShadowed(size_t token_index) const -> bool {
    return std::find(shadowed_.begin(), shadowed_.end(), token_index) != shadowed_.end();
  }

 private:
  Diagnostics* diagnostics_;
  int count_ = 0;
  std::vector<size_t> shadowed_;  // few: one per run of unknown characters
};

// Spans of tokens in one file.
class TokenSpans {
 public:
  TokenSpans(FileId file, const OffsetMap& offsets) : file_(file), offsets_(&offsets) {}
  auto Of(const antlr4::Token* token) const -> Span;
  // The empty span just after `token`: where a missing `;` belongs.
  auto After(const antlr4::Token* token) const -> Span;
  auto Cover(const antlr4::Token* first, const antlr4::Token* last) const -> Span;
  auto File() const -> FileId { return file_; }

 private:
  FileId file_;
  const OffsetMap* offsets_;
};

// "3:5", for messages that point at a second place.
auto Position(const SourceManager& sources, const Span& span) -> std::string;

// Reports malformed tokens (unknown characters, invalid numbers, unterminated
// strings and comments) and unbalanced or too deeply nested delimiters.
// Error tokens are moved off the parser's channel (and invalid numbers turned
// into numbers) so that the parser reports only what is left. Returns false
// when the token stream is not worth parsing: an unterminated string swallows
// the rest of the file, and an unbalanced delimiter makes every later
// message a guess.
auto ScanTokens(antlr4::CommonTokenStream& tokens, const TokenSpans& spans, const SourceManager& sources,
                SyntaxErrors& errors, int max_nesting) -> bool;

}  // namespace wdsl::parse
