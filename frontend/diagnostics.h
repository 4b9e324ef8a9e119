// Diagnostics as data: every kind is declared once in diagnostic_kinds.def with
// its code and message format; the compiler reports many per run, never stops
// at the first, and never throws for a user error.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "frontend/source.h"

namespace wdsl {

enum class DiagnosticKind : uint16_t {
#define DIAGNOSTIC(name, code, format) k##name,
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

struct DiagnosticInfo {
  std::string_view name;
  std::string_view code;    // "E0200"; a leading 'W' marks a warning
  std::string_view format;  // fmt format string
};

auto InfoOf(DiagnosticKind kind) -> const DiagnosticInfo&;
auto AllDiagnosticKinds() -> std::vector<DiagnosticKind>;

enum class Severity : uint8_t { kError, kWarning };

struct DiagnosticNote {
  Span span;
  bool has_span = true;
  std::string message;
};

struct Diagnostic {
  DiagnosticKind kind;
  Severity severity = Severity::kError;
  Span span;
  std::string message;
  std::string label;  // printed under the caret: "did you mean `bucket`?"
  std::vector<DiagnosticNote> notes;
};

// Collects diagnostics for one compilation. Shared by every stage.
class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 100;

  explicit Diagnostics(const SourceManager& sources) : sources_(&sources) {}

  // Reports `kind` at `span`, formatting the kind's message with `args`.
  // The returned reference stays valid until the next Report.
  template <typename... Args>
  auto Report(DiagnosticKind kind, Span span, Args&&... args) -> Diagnostic& {
    return Add(kind, span, fmt::format(fmt::runtime(InfoOf(kind).format), std::forward<Args>(args)...));
  }

  auto Add(DiagnosticKind kind, Span span, std::string message) -> Diagnostic&;

  auto HasErrors() const -> bool { return error_count_ > 0; }
  auto ErrorCount() const -> size_t { return error_count_; }
  auto All() const -> const std::vector<Diagnostic>& { return list_; }
  // True once kMaxErrors errors were reported; further reports are dropped.
  auto Saturated() const -> bool { return error_count_ >= kMaxErrors; }

  // Orders by file and position; keeps the first of identical reports.
  void SortAndDedupe();

  // Human-readable form: location, severity, code, message, the source line
  // with a caret underline, and the notes.
  auto Render(const Diagnostic& d, bool color) const -> std::string;
  auto RenderAll(bool color) const -> std::string;
  auto Sources() const -> const SourceManager& { return *sources_; }

 private:
  const SourceManager* sources_;
  std::vector<Diagnostic> list_;
  Diagnostic dropped_{};  // target for reports past the cap
  size_t error_count_ = 0;
};

// The closest of `candidates` to `name` by edit distance, or "" when none is
// close enough to be a plausible typo. Used for "did you mean" suggestions.
auto ClosestName(std::string_view name, const std::vector<std::string>& candidates) -> std::string;

}  // namespace wdsl
