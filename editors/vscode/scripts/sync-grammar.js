// Copies the Wing grammar from editors/textmate (its only home) into this
// extension's syntaxes/, where VS Code and vsce look for it. Run by
// `npm run sync-grammar` and by vsce before packaging (vscode:prepublish).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', '..', 'textmate', 'wing.tmLanguage.json');
const target = path.join(__dirname, '..', 'syntaxes', 'wing.tmLanguage.json');

JSON.parse(fs.readFileSync(source, 'utf8'));  // fail here, not in VS Code, on a broken grammar
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`sync-grammar: ${path.relative(process.cwd(), source)} -> ${path.relative(process.cwd(), target)}`);
