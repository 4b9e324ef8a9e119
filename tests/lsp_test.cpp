// `wdsl lsp` driven as an editor drives it: JSON-RPC over pipes to the real
// binary. Diagnostics after open and change, document symbols, hover,
// definition, completion, semantic tokens, a preflight `log` that must not
// corrupt the protocol, a soak of many edits, and a clean shutdown.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
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

  auto Pid() const -> pid_t { return pid_; }

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

  client.Request(3, "textDocument/references", {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 0}, {"character", 0}}}});
  Json unsupported = client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 3; });
  EXPECT_EQ(unsupported["error"]["code"], -32601);

  client.Request(4, "shutdown", nullptr);
  ASSERT_FALSE(client.WaitFor([](const Json& m) { return m.contains("id") && m["id"] == 4; }).is_null());
  client.Notify("exit", nullptr);
  EXPECT_EQ(client.ExitCode(), 0);
}

auto IsReply(int id) -> std::function<bool(const Json&)> {
  return [id](const Json& m) { return m.contains("id") && m["id"] == id; };
}

auto At(int line, int character) -> Json { return {{"line", line}, {"character", character}}; }

auto Labels(const Json& completion) -> std::vector<std::string> {
  std::vector<std::string> labels;
  for (const Json& item : completion["result"]["items"]) labels.push_back(item["label"]);
  return labels;
}

auto Has(const std::vector<std::string>& list, const std::string& item) -> bool {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// An editor session on a program that brings a local file.
class LspSession : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("lsp-session");
    uri_ = "file://" + dir_ + "/main.w";
    std::ofstream(dir_ + "/lib.w") << "/// Counts things.\npub class Tally {\n  pub inflight add(n: num): num { return n; }\n}\n";
    client_.Request(1, "initialize", {{"capabilities", Json::object()}});
    init_ = client_.WaitFor(IsReply(1));
  }
  void TearDown() override {
    client_.Request(9999, "shutdown", nullptr);
    client_.WaitFor(IsReply(9999));
    client_.Notify("exit", nullptr);
    EXPECT_EQ(client_.ExitCode(), 0);
  }
  void Open(const std::string& text) {
    client_.Notify("textDocument/didOpen", {{"textDocument", {{"uri", uri_}, {"version", 1}, {"text", text}}}});
  }
  void Change(int version, const std::string& text) {
    client_.Notify("textDocument/didChange", {{"textDocument", {{"uri", uri_}, {"version", version}}},
                                               {"contentChanges", {{{"text", text}}}}});
  }
  auto Ask(const std::string& method, const Json& position) -> Json {
    int id = next_id_++;
    client_.Request(id, method, {{"textDocument", {{"uri", uri_}}}, {"position", position}});
    Json reply = client_.WaitFor(IsReply(id));
    EXPECT_FALSE(reply.is_null()) << method << " got no reply";
    EXPECT_FALSE(reply.contains("error")) << reply;
    return reply;
  }
  auto HoverText(int line, int character) -> std::string {
    Json reply = Ask("textDocument/hover", At(line, character));
    if (reply["result"].is_null()) return "";
    return reply["result"]["contents"]["value"];
  }

  std::string dir_;
  std::string uri_;
  LspClient client_;
  Json init_;
  int next_id_ = 100;
};

constexpr const char* kProgram =
    "bring cloud;\n"                                                   // 0
    "bring \"./lib.w\" as lib;\n"                                    // 1
    "/// The notes.\n"                                                 // 2
    "let notes = new cloud.Bucket();\n"                                // 3
    "let tally = new lib.Tally();\n"                                   // 4
    "struct Opts { name: str; size: num; }\n"                          // 5
    "let describe = (o: Opts): str => { return o.name; };\n"           // 6
    "test \"notes\" {\n"                                             // 7
    "  notes.put(\"a\", describe(name: \"x\", size: 1));\n"         // 8
    "  let total = tally.add(2);\n"                                    // 9
    "  log(\"{total}\");\n"                                          // 10
    "}\n";

TEST_F(LspSession, AdvertisesWhatItAnswers) {
  const Json& capabilities = init_["result"]["capabilities"];
  EXPECT_EQ(capabilities["hoverProvider"], true);
  EXPECT_EQ(capabilities["definitionProvider"], true);
  EXPECT_EQ(capabilities["completionProvider"]["triggerCharacters"], Json::array({"."}));
  EXPECT_FALSE(capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].empty());
}

