#include "frontend/lower.h"

#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "frontend/lower_signature.h"
#include "frontend/types.h"

namespace wdsl {
namespace {

using ast::As;
using ir::NodeId;
using ir::NodeKind;

// The key of a captured name: a symbol, or nullptr for `this`.
using CaptureKey = const Symbol*;

struct Ref {
  bool is_capture = false;
  bool is_this = false;
  int32_t depth = 0;
  int32_t slot = 0;
};

// One function being lowered, on a stack that mirrors lexical nesting.
struct FunctionContext {
  int32_t index = -1;
  bool inflight = false;
  bool boundary = false;  // inflight code whose lexical parent is preflight
  bool has_this = false;  // a method or constructor: `this` is its receiver
  bool module_method = false;  // a class member: its parent is the file's top level
  bool closure = false;   // a closure expression: immutable outer bindings are copied when it is created
  int32_t slot_count = 0;
  std::vector<CaptureKey> captures;
};

class Lowerer {
 public:
  Lowerer(const SourceManager& sources, Diagnostics& diagnostics, const LowerOptions& options)
      : sources_(sources), diagnostics_(diagnostics), options_(options) {}

  auto Run(const LoadedProgram& loaded) -> LoweredProgram {
    for (const ast::Module* module : loaded.modules) {
      if (module->is_stdlib) continue;
      out_.program.files.push_back(sources_.File(module->file).path);
    }
    // The entry file first, as documented for Program::files.
    if (!out_.program.files.empty()) {
      std::rotate(out_.program.files.begin(), out_.program.files.end() - 1, out_.program.files.end());
    }
    for (const ast::Module* module : loaded.modules) {
      if (!module->is_stdlib) LowerModule(*module);
    }
    return std::move(out_);
  }

 private:
  // ------------------------------------------------------------ functions

  auto NewFunction(std::string name, ir::FunctionKind kind, ir::Phase phase, Span span) -> int32_t {
    ir::Function fn;
    fn.name = std::move(name);
    fn.kind = kind;
    fn.phase = phase;
    fn.pos = Pos(span);
    out_.program.functions.push_back(std::move(fn));
    return static_cast<int32_t>(out_.program.functions.size() - 1);
  }
  auto Fn() -> ir::Function& { return out_.program.functions[stack_.back().index]; }
  auto Code() -> ir::Code& { return Fn().code; }

  void PushFunction(int32_t index, bool inflight, bool has_this, bool module_method) {
    FunctionContext ctx;
    ctx.index = index;
    ctx.inflight = inflight;
    ctx.has_this = has_this;
    ctx.module_method = module_method;
    ctx.boundary = inflight && (module_method || (!stack_.empty() && !stack_.back().inflight));
    stack_.push_back(ctx);
  }
  void PopFunction() {
    Fn().slot_count = stack_.back().slot_count;
    stack_.pop_back();
  }

  auto NewSlot(const Symbol* symbol) -> int32_t {
    int32_t slot = stack_.back().slot_count++;
    if (symbol != nullptr) defs_[symbol] = {static_cast<int>(stack_.size() - 1), slot};
    return slot;
  }

  auto Pos(Span span) const -> ir::SourcePos {
    LineCol lc = sources_.Start(span);
    return ir::SourcePos{sources_.File(span.file).path, lc.line, lc.col};
  }

  auto AddNode(NodeKind kind, Span span) -> ir::Node {
    ir::Node node;
    node.kind = kind;
    LineCol lc = sources_.Start(span);
    node.line = lc.line;
    node.col = lc.col;
    return node;
  }
  auto Emit(ir::Node node) -> NodeId { return Code().Add(std::move(node)); }
  auto Const(ir::Value value, Span span) -> NodeId {
    ir::Node node = AddNode(NodeKind::kConst, span);
    node.constant = std::move(value);
    return Emit(std::move(node));
  }
  auto Nil(Span span) -> NodeId { return Const(ir::Value::Nil(), span); }

  // ------------------------------------------------------------ name references

  auto IndexOfCapture(size_t level, CaptureKey key) -> int32_t {
    auto& caps = stack_[level].captures;
    for (size_t i = 0; i < caps.size(); ++i) {
      if (caps[i] == key) return static_cast<int32_t>(i);
    }
    caps.push_back(key);
    ir::Function& fn = out_.program.functions[stack_[level].index];
    fn.capture_names.push_back(key == nullptr ? "this" : key->name);
    return static_cast<int32_t>(caps.size() - 1);
  }

  // Where `key` lives as seen from the function at `level`.
  auto Resolve(CaptureKey key, size_t level) -> std::optional<Ref> {
    const FunctionContext& ctx = stack_[level];
    if (key == nullptr) {
      if (ctx.has_this) return Ref{false, true, 0, 0};
    } else if (auto it = defs_.find(key); it != defs_.end() && it->second.first == static_cast<int>(level)) {
      return Ref{false, false, 0, it->second.second};
    }
    if (level == 0) return std::nullopt;
    if (ctx.boundary) return Ref{true, false, 0, IndexOfCapture(level, key)};
    std::optional<Ref> outer = Resolve(key, level - 1);
    if (!outer) return std::nullopt;
    // A closure copies the immutable bindings it uses when it is created, so
    // closures made in a loop each see their own iteration's values (as in
    // Wing). `let var` bindings stay shared with the enclosing frame, and so
    // does a binding whose initializer is being lowered (a closure that calls
    // itself: its value does not exist yet when the closure is created).
    bool copy = ctx.closure && key != nullptr && !key->reassignable && initializing_.count(key) == 0;
    if (!outer->is_capture && !outer->is_this && !copy) return Ref{false, false, outer->depth + 1, outer->slot};
    return Ref{true, false, 0, IndexOfCapture(level, key)};
  }

