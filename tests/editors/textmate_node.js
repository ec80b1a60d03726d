// tests/editors/textmate_node.js - tokenise files with VS Code's own TextMate engine
// (npm vscode-textmate + vscode-oniguruma) and the grammar editors/vscode/syntaxes/...;
// prints "OPEN <file> <depth>" for a file that ends inside a region, "OK <n>" at the end, or
// "SCOPE <line>:<col> <scopes>" for positions asked with --at line:col on the first file.
// Used by tests/editors/textmate.t when node and the two packages are available.
'use strict';
const fs = require('fs');
const path = require('path');
const tm = require('vscode-textmate');
const onig = require('vscode-oniguruma');

const grammarPath = process.argv[2];
const files = process.argv.slice(3).filter((a) => !a.startsWith('--at='));
const ats = process.argv.slice(3).filter((a) => a.startsWith('--at=')).map((a) => a.slice(5));
const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;

onig.loadWASM(wasm).then(() => {
    const registry = new tm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (p) => new onig.OnigScanner(p),
            createOnigString: (s) => new onig.OnigString(s),
        }),
        loadGrammar: async () => tm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
    });
    return registry.loadGrammar('source.strav');
}).then((grammar) => {
    let ok = 0;
    for (const f of files) {
        let stack = tm.INITIAL;
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        lines.forEach((line, ln) => {
            const r = grammar.tokenizeLine(line, stack);
            if (f === files[0])
                for (const at of ats) {
                    const [l, c] = at.split(':').map(Number);
                    if (l !== ln) continue;
                    const t = r.tokens.find((t) => t.startIndex <= c && c < t.endIndex);
                    console.log('SCOPE ' + at + ' ' + (t ? t.scopes.join(' ') : ''));
                }
            stack = r.ruleStack;
        });
        if (stack.depth > 1) console.log('OPEN ' + f + ' ' + stack.depth);
        else ok++;
    }
    console.log('OK ' + ok);
}).catch((e) => { console.log('ERROR ' + e); process.exit(1); });
