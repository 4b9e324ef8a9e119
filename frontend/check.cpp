// The checker's driver: module symbols, the global scope built from std,
// scopes and name lookup. The constructs are checked in check_*.cpp.
#include <pthread.h>

#include <functional>

#include "frontend/check_internal.h"
#include "stdlib/stdlib.h"

namespace wdsl {
namespace checking {

Checker::Checker(Semantics& semantics, Diagnostics& diagnostics)
    : semantics_(semantics), diagnostics_(diagnostics), sources_(diagnostics.Sources()) {}

auto Checker::Run(const LoadedProgram& program) -> bool {
  entry_ = program.entry;
  // Module symbols first: brings refer to them by name or file.
  for (ast::Module* module : program.modules) {
    if (module == nullptr) continue;
    Symbol* symbol = semantics_.NewSymbol(SymbolKind::kModule, module->name, Span{module->file, 0, 0});
    symbol->module = module;
    symbol->from_stdlib = module->is_stdlib;
    symbol->qualified_name = module->name;
    semantics_.modules[module->name] = symbol;
    module_by_file_[module->file] = symbol;
    module_symbols_[module] = symbol;
    if (module->is_stdlib && module->name == "std") std_module_ = symbol;
  }
  scopes_.push_back(&global_scope_);
  functions_.push_back(FunctionContext{});

  // Declarations of every module, std first: its public names are global.
  for (ast::Module* module : program.modules) {
    if (module == nullptr) continue;
    DeclareModule(*module, module_symbols_[module]);
  }
  for (ast::Module* module : program.modules) {
    if (module != nullptr) ResolveModuleDecls(*module);
  }
  // Then the code, module by module in dependency order.
  for (ast::Module* module : program.modules) {
    if (module == nullptr) continue;
    module_ = module;
    module_symbol_ = module_symbols_[module];
    PushScope(module_scopes_[module_symbol_]);
    CheckTopLevel(*module);
    PopScope();
  }
  for (const Symbol* local : locals_) {
    if (!used_.contains(local)) {
      Diagnostic& d = Report(DiagnosticKind::kUnusedVariable, local->span, local->name);
      d.label = fmt::format("remove it, or name it `_{}` if it is unused on purpose", local->name);
    }
  }
  return !diagnostics_.HasErrors();
}

// ---------------------------------------------------------------- scopes

void Checker::PushScope(Scope* existing) {
  if (existing == nullptr) {
    owned_scopes_.push_back(std::make_unique<Scope>());
    existing = owned_scopes_.back().get();
  }
  scopes_.push_back(existing);
}

void Checker::PopScope() {
  if (scopes_.size() > 1) scopes_.pop_back();
}

void Checker::Declare(const Symbol* symbol) {
  if (symbol == nullptr || symbol->name.empty()) return;
  Scope* scope = scopes_.back();
  if (auto it = scope->names.find(symbol->name); it != scope->names.end()) {
    Diagnostic& d = Report(DiagnosticKind::kDuplicateDefinition, symbol->span, symbol->name);
    AddDefinedHere(d, it->second);
    return;
  }
  if (auto use = scope->outer_uses.find(symbol->name); use != scope->outer_uses.end()) {
    Diagnostic& d = Report(DiagnosticKind::kShadowedAfterUse, use->second, symbol->name, symbol->name);
    d.notes.push_back(DiagnosticNote{symbol->span, true, fmt::format("`{}` is declared again here", symbol->name)});
  }
  scope->names[symbol->name] = symbol;
}

void Checker::NoteUse(const std::string& name, Span span, const Symbol* symbol) {
  // A preflight value used from inflight code is lifted, a binding of its
  // own, so Wing lets the block declare the name again (tests/valid
  // lift_redefinition.test.w).
  if (Inflight() && symbol->phase == Phase::kPreflight) return;
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    if (auto found = (*it)->names.find(name); found != (*it)->names.end() && found->second == symbol) return;
    (*it)->outer_uses.emplace(name, span);  // keeps the first use
  }
}

auto Checker::Lookup(const std::string& name) const -> const Symbol* {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    if (auto found = (*it)->names.find(name); found != (*it)->names.end()) return found->second;
  }
  return nullptr;
}

auto Checker::VisibleNames() const -> std::vector<std::string> {
  std::vector<std::string> names;
  for (const Scope* scope : scopes_) {
    for (const auto& [name, symbol] : scope->names) names.push_back(name);
  }
  return names;
}

void Checker::ReportUnknownName(const std::string& name, Span span) {
  Diagnostic& d = Report(DiagnosticKind::kUnknownName, span, name);
  for (std::string_view module : stdlib::ModuleNames()) {
    if (module == name) {
      d.label = fmt::format("add `bring {};` at the top of the file", name);
      return;
    }
  }
  std::string near = ClosestName(name, VisibleNames());
  if (!near.empty()) {
    d.label = fmt::format("did you mean `{}`?", near);
    AddDefinedHere(d, Lookup(near));
  }
}

void Checker::AddDefinedHere(Diagnostic& d, const Symbol* symbol) {
  if (symbol == nullptr || symbol->span.file >= sources_.FileCount()) return;
  if (symbol->kind == SymbolKind::kModule) return;
  if (symbol->from_stdlib) return;  // the stdlib's text is not the user's
  d.notes.push_back(DiagnosticNote{symbol->span, true, fmt::format("`{}` is defined here", symbol->name)});
}

auto Checker::Report(DiagnosticKind kind, Span span) -> Diagnostic& { return diagnostics_.Report(kind, span); }

auto Checker::Text(Span span) const -> std::string {
  if (span.file >= sources_.FileCount()) return "";
  const std::string& text = sources_.File(span.file).text;
  if (span.begin >= text.size() || span.end <= span.begin) return "";
  std::string_view raw(text.data() + span.begin, std::min<size_t>(span.end, text.size()) - span.begin);
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  constexpr size_t kMax = 40;
  if (out.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    out = out.substr(0, cut) + "...";
  }
  return out;
}

}  // namespace checking

namespace {

// Deeply nested input recurses deeply; the checker runs on a thread with a
// stack large enough for the parser's nesting limit whatever the caller's is.
void RunWithLargeStack(const std::function<void()>& work) {
  constexpr size_t kStackBytes = size_t{256} << 20;
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return work();
  pthread_attr_setstacksize(&attr, kStackBytes);
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  pthread_t thread;
  if (pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&work)) != 0) {
    pthread_attr_destroy(&attr);
    return work();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace

auto Check(const LoadedProgram& program, Semantics& semantics, Diagnostics& diagnostics) -> bool {
  bool ok = false;
  RunWithLargeStack([&] {
    checking::Checker checker(semantics, diagnostics);
    ok = checker.Run(program);
  });
  return ok;
}

}  // namespace wdsl
