// Tests of editors/textmate/wing.tmLanguage.json: it loads, every regex
// compiles, real programs tokenize without `invalid.*` scopes, and tricky
// snippets get the scopes an editor theme needs. Run: bash editors/test.sh.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const oniguruma = require('vscode-oniguruma');
const { GRAMMAR_PATH, SCOPE_NAME, loadGrammar, loadOniguruma, tokenize, expectTokens, invalidTokens, describe } =
  require('./textmate.js');

const ROOT = path.resolve(__dirname, '..', '..');

// `dir/*.w`, or `dir/*/main.w` with `nested`, relative to the repository.
function wingFiles(dir, nested) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true })
    .flatMap((entry) => {
      if (nested) return entry.isDirectory() ? [path.join(dir, entry.name, 'main.w')] : [];
      return entry.isFile() && entry.name.endsWith('.w') ? [path.join(dir, entry.name)] : [];
    })
    .filter((file) => fs.existsSync(path.join(ROOT, file)))
    .sort();
}

let grammarPromise;
const grammar = () => (grammarPromise ??= loadGrammar());

test('the grammar loads as source.wing', async () => {
  const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8'));
  assert.equal(raw.scopeName, SCOPE_NAME);
  assert.ok(await grammar());
});

test('every regex of the grammar compiles with Oniguruma', async () => {
  await loadOniguruma();
  const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8'));
  const regexes = [];
  (function walk(node, where) {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
        regexes.push([`${where}.${key}`, value]);
      } else {
        walk(value, `${where}.${key}`);
      }
    }
  })(raw, 'grammar');
  assert.ok(regexes.length > 50, `only ${regexes.length} regexes found`);
  for (const [where, regex] of regexes) {
    assert.doesNotThrow(() => new oniguruma.OnigScanner([regex]).dispose(), `${where}: ${regex}`);
  }
});

// ---------------------------------------------------------------- real programs

const programs = [
  ...wingFiles('examples', true),
  ...wingFiles('tests/preflight'),
  ...wingFiles('tests/parse/valid'),
  ...wingFiles('stdlib'),
  ...wingFiles('bench/programs'),
];

test('the example programs are there to tokenize', () => {
  assert.ok(wingFiles('examples', true).length >= 3, 'examples/*/main.w');
  assert.ok(wingFiles('tests/preflight').length >= 1, 'tests/preflight/*.w');
});

for (const file of programs) {
  test(`${file} has no invalid token`, async () => {
    const tokens = tokenize(await grammar(), fs.readFileSync(path.join(ROOT, file), 'utf8'));
    assert.ok(tokens.length > 0);
    const invalid = invalidTokens(tokens);
    assert.deepEqual(invalid.map(describe), [], `${file} has invalid tokens`);
  });
}

// Programs the lexer rejects: the grammar marks the same characters invalid.
const lexicalErrors = [
  ['tests/parse/invalid/hex_number.w', '0x1F'],
  ['tests/parse/invalid/unknown_character.w', '$'],
  ['tests/diagnostics/invalid_number.w', '12abc'],
  ['tests/diagnostics/invalid_escape.w', '\\u{zz}'],
];
for (const [file, text] of lexicalErrors) {
  test(`${file} marks ${text} invalid`, async () => {
    const tokens = tokenize(await grammar(), fs.readFileSync(path.join(ROOT, file), 'utf8'));
    assert.deepEqual(invalidTokens(tokens).map((token) => token.text), [text]);
  });
}

test('every .w file in the repository tokenizes in time', async () => {
  const files = [...programs, ...wingFiles('tests/parse/invalid'), ...wingFiles('tests/diagnostics'),
    ...wingFiles('tests/diagnostics/modules')];
  for (const file of files) tokenize(await grammar(), fs.readFileSync(path.join(ROOT, file), 'utf8'));
});

// ---------------------------------------------------------------- tricky cases
// [name, source, [[token text, scope, ..., '!scope prefix it must not have'], ...]]
// Token texts are matched in order; each must be exactly one token.

const STR = 'string.quoted.double.wing';
const EMBED = 'meta.embedded.expression.wing';
const INTERP_BEGIN = 'punctuation.definition.template-expression.begin.wing';
const INTERP_END = 'punctuation.definition.template-expression.end.wing';
const DURATION = 'constant.numeric.duration.wing';
const NUMBER = 'constant.numeric.decimal.wing';

