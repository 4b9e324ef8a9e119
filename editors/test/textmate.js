// Loads editors/textmate/wing.tmLanguage.json with vscode-textmate and the
// Oniguruma regex engine VS Code uses, and tokenizes text the way VS Code
// does: line by line, carrying the rule stack across lines.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR_PATH = path.join(__dirname, '..', 'textmate', 'wing.tmLanguage.json');
const SCOPE_NAME = 'source.wing';

let onigLib;
function loadOniguruma() {
  if (!onigLib) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }));
  }
  return onigLib;
}

// The grammar, or a rejected promise when it cannot be read or parsed.
async function loadGrammar() {
  const registry = new vsctm.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) => {
      if (scopeName !== SCOPE_NAME) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
    },
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (!grammar) throw new Error(`no grammar for ${SCOPE_NAME} in ${GRAMMAR_PATH}`);
  return grammar;
}

// Every token of `text`: { line, column, text, scopes } (line and column from 1).
function tokenize(grammar, text) {
  const tokens = [];
  let stack = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((lineText, index) => {
    const result = grammar.tokenizeLine(lineText, stack, 1000);
    if (result.stoppedEarly) throw new Error(`tokenizing line ${index + 1} took over a second: ${lineText}`);
    for (const token of result.tokens) {
      tokens.push({
        line: index + 1,
        column: token.startIndex + 1,
        text: lineText.slice(token.startIndex, token.endIndex),
        scopes: token.scopes,
      });
    }
    stack = result.ruleStack;
  });
  return tokens;
}

function describe(token) {
  return `${token.line}:${token.column} ${JSON.stringify(token.text)} [${token.scopes.join(' ')}]`;
}

// Checks tokens of `source` in order. Each expectation is [text, ...scopes]:
// the next token whose text is exactly `text` must carry every scope named
// (exact names), and none that equals or starts with a scope written `!prefix`.
function expectTokens(grammar, source, expectations) {
  const tokens = tokenize(grammar, source);
  let next = 0;
  for (const [text, ...scopes] of expectations) {
    const index = tokens.findIndex((token, i) => i >= next && token.text === text);
    if (index < 0) {
      throw new Error(`no token ${JSON.stringify(text)} after token ${next} in ${JSON.stringify(source)}; tokens:\n` +
        tokens.map(describe).join('\n'));
    }
    const token = tokens[index];
    for (const scope of scopes) {
      const ok = scope.startsWith('!')
        ? !token.scopes.some((s) => s === scope.slice(1) || s.startsWith(scope.slice(1) + '.'))
        : token.scopes.includes(scope);
      if (!ok) {
        throw new Error(`token ${describe(token)} ${scope.startsWith('!') ? 'has' : 'lacks'} scope ` +
          `${scope.replace(/^!/, '')}, in ${JSON.stringify(source)}; tokens:\n${tokens.map(describe).join('\n')}`);
      }
    }
    next = index + 1;
  }
}

// Tokens that carry an `invalid.*` scope.
function invalidTokens(tokens) {
  return tokens.filter((token) => token.scopes.some((s) => s.startsWith('invalid.')));
}

module.exports = { GRAMMAR_PATH, SCOPE_NAME, loadGrammar, loadOniguruma, tokenize, expectTokens, invalidTokens, describe };