TEST_F(LspSession, HoverShowsTypePhaseAndDocs) {
  Open(kProgram);
  // A preflight resource, declared and then used (lifted) inside a test.
  std::string declared = HoverText(3, 6);
  EXPECT_NE(declared.find("let notes: cloud.Bucket"), std::string::npos) << declared;
  EXPECT_NE(declared.find("*preflight*"), std::string::npos) << declared;
  std::string used = HoverText(8, 4);
  EXPECT_NE(used.find("lifted into inflight code"), std::string::npos) << used;
  // A stdlib method: its signature, phase and doc comment.
  std::string put = HoverText(8, 9);
  EXPECT_NE(put.find("cloud.Bucket.put: inflight (str, str"), std::string::npos) << put;
  EXPECT_NE(put.find("*inflight*"), std::string::npos) << put;
  EXPECT_NE(put.find("Stores"), std::string::npos) << put;
  // A class from the brought file, with its `///` doc; a named argument's field.
  std::string tally = HoverText(4, 21);
  EXPECT_NE(tally.find("class lib.Tally"), std::string::npos) << tally;
  EXPECT_NE(tally.find("Counts things."), std::string::npos) << tally;
  EXPECT_NE(HoverText(8, 27).find("main.Opts.name: str"), std::string::npos);
  // A global function, and nothing on punctuation.
  EXPECT_NE(HoverText(10, 3).find("log: unphased (any): void"), std::string::npos);
  EXPECT_EQ(HoverText(7, 15), "");
}

TEST_F(LspSession, DefinitionFindsLocalsBroughtFilesAndTheStdlib) {
  Open(kProgram);
  auto definition = [&](int line, int character) { return Ask("textDocument/definition", At(line, character))["result"]; };
  Json local = definition(9, 15);  // tally
  EXPECT_EQ(local["uri"], uri_);
  EXPECT_EQ(local["range"]["start"], At(4, 4));
  Json parameter = definition(6, 42);  // o in o.name
  EXPECT_EQ(parameter["range"]["start"], At(6, 16));
  Json brought = definition(9, 21);  // add, declared in lib.w
  EXPECT_EQ(brought["uri"], "file://" + dir_ + "/lib.w");
  EXPECT_EQ(brought["range"]["start"]["line"], 2);
  Json module = definition(4, 17);  // lib in lib.Tally: the file itself
  EXPECT_EQ(module["uri"], "file://" + dir_ + "/lib.w");
  // cloud.Bucket: the embedded stdlib, written out where an editor can open it.
  Json stdlib = definition(3, 24);
  std::string stdlib_uri = stdlib["uri"];
  ASSERT_TRUE(stdlib_uri.ends_with("/cloud.w")) << stdlib;
  std::ifstream file(stdlib_uri.substr(7));
  std::string line;
  for (int i = 0; i <= stdlib["range"]["start"]["line"].get<int>(); ++i) std::getline(file, line);
  EXPECT_NE(line.find("class Bucket"), std::string::npos) << line;
}

TEST_F(LspSession, CompletionKnowsMembersPhasesAndNamedArguments) {
  // Each case: the program with one half-typed spot at (line, character).
  auto complete = [&](const std::string& text, int line, int character) {
    static int version = 1;
    Change(++version, text);
    return Labels(Ask("textDocument/completion", At(line, character)));
  };
  Open(kProgram);
  std::string head = "bring cloud;\nbring \"./lib.w\" as lib;\nlet notes = new cloud.Bucket();\n"
                     "struct Opts { name: str; size: num; }\nlet describe = (o: Opts): str => { return o.name; };\n";
  // After `.` in inflight code: inflight methods only.
  auto inflight = complete(head + "test \"t\" {\n  notes.\n}\n", 6, 8);
  EXPECT_TRUE(Has(inflight, "put") && Has(inflight, "get") && Has(inflight, "list"));
  EXPECT_FALSE(Has(inflight, "addObject"));
  // In preflight code: preflight methods only.
  auto preflight = complete(head + "notes.\n", 5, 6);
  EXPECT_TRUE(Has(preflight, "addObject"));
  EXPECT_FALSE(Has(preflight, "put"));
  // A prefix filters; builtin types have their std members.
  auto filtered = complete(head + "test \"t\" {\n  let s = \"x\";\n  let n = s.len\n}\n", 7, 15);
  EXPECT_EQ(filtered, std::vector<std::string>{"length"});
  // A module's exports; a brought file's classes.
  EXPECT_TRUE(Has(complete(head + "let q = new cloud.\n", 5, 18), "Queue"));
  EXPECT_TRUE(Has(complete(head + "let t = new lib.\n", 5, 16), "Tally"));
  // Named arguments: the struct's fields, in a call and in `new`.
  auto named = complete(head + "describe(na)\n", 5, 11);
  EXPECT_TRUE(Has(named, "name"));
  EXPECT_TRUE(Has(complete(head + "let api = new cloud.Api(co)\n", 5, 26), "cors"));
  // Names in scope and keywords.
  auto names = complete(head + "test \"t\" {\n  let local = 1;\n  \n}\n", 7, 2);
  EXPECT_TRUE(Has(names, "local") && Has(names, "notes") && Has(names, "describe") && Has(names, "log") &&
              Has(names, "cloud") && Has(names, "let"));
}

