#include "frontend/index.h"

#include <algorithm>
#include <map>
#include <set>

namespace wdsl {

namespace {

// The std class that holds a builtin type's members (as the checker's
// builtin class table in check_decls.cpp).
auto BuiltinClassName(TypeKind kind) -> const char* {
  switch (kind) {
    case TypeKind::kStr: return "String";
    case TypeKind::kNum: return "Number";
    case TypeKind::kBool: return "Boolean";
    case TypeKind::kDuration: return "Duration";
    case TypeKind::kArray: return "Array";
    case TypeKind::kMutArray: return "MutArray";
    case TypeKind::kMap: return "Map";
    case TypeKind::kMutMap: return "MutMap";
    case TypeKind::kSet: return "Set";
    case TypeKind::kMutSet: return "MutSet";
    case TypeKind::kJson: return "Json";
    case TypeKind::kMutJson: return "MutJson";
    default: return nullptr;
  }
}

auto Contains(const Span& span, FileId file, uint32_t offset) -> bool {
  return span.file == file && span.begin <= offset && offset <= span.end;
}

}  // namespace

// Walks the annotated AST of one module and records names, scopes and
// phase regions into a SourceIndex.
class IndexBuilder {
 public:
  IndexBuilder(SourceIndex& index, const Semantics& semantics, const ast::Module& module)
      : index_(index), semantics_(semantics), module_(module) {}

  void Run() {
    Span file{module_.file, 0, UINT32_MAX};
    for (const ast::Stmt* stmt : module_.stmts) Stmt(stmt, file);
  }

 private:
  void Name(Span span, const Symbol* symbol, const Type* type, bool declaration, const ast::Expr* object = nullptr) {
    if (span.end <= span.begin) return;
    index_.occurrences_.push_back({span, symbol, type, phase_, declaration, object});
  }

  // Calls whose last parameter is a struct: named arguments can fill it.
  void Call(Span region, const wdsl::Type* function, const ast::Expr* named_struct) {
    const Symbol* structure = named_struct != nullptr ? index_.ClassOf(named_struct->type) : nullptr;
    if (structure == nullptr && function != nullptr && function->kind == TypeKind::kFunction &&
        !function->params.empty()) {
      const wdsl::Type* last = function->params.back();
      if (last != nullptr && last->kind == TypeKind::kOptional) last = last->element;
      if (last != nullptr && last->kind == TypeKind::kStruct) structure = last->decl;
    }
    if (structure != nullptr) index_.calls_.push_back({region, structure});
  }

  void Declare(const Symbol* symbol, Span visible) {
    if (symbol != nullptr) index_.names_.push_back({symbol, visible});
  }

  // A region of code in `phase` (an inflight closure, method or test).
  void InPhase(ast::Phase phase, Span region, auto&& body) {
    ast::Phase saved = phase_;
    if (phase != ast::Phase::kUnphased) phase_ = phase;
    index_.phases_.emplace_back(region, phase_);
    body();
    phase_ = saved;
  }

  // The class, struct, enum or interface a written type names.
  auto TypeSymbol(const ast::TypeExpr* type) const -> const Symbol* {
    if (type == nullptr || type->kind != ast::TypeExpr::Kind::kNamed || type->path.empty()) return nullptr;
    auto find = [](const Symbol* module, const std::string& name) -> const Symbol* {
      if (module == nullptr) return nullptr;
      auto it = module->exports.find(name);
      return it != module->exports.end() ? it->second : nullptr;
    };
    auto module = [&](const std::string& name) -> const Symbol* {
      auto it = semantics_.modules.find(name);
      return it != semantics_.modules.end() ? it->second : nullptr;
    };
    if (type->path.size() == 2) return find(module(type->path[0]), type->path[1]);
    if (const Symbol* own = find(module(module_.name), type->path[0])) return own;
    return find(module("std"), type->path[0]);
  }

  void Type(const ast::TypeExpr* type) {
    if (type == nullptr) return;
    for (const ast::TypeExpr* arg : type->args) Type(arg);
    Type(type->inner);
    Type(type->result);
    const Symbol* symbol = TypeSymbol(type);
    if (symbol == nullptr || !type->args.empty()) return;
    const std::string& last = type->path.back();
    if (type->span.end - type->span.begin < last.size()) return;
    Name(Span{type->span.file, static_cast<uint32_t>(type->span.end - last.size()), type->span.end}, symbol,
         symbol->type, false);
    if (type->path.size() == 2) {
      auto it = semantics_.modules.find(type->path[0]);
      if (it != semantics_.modules.end()) {
        Name(Span{type->span.file, type->span.begin, static_cast<uint32_t>(type->span.begin + type->path[0].size())},
             it->second, nullptr, false);
      }
    }
  }

