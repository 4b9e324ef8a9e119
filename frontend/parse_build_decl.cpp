// Declarations: struct, enum, interface, class and their members. The
// grammar accepts modifiers in any order and members with or without bodies;
// what makes no sense anywhere (`pub pub`, `var` on a method, a field in an
// interface) is reported here. What is only wrong outside the standard
// library (bodyless methods, type parameters, `unphased`) is the checker's
// call.
#include <fmt/format.h>

#include "frontend/parse_build.h"

namespace wdsl::parse {
namespace {

// The modifiers written in front of one member, checked for repeats and
// contradictions as they are collected.
struct Modifiers {
  ast::Access access = ast::Access::kPrivate;
  ast::Phase phase = ast::Phase::kPreflight;
  bool has_phase = false;
  bool is_static = false;
  bool is_var = false;
  std::string extern_path;
  Span var_span;
  Span extern_span;
};

}  // namespace

auto AstBuilder::BuildStruct(WingParser::StructStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::StructStmt>(SpanOf(ctx));
  node->doc = DocBefore(ctx->getStart());
  node->is_pub = ctx->PUB() != nullptr;
  if (ctx->identifier() != nullptr) {
    node->name = ctx->identifier()->getText();
    node->name_span = SpanOf(ctx->identifier());
  }
  node->extends = BuildTypes(ctx->typeList());
  for (WingParser::StructFieldContext* field : ctx->structField()) {
    ast::FieldDecl decl;
    if (field->identifier() != nullptr) {
      decl.name = field->identifier()->getText();
      decl.span = SpanOf(field->identifier());
    }
    decl.doc = DocBefore(field->getStart());
    decl.access = ast::Access::kPublic;  // struct fields are always visible
    decl.type = BuildType(field->type());
    node->fields.push_back(std::move(decl));
  }
  return node;
}

auto AstBuilder::BuildEnum(WingParser::EnumStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::EnumStmt>(SpanOf(ctx));
  node->doc = DocBefore(ctx->getStart());
  node->is_pub = ctx->PUB() != nullptr;
  std::vector<WingParser::IdentifierContext*> names = ctx->identifier();
  for (size_t i = 0; i < names.size(); ++i) {
    if (i == 0) {
      node->name = names[0]->getText();
      node->name_span = SpanOf(names[0]);
    } else {
      node->members.emplace_back(names[i]->getText(), SpanOf(names[i]));
    }
  }
  return node;
}

auto AstBuilder::BuildInterface(WingParser::InterfaceStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::InterfaceStmt>(SpanOf(ctx));
  node->doc = DocBefore(ctx->getStart());
  bool inflight = false;
  for (WingParser::ClassModifierContext* modifier : ctx->classModifier()) {
    if (modifier->PUB() != nullptr) node->is_pub = true;
    if (modifier->INFLIGHT() != nullptr) inflight = true;
    if (modifier->PROTECTED() != nullptr || modifier->UNPHASED() != nullptr) {
      errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(modifier),
                     fmt::format("`{}` does not apply to an interface", modifier->getText()));
    }
  }
  if (ctx->typeName() != nullptr) {
    node->name = ctx->typeName()->getText();
    node->name_span = SpanOf(ctx->typeName());
  }
  node->extends = BuildTypes(ctx->typeList());
  std::vector<ast::FieldDecl> fields;
  BuildMembers(ctx->classBody(), fields, node->methods);
  for (const ast::FieldDecl& field : fields) {
    errors_.Report(DiagnosticKind::kSyntaxError, field.span, "an interface can only declare methods");
  }
  for (ast::FunctionDecl& method : node->methods) {
    if (method.is_constructor) {
      errors_.Report(DiagnosticKind::kSyntaxError, method.span, "an interface cannot have a constructor");
    } else if (method.body != nullptr) {
      errors_.Report(DiagnosticKind::kSyntaxError, method.body->span,
                     "interface methods have no body; end the declaration with `;`");
    } else if (method.result == nullptr) {
      // As in Wing: a declaration without a body must say what it returns.
      errors_.Report(DiagnosticKind::kSyntaxError, method.span,
                     fmt::format("the interface method `{}` needs a return type, e.g. `{}(...): void;`", method.name,
                                 method.name));
    }
    // In an `inflight interface` every method is inflight.
    if (inflight) method.phase = ast::Phase::kInflight;
  }
  return node;
}

