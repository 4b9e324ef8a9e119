// `wdsl lsp`: the Language Server Protocol over stdio (issue #10), from the
// compiler's own front end. Today: diagnostics on open and change (the
// compiler's, with codes and related locations, debounced and computed on a
// worker thread so requests are answered meanwhile) and document symbols.
// docs/editors.md lists what the server answers.
#pragma once

#include <istream>
#include <ostream>

namespace wdsl {

// Serves one client until `exit` or the end of `in`; returns the process's
// exit code (0 after shutdown + exit, 1 when `exit` came without `shutdown`).
auto RunLanguageServer(std::istream& in, std::ostream& out) -> int;

// The same on standard input and output, with everything else the process
// would print on standard output sent to standard error.
auto RunLanguageServerOnStdio() -> int;

}  // namespace wdsl
