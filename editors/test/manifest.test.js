// Tests of the VS Code extension in editors/vscode: its manifest points at
// the one grammar, its language configuration is valid, and extension.js
// starts `wdsl lsp` from the `wdsl.path` setting and says so when it cannot.
// VS Code itself is not needed: `vscode` and the language client are fakes.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { execFileSync } = require('node:child_process');
const { GRAMMAR_PATH, SCOPE_NAME } = require('./textmate.js');

const EXTENSION_DIR = path.join(__dirname, '..', 'vscode');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, file), 'utf8'));

test('package.json contributes the wing language, its grammar and the wdsl.path setting', () => {
  const manifest = readJson('package.json');
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'wing');
  assert.deepEqual(language.extensions, ['.w']);
  assert.ok(fs.existsSync(path.join(EXTENSION_DIR, language.configuration)), language.configuration);

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'wing');
  assert.equal(grammar.scopeName, SCOPE_NAME);
  assert.equal(grammar.path, './syntaxes/wing.tmLanguage.json');

  assert.equal(manifest.contributes.configuration.properties['wdsl.path'].default, 'wdsl');
  assert.ok(manifest.activationEvents.includes('onLanguage:wing'));
  assert.equal(manifest.main, './extension.js');
  assert.match(manifest.dependencies['vscode-languageclient'], /^\d+\.\d+\.\d+$/, 'pinned');
  assert.match(manifest.scripts.package, /^vsce package /);
  assert.match(manifest.scripts['vscode:prepublish'], /sync-grammar/);
});

test('the grammar is copied into the extension, not kept there by hand', () => {
  execFileSync(process.execPath, [path.join(EXTENSION_DIR, 'scripts', 'sync-grammar.js')], { stdio: 'pipe' });
  const copy = path.join(EXTENSION_DIR, 'syntaxes', 'wing.tmLanguage.json');
  assert.equal(fs.readFileSync(copy, 'utf8'), fs.readFileSync(GRAMMAR_PATH, 'utf8'));
});

test('language-configuration.json: comments, brackets, pairs and regexes', () => {
  const config = readJson('language-configuration.json');
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  for (const pair of [['{', '}'], ['[', ']'], ['(', ')']]) assert.deepEqual(config.brackets.find((b) => b[0] === pair[0]), pair);
  const opens = config.autoClosingPairs.map((p) => p.open);
  for (const open of ['{', '[', '(', '"']) assert.ok(opens.includes(open), open);

  const regexes = [
    config.wordPattern,
    config.folding.markers.start, config.folding.markers.end,
    config.indentationRules.increaseIndentPattern, config.indentationRules.decreaseIndentPattern,
    ...config.onEnterRules.flatMap((rule) => [rule.beforeText, rule.afterText].filter(Boolean)),
  ];
  for (const source of regexes) assert.doesNotThrow(() => new RegExp(source), source);

  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('class Store impl IStore {'));
  assert.ok(increase.test('let web = new containers.Workload('));
  assert.ok(!increase.test('let x = { a: 1 };'));
  assert.ok(!increase.test('// a comment {'));
  assert.ok(decrease.test('  }'));
  assert.ok(decrease.test(') as "web";'));
  assert.ok(new RegExp(config.folding.markers.start).test('  // #region handlers'));
  assert.ok(new RegExp(config.wordPattern).exec('@dirname')[0] === '@dirname');
});

// ---------------------------------------------------------------- extension.js

// Loads extension.js afresh with fake `vscode` and `vscode-languageclient/node`.
function loadExtension({ settingPath, startError, errorChoice }) {
  const seen = { clients: [], errors: [], executed: [], registered: {}, configListeners: [] };
  const vscode = {
    workspace: {
      getConfiguration: (section) => ({ get: (key) => (section === 'wdsl' && key === 'path' ? settingPath : undefined) }),
      onDidChangeConfiguration: (listener) => {
        seen.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      showErrorMessage: async (message, ...items) => {
        seen.errors.push({ message, items });
        return errorChoice;
      },
    },
    commands: {
      registerCommand: (id, handler) => {
        seen.registered[id] = handler;
        return { dispose() {} };
      },
      executeCommand: async (...args) => {
        seen.executed.push(args);
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, state: 'new' });
      seen.clients.push(this);
    }
    async start() {
      if (startError) throw new Error(startError);
      this.state = 'running';
    }
    async stop() { this.state = 'stopped'; }
    async dispose() { this.state = 'disposed'; }
  }
  const fakes = { vscode, 'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2 } } };

  const file = path.join(EXTENSION_DIR, 'extension.js');
  const originalLoad = Module._load;
  Module._load = function load(request, ...rest) {
    return Object.hasOwn(fakes, request) ? fakes[request] : originalLoad.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(file)];
    return { extension: require(file), seen };
  } finally {
    Module._load = originalLoad;
  }
}

const fakeContext = () => ({ subscriptions: [] });

test('extension.js starts `wdsl lsp` over stdio, from PATH by default', async () => {
  const { extension, seen } = loadExtension({ settingPath: undefined });
  await extension.activate(fakeContext());
  assert.equal(seen.clients.length, 1);
  const [client] = seen.clients;
  assert.equal(client.state, 'running');
  assert.deepEqual(client.serverOptions.run, { command: 'wdsl', args: ['lsp'], transport: 0 });
  assert.ok(client.clientOptions.documentSelector.some((s) => s.language === 'wing'));
  assert.deepEqual(seen.errors, []);
  await extension.deactivate();
  assert.equal(client.state, 'stopped');
});

test('extension.js runs the binary named by wdsl.path, and restarts when it changes', async () => {
  const { extension, seen } = loadExtension({ settingPath: ' /opt/wdsl/bin/wdsl ' });
  await extension.activate(fakeContext());
  assert.equal(seen.clients[0].serverOptions.run.command, '/opt/wdsl/bin/wdsl');
  assert.ok(seen.registered['wdsl.restartServer']);
  await seen.configListeners[0]({ affectsConfiguration: (name) => name === 'wdsl.path' });
  assert.equal(seen.clients.length, 2);
  assert.equal(seen.clients[0].state, 'stopped');
  assert.equal(seen.clients[1].state, 'running');
});

test('extension.js names the wdsl.path setting when the server cannot start', async () => {
  const { extension, seen } = loadExtension({ settingPath: 'wdsl', startError: 'spawn wdsl ENOENT', errorChoice: 'Open Settings' });
  await extension.activate(fakeContext());
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0].message, /wdsl\.path/);
  assert.match(seen.errors[0].message, /spawn wdsl ENOENT/);
  assert.deepEqual(seen.executed, [['workbench.action.openSettings', 'wdsl.path']]);
  assert.equal(seen.clients[0].state, 'disposed');
  await extension.deactivate();  // nothing running: no throw
});