  void Params(const std::vector<ast::Param>& params, Span body) {
    for (const ast::Param& param : params) {
      Type(param.type);
      Name(param.span, param.symbol, param.symbol != nullptr ? param.symbol->type : nullptr, true);
      Declare(param.symbol, body);
    }
  }

  void Function(const ast::FunctionDecl& fn, ast::Phase class_phase) {
    Name(fn.span, fn.symbol, fn.symbol != nullptr ? fn.symbol->type : nullptr, true);
    Span body = fn.body != nullptr ? fn.body->span : fn.span;
    ast::Phase phase = class_phase == ast::Phase::kInflight ? ast::Phase::kInflight : fn.phase;
    InPhase(phase, body, [&] {
      Params(fn.params, body);
      Type(fn.result);
      if (fn.body != nullptr) Stmt(fn.body, body);
    });
  }

  void Fields(const std::vector<ast::FieldDecl>& fields) {
    for (const ast::FieldDecl& field : fields) {
      Type(field.type);
      Name(field.span, field.symbol, field.symbol != nullptr ? field.symbol->type : nullptr, true);
    }
  }

  void Block(const ast::BlockStmt* block) {
    if (block == nullptr) return;
    for (const ast::Stmt* stmt : block->stmts) Stmt(stmt, block->span);
  }

