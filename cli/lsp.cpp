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

#include "cli/lsp_answers.h"

namespace wdsl {
namespace {

using lsp::Json;
using Clock = std::chrono::steady_clock;

// Debouncing: an edit after a quiet spell is compiled at once; edits that
// come within this long of the last compilation's start (a user typing) wait
// until this long passes without another, and are compiled once, for the
// last. Edits that come during a compilation wait for it to end.
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
                              {"documentSymbolProvider", true},
                              {"hoverProvider", true},
                              {"definitionProvider", true},
                              {"completionProvider", {{"triggerCharacters", {"."}}}},
                              {"semanticTokensProvider", {{"legend", lsp::SemanticTokensLegend()}, {"full", true}}}}},
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
      auto now = Clock::now();
      auto last = started_.find(uri);
      due_[uri] = last != started_.end() && now - last->second < kQuiet ? now + kQuiet : now;
      changed_.notify_all();
      return;
    }
    if (method == "textDocument/didClose") {
      std::string uri = params["textDocument"].value("uri", "");
      {
        std::lock_guard lock(mutex_);
        documents_.erase(uri);
        due_.erase(uri);
        started_.erase(uri);
        analyses_.erase(uri);
      }
      Send({{"jsonrpc", "2.0"},
            {"method", "textDocument/publishDiagnostics"},
            {"params", {{"uri", uri}, {"diagnostics", Json::array()}}}});
      return;
    }
    if (method == "textDocument/completion") {
      std::string uri = params["textDocument"].value("uri", "");
      Document document;
      {
        std::lock_guard lock(mutex_);
        auto it = documents_.find(uri);
        if (it == documents_.end()) return Reply(message["id"], nullptr);
        document = it->second;
      }
      std::lock_guard frontend(frontend_mutex_);
      Reply(message["id"], lsp::Completion(uri, document.text, params.value("position", Json::object())));
      return;
    }
    if (method == "textDocument/documentSymbol" || method == "textDocument/hover" ||
        method == "textDocument/definition" || method == "textDocument/semanticTokens/full") {
      std::shared_ptr<const lsp::Analysis> analysis = Current(params["textDocument"].value("uri", ""));
      if (analysis == nullptr) return Reply(message["id"], nullptr);
      Json position = params.value("position", Json::object());
      Reply(message["id"], method == "textDocument/documentSymbol" ? lsp::DocumentSymbols(*analysis)
                           : method == "textDocument/hover"        ? lsp::Hover(*analysis, position)
                           : method == "textDocument/definition"   ? lsp::Definition(*analysis, position)
                                                                   : lsp::SemanticTokens(*analysis));
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
      started_[uri] = Clock::now();
      lock.unlock();
      Publish(uri, document);
      lock.lock();
    }
  }

  void Publish(const std::string& uri, const Document& document) {
    std::shared_ptr<lsp::Analysis> analysis;
    {
      std::lock_guard frontend(frontend_mutex_);
      analysis = lsp::Analyze(uri, document.text, document.version, true);
    }
    std::map<std::string, Json> by_file = lsp::DiagnosticsByFile(*analysis);
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
    {
      std::lock_guard lock(mutex_);
      // A document closed meanwhile keeps no analysis.
      if (documents_.contains(uri)) analyses_[uri] = std::move(analysis);
    }
    analyzed_.notify_all();
  }

  // The analysis of a document's current text. A request that comes while an
  // edit waits for its quiet period compiles it now and waits for it, so
  // answers never describe text the editor no longer shows.
  auto Current(const std::string& uri) -> std::shared_ptr<const lsp::Analysis> {
    std::unique_lock lock(mutex_);
    auto document = documents_.find(uri);
    if (document == documents_.end()) return nullptr;
    auto due = due_.find(uri);
    if (due != due_.end()) {
      due->second = Clock::now();
      changed_.notify_all();
    }
    analyzed_.wait_for(lock, std::chrono::seconds(10), [&] {
      auto it = analyses_.find(uri);
      return stopping_ || !documents_.contains(uri) ||
             (it != analyses_.end() && it->second->version == documents_[uri].version && !due_.contains(uri));
    });
    auto it = analyses_.find(uri);
    return it != analyses_.end() ? it->second : nullptr;
  }

  std::istream& in_;
  std::ostream& out_;
  std::mutex out_mutex_;
  std::mutex frontend_mutex_;  // one compilation at a time (the ANTLR runtime's caches)
  std::mutex mutex_;
  std::condition_variable changed_;
  std::condition_variable analyzed_;  // a new analysis was stored
  std::map<std::string, std::shared_ptr<const lsp::Analysis>> analyses_;  // the last compiled version of each document
  std::map<std::string, Document> documents_;
  std::map<std::string, Clock::time_point> started_;  // when each document's last compilation started
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
