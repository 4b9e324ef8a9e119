// Loading: the entry file, the stdlib modules it brings (std always), and
// local files brought by path, each parsed once, in dependency order.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "frontend/check.h"
#include "frontend/parse.h"
#include "stdlib/stdlib.h"

namespace wdsl {
namespace {

namespace fs = std::filesystem;

// A span that names no file: for errors about the command line itself.
constexpr Span kNoSpan{UINT32_MAX, 0, 0};

auto ReadFile(const fs::path& path, std::string& text, std::string& error) -> bool {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "it is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fs::exists(path, ec) ? "permission denied" : "no such file";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

class Loader {
 public:
  Loader(SourceManager& sources, ast::Ast& ast, Diagnostics& diagnostics)
      : sources_(sources), ast_(ast), diagnostics_(diagnostics) {
    // User files never take the name of the entry or of a stdlib module.
    names_.insert("main");
    for (std::string_view name : stdlib::ModuleNames()) names_.insert(std::string(name));
  }

  auto Run(const std::string& path, std::string text) -> LoadedProgram {
    LoadStdlib("std");
    FileId file = sources_.Add(path, std::move(text));
    std::string key = Key(path);
    in_progress_.insert(key);
    ast::Module* entry = ParseFile(file, "main", /*stdlib=*/false, /*fixed_name=*/true);
    files_[key] = entry;
    FollowBrings(*entry, path);
    in_progress_.erase(key);
    program_.modules.push_back(entry);
    program_.entry = entry;
    return std::move(program_);
  }

 private:
  static auto Key(const fs::path& path) -> std::string {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) absolute = path;
    fs::path canonical = fs::weakly_canonical(absolute, ec);
    return (ec ? absolute.lexically_normal() : canonical).string();
  }

  auto ParseFile(FileId file, std::string name, bool stdlib, bool fixed_name) -> ast::Module* {
    ast::Module* module = Parse(sources_, file, ast_, diagnostics_, ParseOptions{.stdlib = stdlib});
    if (module == nullptr) module = ast_.NewModule();  // defensive: Parse promises a module
    module->file = file;
    module->is_stdlib = stdlib;
    module->name = fixed_name ? std::move(name) : UniqueName(std::move(name));
    return module;
  }

  // Module names are unique: two brought files both named lib.w become
  // `lib` and `lib2` (the name only qualifies declarations for later stages;
  // the bringing file uses its alias).
  auto UniqueName(std::string name) -> std::string {
    if (name.empty()) name = "module";
    std::string candidate = name;
    for (int i = 2; !names_.insert(candidate).second; ++i) candidate = name + std::to_string(i);
    return candidate;
  }

  auto LoadStdlib(const std::string& name) -> ast::Module* {
    if (auto it = stdlib_.find(name); it != stdlib_.end()) return it->second;
    std::optional<std::string_view> text = stdlib::FindModule(name);
    if (!text) return nullptr;
    FileId file = sources_.Add("<stdlib>/" + name + ".w", std::string(*text));
    ast::Module* module = ParseFile(file, name, /*stdlib=*/true, /*fixed_name=*/true);
    stdlib_[name] = module;  // before its brings, so a cycle ends here
    FollowBrings(*module, "");
    program_.modules.push_back(module);
    return module;
  }

  void FollowBrings(ast::Module& module, const std::string& from_path) {
    for (ast::Stmt* stmt : module.stmts) {
      auto* bring = ast::As<ast::BringStmt>(stmt);
      if (bring == nullptr) continue;
      if (!bring->path.empty()) {
        BringFile(*bring, from_path, module.is_stdlib);
      } else if (!bring->module.empty()) {
        BringModule(*bring);
      }
    }
  }

  void BringModule(const ast::BringStmt& bring) {
    if (LoadStdlib(bring.module) != nullptr) return;
    std::vector<std::string> known;
    for (std::string_view name : stdlib::ModuleNames()) known.emplace_back(name);
    Diagnostic& d = diagnostics_.Report(DiagnosticKind::kUnknownModule, bring.target_span, bring.module);
    if (std::string near = ClosestName(bring.module, known); !near.empty()) {
      d.label = fmt::format("did you mean `{}`?", near);
    }
    std::string list;
    for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
    d.notes.push_back(DiagnosticNote{{}, false, "the standard library modules are: " + list});
  }

  void BringFile(ast::BringStmt& bring, const std::string& from_path, bool from_stdlib) {
    if (from_stdlib) {
      diagnostics_.Report(DiagnosticKind::kBringNotFound, bring.target_span, bring.path,
                          "the standard library can only bring its own modules");
      return;
    }
    fs::path target = fs::path(from_path).parent_path() / bring.path;
    std::string key = Key(target);
    if (in_progress_.contains(key)) {
      diagnostics_.Report(DiagnosticKind::kBringCycle, bring.target_span, bring.path);
      return;
    }
    if (auto it = files_.find(key); it != files_.end()) {
      bring.brought_file = it->second->file;
      return;
    }
    std::string text;
    std::string error;
    if (!ReadFile(target, text, error)) {
      Diagnostic& d = diagnostics_.Report(DiagnosticKind::kBringNotFound, bring.target_span, bring.path, error);
      d.notes.push_back(DiagnosticNote{{}, false, "looked for `" + target.lexically_normal().string() + "`"});
      return;
    }
    FileId file = sources_.Add(target.lexically_normal().string(), std::move(text));
    in_progress_.insert(key);
    ast::Module* module = ParseFile(file, target.stem().string(), /*stdlib=*/false, /*fixed_name=*/false);
    files_[key] = module;
    bring.brought_file = file;
    FollowBrings(*module, sources_.File(file).path);
    in_progress_.erase(key);
    program_.modules.push_back(module);
  }

  SourceManager& sources_;
  ast::Ast& ast_;
  Diagnostics& diagnostics_;
  LoadedProgram program_;
  std::map<std::string, ast::Module*> stdlib_;  // by module name
  std::map<std::string, ast::Module*> files_;   // by canonical path
  std::set<std::string> in_progress_;           // files whose brings are being followed
  std::set<std::string> names_;
};

}  // namespace

auto Load(const std::string& entry_path, SourceManager& sources, ast::Ast& ast, Diagnostics& diagnostics)
    -> std::optional<LoadedProgram> {
  std::string text;
  std::string error;
  if (!ReadFile(entry_path, text, error)) {
    diagnostics.Report(DiagnosticKind::kFileNotFound, kNoSpan, entry_path, error);
    return std::nullopt;
  }
  return Loader(sources, ast, diagnostics).Run(entry_path, std::move(text));
}

auto LoadText(const std::string& path, std::string text, SourceManager& sources, ast::Ast& ast,
              Diagnostics& diagnostics) -> LoadedProgram {
  return Loader(sources, ast, diagnostics).Run(path, std::move(text));
}

}  // namespace wdsl