  // `scope` is the block the statement is in: names it declares are visible
  // from the statement's end to the block's end.
  void Stmt(const ast::Stmt* stmt, Span scope) {
    if (stmt == nullptr) return;
    Span after{stmt->span.file, stmt->span.end, scope.end};
    switch (stmt->kind) {
      case ast::StmtKind::kBring: {
        const auto* bring = static_cast<const ast::BringStmt*>(stmt);
        std::string name = !bring->alias.empty() ? bring->alias : bring->module;
        auto it = semantics_.modules.find(name);
        const Symbol* module = it != semantics_.modules.end() ? it->second : nullptr;
        if (module == nullptr && !bring->path.empty()) {
          for (const auto& [_, candidate] : semantics_.modules) {
            if (candidate->module != nullptr && candidate->module->file == bring->brought_file) module = candidate;
          }
        }
        Name(bring->target_span, module, nullptr, false);
        Declare(module, after);
        break;
      }
      case ast::StmtKind::kLet: {
        const auto* let = static_cast<const ast::LetStmt*>(stmt);
        Type(let->annotation);
        Expr(let->init);
        Name(let->name_span, let->symbol, let->symbol != nullptr ? let->symbol->type : nullptr, true);
        Declare(let->symbol, after);
        break;
      }
      case ast::StmtKind::kAssign: {
        const auto* assign = static_cast<const ast::AssignStmt*>(stmt);
        Expr(assign->target);
        Expr(assign->value);
        break;
      }
      case ast::StmtKind::kIf: {
        const auto* branch = static_cast<const ast::IfStmt*>(stmt);
        Expr(branch->condition);
        if (!branch->let_name.empty()) {
          Name(branch->let_span, branch->let_symbol,
               branch->let_symbol != nullptr ? branch->let_symbol->type : nullptr, true);
          if (branch->then_block != nullptr) Declare(branch->let_symbol, branch->then_block->span);
        }
        Block(branch->then_block);
        Stmt(branch->else_branch, scope);
        break;
      }
      case ast::StmtKind::kFor: {
        const auto* loop = static_cast<const ast::ForStmt*>(stmt);
        Expr(loop->iterable);
        Name(loop->var_span, loop->symbol, loop->symbol != nullptr ? loop->symbol->type : nullptr, true);
        if (loop->body != nullptr) Declare(loop->symbol, loop->body->span);
        Block(loop->body);
        break;
      }
      case ast::StmtKind::kWhile: {
        const auto* loop = static_cast<const ast::WhileStmt*>(stmt);
        Expr(loop->condition);
        Block(loop->body);
        break;
      }
      case ast::StmtKind::kReturn: Expr(static_cast<const ast::ReturnStmt*>(stmt)->value); break;
      case ast::StmtKind::kThrow: Expr(static_cast<const ast::ThrowStmt*>(stmt)->value); break;
      case ast::StmtKind::kTry: {
        const auto* attempt = static_cast<const ast::TryStmt*>(stmt);
        Block(attempt->body);
        if (!attempt->catch_name.empty()) {
          Name(attempt->catch_span, attempt->catch_symbol,
               attempt->catch_symbol != nullptr ? attempt->catch_symbol->type : nullptr, true);
          if (attempt->catch_block != nullptr) Declare(attempt->catch_symbol, attempt->catch_block->span);
        }
        Block(attempt->catch_block);
        Block(attempt->finally_block);
        break;
      }
      case ast::StmtKind::kExpr: Expr(static_cast<const ast::ExprStmt*>(stmt)->expr); break;
      case ast::StmtKind::kBlock: Block(static_cast<const ast::BlockStmt*>(stmt)); break;
      case ast::StmtKind::kStruct: {
        const auto* decl = static_cast<const ast::StructStmt*>(stmt);
        Name(decl->name_span, decl->symbol, decl->symbol != nullptr ? decl->symbol->type : nullptr, true);
        Declare(decl->symbol, scope);
        for (const ast::TypeExpr* base : decl->extends) Type(base);
        Fields(decl->fields);
        break;
      }
      case ast::StmtKind::kEnum: {
        const auto* decl = static_cast<const ast::EnumStmt*>(stmt);
        Name(decl->name_span, decl->symbol, decl->symbol != nullptr ? decl->symbol->type : nullptr, true);
        Declare(decl->symbol, scope);
        for (const auto& [name, span] : decl->members) {
          const Symbol* member = nullptr;
          if (decl->symbol != nullptr) {
            auto it = decl->symbol->members.find(name);
            if (it != decl->symbol->members.end()) member = it->second;
          }
          Name(span, member, decl->symbol != nullptr ? decl->symbol->type : nullptr, true);
        }
        break;
      }
      case ast::StmtKind::kInterface: {
        const auto* decl = static_cast<const ast::InterfaceStmt*>(stmt);
        Name(decl->name_span, decl->symbol, decl->symbol != nullptr ? decl->symbol->type : nullptr, true);
        Declare(decl->symbol, scope);
        for (const ast::TypeExpr* base : decl->extends) Type(base);
        for (const ast::FunctionDecl& method : decl->methods) Function(method, ast::Phase::kUnphased);
        break;
      }
      case ast::StmtKind::kClass: {
        const auto* decl = static_cast<const ast::ClassStmt*>(stmt);
        Name(decl->name_span, decl->symbol, decl->symbol != nullptr ? decl->symbol->type : nullptr, true);
        Declare(decl->symbol, scope);
        InPhase(decl->phase == ast::Phase::kInflight ? ast::Phase::kInflight : ast::Phase::kUnphased, decl->span, [&] {
          Type(decl->extends);
          for (const ast::TypeExpr* impl : decl->impls) Type(impl);
          Fields(decl->fields);
          for (const ast::FunctionDecl& method : decl->methods) Function(method, decl->phase);
        });
        break;
      }
      case ast::StmtKind::kTest: {
        const auto* test = static_cast<const ast::TestStmt*>(stmt);
        InPhase(ast::Phase::kInflight, test->span, [&] { Block(test->body); });
        break;
      }
      case ast::StmtKind::kLift: {
        const auto* lift = static_cast<const ast::LiftStmt*>(stmt);
        for (const ast::LiftQualification& q : lift->qualifications) Expr(q.object);
        Block(lift->body);
        break;
      }
      case ast::StmtKind::kBreak:
      case ast::StmtKind::kContinue: break;
    }
  }

  void Named(const std::vector<ast::NamedArg>& named, const ast::Expr* named_struct) {
    const auto* literal = ast::As<ast::StructLitExpr>(named_struct);
    for (const ast::NamedArg& arg : named) {
      Name(arg.span, literal != nullptr ? Field(literal->type, arg.name) : nullptr,
           arg.value != nullptr ? arg.value->type : nullptr, false);
      Expr(arg.value);
    }
  }

  auto Field(const wdsl::Type* type, const std::string& name) const -> const Symbol* {
    const Symbol* cls = index_.ClassOf(type);
    if (cls == nullptr) return nullptr;
    auto it = cls->members.find(name);
    return it != cls->members.end() ? it->second : nullptr;
  }

