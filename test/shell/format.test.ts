import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SourceFile } from '../../src/source.js';
import { analyzeDataflow, formatCommands, initShell, parseScript } from '../../src/shell/index.js';
import { mt } from './helpers.js';

before(async () => {
  await initShell();
});

describe('formatCommands', () => {
  it('prints line:column, argv, pipeline facts and dataflow facts', () => {
    const text = 'FROM x\nRUN curl -fsSL https://get.example/i.sh | sh\n';
    const base = text.indexOf('curl');
    const src = new SourceFile('Dockerfile', text);
    const script = parseScript(mt(text.slice(base, text.length - 1), base), { shell: 'sh' });
    const out = formatCommands(src, [script], analyzeDataflow([{ kind: 'run', script }]));
    assert.match(out, /#0 2:5 curl {2}argv=\["curl", "-fsSL", "https:\/\/get\.example\/i\.sh"\] {2}pipe 1\/2; stdout->#1/);
    assert.match(out, /#1 2:43 sh .*stdin<-#0/);
    assert.match(out, /use 2:43 pipe-to-interpreter A0 \(https:\/\/get\.example\) UNVERIFIED/);
  });
});
