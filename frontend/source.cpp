#include "frontend/source.h"

#include <algorithm>

namespace wdsl {

auto SourceManager::Add(std::string path, std::string text) -> FileId {
  SourceFile file{std::move(path), std::move(text), {0}};
  for (uint32_t i = 0; i < file.text.size(); ++i) {
    if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(file));
  return static_cast<FileId>(files_.size() - 1);
}

auto SourceManager::Locate(FileId id, uint32_t offset) const -> LineCol {
  const SourceFile& file = files_[id];
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(file.text.size()));
  auto it = std::upper_bound(file.line_starts.begin(), file.line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - file.line_starts.begin());
  uint32_t col = 1;
  for (uint32_t i = file.line_starts[line - 1]; i < offset; ++i) {
    // Continuation bytes (10xxxxxx) do not start a new column.
    if ((static_cast<unsigned char>(file.text[i]) & 0xC0) != 0x80) ++col;
  }
  return LineCol{line, col};
}

auto SourceManager::LineText(FileId id, uint32_t line) const -> std::string_view {
  const SourceFile& file = files_[id];
  if (line == 0 || line > file.line_starts.size()) return {};
  uint32_t begin = file.line_starts[line - 1];
  uint32_t end = line < file.line_starts.size() ? file.line_starts[line] : file.text.size();
  std::string_view text(file.text.data() + begin, end - begin);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

auto SourceManager::SpanAt(std::string_view path, uint32_t line, uint32_t col) const -> Span {
  for (FileId id = 0; id < files_.size(); ++id) {
    const SourceFile& file = files_[id];
    if (file.path != path || line == 0 || line > file.line_starts.size()) continue;
    uint32_t offset = file.line_starts[line - 1];
    for (uint32_t c = 1; c < col && offset < file.text.size();) {
      ++offset;
      if (offset >= file.text.size() || (static_cast<unsigned char>(file.text[offset]) & 0xC0) != 0x80) ++c;
    }
    // To the end of the expression that starts there: a `,` or `;` outside
    // brackets and strings, a bracket it did not open, or the line's end.
    uint32_t end = offset;
    int depth = 0;
    for (; end < file.text.size(); ++end) {
      char c = file.text[end];
      if (c == '"') {
        for (++end; end < file.text.size() && file.text[end] != '"' && file.text[end] != '\n'; ++end) {
          if (file.text[end] == '\\') ++end;
        }
        if (end >= file.text.size() || file.text[end] == '\n') break;
        continue;
      }
      if (c == '\n' || ((c == ',' || c == ';') && depth == 0)) break;
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) break;
        --depth;
      }
    }
    while (end > offset && (file.text[end - 1] == ' ' || file.text[end - 1] == '\t' || file.text[end - 1] == '\r')) --end;
    return Span{id, offset, std::max(end, offset + 1)};
  }
  return Span{};
}

auto SourceManager::Describe(const Span& span) const -> std::string {
  LineCol lc = Start(span);
  return files_[span.file].path + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

}  // namespace wdsl
