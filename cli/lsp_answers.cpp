#include "cli/lsp_answers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "frontend/check.h"

namespace wdsl::lsp {

namespace fs = std::filesystem;

namespace {

// Replaces the name being typed at a completion point, so the program parses
// and the checker types the expression in front of it.
constexpr std::string_view kPlaceholder = "__wdsl_complete__";

auto HexValue(char c) -> int {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

auto IsNameChar(char c) -> bool { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// LSP positions are 0-based; the SourceManager's columns count code points
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

// The byte offset of an LSP position in `text` (clamped to the text).
auto OffsetIn(std::string_view text, const Json& position) -> uint32_t {
  int line = position.value("line", 0);
  int character = position.value("character", 0);
  size_t offset = 0;
  for (int l = 0; l < line && offset < text.size(); ++l) {
    size_t newline = text.find('\n', offset);
    if (newline == std::string_view::npos) return static_cast<uint32_t>(text.size());
    offset = newline + 1;
  }
  for (int c = 0; c < character && offset < text.size() && text[offset] != '\n'; ++c) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  return static_cast<uint32_t>(offset);
}

auto FileUri(const Analysis& analysis, FileId file) -> std::string {
  const std::string& path = analysis.sources.File(file).path;
  if (path == analysis.path) return analysis.uri;
  return PathToUri(fs::absolute(path).lexically_normal().string());
}

// The embedded stdlib as files an editor can open: written once per content
// under the user's cache directory.
auto StdlibUri(const SourceFile& file) -> std::string {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  fs::path root = cache != nullptr && *cache != '\0' ? fs::path(cache)
                  : home != nullptr                  ? fs::path(home) / ".cache"
                                                     : fs::temp_directory_path();
  std::string name = fs::path(file.path).filename().string();
  fs::path path = root / "wdsl" / fmt::format("stdlib-{:016x}", std::hash<std::string>{}(file.text)) / name;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(path.parent_path(), ec);
    fs::path temp = path;
    temp += fmt::format(".{}.tmp", ::getpid());
    {
      std::ofstream out(temp, std::ios::binary);
      out << file.text;
    }
    fs::rename(temp, path, ec);
  }
  return PathToUri(path.string());
}

auto Location(const Analysis& analysis, const Span& span) -> Json {
  const SourceFile& file = analysis.sources.File(span.file);
  std::string uri = file.path.starts_with("<stdlib>") ? StdlibUri(file) : FileUri(analysis, span.file);
  return {{"uri", uri}, {"range", RangeOf(analysis.sources, span)}};
}

auto PhaseWord(ast::Phase phase) -> std::string_view {
  switch (phase) {
    case ast::Phase::kInflight: return "inflight";
    case ast::Phase::kPreflight: return "preflight";
    case ast::Phase::kUnphased: return "unphased";
  }
  return "";
}

auto IsType(const Symbol* symbol) -> bool {
  return symbol->kind == SymbolKind::kClass || symbol->kind == SymbolKind::kStruct ||
         symbol->kind == SymbolKind::kEnum || symbol->kind == SymbolKind::kInterface;
}

// The signature line of a hover: how the symbol would be declared.
auto Signature(const Symbol* symbol) -> std::string {
  std::string type = symbol->type != nullptr ? TypeName(symbol->type) : "?";
  std::string owner = symbol->owner != nullptr && IsType(symbol->owner) ? symbol->owner->qualified_name + "." : "";
  switch (symbol->kind) {
    case SymbolKind::kVariable: return fmt::format("let {}{}: {}", symbol->reassignable ? "var " : "", symbol->name, type);
    case SymbolKind::kParameter: return fmt::format("(parameter) {}: {}", symbol->name, type);
    case SymbolKind::kField:
      return fmt::format("{}{}{}{}: {}", symbol->is_static ? "static " : "",
                         symbol->phase == ast::Phase::kInflight ? "inflight " : "", owner, symbol->name, type);
    case SymbolKind::kMethod:
      // std's global functions (`log`, `assert`) are called without a prefix.
      if (symbol->owner != nullptr && symbol->owner->name == "Std") return fmt::format("{}: {}", symbol->name, type);
      return fmt::format("{}{}{}: {}", symbol->is_static ? "static " : "", owner, symbol->name, type);
    case SymbolKind::kClass: {
      std::string text = fmt::format("{}class {}", symbol->phase == ast::Phase::kInflight ? "inflight " : "",
                                     symbol->qualified_name);
      if (symbol->base != nullptr) text += " extends " + symbol->base->qualified_name;
      return text;
    }
    case SymbolKind::kStruct: return "struct " + symbol->qualified_name;
    case SymbolKind::kEnum: return "enum " + symbol->qualified_name;
    case SymbolKind::kEnumMember: return owner + symbol->name;
    case SymbolKind::kInterface: return "interface " + symbol->qualified_name;
    case SymbolKind::kModule: return "bring " + symbol->name;
    case SymbolKind::kTypeParam: return "type parameter " + symbol->name;
  }
  return symbol->name;
}

// LSP CompletionItemKind.
auto CompletionKind(const Symbol* symbol) -> int {
  switch (symbol->kind) {
    case SymbolKind::kVariable:
    case SymbolKind::kParameter: return 6;
    case SymbolKind::kField: return 5;
    case SymbolKind::kMethod: return symbol->owner != nullptr && symbol->owner->name == "Std" ? 3 : 2;
    case SymbolKind::kClass: return 7;
    case SymbolKind::kStruct: return 22;
    case SymbolKind::kEnum: return 13;
    case SymbolKind::kEnumMember: return 20;
    case SymbolKind::kInterface: return 8;
    case SymbolKind::kModule: return 9;
    case SymbolKind::kTypeParam: return 25;
  }
  return 1;
}

auto CompletionItem(const Symbol* symbol) -> Json {
  Json item = {{"label", symbol->name}, {"kind", CompletionKind(symbol)}, {"detail", Signature(symbol)}};
  if (!symbol->doc.empty()) item["documentation"] = {{"kind", "markdown"}, {"value", symbol->doc}};
  return item;
}

// The keywords of LANGUAGE.md's subset.
constexpr const char* kKeywords[] = {
    "bring", "let", "var", "if", "else", "for", "in", "while", "break", "continue", "return", "throw",
    "try", "catch", "finally", "new", "as", "class", "struct", "enum", "interface", "extends", "impl",
    "pub", "protected", "static", "inflight", "preflight", "unphased", "test", "lift", "this", "super",
    "nil", "true", "false", "num", "str", "bool", "duration", "void", "any", "Json", "MutJson",
};

// Semantic token types and modifiers (the legend's order).
enum TokenType { kNamespace, kClassToken, kStructToken, kEnumToken, kInterfaceToken, kEnumMemberToken, kProperty,
                 kMethodToken, kFunctionToken, kVariableToken, kParameterToken, kTypeParameter };
enum TokenModifier { kDeclaration = 1, kReadonly = 2, kStatic = 4, kDefaultLibrary = 8, kInflight = 16 };

auto TokenTypeOf(const Symbol* symbol) -> int {
  switch (symbol->kind) {
    case SymbolKind::kVariable: return kVariableToken;
    case SymbolKind::kParameter: return kParameterToken;
    case SymbolKind::kField: return kProperty;
    case SymbolKind::kMethod:
      return symbol->owner != nullptr && symbol->owner->name == "Std" ? kFunctionToken : kMethodToken;
    case SymbolKind::kClass: return kClassToken;
    case SymbolKind::kStruct: return kStructToken;
    case SymbolKind::kEnum: return kEnumToken;
    case SymbolKind::kEnumMember: return kEnumMemberToken;
    case SymbolKind::kInterface: return kInterfaceToken;
    case SymbolKind::kModule: return kNamespace;
    case SymbolKind::kTypeParam: return kTypeParameter;
  }
  return kVariableToken;
}

}  // namespace

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

auto Analyze(const std::string& uri, const std::string& text, int version, bool full) -> std::shared_ptr<Analysis> {
  auto analysis = std::make_shared<Analysis>();
  analysis->uri = uri;
  analysis->path = UriToPath(uri);
  analysis->version = version;
  CompileOptions options;
  options.entry = analysis->path;
  options.entry_text = text;
  options.images = true;
  options.keep = &analysis->program;
  if (!full) options.stop_after = Phase::kCheck;
  Compile(options, analysis->sources, analysis->diagnostics);
  for (FileId file = 0; file < analysis->sources.FileCount(); ++file) {
    if (analysis->sources.File(file).path == analysis->path) analysis->entry = file;
  }
  if (analysis->program.checked) {
    analysis->index = std::make_unique<SourceIndex>(analysis->program.loaded, analysis->program.semantics);
  }
  return analysis;
}

auto DiagnosticsByFile(const Analysis& analysis) -> std::map<std::string, Json> {
  const SourceManager& sources = analysis.sources;
  std::map<std::string, Json> by_file = {{analysis.uri, Json::array()}};
  for (const Diagnostic& d : analysis.diagnostics.All()) {
    std::string file_uri = analysis.uri;
    if (d.span.file < sources.FileCount()) {
      if (sources.File(d.span.file).path.starts_with("<stdlib>")) continue;
      file_uri = FileUri(analysis, d.span.file);
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
      if (sources.File(note.span.file).path.starts_with("<stdlib>")) continue;
      related.push_back({{"location", {{"uri", FileUri(analysis, note.span.file)}, {"range", RangeOf(sources, note.span)}}},
                         {"message", note.message}});
    }
    if (!related.empty()) diagnostic["relatedInformation"] = related;
    by_file[file_uri].push_back(diagnostic);
  }
  return by_file;
}

auto Hover(const Analysis& analysis, const Json& position) -> Json {
  if (analysis.index == nullptr) return nullptr;
  uint32_t offset = OffsetIn(analysis.sources.File(analysis.entry).text, position);
  const Occurrence* at = analysis.index->At(analysis.entry, offset);
  if (at == nullptr || (at->symbol == nullptr && at->type == nullptr)) return nullptr;
  std::string value = "```wing\n";
  if (at->symbol != nullptr) {
    value += Signature(at->symbol);
  } else {
    value += TypeName(at->type);
  }
  value += "\n```\n";
  // The value's type where it differs from the declaration (a generic's
  // element type, a method's bound result).
  if (at->symbol != nullptr && at->type != nullptr && at->symbol->type != nullptr && !IsType(at->symbol) &&
      TypeName(at->type) != TypeName(at->symbol->type)) {
    value += fmt::format("\ntype here: `{}`\n", TypeName(at->type));
  }
  if (at->symbol != nullptr && at->symbol->kind != SymbolKind::kModule && !IsType(at->symbol)) {
    value += fmt::format("\n*{}*", PhaseWord(at->symbol->phase));
    if (at->symbol->phase == ast::Phase::kPreflight && at->phase == ast::Phase::kInflight &&
        (at->symbol->kind == SymbolKind::kVariable || at->symbol->kind == SymbolKind::kField)) {
      value += ", lifted into inflight code here";
    }
    value += "\n";
  } else if (at->symbol != nullptr && at->symbol->is_resource) {
    value += "\n*resource* (a preflight class)\n";
  }
  if (at->symbol != nullptr && !at->symbol->doc.empty()) value += "\n---\n" + at->symbol->doc + "\n";
  return {{"contents", {{"kind", "markdown"}, {"value", value}}}, {"range", RangeOf(analysis.sources, at->span)}};
}

auto Definition(const Analysis& analysis, const Json& position) -> Json {
  if (analysis.index == nullptr) return nullptr;
  uint32_t offset = OffsetIn(analysis.sources.File(analysis.entry).text, position);
  const Occurrence* at = analysis.index->At(analysis.entry, offset);
  if (at == nullptr || at->symbol == nullptr) return nullptr;
  const Symbol* symbol = at->symbol;
  // A brought module goes to its file.
  if (symbol->kind == SymbolKind::kModule) {
    const ast::Module* module = symbol->module;
    if (module == nullptr) {
      auto it = analysis.program.semantics.modules.find(symbol->name);
      if (it != analysis.program.semantics.modules.end()) module = it->second->module;
    }
    if (module == nullptr) return nullptr;
    return Location(analysis, Span{module->file, 0, 0});
  }
  if (symbol->span.file >= analysis.sources.FileCount()) return nullptr;
  return Location(analysis, symbol->span);
}

auto SemanticTokensLegend() -> Json {
  return {{"tokenTypes",
           {"namespace", "class", "struct", "enum", "interface", "enumMember", "property", "method", "function",
            "variable", "parameter", "typeParameter"}},
          {"tokenModifiers", {"declaration", "readonly", "static", "defaultLibrary", "inflight"}}};
}

auto SemanticTokens(const Analysis& analysis) -> Json {
  Json data = Json::array();
  if (analysis.index == nullptr) return {{"data", data}};
  uint32_t last_line = 0, last_col = 0, last_end = 0;
  for (const Occurrence* at : analysis.index->In(analysis.entry)) {
    if (at->symbol == nullptr || at->span.begin < last_end) continue;
    LineCol start = analysis.sources.Locate(at->span.file, at->span.begin);
    LineCol end = analysis.sources.Locate(at->span.file, at->span.end);
    if (end.line != start.line || end.col <= start.col) continue;
    const Symbol* symbol = at->symbol;
    int modifiers = 0;
    if (at->declaration) modifiers |= kDeclaration;
    if ((symbol->kind == SymbolKind::kVariable || symbol->kind == SymbolKind::kField) && !symbol->reassignable) {
      modifiers |= kReadonly;
    }
    if (symbol->is_static) modifiers |= kStatic;
    if (symbol->from_stdlib) modifiers |= kDefaultLibrary;
    if (symbol->phase == ast::Phase::kInflight) modifiers |= kInflight;
    uint32_t line = start.line - 1, col = start.col - 1;
    data.push_back(line - last_line);
    data.push_back(line == last_line ? col - last_col : col);
    data.push_back(end.col - start.col);
    data.push_back(TokenTypeOf(symbol));
    data.push_back(modifiers);
    last_line = line;
    last_col = col;
    last_end = at->span.end;
  }
  return {{"data", data}};
}

auto DocumentSymbols(const Analysis& analysis) -> Json {
  Json symbols = Json::array();
  const ast::Module* entry = analysis.program.loaded.entry;
  if (entry == nullptr) return symbols;
  const SourceManager& sources = analysis.sources;
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
  for (const ast::Stmt* stmt : entry->stmts) {
    if (const auto* let = ast::As<ast::LetStmt>(stmt)) {
      symbols.push_back(symbol(let->name, let->is_var ? kVariable : kConstant, let->span, let->name_span));
    } else if (const auto* klass = ast::As<ast::ClassStmt>(stmt)) {
      Json entry_symbol = symbol(klass->name, kClass, klass->span, klass->name_span);
      for (const ast::FieldDecl& field : klass->fields) {
        entry_symbol["children"].push_back(symbol(field.name, kField, field.span, field.span));
      }
      for (const ast::FunctionDecl& method : klass->methods) {
        Span range = method.body != nullptr ? Span::Cover(method.span, method.body->span) : method.span;
        entry_symbol["children"].push_back(
            symbol(method.name, method.is_constructor ? kConstructor : kMethod, range, method.span));
      }
      symbols.push_back(entry_symbol);
    } else if (const auto* structure = ast::As<ast::StructStmt>(stmt)) {
      Json entry_symbol = symbol(structure->name, kStruct, structure->span, structure->name_span);
      for (const ast::FieldDecl& field : structure->fields) {
        entry_symbol["children"].push_back(symbol(field.name, kField, field.span, field.span));
      }
      symbols.push_back(entry_symbol);
    } else if (const auto* interface = ast::As<ast::InterfaceStmt>(stmt)) {
      Json entry_symbol = symbol(interface->name, kInterface, interface->span, interface->name_span);
      for (const ast::FunctionDecl& method : interface->methods) {
        entry_symbol["children"].push_back(symbol(method.name, kMethod, method.span, method.span));
      }
      symbols.push_back(entry_symbol);
    } else if (const auto* enumeration = ast::As<ast::EnumStmt>(stmt)) {
      Json entry_symbol = symbol(enumeration->name, kEnum, enumeration->span, enumeration->name_span);
      for (const auto& [name, span] : enumeration->members) {
        entry_symbol["children"].push_back(symbol(name, kEnumMember, span, span));
      }
      symbols.push_back(entry_symbol);
    } else if (const auto* test = ast::As<ast::TestStmt>(stmt)) {
      symbols.push_back(symbol("test \"" + test->name + "\"", kFunction, test->span, test->span));
    }
  }
  return symbols;
}

auto Completion(const std::string& uri, const std::string& text, const Json& position) -> Json {
  uint32_t offset = OffsetIn(text, position);
  uint32_t start = offset;
  while (start > 0 && IsNameChar(text[start - 1])) --start;
  std::string prefix = text.substr(start, offset - start);
  bool after_dot = start > 0 && text[start - 1] == '.';
  // Compile with the placeholder in place of the name being typed; when the
  // statement around it is unfinished, a `;` at the end of its line usually
  // completes it.
  uint32_t word_end = offset;  // the rest of a name the cursor is inside
  while (word_end < text.size() && IsNameChar(text[word_end])) ++word_end;
  std::string patched = text.substr(0, start) + std::string(kPlaceholder) + text.substr(word_end);
  size_t line_end = patched.find('\n', start);
  if (line_end == std::string::npos) line_end = patched.size();
  std::string with_semicolon = patched.substr(0, line_end) + ";" + patched.substr(line_end);
  std::shared_ptr<Analysis> analysis;
  const Occurrence* at = nullptr;
  for (const std::string* candidate : {&patched, &with_semicolon}) {
    at = nullptr;
    analysis = Analyze(uri, *candidate, 0, false);
    if (analysis->index == nullptr) continue;
    at = analysis->index->At(analysis->entry, start);
    if (at != nullptr && at->span.begin == start && (!after_dot || at->object != nullptr)) break;
  }
  Json items = Json::array();
  std::set<std::string> seen;
  auto add = [&](Json item) {
    std::string label = item["label"];
    if (label.starts_with(prefix) && label != kPlaceholder && seen.insert(label).second) items.push_back(item);
  };
  if (analysis == nullptr || analysis->index == nullptr) return {{"isIncomplete", false}, {"items", items}};
  const SourceIndex& index = *analysis->index;
  ast::Phase phase = index.PhaseAt(analysis->entry, start);

  if (after_dot) {
    const ast::Expr* object = at != nullptr ? at->object : nullptr;
    const Symbol* named = nullptr;  // the object names a type or module: its statics
    if (const auto* ident = ast::As<ast::IdentExpr>(object)) named = ident->symbol;
    if (const auto* member = ast::As<ast::MemberExpr>(object)) named = member->member;
    if (object == nullptr) {
      // A type being written (`new cloud.`, `let b: cloud.`) is no
      // expression: look the name before the dot up among visible names.
      uint32_t qualifier = start - 1;
      while (qualifier > 0 && IsNameChar(text[qualifier - 1])) --qualifier;
      std::string name = text.substr(qualifier, start - 1 - qualifier);
      for (const Symbol* symbol : index.VisibleAt(analysis->entry, start)) {
        if (symbol->name == name) named = symbol;
      }
      if (named == nullptr) return {{"isIncomplete", false}, {"items", items}};
    }
    if (named != nullptr && named->kind == SymbolKind::kModule) {
      for (const auto& [name, symbol] : named->exports) {
        if (symbol->access == ast::Access::kPublic || !named->from_stdlib) add(CompletionItem(symbol));
      }
    } else if (named != nullptr && named->kind == SymbolKind::kEnum) {
      for (const auto& [name, symbol] : named->members) add(CompletionItem(symbol));
    } else if (named != nullptr && IsType(named)) {
      for (const auto& [name, symbol] : named->members) {
        if (symbol->is_static) add(CompletionItem(symbol));
      }
    } else if (const Symbol* cls = object != nullptr ? index.ClassOf(object->type) : nullptr) {
      for (const auto& [name, symbol] : cls->members) {
        if (name == "new" || symbol->is_static) continue;
        // Only the members the code around the cursor may call: inflight
        // methods in inflight code, preflight methods in preflight code.
        if (symbol->kind == SymbolKind::kMethod && symbol->phase != ast::Phase::kUnphased &&
            symbol->phase != phase) {
          continue;
        }
        if (symbol->kind == SymbolKind::kField && symbol->phase == ast::Phase::kInflight &&
            phase != ast::Phase::kInflight) {
          continue;
        }
        add(CompletionItem(symbol));
      }
    }
    return {{"isIncomplete", false}, {"items", items}};
  }

  // Named arguments first: the fields of the struct a call's last parameter takes.
  if (const Symbol* structure = index.StructArgumentsAt(analysis->entry, start)) {
    for (const auto& [name, field] : structure->members) {
      if (field->kind != SymbolKind::kField) continue;
      Json item = CompletionItem(field);
      item["insertText"] = name + ": ";
      item["sortText"] = "0" + name;
      add(item);
    }
  }
  for (const Symbol* symbol : index.VisibleAt(analysis->entry, start)) {
    if (symbol->name.starts_with("__")) continue;
    add(CompletionItem(symbol));
  }
  for (const char* keyword : kKeywords) {
    std::string_view word = keyword;
    if (phase == ast::Phase::kInflight && word == "test") continue;
    add({{"label", keyword}, {"kind", 14}});
  }
  return {{"isIncomplete", false}, {"items", items}};
}

}  // namespace wdsl::lsp
