// The language server's answers about one version of a document: compile it
// once (keeping the checked AST and an index of its names), then answer
// diagnostics, hover, definition, completion, semantic tokens and document
// symbols from that. cli/lsp.cpp owns the protocol and the threads.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "cli/driver.h"
#include "frontend/diagnostics.h"
#include "frontend/index.h"

namespace wdsl::lsp {

using Json = nlohmann::json;

auto UriToPath(const std::string& uri) -> std::string;
auto PathToUri(const std::string& path) -> std::string;

// One compiled version of a document. Immutable once built, so requests read
// it on any thread while the next version compiles.
struct Analysis {
  std::string uri;
  std::string path;
  int version = 0;
  SourceManager sources;
  Diagnostics diagnostics{sources};
  CheckedProgram program;
  std::unique_ptr<SourceIndex> index;  // null when the checker did not run
  FileId entry = 0;                    // the document's own file
};

// Compiles `text` as the file at `uri` (brought files are read from disk).
// `full`: every stage, for diagnostics; otherwise only load and check.
// Callers serialize calls (the ANTLR runtime's caches are shared).
auto Analyze(const std::string& uri, const std::string& text, int version, bool full) -> std::shared_ptr<Analysis>;

// textDocument/publishDiagnostics notifications, by file URI: the document's
// own (with `version`) and those of brought files.
auto DiagnosticsByFile(const Analysis& analysis) -> std::map<std::string, Json>;

auto Hover(const Analysis& analysis, const Json& position) -> Json;
auto Definition(const Analysis& analysis, const Json& position) -> Json;
auto SemanticTokens(const Analysis& analysis) -> Json;
auto SemanticTokensLegend() -> Json;
auto DocumentSymbols(const Analysis& analysis) -> Json;
// Completion compiles the text with a placeholder name at the cursor, so it
// works in the half-typed code a user is writing (`bucket.` with no name yet).
auto Completion(const std::string& uri, const std::string& text, const Json& position) -> Json;

}  // namespace wdsl::lsp
