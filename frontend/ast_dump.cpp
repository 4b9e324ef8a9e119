// `wdsl check --dump-ast`: the tree as indented S-expressions, one node per
// line with its key fields, its `line:col`, and (once checked) its type.
#include <fmt/format.h>

#include "frontend/ast.h"
#include "frontend/types.h"

namespace wdsl::ast {

auto BinaryOpText(BinaryOp op) -> const char* {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kIntDiv: return "\\";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "**";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAnd: return "&&";
    case BinaryOp::kOr: return "||";
    case BinaryOp::kNilCoalesce: return "??";
  }
  return "?";
}

namespace {

auto PhaseText(Phase phase) -> const char* {
  switch (phase) {
    case Phase::kPreflight: return "preflight";
    case Phase::kInflight: return "inflight";
    case Phase::kUnphased: return "unphased";
  }
  return "?";
}

auto AccessText(Access access) -> const char* {
  switch (access) {
    case Access::kPrivate: return "private";
    case Access::kProtected: return "protected";
    case Access::kPublic: return "pub";
  }
  return "?";
}

auto AssignOpText(AssignOp op) -> const char* {
  switch (op) {
    case AssignOp::kAssign: return "=";
    case AssignOp::kAdd: return "+=";
    case AssignOp::kSub: return "-=";
    case AssignOp::kMul: return "*=";
    case AssignOp::kDiv: return "/=";
  }
  return "?";
}

// Quotes a string the way Wing writes it, escaping what would break a line.
auto Quote(const std::string& text) -> std::string {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

auto Number(double value) -> std::string { return fmt::format("{}", value); }

class Dumper {
 public:
  explicit Dumper(const SourceManager& sources) : sources_(sources) {}

  auto DumpModule(const ast::Module& module) -> std::string {
    Open(fmt::format("module {}{}", module.name, module.is_stdlib ? " stdlib" : ""));
    for (const Stmt* stmt : module.stmts) DumpStmt(stmt);
    Close();
    out_ += "\n";
    return std::move(out_);
  }

 private:
  void Open(const std::string& head) {
    if (!out_.empty()) out_ += "\n";
    out_ += std::string(depth_ * 2, ' ') + "(" + head;
    ++depth_;
  }
  void Close() {
    out_ += ")";
    --depth_;
  }
  void Leaf(const std::string& text) {
    Open(text);
    Close();
  }
  auto At(Span span) const -> std::string {
    if (span.file >= sources_.FileCount()) return "@?";
    LineCol lc = sources_.Start(span);
    return fmt::format("@{}:{}", lc.line, lc.col);
  }
  auto Head(const char* kind, const std::string& fields, const Node* node) const -> std::string {
    return fields.empty() ? fmt::format("{} {}", kind, At(node->span))
                          : fmt::format("{} {} {}", kind, fields, At(node->span));
  }
  auto ExprHead(const char* kind, const std::string& fields, const Expr* expr) const -> std::string {
    std::string head = Head(kind, fields, expr);
    if (expr->type != nullptr) head += " : " + TypeName(expr->type);
    if (expr->type != nullptr && expr->phase != Phase::kUnphased) head += fmt::format(" [{}]", PhaseText(expr->phase));
    return head;
  }

  void DumpType(const TypeExpr* type) {
    if (type == nullptr) return Leaf("null-type");
    switch (type->kind) {
      case TypeExpr::Kind::kNamed: {
        std::string name;
        for (const std::string& part : type->path) name += (name.empty() ? "" : ".") + part;
        Open(Head("type", name, type));
        for (const TypeExpr* arg : type->args) DumpType(arg);
        return Close();
      }
      case TypeExpr::Kind::kOptional:
        Open(Head("optional-type", "", type));
        DumpType(type->inner);
        return Close();
      case TypeExpr::Kind::kFunction:
        Open(Head("function-type", PhaseText(type->phase), type));
        for (const TypeExpr* arg : type->args) DumpType(arg);
        DumpType(type->result);
        return Close();
    }
  }

  void DumpNamed(const std::vector<NamedArg>& named) {
    for (const NamedArg& arg : named) {
      Open(fmt::format("named {} {}", arg.name, At(arg.span)));
      DumpExpr(arg.value);
      Close();
    }
  }

  void DumpFields(const std::vector<FieldInit>& fields) {
    for (const FieldInit& field : fields) {
      Open(fmt::format("field {} {}", field.name, At(field.span)));
      DumpExpr(field.value);
      Close();
    }
  }

  void DumpParams(const std::vector<Param>& params) {
    for (const Param& param : params) {
      Open(fmt::format("param {}{} {}", param.is_var ? "var " : "", param.name, At(param.span)));
      if (param.type != nullptr) DumpType(param.type);
      Close();
    }
  }

  void DumpExpr(const Expr* expr) {
    if (expr == nullptr) return Leaf("null");
    switch (expr->kind) {
      case ExprKind::kNumber: return Leaf(ExprHead("number", Number(As<NumberExpr>(expr)->value), expr));
      case ExprKind::kString: {
        const auto* str = As<StringExpr>(expr);
        bool simple = str->parts.size() <= 1 && (str->parts.empty() || str->parts[0].expr == nullptr);
        if (simple) {
          return Leaf(
              ExprHead(str->raw ? "raw-string" : "string", Quote(str->parts.empty() ? "" : str->parts[0].text), expr));
        }
        Open(ExprHead(str->raw ? "raw-string" : "string", "", expr));
        for (const StringPart& part : str->parts) {
          if (part.expr != nullptr) {
            DumpExpr(part.expr);
          } else {
            Leaf("text " + Quote(part.text));
          }
        }
        return Close();
      }
      case ExprKind::kBool: return Leaf(ExprHead("bool", As<BoolExpr>(expr)->value ? "true" : "false", expr));
      case ExprKind::kNil: return Leaf(ExprHead("nil", "", expr));
      case ExprKind::kDuration: return Leaf(ExprHead("duration", Number(As<DurationExpr>(expr)->seconds) + "s", expr));
      case ExprKind::kIdent: return Leaf(ExprHead("ident", As<IdentExpr>(expr)->name, expr));
      case ExprKind::kThis: return Leaf(ExprHead("this", "", expr));
      case ExprKind::kSuper: return Leaf(ExprHead("super", "", expr));
      case ExprKind::kMember: {
        const auto* member = As<MemberExpr>(expr);
        Open(ExprHead(member->optional_chain ? "member?" : "member", member->name, expr));
        DumpExpr(member->object);
        return Close();
      }
      case ExprKind::kIndex: {
        const auto* index = As<IndexExpr>(expr);
        Open(ExprHead("index", "", expr));
        DumpExpr(index->object);
        DumpExpr(index->index);
        return Close();
      }
      case ExprKind::kCall: {
        const auto* call = As<CallExpr>(expr);
        Open(ExprHead("call", "", expr));
        DumpExpr(call->callee);
        for (const Expr* arg : call->args) DumpExpr(arg);
        DumpNamed(call->named);
        return Close();
      }
      case ExprKind::kNew: {
        const auto* node = As<NewExpr>(expr);
        Open(ExprHead("new", "", expr));
        DumpType(node->class_type);
        for (const Expr* arg : node->args) DumpExpr(arg);
        DumpNamed(node->named);
        if (node->id != nullptr) {
          Open("as");
          DumpExpr(node->id);
          Close();
        }
        if (node->scope != nullptr) {
          Open("in");
          DumpExpr(node->scope);
          Close();
        }
        return Close();
      }
      case ExprKind::kUnary: {
        const auto* unary = As<UnaryExpr>(expr);
        Open(ExprHead("unary", unary->op == UnaryOp::kNeg ? "-" : "!", expr));
        DumpExpr(unary->operand);
        return Close();
      }
      case ExprKind::kBinary: {
        const auto* binary = As<BinaryExpr>(expr);
        Open(ExprHead("binary", BinaryOpText(binary->op), expr));
        DumpExpr(binary->lhs);
        DumpExpr(binary->rhs);
        return Close();
      }
      case ExprKind::kRange: {
        const auto* range = As<RangeExpr>(expr);
        Open(ExprHead("range", range->inclusive ? "..=" : "..", expr));
        DumpExpr(range->start);
        DumpExpr(range->end);
        return Close();
      }
      case ExprKind::kUnwrap:
        Open(ExprHead("unwrap", "", expr));
        DumpExpr(As<UnwrapExpr>(expr)->operand);
        return Close();
      case ExprKind::kArrayLit: {
        const auto* array = As<ArrayLitExpr>(expr);
        Open(ExprHead("array", "", expr));
        if (array->annotation != nullptr) DumpType(array->annotation);
        for (const Expr* item : array->items) DumpExpr(item);
        return Close();
      }
      case ExprKind::kMapLit: {
        const auto* map = As<MapLitExpr>(expr);
        Open(ExprHead("map", "", expr));
        if (map->annotation != nullptr) DumpType(map->annotation);
        for (const MapEntry& entry : map->entries) {
          Open("entry");
          DumpExpr(entry.key);
          DumpExpr(entry.value);
          Close();
        }
        return Close();
      }
      case ExprKind::kObjectLit:
        Open(ExprHead("object", "", expr));
        DumpFields(As<ObjectLitExpr>(expr)->fields);
        return Close();
      case ExprKind::kStructLit: {
        const auto* lit = As<StructLitExpr>(expr);
        Open(ExprHead("struct", "", expr));
        if (lit->struct_type != nullptr) DumpType(lit->struct_type);
        DumpFields(lit->fields);
        return Close();
      }
      case ExprKind::kJsonLit: {
        const auto* json = As<JsonLitExpr>(expr);
        Open(ExprHead(json->mutable_json ? "mut-json" : "json", "", expr));
        DumpExpr(json->value);
        return Close();
      }
      case ExprKind::kClosure: {
        const auto* closure = As<ClosureExpr>(expr);
        Open(ExprHead("closure", PhaseText(closure->closure_phase), expr));
        DumpParams(closure->params);
        if (closure->result != nullptr) DumpType(closure->result);
        DumpStmt(closure->body);
        return Close();
      }
      case ExprKind::kIntrinsic: {
        const auto* intrinsic = As<IntrinsicExpr>(expr);
        Open(ExprHead("intrinsic", "@" + intrinsic->name + (intrinsic->called ? "()" : ""), expr));
        for (const Expr* arg : intrinsic->args) DumpExpr(arg);
        return Close();
      }
    }
    Leaf("unknown-expr");
  }

  void DumpFunction(const FunctionDecl& fn) {
    std::string fields = fmt::format("{} {}{}{}", fn.is_constructor ? "new" : fn.name, AccessText(fn.access),
                                     fn.is_static ? " static" : "", std::string(" ") + PhaseText(fn.phase));
    if (!fn.extern_path.empty()) fields += " extern " + Quote(fn.extern_path);
    Open(fmt::format("method {} {}", fields, At(fn.span)));
    DumpParams(fn.params);
    if (fn.result != nullptr) DumpType(fn.result);
    if (fn.body != nullptr) DumpStmt(fn.body);
    Close();
  }

  void DumpFieldDecl(const FieldDecl& field) {
    Open(fmt::format("field-decl {} {}{}{} {} {}", field.name, AccessText(field.access),
                     field.is_static ? " static" : "", field.is_var ? " var" : "", PhaseText(field.phase),
                     At(field.span)));
    DumpType(field.type);
    Close();
  }

  void DumpStmt(const Stmt* stmt) {
    if (stmt == nullptr) return Leaf("null");
    switch (stmt->kind) {
      case StmtKind::kBring: {
        const auto* bring = As<BringStmt>(stmt);
        std::string target = bring->module.empty() ? Quote(bring->path) : bring->module;
        if (!bring->alias.empty()) target += " as " + bring->alias;
        return Leaf(Head("bring", target, stmt));
      }
      case StmtKind::kLet: {
        const auto* let = As<LetStmt>(stmt);
        Open(Head(let->is_var ? "let-var" : "let", let->name, stmt));
        if (let->annotation != nullptr) DumpType(let->annotation);
        DumpExpr(let->init);
        return Close();
      }
      case StmtKind::kAssign: {
        const auto* assign = As<AssignStmt>(stmt);
        Open(Head("assign", AssignOpText(assign->op), stmt));
        DumpExpr(assign->target);
        DumpExpr(assign->value);
        return Close();
      }
      case StmtKind::kIf: {
        const auto* node = As<IfStmt>(stmt);
        std::string fields;
        if (!node->let_name.empty()) fields = (node->let_is_var ? "let var " : "let ") + node->let_name;
        Open(Head("if", fields, stmt));
        DumpExpr(node->condition);
        DumpStmt(node->then_block);
        if (node->else_branch != nullptr) {
          Open("else");
          DumpStmt(node->else_branch);
          Close();
        }
        return Close();
      }
      case StmtKind::kFor: {
        const auto* loop = As<ForStmt>(stmt);
        Open(Head("for", loop->var, stmt));
        DumpExpr(loop->iterable);
        DumpStmt(loop->body);
        return Close();
      }
      case StmtKind::kWhile: {
        const auto* loop = As<WhileStmt>(stmt);
        Open(Head("while", "", stmt));
        DumpExpr(loop->condition);
        DumpStmt(loop->body);
        return Close();
      }
      case StmtKind::kBreak: return Leaf(Head("break", "", stmt));
      case StmtKind::kContinue: return Leaf(Head("continue", "", stmt));
      case StmtKind::kReturn: {
        const auto* ret = As<ReturnStmt>(stmt);
        Open(Head("return", "", stmt));
        if (ret->value != nullptr) DumpExpr(ret->value);
        return Close();
      }
      case StmtKind::kThrow:
        Open(Head("throw", "", stmt));
        DumpExpr(As<ThrowStmt>(stmt)->value);
        return Close();
      case StmtKind::kTry: {
        const auto* node = As<TryStmt>(stmt);
        Open(Head("try", "", stmt));
        DumpStmt(node->body);
        if (node->catch_block != nullptr) {
          Open(node->catch_name.empty() ? std::string("catch") : "catch " + node->catch_name);
          DumpStmt(node->catch_block);
          Close();
        }
        if (node->finally_block != nullptr) {
          Open("finally");
          DumpStmt(node->finally_block);
          Close();
        }
        return Close();
      }
      case StmtKind::kExpr: {
        Open(Head("expr", "", stmt));
        DumpExpr(As<ExprStmt>(stmt)->expr);
        return Close();
      }
      case StmtKind::kBlock: {
        Open(Head("block", "", stmt));
        for (const Stmt* child : As<BlockStmt>(stmt)->stmts) DumpStmt(child);
        return Close();
      }
      case StmtKind::kStruct: {
        const auto* node = As<StructStmt>(stmt);
        Open(Head("struct", std::string(node->is_pub ? "pub " : "") + node->name, stmt));
        for (const TypeExpr* base : node->extends) {
          Open("extends");
          DumpType(base);
          Close();
        }
        for (const FieldDecl& field : node->fields) DumpFieldDecl(field);
        return Close();
      }
      case StmtKind::kEnum: {
        const auto* node = As<EnumStmt>(stmt);
        Open(Head("enum", std::string(node->is_pub ? "pub " : "") + node->name, stmt));
        for (const auto& [name, span] : node->members) Leaf(fmt::format("member {} {}", name, At(span)));
        return Close();
      }
      case StmtKind::kInterface: {
        const auto* node = As<InterfaceStmt>(stmt);
        Open(Head("interface", std::string(node->is_pub ? "pub " : "") + node->name, stmt));
        for (const TypeExpr* base : node->extends) {
          Open("extends");
          DumpType(base);
          Close();
        }
        for (const FunctionDecl& method : node->methods) DumpFunction(method);
        return Close();
      }
      case StmtKind::kClass: {
        const auto* node = As<ClassStmt>(stmt);
        std::string name = node->name;
        if (!node->type_params.empty()) {
          name += "<";
          for (size_t i = 0; i < node->type_params.size(); ++i) name += (i > 0 ? ", " : "") + node->type_params[i];
          name += ">";
        }
        Open(Head("class", fmt::format("{}{} {}", node->is_pub ? "pub " : "", name, PhaseText(node->phase)), stmt));
        if (node->extends != nullptr) {
          Open("extends");
          DumpType(node->extends);
          Close();
        }
        for (const TypeExpr* impl : node->impls) {
          Open("impl");
          DumpType(impl);
          Close();
        }
        for (const FieldDecl& field : node->fields) DumpFieldDecl(field);
        for (const FunctionDecl& method : node->methods) DumpFunction(method);
        return Close();
      }
      case StmtKind::kTest: {
        const auto* test = As<TestStmt>(stmt);
        Open(Head("test", Quote(test->name), stmt));
        DumpStmt(test->body);
        return Close();
      }
      case StmtKind::kLift: {
        const auto* lift = As<LiftStmt>(stmt);
        Open(Head("lift", "", stmt));
        for (const LiftQualification& q : lift->qualifications) {
          std::string ops;
          for (const auto& [op, span] : q.ops) ops += (ops.empty() ? "" : " ") + op;
          Open("qualify [" + ops + "]");
          DumpExpr(q.object);
          Close();
        }
        DumpStmt(lift->body);
        return Close();
      }
    }
    Leaf("unknown-stmt");
  }

  const SourceManager& sources_;
  std::string out_;
  int depth_ = 0;
};

}  // namespace

auto DumpAst(const ast::Module& module, const SourceManager& sources) -> std::string {
  return Dumper(sources).DumpModule(module);
}

}  // namespace wdsl::ast
