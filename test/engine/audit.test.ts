import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { audit, unreadableFile } from '../../src/engine/audit.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import { needleRule } from '../helpers/fake.js';

test('audit: text through parse, model and every rule; findings sorted; score from the registry', async () => {
  const r = await audit('FROM alpine:3.20\nMAINTAINER me\nADD a /a\n', 'Dockerfile');
  assert.equal(r.path, 'Dockerfile');
  assert.deepEqual(r.findings.map((f) => [f.ruleId, r.source.positionAt(f.range.start).line]), [['DA901', 2], ['DA503', 3]]);
  assert.deepEqual(r.errors, []);
  const clean = await audit('FROM alpine:3.20\nCOPY a /a\n', 'Dockerfile');
  assert.equal(clean.score, 100);
  // score over a fixed rule set: DA503 (low, 1 point) fails, find-curl (high, 6 points) passes, DA901 (info) weighs 0
  const rules = [...ruleList.filter((x) => x.meta.id === 'DA503' || x.meta.id === 'DA901'), needleRule('DA701', 'find-curl', 'curl', 'high')];
  assert.equal(rules.length, 3);
  assert.equal((await audit('FROM alpine:3.20\nMAINTAINER me\nADD a /a\n', 'D', { rules })).score, 86);
  assert.equal((await audit('FROM alpine:3.20\nMAINTAINER me\n', 'D', { rules })).score, 100);
  assert.equal((await audit('FROM alpine:3.20\nRUN curl x\n', 'D', { rules })).score, 14);
});

test('audit: bytes are decoded (BOM kept aside); options restrict rules and override severities', async () => {
  const bytes = new TextEncoder().encode('\ufeffFROM alpine:3.20\nADD a /a\n');
  const r = await audit(bytes, 'x/Dockerfile', { severityOverrides: { DL3020: 'high' } });
  assert.equal(r.source.bom, true);
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity, r.source.positionAt(f.range.start).column]), [['DA503', 'high', 1]]);
  const only = await audit('FROM alpine:3.20\nRUN curl x\nADD a /a\n', 'D', { rules: [needleRule('DA701', 'find-curl', 'curl')] });
  assert.deepEqual(only.findings.map((f) => f.ruleId), ['DA701']);
});

test('audit: parse errors become file errors with positions, and score 0', async () => {
  const r = await audit('FROM alpine:3.20\n\nENV PATH\n', 'Dockerfile');
  assert.ok(r.errors.length >= 1);
  assert.equal(r.errors[0]!.line, 3);
  assert.equal(r.score, 0);
  const empty = await audit('', 'Dockerfile');
  assert.ok(empty.errors.length >= 1);
  const bad = await audit(new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0x0a]), 'Dockerfile');
  assert.ok(bad.errors.some((e) => e.line === 1), JSON.stringify(bad.errors));
  const unreadable = unreadableFile('gone/Dockerfile', 'cannot read: permission denied');
  assert.deepEqual(unreadable.errors, [{ code: 'read-error', message: 'cannot read: permission denied', line: 1, column: 1 }]);
  assert.equal(unreadable.score, 0);
});

test('audit never throws and every finding range lies in the text (random input)', async () => {
  const piece = fc.constantFrom('FROM a\n', 'ADD x y\n', 'MAINTAINER m\n', 'RUN <<EOF\n', 'EOF\n', '\\\n', '# c\n', 'ONBUILD ADD . /\n', '"', '\t', '\r\n', 'ADD ["a", "b"]\n');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 20 }), async (parts) => {
      const text = parts.join('');
      const r = await audit(text, 'Dockerfile');
      for (const f of r.findings) assert.ok(f.range.start >= 0 && f.range.start <= f.range.end && f.range.end <= r.source.text.length);
      assert.ok(!r.findings.some((f) => f.messageId === 'internal-error'), r.findings.map((f) => f.message).join('\n'));
      assert.ok(r.score >= 0 && r.score <= 100);
    }),
    { numRuns: 200 },
  );
});

test('audit applies inline suppressions (with justification), reports unused ones and malformed pragmas', async () => {
  const r = await audit('FROM alpine:3.20\n# dockaudit ignore=DL3020 -- legacy layout\nADD a /a\n# dockaudit ignore=DA901\nRUN true\n# dockaudit ignore=\nRUN true\n', 'Dockerfile');
  const add = r.findings.find((f) => f.ruleId === 'DA503')!;
  assert.deepEqual(add.suppressed, { kind: 'inSource', justification: 'legacy layout' });
  assert.deepEqual(r.findings.filter((f) => !f.suppressed).map((f) => [f.ruleId, r.source.positionAt(f.range.start).line]), [['DA102', 4]]);
  assert.ok((r.warnings ?? []).some((w) => w.line === 6), JSON.stringify(r.warnings));
  assert.deepEqual(r.errors, []);
  const off = await audit('FROM alpine:3.20\n# dockaudit ignore=DL3020\nADD a /a\n', 'Dockerfile', { suppressions: false });
  assert.deepEqual(off.findings.map((f) => [f.ruleId, f.suppressed]), [['DA503', undefined]]);
});
