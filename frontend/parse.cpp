// Stage 1: source text -> AST. The steps, in order:
//   1. reject invalid UTF-8 (the ANTLR runtime would throw on it);
//   2. lex everything and scan the tokens (parse_input.cpp): malformed
//      literals, unterminated strings, unbalanced or too deep delimiters;
//   3. parse with SLL prediction and no recovery (fast, right for valid
//      files); on the first error, parse again with full LL prediction and
//      the friendly error strategy (parse_errors.cpp);
//   4. build the AST from the parse tree (parse_build*.cpp).
// All of it runs on a thread with a large stack: ANTLR's parser and the
// builder recurse once per nesting level.
#include "frontend/parse.h"

#include <pthread.h>

#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_set>

#include "WingLexer.h"
#include "WingParser.h"
#include "antlr4-runtime.h"
#include "frontend/parse_build.h"
#include "frontend/parse_errors.h"
#include "frontend/parse_input.h"

namespace wdsl {
namespace {

// The parse thread's stack, and how much of it ANTLR's recursive descent may
// use: 350 to 750 bytes per nesting level, so some 20,000 to 45,000 levels,
// far more than the builder accepts (kMaxNesting) and few enough to give up
// quickly. The rest is headroom for prediction, which also recurses.
// AddressSanitizer's redzones make frames many times larger.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kFrameGrowth = 8;
#else
constexpr size_t kFrameGrowth = 1;
#endif
constexpr size_t kStackBytes = kFrameGrowth * (256u << 20);
constexpr size_t kParserStackBudget = kFrameGrowth * (16u << 20);
constexpr size_t kFallbackStackBudget = 2u << 20;

auto StackPointer() -> uintptr_t { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

// The generated parser, stopped before it runs out of stack.
class GuardedParser : public gen::WingParser {
 public:
  GuardedParser(antlr4::TokenStream* tokens, uintptr_t stack_limit) : WingParser(tokens), stack_limit_(stack_limit) {
    removeErrorListeners();
  }
  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    CheckStack();
    WingParser::enterRule(ctx, state, rule);
  }
  using WingParser::enterRecursionRule;
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule, int precedence) override {
    CheckStack();
    WingParser::enterRecursionRule(ctx, state, rule, precedence);
  }

 private:
  void CheckStack() const {
    // The stack grows down on every platform we build for.
    if (StackPointer() < stack_limit_) throw parse::ParseAbandoned{parse::ParseAbandoned::Reason::kTooDeep};
  }
  uintptr_t stack_limit_;
};

// Runs `work(stack_budget)` on a thread with a kStackBytes stack and waits
// for it; runs it here, with a budget the default stack can afford, if no
// such thread can be made. Exceptions come back to the caller.
void RunWithLargeStack(const std::function<void(size_t)>& work) {
  struct Job {
    const std::function<void(size_t)>* work;
    std::exception_ptr error;
  } job{&work, nullptr};
  pthread_attr_t attr;
  bool started = false;
  if (pthread_attr_init(&attr) == 0) {
    pthread_t thread;
    auto run = [](void* arg) -> void* {
      auto* job = static_cast<Job*>(arg);
      try {
        (*job->work)(kParserStackBudget);
      } catch (...) {
        job->error = std::current_exception();
      }
      return nullptr;
    };
    started = pthread_attr_setstacksize(&attr, kStackBytes) == 0 && pthread_create(&thread, &attr, run, &job) == 0;
    pthread_attr_destroy(&attr);
    if (started) pthread_join(thread, nullptr);
  }
  if (!started) work(kFallbackStackBudget);
  if (job.error) std::rethrow_exception(job.error);
}

void ParseOnThisThread(const SourceManager& sources, FileId file, ast::Ast& ast, Diagnostics& diagnostics,
                       ast::Module& module, size_t stack_budget) {
  const std::string& text = sources.File(file).text;
  uintptr_t stack_limit = StackPointer() > stack_budget ? StackPointer() - stack_budget : 0;
  parse::SyntaxErrors errors(diagnostics);
  parse::OffsetMap offsets(text);
  parse::TokenSpans spans(file, offsets);

  parse::Utf8InputStream input(text);
  gen::WingLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  if (!parse::ScanTokens(tokens, spans, sources, errors, kMaxNesting)) return;

  // Both parsers own their trees; the one that succeeded must outlive the build.
  GuardedParser fast(&tokens, stack_limit);
  std::unique_ptr<GuardedParser> careful;
  std::unordered_set<const antlr4::ParserRuleContext*> broken;
  gen::WingParser::ProgramContext* tree = nullptr;
  try {
    fast.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    fast.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    try {
      tree = fast.program();
    } catch (const antlr4::ParseCancellationException&) {
      tokens.seek(0);
      careful = std::make_unique<GuardedParser>(&tokens, stack_limit);
      careful->setErrorHandler(std::make_shared<parse::FriendlyErrorStrategy>(spans, errors, broken));
      tree = careful->program();
    }
  } catch (const parse::ParseAbandoned& abandoned) {
    // Past the error budget or the stack budget: the tree is partial, and
    // what was reported is all this file gets.
    if (abandoned.reason == parse::ParseAbandoned::Reason::kTooDeep) {
      antlr4::Token* at = (careful ? static_cast<antlr4::Parser&>(*careful) : fast).getCurrentToken();
      errors.Report(DiagnosticKind::kTooDeeplyNested, spans.Of(at), kMaxNesting);
    }
    return;
  }
  parse::AstBuilder builder(ast, tokens, spans, errors, broken, kMaxNesting);
  builder.BuildProgram(tree, module);
}

}  // namespace

auto Parse(const SourceManager& sources, FileId file, ast::Ast& ast, Diagnostics& diagnostics,
           const ParseOptions& options) -> ast::Module* {
  ast::Module* module = ast.NewModule();
  module->file = file;
  module->is_stdlib = options.stdlib;
  module->name = std::filesystem::path(sources.File(file).path).stem().string();
  const std::string& text = sources.File(file).text;
  if (size_t bad = parse::FindInvalidUtf8(text); bad != std::string::npos) {
    diagnostics.Report(DiagnosticKind::kInvalidUtf8, Span{file, static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
                       static_cast<unsigned char>(text[bad]), bad);
    return module;
  }
  try {
    RunWithLargeStack(
        [&](size_t stack_budget) { ParseOnThisThread(sources, file, ast, diagnostics, *module, stack_budget); });
  } catch (const std::exception& e) {
    // A bug in the parser must not take the compiler (or the language
    // server) down with it.
    diagnostics.Report(DiagnosticKind::kSyntaxError, Span{file, 0, 0}, std::string("internal parser error: ") + e.what());
  }
  return module;
}

}  // namespace wdsl