  void Expr(const ast::Expr* expr) {
    if (expr == nullptr) return;
    switch (expr->kind) {
      case ast::ExprKind::kString: {
        const auto* text = static_cast<const ast::StringExpr*>(expr);
        for (const ast::StringPart& part : text->parts) Expr(part.expr);
        break;
      }
      case ast::ExprKind::kIdent: {
        const auto* ident = static_cast<const ast::IdentExpr*>(expr);
        Name(expr->span, ident->symbol, expr->type, false);
        break;
      }
      case ast::ExprKind::kMember: {
        const auto* member = static_cast<const ast::MemberExpr*>(expr);
        Expr(member->object);
        Name(member->name_span, member->member, expr->type, false, member->object);
        break;
      }
      case ast::ExprKind::kIndex: {
        const auto* index = static_cast<const ast::IndexExpr*>(expr);
        Expr(index->object);
        Expr(index->index);
        break;
      }
      case ast::ExprKind::kCall: {
        const auto* call = static_cast<const ast::CallExpr*>(expr);
        Expr(call->callee);
        Call(expr->span, call->callee != nullptr ? call->callee->type : nullptr, call->named_struct);
        for (const ast::Expr* arg : call->args) Expr(arg);
        Named(call->named, call->named_struct);
        break;
      }
      case ast::ExprKind::kNew: {
        const auto* make = static_cast<const ast::NewExpr*>(expr);
        Type(make->class_type);
        const Symbol* cls = index_.ClassOf(expr->type);
        auto ctor = cls != nullptr ? cls->members.find("new") : std::map<std::string, const Symbol*>::const_iterator{};
        Call(expr->span, cls != nullptr && ctor != cls->members.end() ? ctor->second->type : nullptr,
             make->named_struct);
        for (const ast::Expr* arg : make->args) Expr(arg);
        Named(make->named, make->named_struct);
        Expr(make->id);
        Expr(make->scope);
        break;
      }
      case ast::ExprKind::kUnary: Expr(static_cast<const ast::UnaryExpr*>(expr)->operand); break;
      case ast::ExprKind::kBinary: {
        const auto* binary = static_cast<const ast::BinaryExpr*>(expr);
        Expr(binary->lhs);
        Expr(binary->rhs);
        break;
      }
      case ast::ExprKind::kRange: {
        const auto* range = static_cast<const ast::RangeExpr*>(expr);
        Expr(range->start);
        Expr(range->end);
        break;
      }
      case ast::ExprKind::kUnwrap: Expr(static_cast<const ast::UnwrapExpr*>(expr)->operand); break;
      case ast::ExprKind::kArrayLit: {
        const auto* array = static_cast<const ast::ArrayLitExpr*>(expr);
        Type(array->annotation);
        for (const ast::Expr* item : array->items) Expr(item);
        break;
      }
      case ast::ExprKind::kMapLit: {
        const auto* map = static_cast<const ast::MapLitExpr*>(expr);
        Type(map->annotation);
        for (const ast::MapEntry& entry : map->entries) {
          Expr(entry.key);
          Expr(entry.value);
        }
        break;
      }
      case ast::ExprKind::kObjectLit: {
        const auto* object = static_cast<const ast::ObjectLitExpr*>(expr);
        for (const ast::FieldInit& field : object->fields) {
          Name(field.span, Field(expr->type, field.name), field.value != nullptr ? field.value->type : nullptr, false);
          Expr(field.value);
        }
        break;
      }
      case ast::ExprKind::kStructLit: {
        const auto* literal = static_cast<const ast::StructLitExpr*>(expr);
        Type(literal->struct_type);
        for (const ast::FieldInit& field : literal->fields) {
          Name(field.span, Field(expr->type, field.name), field.value != nullptr ? field.value->type : nullptr, false);
          Expr(field.value);
        }
        break;
      }
      case ast::ExprKind::kJsonLit: Expr(static_cast<const ast::JsonLitExpr*>(expr)->value); break;
      case ast::ExprKind::kClosure: {
        const auto* closure = static_cast<const ast::ClosureExpr*>(expr);
        Span body = closure->body != nullptr ? closure->body->span : expr->span;
        InPhase(closure->closure_phase, expr->span, [&] {
          Params(closure->params, body);
          Type(closure->result);
          Block(closure->body);
        });
        break;
      }
      case ast::ExprKind::kIntrinsic: {
        for (const ast::Expr* arg : static_cast<const ast::IntrinsicExpr*>(expr)->args) Expr(arg);
        break;
      }
      case ast::ExprKind::kNumber:
      case ast::ExprKind::kBool:
      case ast::ExprKind::kNil:
      case ast::ExprKind::kDuration:
      case ast::ExprKind::kThis:
      case ast::ExprKind::kSuper: break;
    }
  }

