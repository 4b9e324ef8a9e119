// The checker's model of the program: types and the symbols names resolve to.
// Both are owned by a `Semantics` object that lives as long as the Ast;
// nodes point at them through the annotations in ast.h.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "frontend/ast.h"

namespace wdsl {

enum class TypeKind : uint8_t {
  kNum, kStr, kBool, kDuration, kVoid, kAny, kNil, kJson, kMutJson,
  kArray, kMutArray, kMap, kMutMap, kSet, kMutSet,
  kOptional,   // element?
  kFunction,   // phase (params) : result
  kClass,      // user or stdlib class (a resource when preflight)
  kStruct, kEnum, kInterface,
  kTypeParam,  // `T` inside a stdlib generic declaration
  kError,      // after a reported error; compatible with everything, silences cascades
};

struct Type {
  TypeKind kind = TypeKind::kError;
  const Type* element = nullptr;     // collections, optional
  std::vector<const Type*> params;   // function parameter types; kClass: the
                                     // type arguments of a generic stdlib class
  std::vector<bool> param_optional;  // function: parameter may be omitted
  const Type* result = nullptr;      // function result
  ast::Phase phase = ast::Phase::kPreflight;  // function phase
  const Symbol* decl = nullptr;      // class/struct/enum/interface declaration
  std::string name;                  // kTypeParam: "T"
};

// Renders a type as the user writes it: `Array<str>`, `inflight (str): void`,
// `cloud.Bucket`, `num?`.
auto TypeName(const Type* type) -> std::string;

enum class SymbolKind : uint8_t {
  kVariable,    // let, let var, for variable, if-let, catch
  kParameter,   // function / closure parameter
  kField,       // class or struct field
  kMethod,      // class / interface method (static ones too)
  kClass, kStruct, kEnum, kEnumMember, kInterface,
  kModule,      // a brought module: `cloud`, `lib`
  kTypeParam,
};

struct Symbol {
  SymbolKind kind = SymbolKind::kVariable;
  std::string name;
  Span span;                    // where it is defined
  std::string doc;              // `///` text, for hover
  const Type* type = nullptr;   // value type; methods: their function type;
                                // classes/structs/enums/interfaces: the type they declare
  ast::Phase phase = ast::Phase::kPreflight;  // the phase it belongs to
  bool reassignable = false;    // `let var`, `var` fields
  ast::Access access = ast::Access::kPublic;
  bool is_static = false;
  const Symbol* owner = nullptr;  // the class/struct/interface of a member;
                                  // the module of a top-level declaration
  // The qualified name of a declaration: "cloud.Bucket", "main.Store".
  std::string qualified_name;
  bool from_stdlib = false;

  // Classes, structs, interfaces: members by name (fields and methods),
  // including inherited ones; bases and implemented interfaces.
  std::map<std::string, const Symbol*> members;
  const Symbol* base = nullptr;
  std::vector<const Symbol*> interfaces;  // structs: the structs it extends
  std::vector<std::string> type_params;   // stdlib generic classes: {"T"}
  bool is_resource = false;  // a preflight class: instances get path ids

  // Enums: members in declaration order.
  std::vector<std::string> enum_members;

  // Modules: top-level declarations by name.
  std::map<std::string, const Symbol*> exports;
  const ast::Module* module = nullptr;

  // Declarations in the AST (at most one is set).
  const ast::ClassStmt* class_decl = nullptr;
  const ast::StructStmt* struct_decl = nullptr;
  const ast::InterfaceStmt* interface_decl = nullptr;
  const ast::EnumStmt* enum_decl = nullptr;
  const ast::FunctionDecl* function_decl = nullptr;  // kMethod
  const ast::FieldDecl* field_decl = nullptr;        // kField
};

// Owns every Type and Symbol of a compilation and interns common types.
class Semantics {
 public:
  Semantics();
  auto NewSymbol(SymbolKind kind, std::string name, Span span) -> Symbol*;
  auto NewType(Type type) -> const Type*;

  auto Num() const -> const Type* { return num_; }
  auto Str() const -> const Type* { return str_; }
  auto Bool() const -> const Type* { return bool_; }
  auto Duration() const -> const Type* { return duration_; }
  auto Void() const -> const Type* { return void_; }
  auto Any() const -> const Type* { return any_; }
  auto Nil() const -> const Type* { return nil_; }
  auto Json() const -> const Type* { return json_; }
  auto MutJson() const -> const Type* { return mut_json_; }
  auto Error() const -> const Type* { return error_; }
  // Interned: the same arguments give the same pointer.
  auto Collection(TypeKind kind, const Type* element) -> const Type*;
  auto Optional(const Type* inner) -> const Type*;  // T?? == T?

  // Every module the compilation loaded (stdlib and user files), by name.
  std::map<std::string, const Symbol*> modules;

  // AST nodes the checker makes (the struct literals of named arguments);
  // owned here so they live as long as the annotations that point at them.
  template <typename T, typename... Args>
  auto NewNode(Args&&... args) -> T* {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

 private:
  std::vector<std::unique_ptr<Symbol>> symbols_;
  std::vector<std::unique_ptr<Type>> types_;
  std::vector<std::unique_ptr<ast::Node>> nodes_;
  std::map<std::pair<TypeKind, const Type*>, const Type*> interned_;
  const Type *num_, *str_, *bool_, *duration_, *void_, *any_, *nil_, *json_, *mut_json_, *error_;
};

}  // namespace wdsl
