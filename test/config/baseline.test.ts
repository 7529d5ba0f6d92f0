import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyBaseline, fingerprint, fingerprints, writeBaseline, type BaselineFileResult } from '../../src/engine/baseline.js';
import { SourceFile } from '../../src/source.js';
import type { Finding } from '../../src/rules/types.js';

/** Findings of `ruleId` at every occurrence of each needle. */
function result(path: string, text: string, hits: [string, string][]): BaselineFileResult {
  const findings: Finding[] = [];
  for (const [ruleId, needle] of hits) {
    let at = text.indexOf(needle);
    while (at >= 0) {
      findings.push({ ruleId, ruleName: ruleId.toLowerCase(), severity: 'high', category: 'shell', message: `${ruleId} here`, messageId: 'm', range: { start: at, end: at + needle.length } });
      at = text.indexOf(needle, at + 1);
    }
  }
  return { path, source: new SourceFile(path, text), findings };
}

const V1 = 'FROM alpine AS build\nRUN curl -s https://x | sh\nRUN curl -s https://x | sh\nFROM scratch\nRUN curl -s https://x | sh\n';
const HITS: [string, string][] = [['DA501', 'curl -s https://x | sh']];

test('fingerprints do not depend on line numbers: lines added above keep them', () => {
  const a = fingerprints(result('Dockerfile', V1, HITS));
  const b = fingerprints(result('Dockerfile', '# syntax=docker/dockerfile:1\n\n# a new comment\nARG X=1\n' + V1, HITS));
  assert.equal(a.length, 3);
  assert.deepEqual(b, a);
  // same text twice in one stage: distinct by occurrence index; same text in another stage: distinct by stage
  assert.equal(new Set(a).size, 3);
});

test('whitespace and line-continuation changes in the offending text keep fingerprints', () => {
  const a = fingerprints(result('Dockerfile', 'FROM a\nRUN curl -s https://x | sh\n', [['DA501', 'curl -s https://x | sh']]));
  const b = fingerprints(result('Dockerfile', 'FROM a\nRUN curl  -s \\\n    https://x |   sh\n', [['DA501', 'curl  -s \\\n    https://x |   sh']]));
  assert.deepEqual(b, a);
});

test('rule, file and text are all part of the fingerprint; ./ prefixes and backslashes are not', () => {
  const base = fingerprints(result('dir/Dockerfile', V1, HITS))[0];
  assert.notEqual(fingerprints(result('other/Dockerfile', V1, HITS))[0], base);
  assert.notEqual(fingerprints(result('dir/Dockerfile', V1, [['DA502', 'curl -s https://x | sh']]))[0], base);
  assert.notEqual(fingerprints(result('dir/Dockerfile', V1.replace(/https:\/\/x/g, 'https://y'), [['DA501', 'curl -s https://y | sh']]))[0], base);
  assert.equal(fingerprints(result('./dir\\Dockerfile', V1, HITS))[0], base);
  const r = result('dir/Dockerfile', V1, HITS);
  assert.equal(fingerprint(r.findings[1]!, r), fingerprints(r)[1]);
});

test('a baseline hides recorded findings, reports new ones, and counts fixed ones', () => {
  const before = [result('Dockerfile', V1, HITS)];
  const text = writeBaseline(before);
  const doc = JSON.parse(text) as { version: number; findings: { fingerprint: string; line: number }[] };
  assert.equal(doc.version, 1);
  assert.equal(doc.findings.length, 3);
  assert.deepEqual(doc.findings.map((f) => f.line), [2, 3, 5]);

  // edit: lines added above, one occurrence fixed (the scratch stage), one new finding
  const V2 = 'ARG V=1\n' + V1.replace('FROM scratch\nRUN curl -s https://x | sh\n', 'FROM scratch\nRUN wget -O- https://z | sh\n');
  const after = [result('Dockerfile', V2, [...HITS, ['DA502', 'wget -O- https://z | sh']])];
  const r = applyBaseline(after, text);
  assert.deepEqual(r.errors, []);
  assert.equal(r.fixedCount, 1);
  const active = r.results[0]!.findings.filter((f) => f.suppressed === undefined).map((f) => f.ruleId);
  assert.deepEqual(active, ['DA502']);
  assert.deepEqual(r.results[0]!.findings.filter((f) => f.suppressed).map((f) => f.suppressed), [
    { kind: 'external', justification: 'baseline' },
    { kind: 'external', justification: 'baseline' },
  ]);
});

test('a third identical occurrence is new even though two are baselined', () => {
  const text = writeBaseline([result('Dockerfile', 'FROM a\nRUN x\nRUN x\n', [['DA700', 'RUN x']])]);
  const r = applyBaseline([result('Dockerfile', 'FROM a\nRUN x\nRUN x\nRUN x\n', [['DA700', 'RUN x']])], text);
  assert.equal(r.results[0]!.findings.filter((f) => f.suppressed === undefined).length, 1);
  assert.equal(r.fixedCount, 0);
});

test('suppressed findings are not written to a baseline', () => {
  const r = result('Dockerfile', 'FROM a\nRUN x\n', [['DA700', 'RUN x']]);
  const sup = { ...r, findings: r.findings.map((f) => ({ ...f, suppressed: { kind: 'inSource' as const } })) };
  assert.equal((JSON.parse(writeBaseline([sup])) as { findings: unknown[] }).findings.length, 0);
});

test('malformed baselines are errors, not exceptions, and suppress nothing', () => {
  const rs = [result('Dockerfile', V1, HITS)];
  const cases: [string, string][] = [
    ['{not json', 'baseline is not valid JSON'],
    ['[]', 'baseline must be a JSON object'],
    ['{"version":2,"findings":[]}', 'unsupported baseline version 2 (expected 1)'],
    ['{"version":1,"findings":{}}', 'baseline "findings" must be a list'],
    ['{"version":1,"findings":[{"fingerprint":"zz"}]}', 'baseline findings[0]: missing or malformed "fingerprint"'],
  ];
  for (const [text, msg] of cases) {
    const r = applyBaseline(rs, text);
    assert.equal(r.errors.length, 1, text);
    assert.ok(r.errors[0]!.startsWith(msg), `${text}: ${r.errors[0]}`);
    assert.equal(r.results[0]!.findings.filter((f) => f.suppressed).length, 0);
  }
});
