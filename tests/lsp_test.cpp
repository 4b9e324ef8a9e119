// `wdsl lsp` driven as an editor drives it: JSON-RPC over pipes to the real
// binary. Diagnostics after open and change, document symbols, a preflight
// `log` that must not corrupt the protocol, and a clean shutdown.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/run_wdsl.h"

namespace wdsl::testing {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

class LspClient {
 public:
  LspClient() {
    int to_server[2];
    int from_server[2];
    if (pipe(to_server) != 0 || pipe(from_server) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_server[0], STDIN_FILENO);
      dup2(from_server[1], STDOUT_FILENO);
      close(to_server[1]);
      close(from_server[0]);
      execl(WDSL_BINARY, WDSL_BINARY, "lsp", nullptr);
      _exit(127);
    }
    close(to_server[0]);
    close(from_server[1]);
    in_ = to_server[1];
    out_ = from_server[0];
  }
  ~LspClient() {
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void CloseInput() {
    close(in_);
    in_ = -1;
  }

  void Send(const Json& message) {
    std::string body = message.dump();
    std::string data = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_EQ(write(in_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  void Request(int id, const std::string& method, const Json& params) {
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  }
  void Notify(const std::string& method, const Json& params) {
    Send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // The next message that satisfies `match`, within `seconds` (null: none).
  auto WaitFor(const std::function<bool(const Json&)>& match, double seconds = 20) -> Json {
    auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < end) {
      Json message;
      while (Next(message)) {
        if (match(message)) return message;
      }
      pollfd fd{out_, POLLIN, 0};
      if (poll(&fd, 1, 100) > 0) {
        char chunk[65536];
        ssize_t n = read(out_, chunk, sizeof chunk);
        if (n <= 0) return nullptr;
        buffer_.append(chunk, static_cast<size_t>(n));
      }
    }
    return nullptr;
  }

  auto ExitCode(double seconds = 10) -> int {
    auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < end) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(10000);
    }
    return -2;
  }

 private:
  auto Next(Json& message) -> bool {
    size_t header_end = buffer_.find("\r\n\r\n");
    if (header_end == std::string::npos) return false;
    size_t at = buffer_.find("Content-Length: ");
    size_t length = std::stoul(buffer_.substr(at + 16, header_end - at - 16));
    if (buffer_.size() < header_end + 4 + length) return false;
    message = Json::parse(buffer_.substr(header_end + 4, length));
    buffer_.erase(0, header_end + 4 + length);
    return true;
  }

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffer_;
};

auto IsDiagnosticsFor(const std::string& uri) -> std::function<bool(const Json&)> {
  return [uri](const Json& m) {
    return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
  };
}

TEST(Lsp, DiagnosticsSymbolsAndShutdown) {
  std::string dir = TempDir("lsp");
  std::string uri = "file://" + dir + "/main.w";
  LspClient client;
  client.Request(1, "initialize", {{"processId", nullptr}, {"rootUri", "file://" + dir}, {"capabilities", Json::object()}});
  Json init = client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 1; });
  ASSERT_FALSE(init.is_null());
  EXPECT_EQ(init["result"]["capabilities"]["documentSymbolProvider"], true);
  client.Notify("initialized", Json::object());

  // A typo: E0200 where it is, with the compiler's message.
  client.Notify("textDocument/didOpen",
                {{"textDocument",
                  {{"uri", uri}, {"languageId", "wing"}, {"version", 1},
                   {"text", "bring cloud;\nlet bucket = new cloud.Bucket();\nlog(\"preflight says hi\");\n"
                            "test \"t\" {\n  bukcet.put(\"a\", \"b\");\n}\n"}}}});
  Json first = client.WaitFor(IsDiagnosticsFor(uri));
  ASSERT_FALSE(first.is_null()) << "no diagnostics after didOpen";
  const Json& list = first["params"]["diagnostics"];
  ASSERT_EQ(list.size(), 1u) << first;
  EXPECT_EQ(list[0]["code"], "E0200");
  EXPECT_EQ(list[0]["range"]["start"]["line"], 4);
  EXPECT_EQ(list[0]["range"]["start"]["character"], 2);
  EXPECT_NE(list[0]["message"].get<std::string>().find("bukcet"), std::string::npos);

  // Fixed: the diagnostics are cleared.
  client.Notify("textDocument/didChange",
                {{"textDocument", {{"uri", uri}, {"version", 2}}},
                 {"contentChanges",
                  {{{"text", "bring cloud;\nlet bucket = new cloud.Bucket();\nclass Store {}\n"
                             "test \"t\" {\n  bucket.put(\"a\", \"b\");\n}\n"}}}}});
  Json second = client.WaitFor([&](const Json& m) { return IsDiagnosticsFor(uri)(m) && m["params"]["version"] == 2; });
  ASSERT_FALSE(second.is_null());
  EXPECT_TRUE(second["params"]["diagnostics"].empty()) << second;

  client.Request(2, "textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
  Json symbols = client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 2; });
  ASSERT_FALSE(symbols.is_null());
  std::vector<std::string> names;
  for (const Json& s : symbols["result"]) names.push_back(s["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"bucket", "Store", "test \"t\""}));

  client.Request(3, "textDocument/hover", {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 0}, {"character", 0}}}});
  Json unsupported = client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 3; });
  EXPECT_EQ(unsupported["error"]["code"], -32601);

  client.Request(4, "shutdown", nullptr);
  ASSERT_FALSE(client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 4; }).is_null());
  client.Notify("exit", nullptr);
  EXPECT_EQ(client.ExitCode(), 0);
}

// A half-typed program never crashes the server, and each change is answered.
TEST(Lsp, SurvivesEveryPrefixOfAProgram) {
  std::string dir = TempDir("lsp-prefixes");
  std::string uri = "file://" + dir + "/main.w";
  std::string program = ReadFile(std::string(WDSL_SOURCE_DIR) + "/examples/notes-api/main.w");
  LspClient client;
  client.Request(1, "initialize", {{"capabilities", Json::object()}});
  client.WaitFor([](const Json& m) { return m.contains("id"); });
  client.Notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"version", 0}, {"text", ""}}}});
  int version = 0;
  for (size_t cut = 0; cut <= program.size(); cut += std::max<size_t>(1, program.size() / 40)) {
    ++version;
    client.Notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                              {"contentChanges", {{{"text", program.substr(0, cut)}}}}});
    Json answer = client.WaitFor(
        [&](const Json& m) { return IsDiagnosticsFor(uri)(m) && m["params"]["version"] == version; });
    ASSERT_FALSE(answer.is_null()) << "no answer for a prefix of " << cut << " bytes";
  }
  client.Request(2, "shutdown", nullptr);
  client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 2; });
  client.Notify("exit", nullptr);
  EXPECT_EQ(client.ExitCode(), 0);
}

// The client went away without `shutdown`: exit code 1, as the protocol says.
TEST(Lsp, EndOfInputWithoutShutdownExitsOne) {
  LspClient client;
  client.Request(1, "initialize", {{"capabilities", Json::object()}});
  ASSERT_FALSE(client.WaitFor([](const Json& m) { return m.contains("id"); }).is_null());
  client.CloseInput();
  EXPECT_EQ(client.ExitCode(), 1);
}

}  // namespace
}  // namespace wdsl::testing