  // The kClosure node for the function just popped, whose body used
  // `captures`: each capture is evaluated where the closure is created.
  auto ClosureNode(int32_t function, const std::vector<CaptureKey>& captures, Span span) -> NodeId {
    ir::Node node = AddNode(NodeKind::kClosure, span);
    node.slot = function;
    for (CaptureKey key : captures) {
      std::optional<Ref> ref = Resolve(key, stack_.size() - 1);
      node.kids.push_back(ref ? RefNode(*ref, span) : Nil(span));
    }
    return Emit(std::move(node));
  }

  auto RefNode(const Ref& ref, Span span) -> NodeId {
    if (ref.is_this) return Emit(AddNode(NodeKind::kThis, span));
    ir::Node node = AddNode(ref.is_capture ? NodeKind::kCapture : NodeKind::kLocal, span);
    node.depth = ref.depth;
    node.slot = ref.slot;
    return Emit(std::move(node));
  }

  // ------------------------------------------------------------ modules and classes

  void LowerModule(const ast::Module& module) {
    Span span{module.file, 0, 0};
    int32_t index = NewFunction(sources_.File(module.file).path, ir::FunctionKind::kTopLevel, ir::Phase::kPreflight,
                                span);
    out_.toplevel.push_back(index);
    stack_.clear();
    PushFunction(index, false, false, false);
    module_toplevel_ = index;
    ir::Node block = AddNode(NodeKind::kBlock, span);
    for (const ast::Stmt* stmt : module.stmts) {
      if (auto node = LowerStmt(stmt)) block.kids.push_back(*node);
    }
    Code().root = Emit(std::move(block));
    PopFunction();
  }

  static auto SymbolName(const Symbol* symbol, const std::string& fallback) -> std::string {
    return symbol != nullptr && !symbol->qualified_name.empty() ? symbol->qualified_name : fallback;
  }

  void LowerClass(const ast::ClassStmt& cls) {
    const Symbol* saved_class = current_class_;
    current_class_ = cls.symbol;
    ir::ClassInfo info;
    info.name = SymbolName(cls.symbol, cls.name);
    if (cls.symbol != nullptr && cls.symbol->base != nullptr) info.base = SymbolName(cls.symbol->base, "");
    info.phase = cls.phase == ast::Phase::kInflight ? ir::Phase::kInflight : ir::Phase::kPreflight;
    for (const ast::FieldDecl& field : cls.fields) {
      if (field.is_static) continue;
      bool inflight = field.phase == ast::Phase::kInflight || cls.phase == ast::Phase::kInflight;
      (inflight && cls.phase != ast::Phase::kInflight ? info.inflight_fields : info.fields).push_back(field.name);
    }
    for (const ast::FunctionDecl& method : cls.methods) {
      if (method.body == nullptr) continue;
      bool inflight = method.phase == ast::Phase::kInflight || cls.phase == ast::Phase::kInflight;
      ir::FunctionKind kind = method.is_constructor ? ir::FunctionKind::kInit : ir::FunctionKind::kMethod;
      int32_t index = LowerFunctionDecl(cls.name, info.name, method, kind, inflight);
      out_.program.functions[index].signature = MethodSignature(cls, method, out_.program.types);
      if (method.is_constructor) {
        (inflight && cls.phase != ast::Phase::kInflight ? info.inflight_init : info.init) = index;
        if (cls.phase == ast::Phase::kInflight) info.inflight_init = index, info.init = -1;
      } else {
        info.methods[method.name] = index;
      }
    }
    out_.program.classes.push_back(std::move(info));
    current_class_ = saved_class;
  }

  auto LowerFunctionDecl(const std::string& class_short, const std::string& class_name, const ast::FunctionDecl& decl,
                         ir::FunctionKind kind, bool inflight) -> int32_t {
    std::string name = class_short + "." + (decl.is_constructor ? (inflight ? "inflight new" : "new") : decl.name);
    int32_t index = NewFunction(name, kind, inflight ? ir::Phase::kInflight : ir::Phase::kPreflight, decl.span);
    ir::Function& fn = out_.program.functions[index];
    fn.class_name = class_name;
    fn.is_static = decl.is_static;
    fn.module_toplevel = module_toplevel_;
    PushFunction(index, inflight, !decl.is_static, true);
    for (const ast::Param& param : decl.params) {
      Fn().params.push_back(param.name);
      NewSlot(param.symbol);
    }
    Code().root = LowerBlock(decl.body);
    // Inflight members read the top-level variables they use from captures
    // taken when preflight ends (see ir::Function::module_captures).
    for (CaptureKey key : stack_.back().captures) {
      int32_t slot = -1;
      if (key != nullptr) {
        if (auto it = defs_.find(key); it != defs_.end() && it->second.first == 0) slot = it->second.second;
      }
      Fn().module_capture_slots.push_back(slot);
    }
    PopFunction();
    return index;
  }

