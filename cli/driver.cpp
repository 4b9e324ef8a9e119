#include "cli/driver.h"

#include <pthread.h>

#include <functional>
#include <iostream>

#include "frontend/check.h"
#include "frontend/lower.h"
#include "frontend/preflight.h"

namespace wdsl {
namespace {

constexpr size_t kStackBytes = size_t{512} << 20;

// Runs `work` on a thread whose stack is kStackBytes (virtual memory; only
// the pages used are ever touched).
void RunWithLargeStack(const std::function<void()>& work) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_t thread;
  auto entry = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, entry, const_cast<std::function<void()>*>(&work)) != 0) {
    work();  // fall back to the current thread
  } else {
    pthread_join(thread, nullptr);
  }
  pthread_attr_destroy(&attr);
}

auto CompileOnThisThread(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics)
    -> CompileResult {
  ast::Ast ast;
  std::optional<LoadedProgram> loaded = Load(options.entry, sources, ast, diagnostics);
  if (!loaded) return CompileResult{std::nullopt, true};
  if (options.dump_ast) std::cout << ast::DumpAst(*loaded->entry, sources);
  if (options.stop_after == Phase::kParse) return {};
  Semantics semantics;
  if (!Check(*loaded, semantics, diagnostics) || options.stop_after == Phase::kCheck) return {};
  LoweredProgram lowered = Lower(*loaded, sources, diagnostics, LowerOptions{options.target});
  if (diagnostics.HasErrors()) return {};
  return CompileResult{RunPreflight(std::move(lowered), semantics, diagnostics), false};
}

}  // namespace

auto Compile(const CompileOptions& options, SourceManager& sources, Diagnostics& diagnostics) -> CompileResult {
  CompileResult result;
  RunWithLargeStack([&] { result = CompileOnThisThread(options, sources, diagnostics); });
  diagnostics.SortAndDedupe();
  return result;
}

}  // namespace wdsl