TEST_F(LspSession, SemanticTokensClassifyNames) {
  Open(kProgram);
  Json reply = Ask("textDocument/semanticTokens/full", At(0, 0));
  const Json& data = reply["result"]["data"];
  ASSERT_EQ(data.size() % 5, 0u);
  ASSERT_FALSE(data.empty());
  std::vector<std::string> types = init_["result"]["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"];
  std::vector<std::string> modifiers =
      init_["result"]["capabilities"]["semanticTokensProvider"]["legend"]["tokenModifiers"];
  // Decode into "line:col:length type [modifiers]".
  std::vector<std::string> tokens;
  int line = 0, col = 0;
  for (size_t i = 0; i < data.size(); i += 5) {
    line += data[i].get<int>();
    col = data[i].get<int>() == 0 ? col + data[i + 1].get<int>() : data[i + 1].get<int>();
    std::string token = std::to_string(line) + ":" + std::to_string(col) + ":" + std::to_string(data[i + 2].get<int>()) +
                        " " + types.at(data[i + 3].get<size_t>());
    for (size_t bit = 0; bit < modifiers.size(); ++bit) {
      if ((data[i + 4].get<int>() >> bit) & 1) token += " " + modifiers[bit];
    }
    tokens.push_back(token);
  }
  EXPECT_TRUE(Has(tokens, "0:6:5 namespace defaultLibrary")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "3:4:5 variable declaration readonly")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "3:22:6 class defaultLibrary")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "4:16:3 namespace")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "5:7:4 struct declaration")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "6:16:1 parameter declaration")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "8:8:3 method defaultLibrary inflight")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "9:6:5 variable declaration readonly inflight")) << ::testing::PrintToString(tokens);
  EXPECT_TRUE(Has(tokens, "10:2:3 function static defaultLibrary")) << ::testing::PrintToString(tokens);
}

// Requests are answered for the text the editor shows, even right after an
// edit (before the quiet period would have compiled it).
TEST_F(LspSession, RequestsRightAfterAnEditSeeTheEdit) {
  Open(kProgram);
  std::string renamed = kProgram;
  renamed.replace(renamed.find("let notes"), 9, "let memos");
  renamed.replace(renamed.find("  notes.put"), 7, "  memos");
  Change(2, renamed);
  EXPECT_NE(HoverText(3, 6).find("let memos"), std::string::npos);
}

auto ResidentKiB(pid_t pid) -> long {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSoakEdits = 1'000;  // ASan's quarantine holds freed memory: RSS says nothing there
#else
constexpr int kSoakEdits = 10'000;
#endif

// 10,000 edits (every tenth waited for through a hover, every hundredth with
// a completion) leave the server's memory where it was after the first 2,000.
TEST_F(LspSession, MemoryStaysFlatOverManyEdits) {
  std::string program = ReadFile(std::string(WDSL_SOURCE_DIR) + "/examples/notes-api/main.w");
  Open(program);
  long warm = -1;
  for (int edit = 1; edit <= kSoakEdits; ++edit) {
    Change(edit + 1, program + "let soak = " + std::to_string(edit) + ";\n");
    if (edit % 10 == 0) {
      ASSERT_NE(HoverText(3, 7), "") << "edit " << edit;  // `cloud` in `bring cloud;`
    }
    if (edit % 100 == 0) {
      ASSERT_FALSE(Ask("textDocument/completion", At(0, 0))["result"]["items"].empty()) << "edit " << edit;
    }
    if (edit == std::min(2'000, kSoakEdits / 2)) warm = ResidentKiB(client_.Pid());
  }
  long end = ResidentKiB(client_.Pid());
  ASSERT_GT(warm, 0);
  std::cout << "lsp soak: " << kSoakEdits << " edits, RSS " << warm / 1024 << " MiB after warm-up, " << end / 1024
            << " MiB at the end\n";
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(end - warm, 8 * 1024) << "RSS grew from " << warm << " KiB to " << end << " KiB";
#endif
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
    // Hover and completion where the user is typing: answered, never an error.
    std::string prefix = program.substr(0, cut);
    int line = static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
    size_t line_start = prefix.rfind('\n');
    int character = static_cast<int>(prefix.size() - (line_start == std::string::npos ? 0 : line_start + 1));
    for (const char* method : {"textDocument/hover", "textDocument/completion", "textDocument/definition"}) {
      client.Request(1000 + version, method, {{"textDocument", {{"uri", uri}}}, {"position", {{"line", line}, {"character", character}}}});
      Json reply = client.WaitFor([&](const Json& m) { return m.contains("id") && m["id"] == 1000 + version; });
      ASSERT_FALSE(reply.is_null()) << method << " unanswered after a prefix of " << cut << " bytes";
      EXPECT_FALSE(reply.contains("error")) << reply;
    }
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