  // ------------------------------------------------------------ statements

  auto LowerBlock(const ast::BlockStmt* block) -> NodeId {
    if (block == nullptr) return Emit(AddNode(NodeKind::kBlock, Span{}));
    ir::Node node = AddNode(NodeKind::kBlock, block->span);
    for (const ast::Stmt* stmt : block->stmts) {
      if (auto kid = LowerStmt(stmt)) node.kids.push_back(*kid);
    }
    return Emit(std::move(node));
  }

  auto LowerStmt(const ast::Stmt* stmt) -> std::optional<NodeId>;
  auto LowerAssign(const ast::AssignStmt& stmt) -> NodeId;
  auto LowerIf(const ast::IfStmt& stmt) -> NodeId;
  auto LowerTest(const ast::TestStmt& stmt) -> NodeId;

  // ------------------------------------------------------------ expressions

  auto LowerExpr(const ast::Expr* expr) -> NodeId;
  auto LowerIdent(const ast::IdentExpr& expr) -> NodeId;
  auto LowerMember(const ast::MemberExpr& expr) -> NodeId;
  auto LowerCall(const ast::CallExpr& expr) -> NodeId;
  auto LowerNew(const ast::NewExpr& expr) -> NodeId;
  auto LowerArgs(const std::vector<ast::Expr*>& args, const ast::Expr* named, const Type* callee_type,
                 std::vector<NodeId>& kids, Span call_span, bool fill_options = true) -> void;
  auto LowerFields(const std::string& name, const std::vector<ast::FieldInit>& fields, Span span) -> NodeId;
  auto LowerObject(const ast::ObjectLitExpr& expr) -> NodeId;
  auto LowerClosure(const ast::ClosureExpr& expr) -> NodeId;
  auto GlobalName(const Symbol* member) -> std::string;
  auto Global(const std::string& name, Span span) -> NodeId {
    ir::Node node = AddNode(NodeKind::kGlobal, span);
    node.name = name;
    return Emit(std::move(node));
  }