auto AstBuilder::BuildClass(WingParser::ClassStatementContext* ctx) -> ast::Stmt* {
  auto* node = ast_.New<ast::ClassStmt>(SpanOf(ctx));
  node->doc = DocBefore(ctx->getStart());
  for (WingParser::ClassModifierContext* modifier : ctx->classModifier()) {
    if (modifier->PUB() != nullptr) node->is_pub = true;
    if (modifier->INFLIGHT() != nullptr) node->phase = ast::Phase::kInflight;
    if (modifier->UNPHASED() != nullptr) node->phase = ast::Phase::kUnphased;
    if (modifier->PROTECTED() != nullptr) {
      errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(modifier), "`protected` does not apply to a class");
    }
  }
  if (ctx->typeName() != nullptr) {
    node->name = ctx->typeName()->getText();
    node->name_span = SpanOf(ctx->typeName());
  }
  if (ctx->typeParameters() != nullptr) {
    for (WingParser::TypeNameContext* param : ctx->typeParameters()->typeName()) {
      node->type_params.push_back(param->getText());
    }
  }
  if (ctx->type() != nullptr) node->extends = BuildType(ctx->type());
  node->impls = BuildTypes(ctx->typeList());
  BuildMembers(ctx->classBody(), node->fields, node->methods);
  return node;
}

void AstBuilder::BuildMembers(WingParser::ClassBodyContext* body, std::vector<ast::FieldDecl>& fields,
                              std::vector<ast::FunctionDecl>& methods) {
  if (body == nullptr) return;
  DepthScope scope(depth_, depth_ + 1);
  if (TooDeep(depth_, SpanOf(body))) return;
  for (WingParser::ClassMemberContext* member : body->classMember()) {
    if (IsBroken(member) || member->memberName() == nullptr) continue;
    Modifiers mods;
    std::vector<size_t> seen;
    for (WingParser::MemberModifierContext* modifier : member->memberModifier()) {
      auto* token = dynamic_cast<antlr4::tree::TerminalNode*>(modifier->children.empty() ? nullptr : modifier->children[0]);
      if (token == nullptr) continue;
      size_t type = token->getSymbol()->getType();
      if (std::find(seen.begin(), seen.end(), type) != seen.end()) {
        errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(token), fmt::format("duplicate modifier `{}`", token->getText()));
        continue;
      }
      seen.push_back(type);
      switch (type) {
        case WingParser::PUB:
        case WingParser::PROTECTED:
          if (mods.access != ast::Access::kPrivate) {
            errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(token), "a member cannot be both `pub` and `protected`");
          }
          mods.access = type == WingParser::PUB ? ast::Access::kPublic : ast::Access::kProtected;
          break;
        case WingParser::INFLIGHT:
        case WingParser::UNPHASED:
          if (mods.has_phase) {
            errors_.Report(DiagnosticKind::kSyntaxError, SpanOf(token), "a member cannot be both `inflight` and `unphased`");
          }
          mods.has_phase = true;
          mods.phase = type == WingParser::INFLIGHT ? ast::Phase::kInflight : ast::Phase::kUnphased;
          break;
        case WingParser::STATIC: mods.is_static = true; break;
        case WingParser::VAR:
          mods.is_var = true;
          mods.var_span = SpanOf(token);
          break;
        case WingParser::EXTERN:
          mods.extern_span = SpanOf(modifier);
          mods.extern_path = modifier->string() != nullptr ? PlainText(modifier->string(), "an `extern` path") : "";
          break;
        default: break;
      }
    }
    std::string name = member->memberName()->getText();
    Span name_span = SpanOf(member->memberName());
    std::string doc = DocBefore(member->getStart());
    if (WingParser::MethodTailContext* tail = member->methodTail()) {
      if (mods.is_var) errors_.Report(DiagnosticKind::kSyntaxError, mods.var_span, "`var` applies to fields, not methods");
      ast::FunctionDecl method;
      method.name = name;
      method.span = name_span;
      method.doc = std::move(doc);
      method.access = mods.access;
      method.is_static = mods.is_static;
      method.is_constructor = name == "new";
      method.phase = mods.phase;
      method.params = BuildParams(tail->parameterList());
      if (tail->type() != nullptr) method.result = BuildType(tail->type());
      if (tail->block() != nullptr) method.body = BuildBlock(tail->block());
      method.extern_path = std::move(mods.extern_path);
      methods.push_back(std::move(method));
    } else if (WingParser::FieldTailContext* tail = member->fieldTail()) {
      if (name == "new") {
        errors_.Report(DiagnosticKind::kSyntaxError, name_span, "a constructor needs a parameter list: `new(...) { }`");
        continue;
      }
      if (!mods.extern_path.empty() || mods.extern_span.end > 0) {
        errors_.Report(DiagnosticKind::kSyntaxError, mods.extern_span, "`extern` applies to methods, not fields");
      }
      ast::FieldDecl field;
      field.name = name;
      field.span = name_span;
      field.doc = std::move(doc);
      field.type = BuildType(tail->type());
      field.access = mods.access;
      field.is_static = mods.is_static;
      field.is_var = mods.is_var;
      field.phase = mods.phase;
      fields.push_back(std::move(field));
    }
  }
}

}  // namespace wdsl::parse
