// Declarations: classes, structs, enums and interfaces are collected before
// any code is checked (so they can be used before their definition), then
// their headers and members are resolved; class bodies are checked in order.
#include "frontend/check_internal.h"

namespace wdsl::checking {
namespace {

// Builtin value types and the stdlib classes that declare their methods.
constexpr std::pair<const char*, TypeKind> kBuiltinClasses[] = {
    {"String", TypeKind::kStr},        {"Number", TypeKind::kNum},    {"Boolean", TypeKind::kBool},
    {"Duration", TypeKind::kDuration}, {"Array", TypeKind::kArray},   {"MutArray", TypeKind::kMutArray},
    {"Map", TypeKind::kMap},           {"MutMap", TypeKind::kMutMap}, {"Set", TypeKind::kSet},
    {"MutSet", TypeKind::kMutSet},     {"Json", TypeKind::kJson},     {"MutJson", TypeKind::kMutJson},
};

// How a builtin type is named when used as a value (`str.fromJson`).
constexpr std::pair<const char*, const char*> kBuiltinValueNames[] = {
    {"str", "String"},        {"num", "Number"}, {"bool", "Boolean"},
    {"duration", "Duration"}, {"Json", "Json"},  {"MutJson", "MutJson"},
};

// std declarations that are not names in user code (their types have
// keywords, or they are reached through a prefix).
auto HiddenStdName(const std::string& name) -> bool {
  for (const auto& [cls, kind] : kBuiltinClasses) {
    if (name == cls && name != "Json" && name != "MutJson") return true;
  }
  return name == "Std" || name == "Struct";
}

auto IsMutable(const Type* type) -> bool {
  if (type == nullptr) return false;
  switch (type->kind) {
    case TypeKind::kMutArray:
    case TypeKind::kMutMap:
    case TypeKind::kMutSet:
    case TypeKind::kMutJson: return true;
    case TypeKind::kOptional:
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kSet: return IsMutable(type->element);
    default: return false;
  }
}

}  // namespace

// ---------------------------------------------------------------- collection

auto Checker::NewTypeSymbol(SymbolKind kind, const std::string& name, Span span, const std::string& doc, bool is_pub)
    -> Symbol* {
  Symbol* symbol = semantics_.NewSymbol(kind, name, span);
  symbol->doc = doc;
  symbol->owner = module_symbol_;
  // Qualified names identify classes downstream: keep them unique, also for
  // classes declared in blocks.
  std::string qualified = module_symbol_->name + "." + name;
  for (int i = 2; !qualified_names_.insert(qualified).second; ++i) {
    qualified = fmt::format("{}.{}${}", module_symbol_->name, name, i);
  }
  symbol->qualified_name = qualified;
  symbol->from_stdlib = module_symbol_->from_stdlib;
  symbol->access = is_pub ? ast::Access::kPublic : ast::Access::kPrivate;
  Type type;
  type.kind = kind == SymbolKind::kClass    ? TypeKind::kClass
              : kind == SymbolKind::kStruct ? TypeKind::kStruct
              : kind == SymbolKind::kEnum   ? TypeKind::kEnum
                                            : TypeKind::kInterface;
  type.decl = symbol;
  symbol->type = semantics_.NewType(std::move(type));
  Declare(symbol);
  return symbol;
}

void Checker::DeclareNestedClass(ast::ClassStmt& cls) {
  Symbol* symbol = NewTypeSymbol(SymbolKind::kClass, cls.name, cls.name_span, cls.doc, cls.is_pub);
  // A class declared in inflight code is an inflight class, as in Wing; the
  // AST records it for the stages after this one.
  if (Inflight()) cls.phase = Phase::kInflight;
  symbol->phase = cls.phase;
  symbol->class_decl = &cls;
  symbol->type_params = cls.type_params;
  cls.symbol = symbol;
  nested_decls_.insert(symbol);
  ResolveClassHeader(symbol);
}

void Checker::DeclareModule(const ast::Module& module, Symbol* msym) {
  owned_scopes_.push_back(std::make_unique<Scope>());
  Scope* scope = owned_scopes_.back().get();
  module_scopes_[msym] = scope;
  scopes_.push_back(scope);
  Symbol* saved_module = module_symbol_;
  module_symbol_ = msym;
  auto make_decl = [&](SymbolKind kind, const std::string& name, Span span, const std::string& doc,
                       bool is_pub) -> Symbol* {
    Symbol* symbol = NewTypeSymbol(kind, name, span, doc, is_pub);
    if (!msym->exports.contains(name)) msym->exports[name] = symbol;
    return symbol;
  };
  for (ast::Stmt* stmt : module.stmts) {
    if (stmt == nullptr) continue;
    switch (stmt->kind) {
      case ast::StmtKind::kBring: {
        auto& bring = *ast::As<ast::BringStmt>(stmt);
        std::string alias = !bring.alias.empty() ? bring.alias : bring.module;
        if (alias.empty()) break;  // the parser reported the missing `as`
        const Symbol* target = nullptr;
        if (!bring.module.empty()) {
          auto it = semantics_.modules.find(bring.module);
          if (it != semantics_.modules.end() && it->second->from_stdlib) target = it->second;
        } else if (auto it = module_by_file_.find(bring.brought_file);
                   it != module_by_file_.end() && !it->second->from_stdlib) {
          target = it->second;
        }
        if (target == nullptr) {
          // The loader reported why; an empty module silences later lookups.
          Symbol* failed = semantics_.NewSymbol(SymbolKind::kModule, alias, bring.target_span);
          target = failed;
        }
        Symbol* alias_symbol = semantics_.NewSymbol(SymbolKind::kModule, alias, bring.target_span);
        *alias_symbol = *target;
        alias_symbol->name = alias;
        alias_symbol->span = bring.target_span;
        // Lowering names what a module exports by the module's own name.
        alias_symbol->qualified_name = target->qualified_name;
        Declare(alias_symbol);
        break;
      }
      case ast::StmtKind::kClass: {
        auto& cls = *ast::As<ast::ClassStmt>(stmt);
        Symbol* symbol = make_decl(SymbolKind::kClass, cls.name, cls.name_span, cls.doc, cls.is_pub);
        symbol->phase = cls.phase;
        symbol->class_decl = &cls;
        symbol->type_params = cls.type_params;
        cls.symbol = symbol;
        break;
      }
      case ast::StmtKind::kStruct: {
        auto& st = *ast::As<ast::StructStmt>(stmt);
        Symbol* symbol = make_decl(SymbolKind::kStruct, st.name, st.name_span, st.doc, st.is_pub);
        symbol->phase = Phase::kUnphased;
        symbol->struct_decl = &st;
        st.symbol = symbol;
        break;
      }
      case ast::StmtKind::kEnum: {
        auto& en = *ast::As<ast::EnumStmt>(stmt);
        Symbol* symbol = make_decl(SymbolKind::kEnum, en.name, en.name_span, en.doc, en.is_pub);
        symbol->phase = Phase::kUnphased;
        symbol->enum_decl = &en;
        for (const auto& [name, span] : en.members) {
          if (symbol->members.contains(name)) {
            Diagnostic& d = Report(DiagnosticKind::kDuplicateDefinition, span, name);
            AddDefinedHere(d, symbol->members[name]);
            continue;
          }
          Symbol* member = semantics_.NewSymbol(SymbolKind::kEnumMember, name, span);
          member->owner = symbol;
          member->type = symbol->type;
          member->phase = Phase::kUnphased;
          member->from_stdlib = module.is_stdlib;
          member->qualified_name = symbol->qualified_name + "." + name;
          symbol->members[name] = member;
          symbol->enum_members.push_back(name);
        }
        en.symbol = symbol;
        break;
      }
      case ast::StmtKind::kInterface: {
        auto& iface = *ast::As<ast::InterfaceStmt>(stmt);
        Symbol* symbol = make_decl(SymbolKind::kInterface, iface.name, iface.name_span, iface.doc, iface.is_pub);
        symbol->interface_decl = &iface;
        iface.symbol = symbol;
        break;
      }
      default: break;
    }
  }
  scopes_.pop_back();
  module_symbol_ = saved_module;

  if (msym != std_module_) return;
  // std's public names are global; the builtin types find their methods here.
  for (const auto& [name, kind] : kBuiltinClasses) {
    if (auto it = msym->exports.find(name); it != msym->exports.end()) builtin_classes_[kind] = it->second;
  }
  for (const auto& [value_name, cls] : kBuiltinValueNames) {
    if (auto it = msym->exports.find(cls); it != msym->exports.end()) builtin_value_names_[value_name] = it->second;
  }
  if (auto it = msym->exports.find("Resource"); it != msym->exports.end()) resource_class_ = it->second;
  if (auto it = msym->exports.find("Struct"); it != msym->exports.end()) struct_class_ = it->second;
  for (const auto& [name, symbol] : msym->exports) {
    if (!HiddenStdName(name)) global_scope_.names[name] = symbol;
  }
  global_scope_.names["std"] = msym;
}

// ---------------------------------------------------------------- resolution

void Checker::ResolveModuleDecls(const ast::Module& module) {
  Symbol* msym = module_symbols_[&module];
  auto saved_scopes = scopes_;
  auto saved_module = module_symbol_;
  scopes_ = {&global_scope_, module_scopes_[msym]};
  module_symbol_ = msym;
  for (ast::Stmt* stmt : module.stmts) {
    if (auto* cls = ast::As<ast::ClassStmt>(stmt); cls != nullptr && cls->symbol != nullptr) {
      ResolveClassHeader(const_cast<Symbol*>(cls->symbol));
    } else if (auto* st = ast::As<ast::StructStmt>(stmt); st != nullptr && st->symbol != nullptr) {
      ResolveStruct(const_cast<Symbol*>(st->symbol));
    } else if (auto* iface = ast::As<ast::InterfaceStmt>(stmt); iface != nullptr && iface->symbol != nullptr) {
      ResolveInterface(const_cast<Symbol*>(iface->symbol));
    }
  }
  if (msym == std_module_) {
    // `log`, `assert` and `unsafeCast` are the statics of class Std.
    if (auto it = msym->exports.find("Std"); it != msym->exports.end()) {
      for (const auto& [name, member] : it->second->members) {
        if (member->kind == SymbolKind::kMethod && member->is_static) global_scope_.names[name] = member;
      }
    }
  }
  scopes_ = saved_scopes;
  module_symbol_ = saved_module;
}

// Resolution may jump to a declaration in another module (a base class):
// its types are resolved in the scope of its own module, and the caller's
// scope is restored afterwards.
class DeclScope {
 public:
  DeclScope(Checker& checker, const Symbol* decl)
      : checker_(checker),
        scopes_(checker.scopes_),
        module_(checker.module_symbol_),
        params_(std::move(checker.type_params_)) {
    checker.type_params_.clear();
    // A class declared in a block resolves its types where it stands.
    if (checker.nested_decls_.contains(decl)) return;
    if (auto it = checker.module_scopes_.find(decl->owner); it != checker.module_scopes_.end()) {
      checker.scopes_ = {&checker.global_scope_, it->second};
      checker.module_symbol_ = const_cast<Symbol*>(decl->owner);
    }
  }
  ~DeclScope() {
    checker_.scopes_ = std::move(scopes_);
    checker_.module_symbol_ = module_;
    checker_.type_params_ = std::move(params_);
  }
  DeclScope(const DeclScope&) = delete;
  auto operator=(const DeclScope&) -> DeclScope& = delete;

