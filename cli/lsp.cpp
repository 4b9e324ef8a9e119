#include "cli/lsp.h"

#include <ext/stdio_filebuf.h>
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cli/driver.h"
#include "frontend/ast.h"
#include "frontend/check.h"

namespace wdsl {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Edits that arrive this close together are compiled once, for the last one.
constexpr auto kQuiet = std::chrono::milliseconds(20);

// `Content-Length: N` headers, a blank line, N bytes of JSON.
auto ReadMessage(std::istream& in, Json& message) -> bool {
  size_t length = 0;
  bool have_length = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (have_length) break;
      continue;
    }
    constexpr std::string_view kHeader = "Content-Length:";
    if (line.size() > kHeader.size() && line.compare(0, kHeader.size(), kHeader) == 0) {
      length = std::stoul(line.substr(kHeader.size()));
      have_length = true;
    }
  }
  if (!have_length || !in) return false;
  std::string body(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<size_t>(in.gcount()) != length) return false;
  message = Json::parse(body, nullptr, false);
  return !message.is_discarded();
}

auto HexValue(char c) -> int {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// file:///home/a%20b/main.w -> /home/a b/main.w
auto UriToPath(const std::string& uri) -> std::string {
  std::string rest = uri.starts_with("file://") ? uri.substr(7) : uri;
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 && HexValue(rest[i + 2]) >= 0) {
      path += static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  return path;
}

auto PathToUri(const std::string& path) -> std::string {
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos) {
      uri += static_cast<char>(c);
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  return uri;
}

// LSP positions are 0-based; the SourceManager's are 1-based code points
// (the same as UTF-16 units outside the astral planes).
auto RangeOf(const SourceManager& sources, const Span& span) -> Json {
  if (span.file >= sources.FileCount()) {
    return {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
  }
  LineCol start = sources.Locate(span.file, span.begin);
  LineCol end = sources.Locate(span.file, std::max(span.begin, span.end));
  return {{"start", {{"line", start.line - 1}, {"character", start.col - 1}}},
          {"end", {{"line", end.line - 1}, {"character", end.col - 1}}}};
}

struct Document {
  std::string text;
  int version = 0;
};

class Server {
 public:
  Server(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  auto Run() -> int {
    std::thread worker([this] { Work(); });
    int code = 1;
    Json message;
    while (ReadMessage(in_, message)) {
      std::string method = message.value("method", "");
      if (method == "exit") {
        code = shutdown_ ? 0 : 1;
        break;
      }
      try {
        Handle(method, message);
      } catch (const std::exception& error) {
        if (message.contains("id")) Reply(message["id"], nullptr, -32603, error.what());
      }
    }
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    worker.join();
    return code;
  }

 private:
  void Send(const Json& message) {
    std::string body = message.dump();
    std::lock_guard lock(out_mutex_);
    out_ << "Content-Length: " << body.size() << "\r\n\r\n" << body;
    out_.flush();
  }

  void Reply(const Json& id, const Json& result, int error_code = 0, const std::string& error = "") {
    Json reply = {{"jsonrpc", "2.0"}, {"id", id}};
    if (error_code != 0) {
      reply["error"] = {{"code", error_code}, {"message", error}};
    } else {
      reply["result"] = result;
    }
    Send(reply);
  }

  void Handle(const std::string& method, const Json& message) {
    const Json& params = message.contains("params") ? message["params"] : Json::object();
    if (method == "initialize") {
      Reply(message["id"], {{"capabilities",
                             {{"textDocumentSync", {{"openClose", true}, {"change", 1}}},
                              {"documentSymbolProvider", true}}},
                            {"serverInfo", {{"name", "wdsl"}, {"version", "0.1.0"}}}});
      return;
    }
    if (method == "shutdown") {
      shutdown_ = true;
      Reply(message["id"], nullptr);
      return;
    }
    if (method == "textDocument/didOpen" || method == "textDocument/didChange") {
      const Json& document = params["textDocument"];
      std::string uri = document.value("uri", "");
      std::string text;
      if (method == "textDocument/didOpen") {
        text = document.value("text", "");
      } else {
        // Full synchronization: the last change holds the whole text.
        const Json& changes = params.value("contentChanges", Json::array());
        if (changes.empty()) return;
        text = changes.back().value("text", "");
      }
      std::lock_guard lock(mutex_);
      documents_[uri] = {std::move(text), document.value("version", 0)};
      due_[uri] = Clock::now() + kQuiet;
      changed_.notify_all();
      return;
    }
    if (method == "textDocument/didClose") {
      std::string uri = params["textDocument"].value("uri", "");
      {
        std::lock_guard lock(mutex_);
        documents_.erase(uri);
        due_.erase(uri);
      }
      Send({{"jsonrpc", "2.0"},
            {"method", "textDocument/publishDiagnostics"},
            {"params", {{"uri", uri}, {"diagnostics", Json::array()}}}});
      return;
    }
    if (method == "textDocument/documentSymbol") {
      std::string uri = params["textDocument"].value("uri", "");
      Document document;
      {
        std::lock_guard lock(mutex_);
        auto it = documents_.find(uri);
        if (it != documents_.end()) document = it->second;
      }
      Reply(message["id"], Symbols(uri, document.text));
      return;
    }
    if (message.contains("id")) Reply(message["id"], nullptr, -32601, "method not supported: " + method);
  }

  // The worker: compiles documents whose quiet period is over, one at a time.
  void Work() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (due_.empty()) {
        changed_.wait(lock);
        continue;
      }
      auto next = std::min_element(due_.begin(), due_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      if (Clock::now() < next->second) {
        changed_.wait_until(lock, next->second);
        continue;
      }
      std::string uri = next->first;
      due_.erase(next);
      Document document = documents_[uri];
      lock.unlock();
      Publish(uri, document);
      lock.lock();
    }
  }

  void Publish(const std::string& uri, const Document& document) {
    std::lock_guard frontend(frontend_mutex_);
    std::string path = UriToPath(uri);
    CompileOptions options;
    options.entry = path;
    options.entry_text = document.text;
    options.images = true;
    SourceManager sources;
    Diagnostics diagnostics(sources);
    Compile(options, sources, diagnostics);
    std::map<std::string, Json> by_file = {{uri, Json::array()}};
    for (const Diagnostic& d : diagnostics.All()) {
      std::string file_uri = uri;
      if (d.span.file < sources.FileCount()) {
        const std::string& file = sources.File(d.span.file).path;
        if (file.starts_with("<stdlib>")) continue;
        file_uri = file == path ? uri : PathToUri(std::filesystem::absolute(file).lexically_normal().string());
      }
      const DiagnosticInfo& info = InfoOf(d.kind);
      Json diagnostic = {{"range", RangeOf(sources, d.span)},
                         {"severity", d.severity == Severity::kError ? 1 : 2},
                         {"code", std::string(info.code)},
                         {"source", "wdsl"},
                         {"message", d.label.empty() ? d.message : d.message + "\n" + d.label}};
      Json related = Json::array();
      for (const DiagnosticNote& note : d.notes) {
        if (!note.has_span || note.span.file >= sources.FileCount()) continue;
        const std::string& file = sources.File(note.span.file).path;
        if (file.starts_with("<stdlib>")) continue;
        related.push_back(
            {{"location",
              {{"uri", file == path ? uri : PathToUri(std::filesystem::absolute(file).lexically_normal().string())},
               {"range", RangeOf(sources, note.span)}}},
             {"message", note.message}});
      }
      if (!related.empty()) diagnostic["relatedInformation"] = related;
      by_file[file_uri].push_back(diagnostic);
    }
    // Files that had diagnostics from this document before and have none now are cleared.
    std::set<std::string>& previous = published_[uri];
    for (const std::string& old : previous) by_file.emplace(old, Json::array());
    previous.clear();
    for (const auto& [file_uri, list] : by_file) {
      if (!list.empty()) previous.insert(file_uri);
      Json params = {{"uri", file_uri}, {"diagnostics", list}};
      if (file_uri == uri) params["version"] = document.version;
      Send({{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", params}});
    }
  }

  // Declarations of the document's top level (and members of its types).
  auto Symbols(const std::string& uri, const std::string& text) -> Json {
    std::lock_guard frontend(frontend_mutex_);
    SourceManager sources;
    Diagnostics diagnostics(sources);
    ast::Ast ast;
    LoadedProgram loaded = LoadText(UriToPath(uri), text, sources, ast, diagnostics);
    Json symbols = Json::array();
    if (loaded.entry == nullptr) return symbols;
    auto symbol = [&](const std::string& name, int kind, const Span& range, const Span& selection) {
      return Json{{"name", name.empty() ? "(anonymous)" : name},
                  {"kind", kind},
                  {"range", RangeOf(sources, range)},
                  {"selectionRange", RangeOf(sources, selection)},
                  {"children", Json::array()}};
    };
    // LSP SymbolKind values.
    constexpr int kClass = 5, kMethod = 6, kField = 8, kConstructor = 9, kEnum = 10, kInterface = 11,
                  kFunction = 12, kVariable = 13, kConstant = 14, kEnumMember = 22, kStruct = 23;
    for (const ast::Stmt* stmt : loaded.entry->stmts) {
      if (const auto* let = ast::As<ast::LetStmt>(stmt)) {
        symbols.push_back(symbol(let->name, let->is_var ? kVariable : kConstant, let->span, let->name_span));
      } else if (const auto* klass = ast::As<ast::ClassStmt>(stmt)) {
        Json entry = symbol(klass->name, kClass, klass->span, klass->name_span);
        for (const ast::FieldDecl& field : klass->fields) {
          entry["children"].push_back(symbol(field.name, kField, field.span, field.span));
        }
        for (const ast::FunctionDecl& method : klass->methods) {
          entry["children"].push_back(
              symbol(method.name, method.is_constructor ? kConstructor : kMethod, method.span, method.span));
        }
        symbols.push_back(entry);
      } else if (const auto* structure = ast::As<ast::StructStmt>(stmt)) {
        Json entry = symbol(structure->name, kStruct, structure->span, structure->name_span);
        for (const ast::FieldDecl& field : structure->fields) {
          entry["children"].push_back(symbol(field.name, kField, field.span, field.span));
        }
        symbols.push_back(entry);
      } else if (const auto* interface = ast::As<ast::InterfaceStmt>(stmt)) {
        Json entry = symbol(interface->name, kInterface, interface->span, interface->name_span);
        for (const ast::FunctionDecl& method : interface->methods) {
          entry["children"].push_back(symbol(method.name, kMethod, method.span, method.span));
        }
        symbols.push_back(entry);
      } else if (const auto* enumeration = ast::As<ast::EnumStmt>(stmt)) {
        Json entry = symbol(enumeration->name, kEnum, enumeration->span, enumeration->name_span);
        for (const auto& [name, span] : enumeration->members) {
          entry["children"].push_back(symbol(name, kEnumMember, span, span));
        }
        symbols.push_back(entry);
      } else if (const auto* test = ast::As<ast::TestStmt>(stmt)) {
        symbols.push_back(symbol("test \"" + test->name + "\"", kFunction, test->span, test->span));
      }
    }
    return symbols;
  }

  std::istream& in_;
  std::ostream& out_;
  std::mutex out_mutex_;
  std::mutex frontend_mutex_;  // one compilation at a time (the ANTLR runtime's caches)
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Document> documents_;
  std::map<std::string, Clock::time_point> due_;      // documents waiting for their quiet period
  std::map<std::string, std::set<std::string>> published_;  // document -> files it put diagnostics on
  bool stopping_ = false;
  bool shutdown_ = false;
};

}  // namespace

auto RunLanguageServer(std::istream& in, std::ostream& out) -> int { return Server(in, out).Run(); }

auto RunLanguageServerOnStdio() -> int {
  // Standard output is the protocol's channel: anything else the compiler
  // prints there (a preflight `log(...)`) goes to standard error instead.
  int protocol = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  __gnu_cxx::stdio_filebuf<char> buffer(protocol, std::ios::out);
  std::ostream out(&buffer);
  std::ios::sync_with_stdio(false);
  return RunLanguageServer(std::cin, out);
}

}  // namespace wdsl
