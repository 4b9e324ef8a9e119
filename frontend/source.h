// Source files and spans: every diagnostic and every IR entity points back here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wdsl {

using FileId = uint32_t;

// A half-open byte range [begin, end) in one source file.
struct Span {
  FileId file = 0;
  uint32_t begin = 0;
  uint32_t end = 0;

  static auto Cover(const Span& a, const Span& b) -> Span {
    return Span{a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

// 1-based line and column; the column counts UTF-8 code points, as editors do.
struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

struct SourceFile {
  std::string path;  // as the user named it (relative paths stay relative)
  std::string text;
  std::vector<uint32_t> line_starts;  // byte offset of each line's first byte
};

// Owns the text of every file of a compilation (main.w, brought files, the
// embedded stdlib) so spans stay valid for as long as diagnostics live.
class SourceManager {
 public:
  auto Add(std::string path, std::string text) -> FileId;
  auto File(FileId id) const -> const SourceFile& { return files_[id]; }
  auto FileCount() const -> size_t { return files_.size(); }
  auto Locate(FileId id, uint32_t offset) const -> LineCol;
  auto Start(const Span& span) const -> LineCol { return Locate(span.file, span.begin); }
  // The text of a 1-based line without its line terminator.
  auto LineText(FileId id, uint32_t line) const -> std::string_view;
  // The span that starts at `line`:`col` (1-based, columns in code points)
  // of the file added as `path` and runs to the end of the expression there
  // (a `,` or `;` outside brackets and strings, a closing bracket it did not
  // open, or the line's end). Positions kept by the IR come back to
  // source spans this way. An unknown file or line gives an empty Span.
  auto SpanAt(std::string_view path, uint32_t line, uint32_t col) const -> Span;
  // "path:line:col" of a span's start.
  auto Describe(const Span& span) const -> std::string;

 private:
  std::vector<SourceFile> files_;
};

}  // namespace wdsl
