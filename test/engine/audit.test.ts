import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { audit, unreadableFile } from '../../src/engine/audit.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import type { FileResult } from '../../src/engine/result.js';
import { needleRule } from '../helpers/fake.js';

/** `ruleId@line:column` of each finding, and `(suppressed)` when it is. */
function where(r: FileResult): string[] {
  return r.findings.map((f) => {
    const p = r.source.positionAt(f.range.start);
    return `${f.ruleId}@${p.line}:${p.column}${f.suppressed ? ' (suppressed)' : ''}`;
  });
}

/** For assertion messages: every finding with its message, so a rule that newly fires on a fixture names itself. */
function explain(r: FileResult): string {
  return r.findings.map((f) => `${f.ruleId} ${f.ruleName} ${r.source.positionAt(f.range.start).line}: ${f.message}`).join('\n');
}

/** Real rules of the registry by ID (the engine's own tests restrict the rule set to what they are about). */
function registryRules(...ids: string[]) {
  const rules = ruleList.filter((x) => ids.includes(x.meta.id));
  assert.equal(rules.length, ids.length, `rules ${ids.join(', ')} are in the registry`);
  return rules;
}

test('audit: text through parse, model and every rule; findings sorted; score from the registry', async () => {
  // Runs the whole registry, so the texts are clean under every rule but DA901 and DA503 (non-root USER last; a
  // rule that newly fires here is named in the failure message: keep the text clean under it, or fix the rule).
  const r = await audit('FROM alpine:3.20\nMAINTAINER me\nADD a /a\nUSER 10001\n', 'Dockerfile');
  assert.equal(r.path, 'Dockerfile');
  // sorted by position, not by registry order (DA503 add-instead-of-copy comes before DA901 maintainer-deprecated)
  assert.deepEqual(r.findings.map((f) => [f.ruleId, r.source.positionAt(f.range.start).line]), [['DA901', 2], ['DA503', 3]], explain(r));
  assert.deepEqual(r.errors, []);
  const clean = await audit('FROM alpine:3.20\nCOPY a /a\nUSER 10001\n', 'Dockerfile');
  assert.deepEqual(clean.findings, [], explain(clean));
  assert.equal(clean.score, 100);
  // a high finding of the registry lowers the score (DA301 final-user-missing: no USER, runs as root)
  const root = await audit('FROM alpine:3.20\nCOPY a /a\n', 'Dockerfile');
  assert.ok(where(root).includes('DA301@1:6'), explain(root));
  assert.ok(root.score < 100, String(root.score));
  // score over a fixed rule set: DA503 (low, 1 point) fails, find-curl (high, 6 points) passes, DA901 (info) weighs 0
  const rules = [...ruleList.filter((x) => x.meta.id === 'DA503' || x.meta.id === 'DA901'), needleRule('DA701', 'find-curl', 'curl', 'high')];
  assert.equal(rules.length, 3);
  assert.equal((await audit('FROM alpine:3.20\nMAINTAINER me\nADD a /a\n', 'D', { rules })).score, 86);
  assert.equal((await audit('FROM alpine:3.20\nMAINTAINER me\n', 'D', { rules })).score, 100);
  assert.equal((await audit('FROM alpine:3.20\nRUN curl x\n', 'D', { rules })).score, 14);
});

test('audit: bytes are decoded (BOM kept aside); options restrict rules and override severities', async () => {
  // every rule of the registry runs; the text is clean under all but DA503
  const bytes = new TextEncoder().encode('\ufeffFROM alpine:3.20\nADD a /a\nUSER 10001\n');
  const r = await audit(bytes, 'x/Dockerfile', { severityOverrides: { DL3020: 'high' } });
  assert.equal(r.source.bom, true);
  assert.equal(r.source.text.charCodeAt(0), 0x46, 'the BOM is not part of the text');
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity, r.source.positionAt(f.range.start).column]), [['DA503', 'high', 1]], explain(r));
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
  // the suppression pass over the two real rules its pragmas name (DA102 findings come from the engine)
  const rules = registryRules('DA503', 'DA901');
  const text = 'FROM alpine:3.20\n# dockaudit ignore=DL3020 -- legacy layout\nADD a /a\n# dockaudit ignore=DA901\nRUN true\n# dockaudit ignore=\nRUN true\n';
  const r = await audit(text, 'Dockerfile', { rules });
  const add = r.findings.find((f) => f.ruleId === 'DA503')!;
  assert.deepEqual(add.suppressed, { kind: 'inSource', justification: 'legacy layout' });
  assert.deepEqual(r.findings.filter((f) => !f.suppressed).map((f) => [f.ruleId, r.source.positionAt(f.range.start).line]), [['DA102', 4]]);
  assert.deepEqual(where(r), ['DA503@3:1 (suppressed)', 'DA102@4:20']);
  assert.deepEqual((r.warnings ?? []).map((w) => [w.code, w.line]), [['malformed-pragma', 6]], JSON.stringify(r.warnings));
  assert.deepEqual(r.errors, []);
  const off = await audit('FROM alpine:3.20\n# dockaudit ignore=DL3020\nADD a /a\n', 'Dockerfile', { rules, suppressions: false });
  assert.deepEqual(off.findings.map((f) => [f.ruleId, f.suppressed]), [['DA503', undefined]]);
  // under the whole registry the same pragmas act the same on the findings they name, and no rule crashes
  const all = await audit(text, 'Dockerfile');
  assert.deepEqual(where(all).filter((w) => /^DA(503|901|102)@/.test(w)), ['DA503@3:1 (suppressed)', 'DA102@4:20'], explain(all));
  assert.ok(!all.findings.some((f) => f.messageId === 'internal-error'), explain(all));
});