 private:
  Checker& checker_;
  std::vector<Scope*> scopes_;
  Symbol* module_;
  std::map<std::string, const Type*> params_;
};

auto Checker::MemberPhase(Phase declared, const Symbol* cls) const -> Phase {
  if (cls->phase == Phase::kInflight || declared == Phase::kInflight) return Phase::kInflight;
  if (declared == Phase::kUnphased) return Phase::kUnphased;
  // The members of stdlib value classes (`str.length`, `Util.env`) work in
  // both phases; only resources have preflight-only members.
  if (cls->from_stdlib && !cls->is_resource) return Phase::kUnphased;
  return Phase::kPreflight;
}

auto Checker::MakeMethod(const ast::FunctionDecl& fn, Symbol* owner, Phase phase) -> Symbol* {
  Symbol* method = semantics_.NewSymbol(SymbolKind::kMethod, fn.is_constructor ? "new" : fn.name, fn.span);
  method->doc = fn.doc;
  method->owner = owner;
  method->phase = phase;
  method->access = owner->kind == SymbolKind::kInterface ? ast::Access::kPublic : fn.access;
  method->is_static = fn.is_static;
  method->from_stdlib = owner->from_stdlib;
  method->qualified_name = owner->qualified_name + "." + method->name;
  method->function_decl = &fn;
  std::vector<const Type*> params;
  for (const ast::Param& param : fn.params) {
    if (param.type == nullptr) {
      Report(DiagnosticKind::kCannotInfer, param.span, "parameter `" + param.name + "`; write its type");
      params.push_back(semantics_.Error());
    } else {
      params.push_back(ResolveType(param.type));
    }
  }
  const Type* result = fn.result != nullptr && !fn.is_constructor ? ResolveType(fn.result) : semantics_.Void();
  method->type = FunctionType(phase, std::move(params), result);
  const_cast<ast::FunctionDecl&>(fn).symbol = method;
  return method;
}

void Checker::ResolveClassHeader(Symbol* cls) {
  if (resolved_.contains(cls)) return;
  if (resolving_.contains(cls)) {
    Report(DiagnosticKind::kInheritanceCycle, cls->span, cls->name);
    return;
  }
  const ast::ClassStmt* decl = cls->class_decl;
  if (decl == nullptr) return;
  resolving_.insert(cls);
  {
    DeclScope scope(*this, cls);
    if (decl->extends != nullptr) {
      const Type* base = ResolveType(decl->extends);
      if (base->kind == TypeKind::kClass && base->decl != nullptr) {
        auto* base_symbol = const_cast<Symbol*>(base->decl);
        ResolveClassHeader(base_symbol);
        if (!IsSubclass(base_symbol, cls)) cls->base = base_symbol;  // else a cycle, reported
      } else if (!IsError(base)) {
        Report(DiagnosticKind::kNotAClass, decl->extends->span, TypeName(base));
      }
    }
    for (const ast::TypeExpr* impl : decl->impls) {
      const Type* iface = ResolveType(impl);
      if (iface->kind == TypeKind::kInterface && iface->decl != nullptr) {
        ResolveInterface(const_cast<Symbol*>(iface->decl));
        cls->interfaces.push_back(iface->decl);
      } else if (!IsError(iface)) {
        Report(DiagnosticKind::kNotAnInterface, impl->span, TypeName(iface));
      }
    }
    cls->is_resource = cls->phase != Phase::kInflight &&
                       (!cls->from_stdlib || (resource_class_ != nullptr && IsSubclass(cls, resource_class_)));
  }
  ResolveClassMembers(cls);
  resolving_.erase(cls);
  resolved_.insert(cls);
}

void Checker::ResolveClassMembers(Symbol* cls) {
  const ast::ClassStmt* decl = cls->class_decl;
  DeclScope scope(*this, cls);
  for (const std::string& name : decl->type_params) {
    Type param;
    param.kind = TypeKind::kTypeParam;
    param.name = name;
    param.decl = cls;
    type_params_[name] = semantics_.NewType(std::move(param));
  }
  if (cls->base != nullptr) {
    for (const auto& [name, member] : cls->base->members) {
      if (name != "new") cls->members[name] = member;
    }
  } else if (cls->is_resource && !cls->from_stdlib && resource_class_ != nullptr) {
    // A user preflight class is a std.Resource: `store.allow(["get"])` binds
    // some of its inflight methods to a container.
    for (const auto& [name, member] : resource_class_->members) {
      if (name != "new") cls->members[name] = member;
    }
  }
  std::set<std::string> own;
  auto add = [&](Symbol* member) {
    if (!own.insert(member->name).second) {
      Diagnostic& d = Report(DiagnosticKind::kDuplicateDefinition, member->span, member->name);
      AddDefinedHere(d, cls->members[member->name]);
      return;
    }
    cls->members[member->name] = member;
  };
  for (const ast::FieldDecl& field : decl->fields) {
    Symbol* member = semantics_.NewSymbol(SymbolKind::kField, field.name, field.span);
    member->doc = field.doc;
    member->owner = cls;
    member->type = ResolveType(field.type);
    member->phase = MemberPhase(field.phase, cls);
    member->reassignable = field.is_var;
    member->access = field.access;
    member->is_static = field.is_static;
    member->from_stdlib = cls->from_stdlib;
    member->qualified_name = cls->qualified_name + "." + field.name;
    member->field_decl = &field;
    const_cast<ast::FieldDecl&>(field).symbol = member;
    add(member);
  }
  bool has_inflight_ctor = false;
  for (const ast::FunctionDecl& fn : decl->methods) {
    Phase phase = MemberPhase(fn.phase, cls);
    Symbol* method = MakeMethod(fn, cls, phase);
    if (fn.is_constructor && phase == Phase::kInflight && cls->phase != Phase::kInflight) {
      // `inflight new()` of a preflight class: run by the runtime, never named.
      if (has_inflight_ctor) Report(DiagnosticKind::kDuplicateDefinition, fn.span, "inflight new");
      has_inflight_ctor = true;
      continue;
    }
    add(method);
  }
}

void Checker::ResolveInterface(Symbol* iface) {
  if (resolved_.contains(iface)) return;
  if (resolving_.contains(iface)) {
    Report(DiagnosticKind::kInheritanceCycle, iface->span, iface->name);
    return;
  }
  const ast::InterfaceStmt* decl = iface->interface_decl;
  if (decl == nullptr) return;
  resolving_.insert(iface);
  DeclScope scope(*this, iface);
  for (const ast::TypeExpr* base : decl->extends) {
    const Type* type = ResolveType(base);
    if (type->kind == TypeKind::kInterface && type->decl != nullptr) {
      auto* base_symbol = const_cast<Symbol*>(type->decl);
      ResolveInterface(base_symbol);
      if (Implements(base_symbol, iface)) continue;  // a cycle, reported
      iface->interfaces.push_back(base_symbol);
      for (const auto& [name, member] : base_symbol->members) iface->members[name] = member;
    } else if (!IsError(type)) {
      Report(DiagnosticKind::kNotAnInterface, base->span, TypeName(type));
    }
  }
  std::set<std::string> own;
  for (const ast::FunctionDecl& fn : decl->methods) {
    Phase phase = fn.phase == Phase::kInflight ? Phase::kInflight : fn.phase;
    Symbol* method = MakeMethod(fn, iface, phase);
    if (!own.insert(fn.name).second) {
      Report(DiagnosticKind::kDuplicateDefinition, fn.span, fn.name);
      continue;
    }
    iface->members[fn.name] = method;
  }
  resolving_.erase(iface);
  resolved_.insert(iface);
}

void Checker::ResolveStruct(Symbol* st) {
  if (resolved_.contains(st)) return;
  if (resolving_.contains(st)) {
    Report(DiagnosticKind::kInheritanceCycle, st->span, st->name);
    return;
  }
  const ast::StructStmt* decl = st->struct_decl;
  if (decl == nullptr) return;
  resolving_.insert(st);
  DeclScope scope(*this, st);
  for (const ast::TypeExpr* base : decl->extends) {
    const Type* type = ResolveType(base);
    if (type->kind != TypeKind::kStruct || type->decl == nullptr) {
      if (!IsError(type)) Report(DiagnosticKind::kTypeMismatch, base->span, "struct", TypeName(type));
      continue;
    }
    auto* parent = const_cast<Symbol*>(type->decl);
    ResolveStruct(parent);
    if (resolving_.contains(parent)) continue;
    st->interfaces.push_back(parent);
    for (const auto& [name, field] : parent->members) {
      // The same field from two parents is one field if the types agree.
      if (st->members.contains(name) && st->members[name] != field &&
          !(IsAssignable(st->members[name]->type, field->type) && IsAssignable(field->type, st->members[name]->type))) {
        Report(DiagnosticKind::kDuplicateField, base->span, name);
        continue;
      }
      st->members[name] = field;
    }
  }
  for (const ast::FieldDecl& field : decl->fields) {
    if (st->members.contains(field.name)) {
      Diagnostic& d = Report(DiagnosticKind::kDuplicateField, field.span, field.name);
      AddDefinedHere(d, st->members[field.name]);
      continue;
    }
    Symbol* member = semantics_.NewSymbol(SymbolKind::kField, field.name, field.span);
    member->doc = field.doc;
    member->owner = st;
    member->type = ResolveType(field.type);
    member->phase = Phase::kUnphased;
    member->access = ast::Access::kPublic;
    member->from_stdlib = st->from_stdlib;
    member->qualified_name = st->qualified_name + "." + field.name;
    member->field_decl = &field;
    const_cast<ast::FieldDecl&>(field).symbol = member;
    if (!st->from_stdlib && IsMutable(member->type)) {
      Report(DiagnosticKind::kBadStructField, field.span, field.name, TypeName(member->type));
    }
    st->members[field.name] = member;
  }
  resolving_.erase(st);
  resolved_.insert(st);
}

}  // namespace wdsl::checking
