// Statements: top-level code, blocks and scopes, variables, control flow,
// tests and lift blocks.
#include "frontend/check_internal.h"

namespace wdsl::checking {

void Checker::CheckTopLevel(const ast::Module& module) {
  functions_.clear();
  functions_.push_back(FunctionContext{});
  functions_.back().scope_base = scopes_.size();
  block_depth_ = 0;
  bool brought = !module.is_stdlib && &module != entry_;
  for (ast::Stmt* stmt : module.stmts) {
    if (stmt == nullptr) continue;
    bool declaration = stmt->kind == ast::StmtKind::kBring || stmt->kind == ast::StmtKind::kClass ||
                       stmt->kind == ast::StmtKind::kStruct || stmt->kind == ast::StmtKind::kEnum ||
                       stmt->kind == ast::StmtKind::kInterface;
    if (!declaration && (brought || module.is_stdlib)) {
      // Like Wing, only an entry file has top-level code (still checked).
      Report(DiagnosticKind::kStatementInModule, stmt->span);
      if (module.is_stdlib) continue;
    }
    CheckStmt(stmt);
  }
}

void Checker::CheckBlock(const ast::BlockStmt* block) {
  if (block == nullptr) return;
  ++block_depth_;
  PushScope();
  CheckStmts(block->stmts);
  PopScope();
  --block_depth_;
}

void Checker::CheckStmts(const std::vector<ast::Stmt*>& stmts) {
  for (ast::Stmt* stmt : stmts) CheckStmt(stmt);
}

auto Checker::DeclareVariable(SymbolKind kind, const std::string& name, Span span, const Type* type, bool reassignable)
    -> Symbol* {
  Symbol* symbol = semantics_.NewSymbol(kind, name, span);
  symbol->type = type != nullptr ? type : semantics_.Error();
  symbol->phase = CurrentPhase();
  symbol->reassignable = reassignable;
  symbol->owner = module_symbol_;
  symbol->from_stdlib = module_ != nullptr && module_->is_stdlib;
  Declare(symbol);
  return symbol;
}

void Checker::CheckStmt(ast::Stmt* stmt) {
  if (stmt == nullptr || diagnostics_.Saturated()) return;
  bool top_level = block_depth_ == 0 && !Fn().is_function;
  switch (stmt->kind) {
    case ast::StmtKind::kBring:
      if (!top_level) Report(DiagnosticKind::kBringNotTopLevel, stmt->span);
      return;  // top-level brings were bound when the module was declared
    case ast::StmtKind::kLet: return CheckLet(*ast::As<ast::LetStmt>(stmt));
    case ast::StmtKind::kAssign: return CheckAssign(*ast::As<ast::AssignStmt>(stmt));
    case ast::StmtKind::kIf: return CheckIf(*ast::As<ast::IfStmt>(stmt));
    case ast::StmtKind::kFor: return CheckFor(*ast::As<ast::ForStmt>(stmt));
    case ast::StmtKind::kWhile: {
      auto& loop = *ast::As<ast::WhileStmt>(stmt);
      CheckExprAs(loop.condition, semantics_.Bool());
      ++Fn().loop_depth;
      CheckBlock(loop.body);
      --Fn().loop_depth;
      return;
    }
    case ast::StmtKind::kBreak:
    case ast::StmtKind::kContinue:
      if (Fn().loop_depth == 0) {
        Report(DiagnosticKind::kBreakOutsideLoop, stmt->span,
               stmt->kind == ast::StmtKind::kBreak ? "break" : "continue");
      }
      return;
    case ast::StmtKind::kReturn: return CheckReturn(*ast::As<ast::ReturnStmt>(stmt));
    case ast::StmtKind::kThrow: {
      auto& node = *ast::As<ast::ThrowStmt>(stmt);
      if (node.value != nullptr) CheckExprAs(node.value, semantics_.Str());
      return;
    }
    case ast::StmtKind::kTry: return CheckTry(*ast::As<ast::TryStmt>(stmt));
    case ast::StmtKind::kExpr: CheckExpr(ast::As<ast::ExprStmt>(stmt)->expr); return;
    case ast::StmtKind::kBlock: return CheckBlock(ast::As<ast::BlockStmt>(stmt));
    case ast::StmtKind::kStruct:
    case ast::StmtKind::kEnum:
    case ast::StmtKind::kInterface:
    case ast::StmtKind::kClass: {
      const char* what = stmt->kind == ast::StmtKind::kStruct      ? "struct"
                         : stmt->kind == ast::StmtKind::kEnum      ? "enum"
                         : stmt->kind == ast::StmtKind::kInterface ? "interface"
                                                                   : "class";
      if (!top_level && stmt->kind == ast::StmtKind::kClass) {
        // Wing allows classes in blocks (in inflight code, inflight ones).
        auto& cls = *ast::As<ast::ClassStmt>(stmt);
        DeclareNestedClass(cls);
        CheckClass(cls);
        return;
      }
      if (!top_level) {
        std::string name;
        if (auto* s = ast::As<ast::StructStmt>(stmt)) name = s->name;
        if (auto* e = ast::As<ast::EnumStmt>(stmt)) name = e->name;
        if (auto* i = ast::As<ast::InterfaceStmt>(stmt)) name = i->name;
        if (auto* c = ast::As<ast::ClassStmt>(stmt)) name = c->name;
        Report(DiagnosticKind::kDeclarationNotTopLevel, stmt->span, what, name);
        return;
      }
      if (auto* cls = ast::As<ast::ClassStmt>(stmt)) CheckClass(*cls);
      if (auto* iface = ast::As<ast::InterfaceStmt>(stmt); iface != nullptr && !module_->is_stdlib) {
        for (const ast::FunctionDecl& fn : iface->methods) {
          if (fn.phase == Phase::kUnphased) {
            Report(DiagnosticKind::kStdlibOnlySyntax, fn.span, "an `unphased` method");
          }
        }
      }
      return;
    }
    case ast::StmtKind::kTest: return CheckTest(*ast::As<ast::TestStmt>(stmt));
    case ast::StmtKind::kLift: return CheckLift(*ast::As<ast::LiftStmt>(stmt));
  }
}

void Checker::CheckLet(ast::LetStmt& let) {
  const Type* type = nullptr;
  // A closure may call itself: its name is declared first, with the type its
  // annotations give (an unannotated result silences checks until known).
  Symbol* early = nullptr;
  if (auto* closure = ast::As<ast::ClosureExpr>(let.init); closure != nullptr && let.annotation == nullptr) {
    std::vector<const Type*> params;
    for (const ast::Param& param : closure->params) {
      params.push_back(param.type != nullptr ? ResolveType(param.type) : semantics_.Error());
    }
    const Type* result = closure->result != nullptr ? ResolveType(closure->result) : semantics_.Error();
    Phase phase = closure->closure_phase == Phase::kInflight ? Phase::kInflight : CurrentPhase();
    early = DeclareVariable(SymbolKind::kVariable, let.name, let.name_span, FunctionType(phase, params, result),
                            let.is_var);
  }
  if (let.annotation != nullptr) {
    type = ResolveType(let.annotation);
    CheckExprAs(let.init, type);
  } else {
    type = CheckExpr(let.init);
    if (type->kind == TypeKind::kNil) {
      Diagnostic& d = Report(DiagnosticKind::kCannotInfer, let.name_span, fmt::format("`{}` from `nil`", let.name));
      d.label = fmt::format("write its type, as in `let {}: str? = nil`", let.name);
      type = semantics_.Error();
    } else if (type->kind == TypeKind::kVoid) {
      Report(DiagnosticKind::kCannotInfer, let.name_span,
             fmt::format("`{}` from an expression of type `void`", let.name));
      type = semantics_.Error();
    }
  }
  if (type->kind == TypeKind::kVoid) {
    Report(DiagnosticKind::kTypeMismatch, let.annotation != nullptr ? let.annotation->span : let.name_span,
           "a value type", "void");
    type = semantics_.Error();
  }
  if (early != nullptr) {
    early->type = type;
    let.symbol = early;
  } else {
    let.symbol = DeclareVariable(SymbolKind::kVariable, let.name, let.name_span, type, let.is_var);
  }
  if (Fn().is_function && !let.name.empty() && let.name[0] != '_') locals_.push_back(let.symbol);
}

void Checker::CheckAssign(ast::AssignStmt& assign) {
  ast::Expr* target = assign.target;
  const ast::Expr* saved_target = assign_target_;
  assign_target_ = target;
  const Type* target_type = CheckExpr(target);
  assign_target_ = saved_target;

  bool assignable = true;
  if (auto* ident = ast::As<ast::IdentExpr>(target)) {
    const Symbol* symbol = ident->symbol;
    if (symbol == nullptr) {
      assignable = false;  // reported as unknown
    } else if (symbol->kind != SymbolKind::kVariable && symbol->kind != SymbolKind::kParameter) {
      Report(DiagnosticKind::kNotAssignable, target->span, fmt::format("`{}`", ident->name));
      assignable = false;
    } else if (!symbol->reassignable) {
      Diagnostic& d = Report(DiagnosticKind::kReassignImmutable, target->span, ident->name);
      AddDefinedHere(d, symbol);
      assignable = false;
    } else {
      CheckReassignPhase(target, symbol);
    }
  } else if (auto* member = ast::As<ast::MemberExpr>(target)) {
    const Symbol* field = member->member;
    if (IsError(member->object != nullptr ? member->object->type : nullptr) || field == nullptr) {
      assignable = false;
    } else if (field->kind != SymbolKind::kField) {
      Report(DiagnosticKind::kNotAssignable, target->span, fmt::format("`{}`", Text(target->span)));
      assignable = false;
    } else if (field->owner != nullptr && field->owner->kind == SymbolKind::kStruct) {
      Report(DiagnosticKind::kNotAssignable, target->span,
             fmt::format("field `{}` of struct `{}`", field->name, field->owner->name));
      assignable = false;
    } else {
      // A constructor initializes the fields of its own class (of its phase).
      bool initializing = Fn().is_constructor && ast::As<ast::ThisExpr>(member->object) != nullptr &&
                          Fn().cls != nullptr && IsSubclass(Fn().cls, field->owner) &&
                          (field->phase == Phase::kInflight) == (CurrentPhase() == Phase::kInflight);
      if (!field->reassignable && !initializing) {
        Diagnostic& d = Report(DiagnosticKind::kReassignField, target->span, field->name);
        AddDefinedHere(d, field);
        assignable = false;
      } else if (!initializing) {
        CheckReassignPhase(target, field);
      }
    }
  } else if (auto* index = ast::As<ast::IndexExpr>(target)) {
    const Type* object = index->object != nullptr ? index->object->type : nullptr;
    if (!IsError(object) && object->kind != TypeKind::kMutArray && object->kind != TypeKind::kMutMap &&
        object->kind != TypeKind::kMutJson && object->kind != TypeKind::kAny) {
      Diagnostic& d =
          Report(DiagnosticKind::kNotAssignable, target->span, fmt::format("an element of `{}`", TypeName(object)));
      if (object->kind == TypeKind::kArray || object->kind == TypeKind::kMap || object->kind == TypeKind::kJson) {
        d.label = fmt::format("`{}` is immutable; use `Mut{}`", TypeName(object), TypeName(object));
      }
      assignable = false;
    }
  } else if (target != nullptr) {
    Report(DiagnosticKind::kNotAssignable, target->span, "this expression");
    assignable = false;
  }

  if (!assignable) target_type = semantics_.Error();
  if (assign.op == ast::AssignOp::kAssign) {
    CheckExprAs(assign.value, target_type);
    return;
  }
  // `x += e` is `x = x + e`: only numbers, and strings for `+=`.
  const Type* value = CheckExpr(assign.value, target_type);
  if (IsError(target_type) || IsError(value)) return;
  bool num = target_type->kind == TypeKind::kNum && value->kind == TypeKind::kNum;
  bool str = assign.op == ast::AssignOp::kAdd && target_type->kind == TypeKind::kStr && value->kind == TypeKind::kStr;
  if (!num && !str) {
    const char* op = assign.op == ast::AssignOp::kAdd   ? "+="
                     : assign.op == ast::AssignOp::kSub ? "-="
                     : assign.op == ast::AssignOp::kMul ? "*="
                                                        : "/=";
    Report(DiagnosticKind::kBadOperands, assign.span, op, TypeName(target_type), TypeName(value));
  }
}

void Checker::CheckIf(ast::IfStmt& stmt) {
  if (!stmt.let_name.empty()) {
    const Type* value = CheckExpr(stmt.condition);
    const Type* inner = value;
    if (IsOptional(value)) {
      inner = value->element;
    } else if (!IsError(value) && value->kind != TypeKind::kAny) {
      Report(DiagnosticKind::kNotOptional, stmt.condition->span, "`if let`", TypeName(value));
    }
    PushScope();
    stmt.let_symbol = DeclareVariable(SymbolKind::kVariable, stmt.let_name, stmt.let_span, inner, stmt.let_is_var);
    CheckBlock(stmt.then_block);
    PopScope();
  } else {
    CheckExprAs(stmt.condition, semantics_.Bool());
    CheckBlock(stmt.then_block);
  }
  if (stmt.else_branch != nullptr) {
    ++block_depth_;
    CheckStmt(stmt.else_branch);
    --block_depth_;
  }
}

void Checker::CheckFor(ast::ForStmt& stmt) {
  const Type* iterable = CheckExpr(stmt.iterable);
  const Type* element = semantics_.Error();
  if (IsError(iterable)) {
    element = semantics_.Error();
  } else if (iterable->kind == TypeKind::kAny) {
    element = semantics_.Any();
  } else if (ast::As<ast::RangeExpr>(stmt.iterable) != nullptr || iterable->kind == TypeKind::kArray ||
             iterable->kind == TypeKind::kMutArray || iterable->kind == TypeKind::kSet ||
             iterable->kind == TypeKind::kMutSet) {
    element = iterable->element != nullptr ? iterable->element : semantics_.Num();
  } else {
    Diagnostic& d = Report(DiagnosticKind::kNotIterable, stmt.iterable->span, TypeName(iterable));
    if (iterable->kind == TypeKind::kMap || iterable->kind == TypeKind::kMutMap) {
      d.label = "iterate over `.keys()`, `.values()` or `.entries()`";
    } else if (iterable->kind == TypeKind::kJson || iterable->kind == TypeKind::kMutJson) {
      d.label = "iterate over `Json.keys(...)`, `Json.values(...)` or `Json.entries(...)`";
    }
  }
  PushScope();
  stmt.symbol = DeclareVariable(SymbolKind::kVariable, stmt.var, stmt.var_span, element, false);
  ++Fn().loop_depth;
  CheckBlock(stmt.body);
  --Fn().loop_depth;
  PopScope();
}

void Checker::CheckTry(ast::TryStmt& stmt) {
  CheckBlock(stmt.body);
  if (stmt.catch_block != nullptr) {
    PushScope();
    if (!stmt.catch_name.empty()) {
      stmt.catch_symbol =
          DeclareVariable(SymbolKind::kVariable, stmt.catch_name, stmt.catch_span, semantics_.Str(), false);
    }
    CheckBlock(stmt.catch_block);
    PopScope();
  }
  CheckBlock(stmt.finally_block);
}

void Checker::CheckReturn(ast::ReturnStmt& stmt) {
  FunctionContext& fn = Fn();
  if (!fn.is_function) {
    // As in Wing, a bare `return;` ends top-level code; a value has nowhere to go.
    if (stmt.value != nullptr) {
      CheckExpr(stmt.value);
      Report(DiagnosticKind::kReturnOutsideFunction, stmt.span);
    }
    return;
  }
  if (fn.result == nullptr) {  // inferred from the returns
    if (stmt.value == nullptr) {
      fn.returned_void = true;
    } else {
      const Type* type = CheckExpr(stmt.value);
      Fn().returned.push_back(type);
    }
    return;
  }
  if (stmt.value == nullptr) {
    if (!IsError(fn.result) && fn.result->kind != TypeKind::kVoid && !IsOptional(fn.result)) {
      Report(DiagnosticKind::kTypeMismatch, stmt.span, TypeName(fn.result), "void");
    }
    return;
  }
  if (fn.result->kind == TypeKind::kVoid) {
    const Type* type = CheckExpr(stmt.value);
    if (!IsError(type) && type->kind != TypeKind::kVoid) {
      Report(DiagnosticKind::kTypeMismatch, stmt.value->span, "void", TypeName(type));
    }
    return;
  }
  CheckExprAs(stmt.value, fn.result);
}

void Checker::CheckTest(ast::TestStmt& test) {
  // Wing allows tests in any preflight code of the entry file (blocks,
  // constructors), never inside inflight code.
  if (Inflight() || module_ != entry_) Report(DiagnosticKind::kTestNotTopLevel, test.span);
  FunctionContext ctx;
  ctx.phase = Phase::kInflight;
  ctx.is_function = true;
  ctx.result = semantics_.Void();
  ctx.scope_base = scopes_.size();
  functions_.push_back(std::move(ctx));
  int saved_depth = block_depth_;
  CheckBlock(test.body);
  block_depth_ = saved_depth;
  functions_.pop_back();
}

void Checker::CheckLift(ast::LiftStmt& lift) {
  if (!Inflight()) Report(DiagnosticKind::kLiftInPreflight, lift.span);
  LiftFrame frame;
  for (ast::LiftQualification& q : lift.qualifications) CheckLiftQualification(q, frame);
  Fn().lifts.push_back(std::move(frame));
  CheckBlock(lift.body);
  Fn().lifts.pop_back();
}

auto Checker::HasReturnOrThrow(const ast::Stmt* stmt) -> bool {
  if (stmt == nullptr) return false;
  switch (stmt->kind) {
    case ast::StmtKind::kReturn: return ast::As<ast::ReturnStmt>(stmt)->value != nullptr;
    case ast::StmtKind::kThrow: return true;
    case ast::StmtKind::kBlock:
      for (const ast::Stmt* child : ast::As<ast::BlockStmt>(stmt)->stmts) {
        if (HasReturnOrThrow(child)) return true;
      }
      return false;
    case ast::StmtKind::kIf: {
      const auto* node = ast::As<ast::IfStmt>(stmt);
      return HasReturnOrThrow(node->then_block) || HasReturnOrThrow(node->else_branch);
    }
    case ast::StmtKind::kFor: return HasReturnOrThrow(ast::As<ast::ForStmt>(stmt)->body);
    case ast::StmtKind::kWhile: return HasReturnOrThrow(ast::As<ast::WhileStmt>(stmt)->body);
    case ast::StmtKind::kTry: {
      const auto* node = ast::As<ast::TryStmt>(stmt);
      return HasReturnOrThrow(node->body) || HasReturnOrThrow(node->catch_block) ||
             HasReturnOrThrow(node->finally_block);
    }
    case ast::StmtKind::kLift: return HasReturnOrThrow(ast::As<ast::LiftStmt>(stmt)->body);
    default: return false;
  }
}

}  // namespace wdsl::checking
