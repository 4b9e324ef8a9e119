// The VS Code side of wdsl: colouring comes from the TextMate grammar
// (package.json), everything else from the language server `wdsl lsp`,
// which this starts over stdio. The binary is the `wdsl.path` setting
// (default: `wdsl` on PATH).
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SETTING = 'wdsl.path';

let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('wdsl').get('path');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'wdsl';
}

async function startClient(context) {
  const command = serverCommand();
  const serverOptions = {
    run: { command, args: ['lsp'], transport: TransportKind.stdio },
    debug: { command, args: ['lsp'], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'wing' },
      { scheme: 'untitled', language: 'wing' },
    ],
    outputChannelName: 'wdsl',
  };
  client = new LanguageClient('wdsl', 'wdsl language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const failed = client;
    client = undefined;
    try {
      await failed.dispose();
    } catch {
      // it never ran
    }
    const reason = err && err.message ? err.message : String(err);
    const choice = await vscode.window.showErrorMessage(
      `wdsl: could not start the language server \`${command} lsp\` (${reason}). ` +
        `Set "${SETTING}" to the wdsl binary, or put wdsl on PATH.`,
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', SETTING);
    }
  }
}

async function stopClient() {
  if (!client) return;
  const running = client;
  client = undefined;
  await running.stop();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('wdsl.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(SETTING)) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
