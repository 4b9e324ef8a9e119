// Tokens of the wdsl subset of Wing (LANGUAGE.md). A separate lexer grammar
// because string interpolation needs lexer modes, which ANTLR 4.7.2 only
// allows here: `"a {b + "c {d}"} e"` switches STRING -> DEFAULT -> STRING.
//
// Every `{` in the default mode pushes the default mode and every `}` pops,
// so the `}` that closes an interpolation returns to the STRING mode that
// pushed it. A stray `}` at the top level finds an empty stack: the action
// below ignores it instead of letting the runtime throw.
//
// The lexer never fails: characters it does not know become ERROR_CHAR and
// malformed literals get their own token types, so the frontend reports them
// in user words (frontend/parse*.cpp) instead of as ANTLR recognition errors.
lexer grammar WingLexer;

// `///` comments stay available to the AST builder for declaration docs.
channels { DOC }

// ------------------------------------------------------------ keywords
// Wing reserves these words; the container and Json type names are keywords
// so that `MutArray<str>[]` is not read as a comparison. `_KW` where the
// plain name is a common macro (gtest's TEST, TRUE/FALSE).
BRING: 'bring';
LET: 'let';
VAR: 'var';
IF: 'if';
ELSE: 'else';
FOR: 'for';
IN: 'in';
WHILE: 'while';
BREAK: 'break';
CONTINUE: 'continue';
RETURN: 'return';
THROW: 'throw';
TRY: 'try';
CATCH: 'catch';
FINALLY: 'finally';
STRUCT: 'struct';
ENUM: 'enum';
INTERFACE: 'interface';
CLASS: 'class';
EXTENDS: 'extends';
IMPL: 'impl';
NEW: 'new';
AS: 'as';
PUB: 'pub';
PROTECTED: 'protected';
STATIC: 'static';
INFLIGHT: 'inflight';
UNPHASED: 'unphased';
TEST_KW: 'test';
LIFT: 'lift';
EXTERN: 'extern';
TRUE_KW: 'true';
FALSE_KW: 'false';
NIL: 'nil';
THIS: 'this';
SUPER: 'super';
JSON: 'Json';
MUT_JSON: 'MutJson';
ARRAY: 'Array';
MUT_ARRAY: 'MutArray';
MAP: 'Map';
MUT_MAP: 'MutMap';
SET: 'Set';
MUT_SET: 'MutSet';

// ------------------------------------------------------------ punctuation
LBRACE: '{' -> pushMode(DEFAULT_MODE);
RBRACE: '}' { if (!modeStack.empty()) popMode(); };
LPAREN: '(';
RPAREN: ')';
LBRACK: '[';
RBRACK: ']';
SEMI: ';';
COMMA: ',';
// Not Wing syntax wdsl supports (variadic parameters), but one token reads
// better in an error than `..` followed by `.`.
ELLIPSIS: '...';
RANGE_INCL: '..=';
RANGE: '..';
QDOT: '?.';
DOT: '.';
COLON: ':';
DQUESTION: '??';
QUESTION: '?';
FAT_ARROW: '=>';
EQ: '==';
NE: '!=';
LE: '<=';
GE: '>=';
AND: '&&';
OR: '||';
PLUS_ASSIGN: '+=';
MINUS_ASSIGN: '-=';
STAR_ASSIGN: '*=';
SLASH_ASSIGN: '/=';
ASSIGN: '=';
BANG: '!';
LT: '<';
GT: '>';
POWER: '**';
PLUS: '+';
MINUS: '-';
STAR: '*';
SLASH: '/';
BACKSLASH: '\\';
PERCENT: '%';

// ------------------------------------------------------------ literals
// A number directly followed by a unit is a duration: 100ms 30s 5m 2h 1d 1mo 1y.
DURATION: NUM_BODY ('ms' | 's' | 'm' | 'h' | 'd' | 'mo' | 'y');
NUMBER: NUM_BODY;
// `0x1F`, `12abc`: one token, so the error names the whole literal. Defined
// after DURATION and NUMBER so that `5ms` and `1e3` win ties of equal length.
INVALID_NUMBER: NUM_BODY [A-Za-z_] [A-Za-z0-9_]*;

fragment DIGITS: [0-9] [0-9_]*;
fragment HEX: [0-9A-Fa-f];
fragment NUM_BODY: DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)?;

// Raw strings have escapes but no interpolation: #"{{ x }}".
RAW_STRING: '#"' (~["\\] | '\\' .)* '"';
UNTERMINATED_RAW_STRING: '#"' (~["\\] | '\\' .)* '\\'? EOF;

STRING_START: '"' -> pushMode(STRING);

IDENTIFIER: [A-Za-z_] [A-Za-z0-9_]*;
// `@dirname`, `@target`, `@app(...)`: intrinsics, checked by name later.
INTRINSIC: '@' [A-Za-z_] [A-Za-z0-9_]*;

// ------------------------------------------------------------ trivia
DOC_COMMENT: '///' ~[\r\n]* -> channel(DOC);
LINE_COMMENT: '//' ~[\r\n]* -> skip;
BLOCK_COMMENT: '/*' .*? '*/' -> skip;
// Spelled so that it cannot run past a `*/`: the lexer takes the longest
// match, and `.*? EOF` would swallow every later comment and statement.
UNTERMINATED_COMMENT: '/*' (~[*] | '*'+ ~[*/])* '*'* EOF;
WS: [ \t\r\n\f\u00A0\uFEFF]+ -> skip;

// Anything else: the parser reports it as an unexpected character.
ERROR_CHAR: .;

// ------------------------------------------------------------ inside "..."
mode STRING;
STRING_END: '"' -> popMode;
INTERP_START: '{' -> pushMode(DEFAULT_MODE);
// `\{` is a literal brace; `\u{1F600}` must not start an interpolation. The
// AST builder decodes escapes and rejects unknown ones.
ESCAPE: '\\' ('u{' HEX* '}'? | 'u' HEX HEX HEX HEX | 'x' HEX HEX | .)?;
STRING_TEXT: ~["\\{]+;