  SourceIndex& index_;
  const Semantics& semantics_;
  const ast::Module& module_;
  ast::Phase phase_ = ast::Phase::kPreflight;
};

SourceIndex::SourceIndex(const LoadedProgram& program, const Semantics& semantics) : semantics_(semantics) {
  for (const ast::Module* module : program.modules) {
    if (module != nullptr && !module->is_stdlib) IndexBuilder(*this, semantics, *module).Run();
  }
  std::stable_sort(occurrences_.begin(), occurrences_.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.span.file != b.span.file ? a.span.file < b.span.file : a.span.begin < b.span.begin;
  });
}

auto SourceIndex::At(FileId file, uint32_t offset) const -> const Occurrence* {
  const Occurrence* best = nullptr;
  for (const Occurrence& occurrence : occurrences_) {
    if (!Contains(occurrence.span, file, offset)) continue;
    // Prefer the narrower name, then the one that starts at the cursor.
    if (best == nullptr || occurrence.span.end - occurrence.span.begin < best->span.end - best->span.begin ||
        occurrence.span.begin == offset) {
      best = &occurrence;
    }
  }
  return best;
}

auto SourceIndex::In(FileId file) const -> std::vector<const Occurrence*> {
  std::vector<const Occurrence*> found;
  for (const Occurrence& occurrence : occurrences_) {
    if (occurrence.span.file == file) found.push_back(&occurrence);
  }
  return found;
}

auto SourceIndex::StructArgumentsAt(FileId file, uint32_t offset) const -> const Symbol* {
  const StructArguments* best = nullptr;
  for (const StructArguments& call : calls_) {
    if (Contains(call.region, file, offset) && offset > call.region.begin && offset < call.region.end &&
        (best == nullptr || call.region.end - call.region.begin <= best->region.end - best->region.begin)) {
      best = &call;
    }
  }
  return best != nullptr ? best->structure : nullptr;
}

auto SourceIndex::PhaseAt(FileId file, uint32_t offset) const -> ast::Phase {
  ast::Phase phase = ast::Phase::kPreflight;
  uint32_t width = UINT32_MAX;
  for (const auto& [region, region_phase] : phases_) {
    if (Contains(region, file, offset) && region.end - region.begin <= width) {
      width = region.end - region.begin;
      phase = region_phase;
    }
  }
  return phase;
}

auto SourceIndex::VisibleAt(FileId file, uint32_t offset) const -> std::vector<const Symbol*> {
  // Narrower scopes win: sort candidates by how tightly they enclose offset.
  std::vector<const ScopedName*> in_scope;
  for (const ScopedName& name : names_) {
    if (Contains(name.visible, file, offset)) in_scope.push_back(&name);
  }
  std::stable_sort(in_scope.begin(), in_scope.end(), [](const ScopedName* a, const ScopedName* b) {
    return a->visible.begin > b->visible.begin;
  });
  std::vector<const Symbol*> visible;
  std::set<std::string> seen;
  for (const ScopedName* name : in_scope) {
    if (seen.insert(name->symbol->name).second) visible.push_back(name->symbol);
  }
  auto std_module = semantics_.modules.find("std");
  if (std_module != semantics_.modules.end()) {
    for (const auto& [name, symbol] : std_module->second->exports) {
      if (name == "Std") {
        for (const auto& [function, member] : symbol->members) {
          if (member->is_static && seen.insert(function).second) visible.push_back(member);
        }
      } else if (symbol->access == ast::Access::kPublic && seen.insert(name).second) {
        visible.push_back(symbol);
      }
    }
  }
  return visible;
}

auto SourceIndex::ClassOf(const Type* type) const -> const Symbol* {
  if (type == nullptr) return nullptr;
  if (type->kind == TypeKind::kOptional) return ClassOf(type->element);
  if (type->kind == TypeKind::kClass || type->kind == TypeKind::kStruct || type->kind == TypeKind::kInterface ||
      type->kind == TypeKind::kEnum) {
    return type->decl;
  }
  // Builtin types' classes are declared in std.w but are not exported names.
  const char* name = BuiltinClassName(type->kind);
  auto std_module = semantics_.modules.find("std");
  if (name == nullptr || std_module == semantics_.modules.end() || std_module->second->module == nullptr) {
    return nullptr;
  }
  for (const ast::Stmt* stmt : std_module->second->module->stmts) {
    const auto* cls = ast::As<ast::ClassStmt>(stmt);
    if (cls != nullptr && cls->name == name) return cls->symbol;
  }
  return nullptr;
}

}  // namespace wdsl