  const SourceManager& sources_;
  Diagnostics& diagnostics_;
  const LowerOptions& options_;
  LoweredProgram out_;
  std::vector<FunctionContext> stack_;
  std::unordered_map<const Symbol*, std::pair<int, int32_t>> defs_;
  std::unordered_set<const Symbol*> initializing_;  // `let`s whose initializer is being lowered
  int32_t module_toplevel_ = -1;
  const Symbol* current_class_ = nullptr;  // while lowering a class's members

};

auto BinaryOpOf(ast::BinaryOp op) -> ir::Op {
  switch (op) {
    case ast::BinaryOp::kAdd: return ir::Op::kAdd;
    case ast::BinaryOp::kSub: return ir::Op::kSub;
    case ast::BinaryOp::kMul: return ir::Op::kMul;
    case ast::BinaryOp::kDiv: return ir::Op::kDiv;
    case ast::BinaryOp::kIntDiv: return ir::Op::kIntDiv;
    case ast::BinaryOp::kMod: return ir::Op::kMod;
    case ast::BinaryOp::kPow: return ir::Op::kPow;
    case ast::BinaryOp::kEq: return ir::Op::kEq;
    case ast::BinaryOp::kNe: return ir::Op::kNe;
    case ast::BinaryOp::kLt: return ir::Op::kLt;
    case ast::BinaryOp::kLe: return ir::Op::kLe;
    case ast::BinaryOp::kGt: return ir::Op::kGt;
    case ast::BinaryOp::kGe: return ir::Op::kGe;
    case ast::BinaryOp::kAnd: return ir::Op::kAnd;
    case ast::BinaryOp::kOr: return ir::Op::kOr;
    case ast::BinaryOp::kNilCoalesce: return ir::Op::kNilCoalesce;
  }
  return ir::Op::kNone;
}

auto AssignOpOf(ast::AssignOp op) -> ir::Op {
  switch (op) {
    case ast::AssignOp::kAdd: return ir::Op::kAdd;
    case ast::AssignOp::kSub: return ir::Op::kSub;
    case ast::AssignOp::kMul: return ir::Op::kMul;
    case ast::AssignOp::kDiv: return ir::Op::kDiv;
    case ast::AssignOp::kAssign: break;
  }
  return ir::Op::kNone;
}

// ------------------------------------------------------------ statements

auto Lowerer::LowerStmt(const ast::Stmt* stmt) -> std::optional<NodeId> {
  if (stmt == nullptr) return std::nullopt;
  switch (stmt->kind) {
    case ast::StmtKind::kBring:
    case ast::StmtKind::kStruct:
    case ast::StmtKind::kEnum:
    case ast::StmtKind::kInterface:
      return std::nullopt;
    case ast::StmtKind::kClass:
      LowerClass(*As<ast::ClassStmt>(stmt));
      return std::nullopt;
    case ast::StmtKind::kLet: {
      const auto& let = *As<ast::LetStmt>(stmt);
      // The slot exists before the initializer is lowered, so a closure can
      // call itself (`let fib = (n: num): num => { ... fib(n - 1) ... }`).
      int32_t slot = NewSlot(let.symbol);
      initializing_.insert(let.symbol);
      NodeId init = let.init != nullptr ? LowerExpr(let.init) : Nil(stmt->span);
      initializing_.erase(let.symbol);
      ir::Node node = AddNode(NodeKind::kLet, stmt->span);
      node.slot = slot;
      node.kids = {init};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kAssign:
      return LowerAssign(*As<ast::AssignStmt>(stmt));
    case ast::StmtKind::kIf:
      return LowerIf(*As<ast::IfStmt>(stmt));
    case ast::StmtKind::kFor: {
      const auto& loop = *As<ast::ForStmt>(stmt);
      NodeId iterable = LowerExpr(loop.iterable);
      ir::Node node = AddNode(NodeKind::kForIn, stmt->span);
      node.slot = NewSlot(loop.symbol);
      NodeId body = LowerBlock(loop.body);
      node.kids = {iterable, body};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kWhile: {
      const auto& loop = *As<ast::WhileStmt>(stmt);
      NodeId condition = LowerExpr(loop.condition);
      NodeId body = LowerBlock(loop.body);
      ir::Node node = AddNode(NodeKind::kWhile, stmt->span);
      node.kids = {condition, body};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kBreak:
      return Emit(AddNode(NodeKind::kBreak, stmt->span));
    case ast::StmtKind::kContinue:
      return Emit(AddNode(NodeKind::kContinue, stmt->span));
    case ast::StmtKind::kReturn: {
      const auto& ret = *As<ast::ReturnStmt>(stmt);
      ir::Node node = AddNode(NodeKind::kReturn, stmt->span);
      if (ret.value != nullptr) node.kids = {LowerExpr(ret.value)};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kThrow: {
      const auto& thr = *As<ast::ThrowStmt>(stmt);
      ir::Node node = AddNode(NodeKind::kThrow, stmt->span);
      node.kids = {thr.value != nullptr ? LowerExpr(thr.value) : Nil(stmt->span)};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kTry: {
      const auto& t = *As<ast::TryStmt>(stmt);
      ir::Node node = AddNode(NodeKind::kTry, stmt->span);
      NodeId body = LowerBlock(t.body);
      node.slot = t.catch_block != nullptr && !t.catch_name.empty() ? NewSlot(t.catch_symbol) : -1;
      NodeId catch_block = t.catch_block != nullptr ? LowerBlock(t.catch_block) : Nil(stmt->span);
      NodeId finally_block = t.finally_block != nullptr ? LowerBlock(t.finally_block) : Nil(stmt->span);
      node.kids = {body, catch_block, finally_block};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kExpr: {
      const auto& e = *As<ast::ExprStmt>(stmt);
      ir::Node node = AddNode(NodeKind::kExprStmt, stmt->span);
      node.kids = {LowerExpr(e.expr)};
      return Emit(std::move(node));
    }
    case ast::StmtKind::kBlock:
      return LowerBlock(As<ast::BlockStmt>(stmt));
    case ast::StmtKind::kTest:
      return LowerTest(*As<ast::TestStmt>(stmt));
    case ast::StmtKind::kLift: {
      // `lift { orders: [put, list] } { ... }`: the objects and operations
      // go to the bind pass (ir/bind.cpp), which takes them instead of what
      // it cannot follow inside the body.
      const auto& lift = *As<ast::LiftStmt>(stmt);
      ir::Node node = AddNode(NodeKind::kLift, stmt->span);
      std::vector<ir::Value> ops_per_object;
      for (const ast::LiftQualification& q : lift.qualifications) {
        node.kids.push_back(q.object != nullptr ? LowerExpr(q.object) : Nil(stmt->span));
        std::vector<ir::Value> ops;
        for (const auto& [op, span] : q.ops) ops.push_back(ir::Value::Str(op));
        ops_per_object.push_back(ir::Value::NewArray(std::move(ops), false));
      }
      node.constant = ir::Value::NewArray(std::move(ops_per_object), false);
      node.kids.push_back(LowerBlock(lift.body));
      return Emit(std::move(node));
    }
  }
  return std::nullopt;
}

auto Lowerer::LowerAssign(const ast::AssignStmt& stmt) -> NodeId {
  NodeId value = LowerExpr(stmt.value);
  if (stmt.op != ast::AssignOp::kAssign) {
    // `x op= e` is `x = x op e`; the target is evaluated twice, which only
    // matters for targets with side effects, which Wing code rarely has.
    ir::Node binary = AddNode(NodeKind::kBinary, stmt.span);
    binary.op = AssignOpOf(stmt.op);
    binary.kids = {LowerExpr(stmt.target), value};
    value = Emit(std::move(binary));
  }
  if (const auto* ident = As<ast::IdentExpr>(stmt.target)) {
    std::optional<Ref> ref = Resolve(ident->symbol, stack_.size() - 1);
    ir::Node node = AddNode(NodeKind::kAssignLocal, stmt.span);
    if (ref && !ref->is_capture && !ref->is_this) {
      node.depth = ref->depth;
      node.slot = ref->slot;
    }
    node.kids = {value};
    return Emit(std::move(node));
  }
  if (const auto* member = As<ast::MemberExpr>(stmt.target)) {
    ir::Node node = AddNode(NodeKind::kAssignMember, stmt.span);
    node.name = member->name;
    node.kids = {LowerExpr(member->object), value};
    return Emit(std::move(node));
  }
  if (const auto* index = As<ast::IndexExpr>(stmt.target)) {
    ir::Node node = AddNode(NodeKind::kAssignIndex, stmt.span);
    node.kids = {LowerExpr(index->object), LowerExpr(index->index), value};
    return Emit(std::move(node));
  }
  ir::Node node = AddNode(NodeKind::kExprStmt, stmt.span);
  node.kids = {value};
  return Emit(std::move(node));
}

auto Lowerer::LowerIf(const ast::IfStmt& stmt) -> NodeId {
  if (stmt.let_name.empty()) {
    ir::Node node = AddNode(NodeKind::kIf, stmt.span);
    node.kids = {LowerExpr(stmt.condition), LowerBlock(stmt.then_block)};
    if (stmt.else_branch != nullptr) node.kids.push_back(*LowerStmt(stmt.else_branch));
    return Emit(std::move(node));
  }
  // `if let v = e { A } else { B }` is
  // `{ let tmp = e; if tmp != nil { let v = tmp; A } else { B } }`.
  ir::Node outer = AddNode(NodeKind::kBlock, stmt.span);
  ir::Node tmp = AddNode(NodeKind::kLet, stmt.span);
  tmp.slot = NewSlot(nullptr);
  int32_t tmp_slot = tmp.slot;
  tmp.kids = {LowerExpr(stmt.condition)};
  outer.kids.push_back(Emit(std::move(tmp)));
  auto read_tmp = [&] {
    ir::Node node = AddNode(NodeKind::kLocal, stmt.span);
    node.slot = tmp_slot;
    return Emit(std::move(node));
  };
  ir::Node test = AddNode(NodeKind::kBinary, stmt.span);
  test.op = ir::Op::kNe;
  test.kids = {read_tmp(), Nil(stmt.span)};
  NodeId condition = Emit(std::move(test));
  ir::Node bind = AddNode(NodeKind::kLet, stmt.let_span);
  bind.slot = NewSlot(stmt.let_symbol);
  bind.kids = {read_tmp()};
  NodeId bind_id = Emit(std::move(bind));
  NodeId then_block = LowerBlock(stmt.then_block);
  ir::Node then_wrapper = AddNode(NodeKind::kBlock, stmt.span);
  then_wrapper.kids = {bind_id, then_block};
  ir::Node node = AddNode(NodeKind::kIf, stmt.span);
  node.kids = {condition, Emit(std::move(then_wrapper))};
  if (stmt.else_branch != nullptr) node.kids.push_back(*LowerStmt(stmt.else_branch));
  outer.kids.push_back(Emit(std::move(node)));
  return Emit(std::move(outer));
}

// `test "name" { body }` registers an inflight closure with the preflight
// host through the `$test` builtin, so tests capture preflight values the
// same way closures do.
auto Lowerer::LowerTest(const ast::TestStmt& stmt) -> NodeId {
  int32_t index = NewFunction("test:" + stmt.name, ir::FunctionKind::kTest, ir::Phase::kInflight, stmt.span);
  PushFunction(index, true, false, false);
  Code().root = LowerBlock(stmt.body);
  std::vector<CaptureKey> captures = stack_.back().captures;
  PopFunction();
  NodeId closure_id = ClosureNode(index, captures, stmt.span);
  ir::Node call = AddNode(NodeKind::kCall, stmt.span);
  call.kids = {Global("$test", stmt.span), Const(ir::Value::Str(stmt.name), stmt.span), closure_id};
  ir::Node node = AddNode(NodeKind::kExprStmt, stmt.span);
  node.kids = {Emit(std::move(call))};
  return Emit(std::move(node));
}

// ------------------------------------------------------------ expressions

auto Lowerer::GlobalName(const Symbol* member) -> std::string {
  const Symbol* owner = member->owner;
  if (owner == nullptr) return member->name;
  std::string qualified = owner->qualified_name.empty() ? owner->name : owner->qualified_name;
  if (!owner->from_stdlib) return qualified + "." + member->name;
  // Stdlib: `Std.log` is the global `log`; `Util.sleep` in module util is
  // `util.sleep`; `Json.stringify` keeps its type name.
  size_t dot = qualified.rfind('.');
  std::string module = dot == std::string::npos ? "" : qualified.substr(0, dot);
  std::string cls = dot == std::string::npos ? qualified : qualified.substr(dot + 1);
  if (cls == "Std") return member->name;
  std::string lower = cls;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!module.empty() && lower == module) return module + "." + member->name;
  return cls + "." + member->name;
}

namespace {
auto IsTypeSymbol(const Symbol* s) -> bool {
  return s != nullptr && (s->kind == SymbolKind::kClass || s->kind == SymbolKind::kStruct ||
                          s->kind == SymbolKind::kEnum || s->kind == SymbolKind::kInterface ||
                          s->kind == SymbolKind::kModule);
}
// The symbol an expression names when it names a type or module (`cloud`,
// `Tier`, `cloud.Bucket`), else null.
auto TypeSymbolOf(const ast::Expr* expr) -> const Symbol* {
  if (const auto* ident = As<ast::IdentExpr>(expr)) return IsTypeSymbol(ident->symbol) ? ident->symbol : nullptr;
  if (const auto* member = As<ast::MemberExpr>(expr)) return IsTypeSymbol(member->member) ? member->member : nullptr;
  return nullptr;
}
}  // namespace

auto Lowerer::LowerExpr(const ast::Expr* expr) -> NodeId {
  if (expr == nullptr) return Nil(Span{});
  Span span = expr->span;
  switch (expr->kind) {
    case ast::ExprKind::kNumber:
      return Const(ir::Value::Num(As<ast::NumberExpr>(expr)->value), span);
    case ast::ExprKind::kBool:
      return Const(ir::Value::Bool(As<ast::BoolExpr>(expr)->value), span);
    case ast::ExprKind::kNil:
      return Nil(span);
    case ast::ExprKind::kDuration:
      return Const(ir::Value::Duration(As<ast::DurationExpr>(expr)->seconds), span);
    case ast::ExprKind::kString: {
      const auto& str = *As<ast::StringExpr>(expr);
      bool plain = true;
      for (const ast::StringPart& part : str.parts) plain = plain && part.expr == nullptr;
      if (plain) {
        std::string text;
        for (const ast::StringPart& part : str.parts) text += part.text;
        return Const(ir::Value::Str(std::move(text)), span);
      }
      ir::Node node = AddNode(NodeKind::kInterp, span);
      for (const ast::StringPart& part : str.parts) {
        if (part.expr == nullptr) {
          node.kids.push_back(Const(ir::Value::Str(part.text), span));
          continue;
        }
        NodeId value = LowerExpr(part.expr);
        // As in Wing, a Json value is interpolated as JSON text: a Json
        // string keeps its quotes (`"{j.get("s")}"` is `"\"test\""`).
        const Type* type = part.expr->type;
        if (type != nullptr && type->kind == TypeKind::kOptional) type = type->element;
        if (type != nullptr && (type->kind == TypeKind::kJson || type->kind == TypeKind::kMutJson)) {
          ir::Node call = AddNode(NodeKind::kCall, part.expr->span);
          call.kids = {Global("Json.stringify", part.expr->span), value};
          value = Emit(std::move(call));
        }
        node.kids.push_back(value);
      }
      return Emit(std::move(node));
    }
    case ast::ExprKind::kIdent:
      return LowerIdent(*As<ast::IdentExpr>(expr));
    case ast::ExprKind::kThis:
    case ast::ExprKind::kSuper: {
      std::optional<Ref> ref = Resolve(nullptr, stack_.size() - 1);
      return ref ? RefNode(*ref, span) : Nil(span);
    }
    case ast::ExprKind::kMember:
      return LowerMember(*As<ast::MemberExpr>(expr));
    case ast::ExprKind::kIndex: {
      const auto& index = *As<ast::IndexExpr>(expr);
      ir::Node node = AddNode(NodeKind::kIndex, span);
      node.kids = {LowerExpr(index.object), LowerExpr(index.index)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kCall:
      return LowerCall(*As<ast::CallExpr>(expr));
    case ast::ExprKind::kNew:
      return LowerNew(*As<ast::NewExpr>(expr));
    case ast::ExprKind::kUnary: {
      const auto& unary = *As<ast::UnaryExpr>(expr);
      ir::Node node = AddNode(NodeKind::kUnary, span);
      node.op = unary.op == ast::UnaryOp::kNeg ? ir::Op::kNeg : ir::Op::kNot;
      node.kids = {LowerExpr(unary.operand)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kBinary: {
      const auto& binary = *As<ast::BinaryExpr>(expr);
      ir::Node node = AddNode(NodeKind::kBinary, span);
      node.op = BinaryOpOf(binary.op);
      node.kids = {LowerExpr(binary.lhs), LowerExpr(binary.rhs)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kRange: {
      const auto& range = *As<ast::RangeExpr>(expr);
      ir::Node node = AddNode(NodeKind::kRange, span);
      node.flag = range.inclusive;
      node.kids = {LowerExpr(range.start), LowerExpr(range.end)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kUnwrap: {
      ir::Node node = AddNode(NodeKind::kUnwrap, span);
      node.kids = {LowerExpr(As<ast::UnwrapExpr>(expr)->operand)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kArrayLit: {
      const auto& array = *As<ast::ArrayLitExpr>(expr);
      ir::Node node = AddNode(NodeKind::kArray, span);
      TypeKind kind = expr->type != nullptr ? expr->type->kind : TypeKind::kArray;
      node.flag = kind == TypeKind::kMutArray || kind == TypeKind::kMutSet || kind == TypeKind::kMutJson;
      if (kind == TypeKind::kSet || kind == TypeKind::kMutSet) node.name = "Set";
      for (const ast::Expr* item : array.items) node.kids.push_back(LowerExpr(item));
      NodeId id = Emit(std::move(node));
      if (kind == TypeKind::kJson || kind == TypeKind::kMutJson) {
        ir::Node json = AddNode(NodeKind::kJson, span);
        json.flag = kind == TypeKind::kMutJson;
        json.kids = {id};
        return Emit(std::move(json));
      }
      return id;
    }
    case ast::ExprKind::kMapLit: {
      const auto& map = *As<ast::MapLitExpr>(expr);
      ir::Node node = AddNode(NodeKind::kMap, span);
      node.flag = expr->type != nullptr && expr->type->kind == TypeKind::kMutMap;
      for (const ast::MapEntry& entry : map.entries) {
        node.kids.push_back(LowerExpr(entry.key));
        node.kids.push_back(LowerExpr(entry.value));
      }
      return Emit(std::move(node));
    }
    case ast::ExprKind::kObjectLit:
      return LowerObject(*As<ast::ObjectLitExpr>(expr));
    case ast::ExprKind::kStructLit: {
      const auto& lit = *As<ast::StructLitExpr>(expr);
      std::string name = expr->type != nullptr ? TypeName(expr->type) : "";
      if (expr->type != nullptr && expr->type->decl != nullptr) name = SymbolName(expr->type->decl, name);
      return LowerFields(name, lit.fields, span);
    }
    case ast::ExprKind::kJsonLit: {
      const auto& json = *As<ast::JsonLitExpr>(expr);
      ir::Node node = AddNode(NodeKind::kJson, span);
      node.flag = json.mutable_json;
      node.kids = {LowerExpr(json.value)};
      return Emit(std::move(node));
    }
    case ast::ExprKind::kClosure:
      return LowerClosure(*As<ast::ClosureExpr>(expr));
    case ast::ExprKind::kIntrinsic: {
      const auto& intrinsic = *As<ast::IntrinsicExpr>(expr);
      if (intrinsic.name == "target") return Const(ir::Value::Str(options_.target), span);
      if (intrinsic.name == "dirname") {
        std::filesystem::path file = sources_.File(span.file).path;
        std::error_code ec;
        std::filesystem::path dir = std::filesystem::absolute(file, ec).parent_path();
        return Const(ir::Value::Str(dir.string()), span);
      }
      return Nil(span);
    }
  }
  return Nil(span);
}

auto Lowerer::LowerIdent(const ast::IdentExpr& expr) -> NodeId {
  const Symbol* symbol = expr.symbol;
  if (symbol == nullptr) return Nil(expr.span);
  switch (symbol->kind) {
    case SymbolKind::kVariable:
    case SymbolKind::kParameter: {
      std::optional<Ref> ref = Resolve(symbol, stack_.size() - 1);
      return ref ? RefNode(*ref, expr.span) : Nil(expr.span);
    }
    case SymbolKind::kMethod:
      return Global(GlobalName(symbol), expr.span);
    default:
      return Nil(expr.span);
  }
}

auto Lowerer::LowerMember(const ast::MemberExpr& expr) -> NodeId {
  const Symbol* member = expr.member;
  if (const Symbol* type = TypeSymbolOf(expr.object)) {
    if (type->kind == SymbolKind::kEnum) return Const(ir::Value::Str(expr.name), expr.span);
    if (member != nullptr && member->kind == SymbolKind::kMethod) return Global(GlobalName(member), expr.span);
    if (member != nullptr && member->kind == SymbolKind::kField && member->is_static) {
      return Global(GlobalName(member), expr.span);
    }
    return Nil(expr.span);  // a type used as a value: only in `new`, handled there
  }
  ir::Node node = AddNode(NodeKind::kMember, expr.span);
  node.name = expr.name;
  node.flag = expr.optional_chain;
  node.kids = {LowerExpr(expr.object)};
  return Emit(std::move(node));
}

auto Lowerer::LowerArgs(const std::vector<ast::Expr*>& args, const ast::Expr* named, const Type* callee_type,
                        std::vector<NodeId>& kids, Span call_span, bool fill_options) -> void {
  for (const ast::Expr* arg : args) kids.push_back(LowerExpr(arg));
  if (named == nullptr) {
    // As in Wing, a last parameter whose struct has only optional fields may
    // be left out: the function gets an empty struct, not nil. (Resource
    // constructors fill their props from defaults instead.)
    const Type* fn = callee_type;
    if (!fill_options || fn == nullptr || fn->kind != TypeKind::kFunction || fn->params.empty() ||
        args.size() + 1 != fn->params.size()) {
      return;
    }
    const Type* last = fn->params.back();
    if (last == nullptr || last->kind != TypeKind::kStruct || last->decl == nullptr) return;
    for (const auto& [name, field] : last->decl->members) {
      if (field->kind == SymbolKind::kField && (field->type == nullptr || field->type->kind != TypeKind::kOptional)) {
        return;
      }
    }
    kids.push_back(LowerFields(SymbolName(last->decl, TypeName(last)), {}, call_span));
    return;
  }
  // Named arguments fill the last parameter; skipped optional ones are nil.
  size_t params = callee_type != nullptr && callee_type->kind == TypeKind::kFunction ? callee_type->params.size() : 0;
  for (size_t i = args.size(); i + 1 < params; ++i) kids.push_back(Nil(named->span));
  kids.push_back(LowerExpr(named));
}

auto Lowerer::LowerCall(const ast::CallExpr& expr) -> NodeId {
  const ast::Expr* callee = expr.callee;
  const Type* callee_type = callee != nullptr ? callee->type : nullptr;
  if (const auto* member = As<ast::MemberExpr>(callee)) {
    const Symbol* method = member->member;
    bool on_type = TypeSymbolOf(member->object) != nullptr;
    if (As<ast::SuperExpr>(member->object) != nullptr && current_class_ != nullptr && current_class_->base != nullptr) {
      ir::Node node = AddNode(NodeKind::kSuperCall, expr.span);
      node.name = SymbolName(current_class_->base, "") + "." + member->name;
      LowerArgs(expr.args, expr.named_struct, callee_type, node.kids, expr.span);
      return Emit(std::move(node));
    }
    if (!on_type && !(method != nullptr && method->kind == SymbolKind::kField)) {
      ir::Node node = AddNode(NodeKind::kMethodCall, expr.span);
      node.name = member->name;
      node.flag = member->optional_chain;
      node.kids = {LowerExpr(member->object)};
      LowerArgs(expr.args, expr.named_struct, callee_type, node.kids, expr.span);
      return Emit(std::move(node));
    }
  }
  if (As<ast::SuperExpr>(callee) != nullptr && current_class_ != nullptr && current_class_->base != nullptr) {
    ir::Node node = AddNode(NodeKind::kSuperCall, expr.span);
    node.name = SymbolName(current_class_->base, "") + ".new";
    LowerArgs(expr.args, expr.named_struct, callee_type, node.kids, expr.span);
    return Emit(std::move(node));
  }
  ir::Node node = AddNode(NodeKind::kCall, expr.span);
  node.kids = {LowerExpr(callee)};
  LowerArgs(expr.args, expr.named_struct, callee_type, node.kids, expr.span);
  return Emit(std::move(node));
}

auto Lowerer::LowerNew(const ast::NewExpr& expr) -> NodeId {
  ir::Node node = AddNode(NodeKind::kNew, expr.span);
  const Type* type = expr.type;
  node.name = type != nullptr && type->decl != nullptr ? SymbolName(type->decl, TypeName(type)) : "";
  if (node.name.empty() && expr.class_type != nullptr) {
    for (const std::string& part : expr.class_type->path) node.name += (node.name.empty() ? "" : ".") + part;
  }
  node.kids = {expr.id != nullptr ? LowerExpr(expr.id) : Nil(expr.span),
               expr.scope != nullptr ? LowerExpr(expr.scope) : Nil(expr.span)};
  const Type* ctor_type = nullptr;
  if (type != nullptr && type->decl != nullptr) {
    if (auto it = type->decl->members.find("new"); it != type->decl->members.end()) ctor_type = it->second->type;
  }
  LowerArgs(expr.args, expr.named_struct, ctor_type, node.kids, expr.span, /*fill_options=*/false);
  return Emit(std::move(node));
}

auto Lowerer::LowerFields(const std::string& name, const std::vector<ast::FieldInit>& fields, Span span) -> NodeId {
  ir::Node node = AddNode(NodeKind::kStruct, span);
  node.name = name;
  std::vector<ir::Value> names;
  for (const ast::FieldInit& field : fields) {
    names.push_back(ir::Value::Str(field.name));
    node.kids.push_back(LowerExpr(field.value));
  }
  node.constant = ir::Value::NewArray(std::move(names), false);
  return Emit(std::move(node));
}

auto Lowerer::LowerObject(const ast::ObjectLitExpr& expr) -> NodeId {
  const Type* type = expr.type;
  TypeKind kind = type != nullptr ? type->kind : TypeKind::kJson;
  if (kind == TypeKind::kOptional && type->element != nullptr) kind = type->element->kind, type = type->element;
  if (kind == TypeKind::kStruct) {
    return LowerFields(type->decl != nullptr ? SymbolName(type->decl, TypeName(type)) : TypeName(type), expr.fields,
                       expr.span);
  }
  ir::Node node = AddNode(NodeKind::kMap, expr.span);
  node.flag = kind == TypeKind::kMutMap || kind == TypeKind::kMutJson;
  for (const ast::FieldInit& field : expr.fields) {
    node.kids.push_back(Const(ir::Value::Str(field.name), field.span));
    node.kids.push_back(LowerExpr(field.value));
  }
  if (kind == TypeKind::kMap || kind == TypeKind::kMutMap) return Emit(std::move(node));
  NodeId map = Emit(std::move(node));
  ir::Node json = AddNode(NodeKind::kJson, expr.span);
  json.flag = kind == TypeKind::kMutJson;
  json.kids = {map};
  return Emit(std::move(json));
}

auto Lowerer::LowerClosure(const ast::ClosureExpr& expr) -> NodeId {
  bool parent_inflight = stack_.back().inflight;
  bool inflight = expr.closure_phase == ast::Phase::kInflight ||
                  (expr.closure_phase == ast::Phase::kUnphased && parent_inflight) ||
                  (expr.closure_phase == ast::Phase::kPreflight && parent_inflight);
  LineCol lc = sources_.Start(expr.span);
  std::string name = fmt::format("{}:{}:{} closure", sources_.File(expr.span.file).path, lc.line, lc.col);
  int32_t index = NewFunction(name, ir::FunctionKind::kClosure, inflight ? ir::Phase::kInflight : ir::Phase::kPreflight,
                              expr.span);
  PushFunction(index, inflight, false, false);
  stack_.back().closure = true;
  for (const ast::Param& param : expr.params) {
    Fn().params.push_back(param.name);
    NewSlot(param.symbol);
  }
  Code().root = LowerBlock(expr.body);
  std::vector<CaptureKey> captures = stack_.back().captures;
  PopFunction();
  return ClosureNode(index, captures, expr.span);
}

}  // namespace

auto Lower(const LoadedProgram& program, const SourceManager& sources, Diagnostics& diagnostics,
           const LowerOptions& options) -> LoweredProgram {
  Lowerer lowerer(sources, diagnostics, options);
  return lowerer.Run(program);
}

}  // namespace wdsl
