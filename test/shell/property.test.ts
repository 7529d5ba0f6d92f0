import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeDataflow, formatCommands, initShell, parseScript } from '../../src/shell/index.js';
import type { ShellKind } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';
import { mt } from './helpers.js';

before(async () => {
  await initShell();
});

const pieces = [
  'curl', 'wget', ' -fsSL', ' -o', ' -O', ' https://h.example/x', ' | ', ' && ', ' || ', '; ', ' & ', 'sh', 'bash -c ', 'sudo ', 'env A=1 ',
  '"', "'", '$(', ')', '`', '${V', '}', '$V', '\\', '\n', ' <<EOF\n', 'EOF\n', ' > f', ' 2>&1', '(', '{ ', ' }', 'if ', ' then ', ' fi',
  'for i in a; do ', ' done', 'case x in a) ', ';;', ' esac', '[ ', ' ]', ' = ', 'sha256sum -c', ' tar xzf f', 'eval ', 'su -c ', '#', 'é', '😀',
  'iex ', '(New-Object Net.WebClient).DownloadString(', "'", ')', 'iwr ', '`\n',
];
const script = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(''));
const kinds: ShellKind[] = ['sh', 'bash', 'powershell', 'cmd'];

describe('shell properties (bounded)', () => {
  it('never throws; every range stays inside the script; dataflow and debug view never throw', () => {
    fc.assert(
      fc.property(script, fc.constantFrom(...kinds), fc.nat(50), (text, shell, pad) => {
        const base = pad;
        const s = parseScript(mt(text, base), { shell, env: (n) => (n === 'V' ? 'v' : undefined) });
        for (const c of s.all) {
          for (const r of [c.range, ...c.argv.map((w) => w.range), ...c.options.map((o) => o.word.range)]) {
            assert.ok(r.start >= base && r.end <= base + text.length && r.start <= r.end, `${JSON.stringify(text)} ${JSON.stringify(r)}`);
          }
          void c.urls;
        }
        const flow = analyzeDataflow([{ kind: 'run', script: s }]);
        for (const u of flow.uses) assert.ok(s.all.includes(u.command));
        formatCommands(new SourceFile('D', ' '.repeat(base) + text), [s], flow);
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

describe('pathological scripts', () => {
  it('a 15,000-command && chain is analysed without exhausting the stack', () => {
    const n = 15000;
    const s = parseScript(mt(Array.from({ length: n }, (_, i) => `echo ${i}`).join(' && ')), { shell: 'sh' });
    assert.equal(s.all.length, n);
    assert.equal(s.all[n - 1]!.connectorBefore, '&&');
  });

  it('2,000 nested $( ) give an error value, not an exception', () => {
    const s = parseScript(mt('echo ' + '$('.repeat(2000) + 'x' + ')'.repeat(2000)), { shell: 'sh' });
    assert.ok(s.errors.length > 0);
  });
});
