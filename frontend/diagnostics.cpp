#include "frontend/diagnostics.h"

#include <algorithm>
#include <array>

namespace wdsl {
namespace {

constexpr std::array kInfos = {
#define DIAGNOSTIC(name, code, format) DiagnosticInfo{#name, code, format},
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

auto EditDistance(std::string_view a, std::string_view b) -> size_t {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Column width of the text between two byte offsets, counting code points.
auto Width(std::string_view text) -> size_t {
  size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace

auto InfoOf(DiagnosticKind kind) -> const DiagnosticInfo& { return kInfos[static_cast<size_t>(kind)]; }

auto AllDiagnosticKinds() -> std::vector<DiagnosticKind> {
  std::vector<DiagnosticKind> kinds;
  for (size_t i = 0; i < kInfos.size(); ++i) kinds.push_back(static_cast<DiagnosticKind>(i));
  return kinds;
}

auto Diagnostics::Add(DiagnosticKind kind, Span span, std::string message) -> Diagnostic& {
  Severity severity = InfoOf(kind).code[0] == 'W' ? Severity::kWarning : Severity::kError;
  if (severity == Severity::kError) {
    if (error_count_ >= kMaxErrors) {
      dropped_ = Diagnostic{kind, severity, span, std::move(message), {}, {}};
      return dropped_;
    }
    if (++error_count_ == kMaxErrors) {
      list_.push_back(Diagnostic{kind, severity, span, std::move(message), {}, {}});
      list_.push_back(Diagnostic{DiagnosticKind::kTooManyErrors, Severity::kError, span,
                                 fmt::format(fmt::runtime(InfoOf(DiagnosticKind::kTooManyErrors).format), kMaxErrors),
                                 {}, {}});
      return list_[list_.size() - 2];
    }
  }
  list_.push_back(Diagnostic{kind, severity, span, std::move(message), {}, {}});
  return list_.back();
}

void Diagnostics::SortAndDedupe() {
  std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.kind == DiagnosticKind::kTooManyErrors || b.kind == DiagnosticKind::kTooManyErrors) {
      return b.kind == DiagnosticKind::kTooManyErrors && a.kind != DiagnosticKind::kTooManyErrors;
    }
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    return a.span.begin < b.span.begin;
  });
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.kind == b.kind && a.span.file == b.span.file && a.span.begin == b.span.begin && a.message == b.message;
  };
  list_.erase(std::unique(list_.begin(), list_.end(), same), list_.end());
}

auto Diagnostics::Render(const Diagnostic& d, bool color) const -> std::string {
  const char* bold = color ? "\033[1m" : "";
  const char* red = color ? "\033[1;31m" : "";
  const char* yellow = color ? "\033[1;33m" : "";
  const char* cyan = color ? "\033[1;36m" : "";
  const char* reset = color ? "\033[0m" : "";
  const DiagnosticInfo& info = InfoOf(d.kind);
  bool warning = d.severity == Severity::kWarning;
  std::string out;
  if (d.span.file < sources_->FileCount()) {
    out += fmt::format("{}{}: {}", bold, sources_->Describe(d.span), reset);
  }
  out += fmt::format("{}{}[{}]{}: {}{}{}\n", warning ? yellow : red, warning ? "warning" : "error", info.code, reset,
                     bold, d.message, reset);
  if (d.span.file < sources_->FileCount()) {
    LineCol start = sources_->Start(d.span);
    std::string_view line = sources_->LineText(d.span.file, start.line);
    std::string gutter = std::to_string(start.line);
    std::string pad(gutter.size(), ' ');
    out += fmt::format(" {} {}|{} {}\n", gutter, cyan, reset, line);
    // Underline up to the end of the span or of the line, at least one caret.
    const SourceFile& file = sources_->File(d.span.file);
    uint32_t line_begin = file.line_starts[start.line - 1];
    size_t before = std::min<size_t>(d.span.begin - line_begin, line.size());
    size_t end_in_line = std::min<size_t>(d.span.end > line_begin ? d.span.end - line_begin : 0, line.size());
    size_t carets = end_in_line > before ? Width(line.substr(before, end_in_line - before)) : 1;
    std::string indent;
    for (char c : line.substr(0, before)) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) indent += c == '\t' ? '\t' : ' ';
    }
    out += fmt::format(" {} {}|{} {}{}{}{}{}\n", pad, cyan, reset, indent, warning ? yellow : red,
                       std::string(std::max<size_t>(carets, 1), '^'), d.label.empty() ? "" : " " + d.label, reset);
  }
  for (const DiagnosticNote& note : d.notes) {
    if (note.has_span && note.span.file < sources_->FileCount()) {
      out += fmt::format("{}{}: {}{}note{}: {}\n", bold, sources_->Describe(note.span), reset, cyan, reset,
                         note.message);
    } else {
      out += fmt::format("  {}= note{}: {}\n", cyan, reset, note.message);
    }
  }
  return out;
}

auto Diagnostics::RenderAll(bool color) const -> std::string {
  std::string out;
  for (const Diagnostic& d : list_) out += Render(d, color);
  return out;
}

auto ClosestName(std::string_view name, const std::vector<std::string>& candidates) -> std::string {
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace wdsl
