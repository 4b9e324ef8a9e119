// Syntax of the wdsl subset of Wing (LANGUAGE.md). The tree-sitter grammar of
// Wing (libs/tree-sitter-wing/grammar.js) is the reference for what parses;
// this grammar is shaped for ANTLR's adaptive LL(*) instead:
//
// - Operator alternatives are left-recursive and all parse left-associative,
//   including `**` and `??`, which the AST builder re-associates to the right.
//   Right-recursive chains made `a ?? a ?? ...` exponential-ish under LL.
// - Statements that begin with an expression are one rule
//   (`expression (assignOp expression)? ;`), so prediction never has to scan
//   a whole expression (maybe a 100-line closure) to find an `=`.
// - `else if` chains are a loop, not nested if statements, so a long chain
//   does not nest the parse tree.
// - Some constructs are parsed more liberally than the language allows
//   (modifiers in any order, bodies optional, `new` as a field name); the AST
//   builder and the checker reject those with messages in user words.
//
// Precedence, from tightest: the `Json`/`MutJson` prefix, postfix (`.` `?.`
// call index `!`), `**`, prefix `-` `!` (so `-2 ** 2` is `-(2 ** 2)`), `* / \ %`, `+ -`, `??`,
// `< <= > >=`, `== !=`, `&&`, `||`, ranges `..` `..=`. This is Wing's order.
parser grammar WingParser;

options { tokenVocab = WingLexer; }

program: statement* EOF;

block: LBRACE statement* RBRACE;

statement
  : BRING (identifier | string) (AS identifier)? SEMI                            # BringStatement
  | LET VAR? identifier (COLON type)? ASSIGN expression SEMI                       # LetStatement
  | IF ifHead block (ELSE IF ifHead block)* (ELSE block)?                          # IfStatement
  | FOR identifier IN expression block                                            # ForStatement
  | WHILE expression block                                                        # WhileStatement
  | BREAK SEMI                                                                    # BreakStatement
  | CONTINUE SEMI                                                                 # ContinueStatement
  | RETURN expression? SEMI                                                       # ReturnStatement
  | THROW expression? SEMI                                                        # ThrowStatement
  | TRY block (CATCH identifier? block)? (FINALLY block)?                          # TryStatement
  | PUB? STRUCT identifier (EXTENDS typeList)? LBRACE structField* RBRACE         # StructStatement
  | PUB? ENUM identifier LBRACE (identifier (COMMA identifier)* COMMA?)? RBRACE   # EnumStatement
  | classModifier* INTERFACE typeName (EXTENDS typeList)? classBody              # InterfaceStatement
  | classModifier* CLASS typeName typeParameters? (EXTENDS type)? (IMPL typeList)? classBody  # ClassStatement
  | TEST_KW string block                                                             # TestStatement
  | LIFT LBRACE liftQualification (COMMA liftQualification)* COMMA? RBRACE block  # LiftStatement
  | expression (assignOp expression)? SEMI                                        # ExpressionStatement
  ;

// `if c`, or `if let [var] name = value`.
ifHead
  : LET VAR? identifier ASSIGN expression   # IfLetHead
  | expression                              # IfConditionHead
  ;

assignOp: ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | STAR_ASSIGN | SLASH_ASSIGN;

structField: identifier COLON type SEMI;

liftQualification: expression COLON (memberName | LBRACK memberName (COMMA memberName)* COMMA? RBRACK);

// ------------------------------------------------------------ classes

classModifier: PUB | PROTECTED | INFLIGHT | UNPHASED;

// Standard-library declarations only: `class Array<T>`.
typeParameters: LT typeName (COMMA typeName)* GT;

// Shared by classes and interfaces; the AST builder checks what each allows.
classBody: LBRACE classMember* RBRACE;

// Fields, methods and constructors, with bodies or (interfaces, stdlib)
// without. One rule for all three keeps prediction to a token or two.
// `new` is the constructor; other keywords are plain names (`expect.nil`).
classMember: memberModifier* memberName (methodTail | fieldTail);

memberModifier
  : PUB
  | PROTECTED
  | STATIC
  | INFLIGHT
  | UNPHASED
  | VAR
  | EXTERN string
  ;

methodTail: LPAREN parameterList? RPAREN (COLON type)? (block | SEMI);

fieldTail: COLON type SEMI;

parameterList: parameter (COMMA parameter)* COMMA?;

parameter: VAR? identifier (COLON type)?;

// ------------------------------------------------------------ types

type
  : type QUESTION                                                            # OptionalType
  | phase=(INFLIGHT | UNPHASED)? LPAREN (type (COMMA type)* COMMA?)? RPAREN COLON type  # FunctionType
  | LPAREN type RPAREN                                                       # ParenthesizedType
  | namedType                                                                # NamedTypeReference
  ;

namedType: typeName (DOT memberName)* typeArguments?;

