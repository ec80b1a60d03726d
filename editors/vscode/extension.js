// extension.js - the VS Code client for .strav files: starts `stravc lsp` (the setting
// strav.server.path, default "stravc" on PATH) over stdio with vscode-languageclient, for
// diagnostics, formatting, go to definition, hover and completion. Highlighting comes from
// syntaxes/strav.tmLanguage.json alone. Install: see docs/editors.md.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
    const command = vscode.workspace.getConfiguration('strav').get('server.path') || 'stravc';
    const run = { command, args: ['lsp'], transport: TransportKind.stdio };
    client = new LanguageClient(
        'strav',
        'Strav language server',
        { run, debug: run },
        { documentSelector: [{ scheme: 'file', language: 'strav' }] }
    );
    client.start();
    context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
    return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