const cases = [
  ['interpolation nested in a string inside an interpolation', 'let s = "a {b("c {d}")} e";', [
    ['a ', STR, `!${EMBED}`],
    ['{', STR, INTERP_BEGIN],
    ['b', EMBED, 'entity.name.function.wing', 'meta.function-call.wing'],
    ['"', EMBED, STR, 'punctuation.definition.string.begin.wing'],
    ['c ', EMBED, STR],
    ['{', EMBED, INTERP_BEGIN],
    ['d', EMBED, 'variable.other.readwrite.wing', `!${INTERP_BEGIN}`],
    ['}', EMBED, INTERP_END],
    ['"', EMBED, 'punctuation.definition.string.end.wing'],
    [')', EMBED],
    ['}', INTERP_END, `!${EMBED}`],
    [' e', STR, `!${EMBED}`],
    ['"', 'punctuation.definition.string.end.wing'],
    [';', 'punctuation.terminator.statement.wing', '!string'],
  ]],
  ['a string that nests two levels deep', 'log("{"x {"y {z}"}"}");', [
    ['z', 'variable.other.readwrite.wing'],
    [';', '!string', '!meta.embedded'],
  ]],
  ['braces of an object literal inside an interpolation', 'let s = "v={ {a: 1}.get("a") } end";', [
    ['{', INTERP_BEGIN],
    ['{', EMBED, 'punctuation.section.braces.begin.wing'],
    ['a', 'meta.object-literal.key.wing'],
    ['}', EMBED, 'punctuation.section.braces.end.wing'],
    ['get', EMBED, 'entity.name.function.wing'],
    ['}', INTERP_END],
    [' end', STR, `!${EMBED}`],
  ]],
  ['an inflight closure with typed parameters', 'let f = inflight (x: str, var n: num): str => { return x; };', [
    ['inflight', 'storage.modifier.phase.inflight.wing', '!keyword'],
    ['(', 'punctuation.definition.parameters.begin.wing'],
    ['x', 'variable.parameter.wing'],
    ['str', 'support.type.primitive.wing'],
    ['var', 'storage.modifier.var.wing'],
    ['n', 'variable.parameter.wing'],
    ['num', 'support.type.primitive.wing'],
    [')', 'punctuation.definition.parameters.end.wing'],
    ['str', 'support.type.primitive.wing', 'meta.return.type.wing'],
    ['=>', 'storage.type.function.arrow.wing'],
    ['return', 'keyword.control.flow.wing'],
    ['x', 'variable.other.readwrite.wing', '!variable.parameter'],
  ]],
  ['an inflight closure passed to a method', 'api.get("/x", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {', [
    ['get', 'entity.name.function.wing'],
    ['/x', STR],
    ['inflight', 'storage.modifier.phase.inflight.wing'],
    ['req', 'variable.parameter.wing'],
    ['cloud', 'entity.name.namespace.wing'],
    ['ApiRequest', 'entity.name.type.wing'],
    ['ApiResponse', 'entity.name.type.wing', 'meta.return.type.wing'],
    ['=>', 'storage.type.function.arrow.wing'],
  ]],
  ['phase modifiers each have their own scope', 'unphased (x) => {}; preflight (y) => {}; inflight class C {}', [
    ['unphased', 'storage.modifier.phase.unphased.wing'],
    ['x', 'variable.parameter.wing'],
    ['preflight', 'storage.modifier.phase.preflight.wing'],
    ['inflight', 'storage.modifier.phase.inflight.wing'],
    ['class', 'storage.type.class.wing'],
    ['C', 'entity.name.type.class.wing'],
  ]],
  ['a closure whose return type is a function type', 'let c = (x: num): (num): num => { return (y: num): num => { return x + y; }; };', [
    ['x', 'variable.parameter.wing'],
    ['(', 'meta.return.type.wing'],
    ['=>', 'storage.type.function.arrow.wing'],
    ['y', 'variable.parameter.wing'],
  ]],
  ['a call is not a closure; a map arrow is not a function arrow', 'f(a, b); let m = {"k" => v};', [
    ['f', 'entity.name.function.wing'],
    ['a', 'variable.other.readwrite.wing', '!variable.parameter'],
    ['=>', 'keyword.operator.map-entry.wing', '!storage.type.function'],
  ]],
  ['durations', 'let t = [5s, 1.5m, 200ms, 1.5h, 2d, 1mo, 1y, 1e3ms, 1_000s];', [
    ['5', DURATION], ['s', DURATION, 'keyword.other.unit.wing'],
    ['1.5', DURATION], ['m', DURATION, 'keyword.other.unit.wing'],
    ['200', DURATION], ['ms', DURATION],
    ['1.5', DURATION], ['h', DURATION],
    ['2', DURATION], ['d', DURATION],
    ['1', DURATION], ['mo', DURATION],
    ['1', DURATION], ['y', DURATION],
    ['1e3', DURATION], ['ms', DURATION],
    ['1_000', DURATION], ['s', DURATION],
  ]],
  ['numbers are not durations', 'let n = 42 + 3.14 + 1_000 + 2.5E-3 + 1e3;', [
    ['42', NUMBER, `!${DURATION}`],
    ['3.14', NUMBER],
    ['1_000', NUMBER],
    ['2.5E-3', NUMBER],
    ['1e3', NUMBER, `!${DURATION}`],
  ]],
  ['malformed numbers are invalid, as in the lexer', 'let a = 0x1F; let b = 5min; let c = 12abc;', [
    ['0x1F', 'invalid.illegal.numeric.wing'],
    ['5min', 'invalid.illegal.numeric.wing'],
    ['12abc', 'invalid.illegal.numeric.wing'],
  ]],
  ['ranges next to numbers and names', 'for i in 0..n { } for j in 1..=10 { }', [
    ['for', 'keyword.control.loop.wing'],
    ['in', 'keyword.operator.in.wing'],
    ['0', NUMBER],
    ['..', 'keyword.operator.range.wing'],
    ['n', 'variable.other.readwrite.wing', '!variable.other.property'],
    ['1', NUMBER],
    ['..=', 'keyword.operator.range.wing'],
    ['10', NUMBER],
  ]],
  ['a // inside a string is not a comment', 'let url = "http://example.com/*x*/"; let y = 1; // real', [
    ['http://example.com/*x*/', STR, '!comment'],
    ['let', 'storage.type.let.wing'],
    ['y', 'variable.other.readwrite.wing'],
    ['//', 'comment.line.double-slash.wing'],
    [' real', 'comment.line.double-slash.wing'],
  ]],
  ['comments inside an interpolation and a block comment across lines', 'log("{a /* c */ + b}"); /* one\ntwo */ let z = 1;', [
    ['/*', EMBED, 'comment.block.wing'],
    ['b', EMBED, 'variable.other.readwrite.wing'],
    ['/*', 'comment.block.wing', '!string'],
    ['two ', 'comment.block.wing'],
    ['let', 'storage.type.let.wing'],
  ]],
  ['doc comments', '/// Options for a store.\nstruct S {}', [
    ['///', 'comment.line.triple-slash.documentation.wing'],
    ['struct', 'storage.type.struct.wing'],
  ]],
  ['struct, class, interface and enum names', [
    'pub struct Opts extends Base { name: str; port: num?; }',
    'class Store extends Base impl IStore, cloud.IResource {',
    '  data: cloud.Bucket;',
    '  new(opts: Opts) { this.data = new cloud.Bucket(); }',
    '  pub inflight put(key: str): void { this.data.put(key, "v"); }',
    '}',
    'interface IStore extends IBase { inflight get(key: str): str?; }',
    'enum Tier { FREE, PRO }',
  ].join('\n'), [
    ['pub', 'storage.modifier.access.wing'],
    ['struct', 'storage.type.struct.wing'],
    ['Opts', 'entity.name.type.struct.wing'],
    ['extends', 'storage.modifier.extends.wing'],
    ['Base', 'entity.name.type.wing'],
    ['name', 'variable.other.property.wing'],
    ['str', 'support.type.primitive.wing'],
    ['?', 'keyword.operator.optional.wing'],
    ['class', 'storage.type.class.wing'],
    ['Store', 'entity.name.type.class.wing'],
    ['impl', 'storage.modifier.implements.wing'],
    ['IStore', 'entity.name.type.wing'],
    ['IResource', 'entity.name.type.wing'],
    ['data', 'variable.other.property.wing'],
    ['Bucket', 'entity.name.type.wing'],
    ['new', 'storage.type.constructor.wing'],
    ['opts', 'variable.parameter.wing'],
    ['Opts', 'entity.name.type.wing'],
    ['this', 'variable.language.this.wing'],
    ['new', 'keyword.operator.new.wing'],
    ['cloud', 'entity.name.namespace.wing'],
    ['Bucket', 'entity.name.type.class.wing'],
    ['inflight', 'storage.modifier.phase.inflight.wing'],
    ['put', 'entity.name.function.wing', 'meta.method.declaration.wing'],
    ['key', 'variable.parameter.wing'],
    ['void', 'support.type.primitive.wing'],
    ['put', 'entity.name.function.wing', '!meta.method.declaration'],
    ['interface', 'storage.type.interface.wing'],
    ['IStore', 'entity.name.type.interface.wing'],
    ['get', 'entity.name.function.wing', 'meta.method.declaration.wing'],
    ['enum', 'storage.type.enum.wing'],
    ['Tier', 'entity.name.type.enum.wing'],
    ['FREE', 'variable.other.enummember.wing'],
    ['PRO', 'variable.other.enummember.wing'],
  ]],
  ['bring a module and a file', 'bring cloud;\nbring "./x.w" as x;', [
    ['bring', 'keyword.control.import.wing'],
    ['cloud', 'entity.name.namespace.wing'],
    [';', 'punctuation.terminator.statement.wing'],
    ['bring', 'keyword.control.import.wing'],
    ['./x.w', STR, 'meta.import.wing'],
    ['as', 'keyword.control.as.wing'],
    ['x', 'entity.name.namespace.wing'],
  ]],
  ['keywords after . and as keys are plain names', 'q.test(); expect.nil(x); let c = o.class; f(test: true, if: 1); o?.new;', [
    ['test', 'entity.name.function.wing', '!keyword'],
    ['nil', 'entity.name.function.wing', '!constant'],
    ['class', 'variable.other.property.wing', '!storage'],
    ['test', 'meta.object-literal.key.wing', '!keyword'],
    ['true', 'constant.language.boolean.true.wing'],
    ['if', 'meta.object-literal.key.wing', '!keyword'],
    ['?.', 'punctuation.accessor.optional.wing'],
    ['new', 'variable.other.property.wing', '!keyword'],
  ]],
  ['a stdlib declaration whose method is named like a keyword', 'pub class Expect {\n  pub static unphased nil(actual: any): void;\n}', [
    ['unphased', 'storage.modifier.phase.unphased.wing'],
    ['nil', 'entity.name.function.wing', '!constant'],
    ['any', 'support.type.primitive.wing'],
  ]],
  ['tests, lifts, control flow and errors', 'test "stores {1}" { lift { b: [put] } { try { throw "x"; } catch e { } finally { } } }', [
    ['test', 'keyword.other.test.wing'],
    ['stores ', STR],
    ['lift', 'keyword.other.lift.wing'],
    ['b', 'meta.object-literal.key.wing'],
    ['try', 'keyword.control.trycatch.wing'],
    ['throw', 'keyword.control.flow.wing'],
    ['catch', 'keyword.control.trycatch.wing'],
    ['finally', 'keyword.control.trycatch.wing'],
  ]],
  ['let, let var and built-in types', 'let var m: MutMap<Array<str>>? = nil; let j = Json { a: 1 }; let h: inflight (str): void = g;', [
    ['let', 'storage.type.let.wing'],
    ['var', 'storage.modifier.var.wing'],
    ['m', 'variable.other.readwrite.wing'],
    ['MutMap', 'support.type.builtin.wing'],
    ['Array', 'support.type.builtin.wing'],
    ['str', 'support.type.primitive.wing'],
    ['nil', 'constant.language.nil.wing'],
    ['Json', 'support.type.builtin.wing'],
    ['a', 'meta.object-literal.key.wing'],
    ['inflight', 'storage.modifier.phase.inflight.wing'],
    ['void', 'support.type.primitive.wing'],
  ]],
  ['a typed empty collection in an expression', 'let a = MutArray<(): num>[];', [
    ['MutArray', 'support.type.builtin.wing'],
    ['<', 'punctuation.definition.typeparameters.begin.wing'],
    ['num', 'support.type.primitive.wing'],
    ['>', 'punctuation.definition.typeparameters.end.wing'],
  ]],
  ['intrinsics', 'let d = @dirname; let t = @target; let f = @filename;', [
    ['@', 'punctuation.definition.intrinsic.wing'],
    ['dirname', 'support.function.intrinsic.wing'],
    ['target', 'support.function.intrinsic.wing'],
    ['filename', 'support.function.intrinsic.wing'],
  ]],
  ['escapes, good and bad', 'let s = "\\n \\{ \\" \\u{1F600} \\u00e9 \\x41 \\q \\u12 \\x4";', [
    ['\\n', 'constant.character.escape.wing'],
    ['\\{', 'constant.character.escape.wing'],
    ['\\"', 'constant.character.escape.wing'],
    ['\\u{1F600}', 'constant.character.escape.wing'],
    ['\\u00e9', 'constant.character.escape.wing'],
    ['\\x41', 'constant.character.escape.wing'],
    ['\\q', 'constant.character.escape.wing'],
    ['\\u', 'invalid.illegal.escape.wing'],
    ['\\x', 'invalid.illegal.escape.wing'],
    [';', '!string'],
  ]],
  ['raw strings do not interpolate', 'let r = #"{{ x }} \\n"; let y = 1;', [
    ['#"', 'string.quoted.raw.wing'],
    ['{{ x }} ', 'string.quoted.raw.wing', '!meta.template'],
    ['\\n', 'constant.character.escape.wing'],
    ['let', 'storage.type.let.wing'],
  ]],
  ['a string spans lines, as the lexer allows', 'let m = "first\nsecond {x}";\nlet n = 1;', [
    ['first', STR],
    ['second ', STR],
    ['x', EMBED],
    ['let', 'storage.type.let.wing', '!string'],
  ]],
  ['operators', 'a ?? b; !c; d!; e == f && g != h || i <= j; k += 1; l = 2 ** 3 \\ 4 % 5;', [
    ['??', 'keyword.operator.nil-coalescing.wing'],
    ['!', 'keyword.operator.logical.wing'],
    ['!', 'keyword.operator.logical.wing'],
    ['==', 'keyword.operator.comparison.wing'],
    ['&&', 'keyword.operator.logical.wing'],
    ['<=', 'keyword.operator.relational.wing'],
    ['+=', 'keyword.operator.assignment.compound.wing'],
    ['=', 'keyword.operator.assignment.wing'],
    ['**', 'keyword.operator.arithmetic.wing'],
    ['\\', 'keyword.operator.arithmetic.wing'],
  ]],
  ['characters the lexer rejects are invalid', 'let x = 5 $ 3 & 4 # `;', [
    ['5', NUMBER],
    ['$', 'invalid.illegal.character.wing'],
    ['&', 'invalid.illegal.character.wing'],
    ['#', 'invalid.illegal.character.wing'],
    ['`', 'invalid.illegal.character.wing'],
  ]],
  ['struct literals, enum members and builtin calls', 'log(Store.describe(StoreOptions { prefix: "p", tier: Tier.PRO }));', [
    ['log', 'support.function.builtin.wing'],
    ['Store', 'entity.name.type.wing'],
    ['describe', 'entity.name.function.wing'],
    ['StoreOptions', 'entity.name.type.wing'],
    ['prefix', 'meta.object-literal.key.wing'],
    ['PRO', 'variable.other.constant.property.wing'],
  ]],
];

for (const [name, source, expectations] of cases) {
  test(`scopes: ${name}`, async () => {
    expectTokens(await grammar(), source, expectations);
  });
}

// The checks above must be able to fail.
test('a wrong expectation fails', async () => {
  const g = await grammar();
  assert.throws(() => expectTokens(g, 'let d = 5s;', [['5', NUMBER]]), /lacks scope/);
  assert.throws(() => expectTokens(g, 'let d = 5s;', [['5', `!${DURATION}`]]), /has scope/);
  assert.throws(() => expectTokens(g, 'let d = 5s;', [['5s', DURATION]]), /no token/);
});