typeArguments: LT type (COMMA type)* GT;

typeList: type (COMMA type)*;

// A type's own name: an identifier or one of the built-in container names
// (stdlib declares `class Array<T>`, `class Json`).
typeName: IDENTIFIER | containerName;

containerName: ARRAY | MUT_ARRAY | MAP | MUT_MAP | SET | MUT_SET | JSON | MUT_JSON;

// `MutArray<str>` in front of a collection literal.
containerType: containerName typeArguments;

// ------------------------------------------------------------ expressions

// `Json` first: it wins the tie in `Json [1]` (a Json array, not an index
// into the type) and binds tightest, so `Json {a: 1}.get("a")` needs no
// parentheses.
expression
  : op=(JSON | MUT_JSON) expression                              # JsonExpression
  | primary                                                      # PrimaryExpression
  | expression op=(DOT | QDOT) memberName                        # MemberExpression
  | expression LPAREN argumentList? RPAREN                       # CallExpression
  | expression LBRACK expression RBRACK                          # IndexExpression
  | expression BANG                                              # UnwrapExpression
  | expression op=POWER expression                               # PowerExpression
  | op=(MINUS | BANG) expression                                 # UnaryExpression
  | expression op=(STAR | SLASH | BACKSLASH | PERCENT) expression  # MultiplicativeExpression
  | expression op=(PLUS | MINUS) expression                      # AdditiveExpression
  | expression op=DQUESTION expression                           # NilCoalesceExpression
  | expression op=(LT | LE | GT | GE) expression                 # RelationalExpression
  | expression op=(EQ | NE) expression                           # EqualityExpression
  | expression op=AND expression                                 # AndExpression
  | expression op=OR expression                                  # OrExpression
  | expression op=(RANGE | RANGE_INCL) expression                # RangeExpression
  ;

primary
  : NUMBER                                                                  # NumberLiteral
  | DURATION                                                                # DurationLiteral
  | string                                                                  # StringLiteral
  | RAW_STRING                                                              # RawStringLiteral
  | (TRUE_KW | FALSE_KW)                                                          # BoolLiteral
  | NIL                                                                     # NilLiteral
  | THIS                                                                    # ThisReference
  | SUPER                                                                   # SuperReference
  | INTRINSIC                                                               # IntrinsicReference
  | NEW namedType LPAREN argumentList? RPAREN (AS expression)? (IN expression)?  # NewInstance
  | containerType? LBRACK (expression (COMMA expression)* COMMA?)? RBRACK   # ArrayLiteral
  | containerType? LBRACE mapEntry (COMMA mapEntry)* COMMA? RBRACE          # MapLiteral
  | containerType LBRACE RBRACE                                             # EmptyTypedCollection
  | LBRACE (fieldInit (COMMA fieldInit)* COMMA?)? RBRACE                    # ObjectLiteral
  | qualifiedName LBRACE (fieldInit (COMMA fieldInit)* COMMA?)? RBRACE      # StructLiteral
  | phase=(INFLIGHT | UNPHASED)? LPAREN parameterList? RPAREN (COLON type)? FAT_ARROW block  # Closure
  | LPAREN expression RPAREN                                                # ParenthesizedExpression
  | containerName                                                           # TypeReference
  | IDENTIFIER                                                              # NameReference
  ;

string: STRING_START stringPart* STRING_END;

stringPart
  : STRING_TEXT                           # StringText
  | ESCAPE                                # StringEscape
  | INTERP_START expression RBRACE        # StringInterpolation
  ;

argumentList: argument (COMMA argument)* COMMA?;

argument
  : memberName COLON expression   # NamedArgument
  | expression                    # PositionalArgument
  ;

mapEntry: expression FAT_ARROW expression;

// `{ name }` is short for `{ name: name }`, as in Wing.
fieldInit
  : (memberName | string) COLON expression   # KeyedField
  | IDENTIFIER                               # PunnedField
  ;

qualifiedName: IDENTIFIER (DOT memberName)*;

// ------------------------------------------------------------ names

// Names of variables, parameters, structs, enums and their members.
identifier: IDENTIFIER;

// After `.`, and as keys of fields, named arguments and lift operations, any
// word is a name: `{ class: "x" }`, `Json.keys(j)`, `f(test: true)`.
memberName
  : IDENTIFIER | BRING | LET | VAR | IF | ELSE | FOR | IN | WHILE | BREAK | CONTINUE
  | RETURN | THROW | TRY | CATCH | FINALLY | STRUCT | ENUM | INTERFACE | CLASS | EXTENDS
  | IMPL | NEW | AS | PUB | PROTECTED | STATIC | INFLIGHT | UNPHASED | TEST_KW | LIFT
  | EXTERN | TRUE_KW | FALSE_KW | NIL | THIS | SUPER | containerName
  ;
