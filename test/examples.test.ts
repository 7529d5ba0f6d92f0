/**
 * The README's claims about the shipped examples: the insecure example triggers the headline findings at the exact
 * text, and the hardened one (the same service written carefully) has no finding at all.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../src/engine/audit.js';
import { repoRoot } from './helpers/paths.js';

const read = (name: string) => readFileSync(join(repoRoot, 'examples', name));

test('examples/hardened.Dockerfile: no finding from any rule', async () => {
  const r = await audit(read('hardened.Dockerfile'), 'examples/hardened.Dockerfile');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${r.source.positionAt(f.range.start).line}`), []);
});

test('examples/Dockerfile: the headline findings, at the offending text', async () => {
  const r = await audit(read('Dockerfile'), 'examples/Dockerfile');
  const at = (id: string) => r.findings.filter((f) => f.ruleId === id).map((f) => r.source.slice(f.range));
  assert.deepEqual(at('DA501'), ['| bash']);
  assert.deepEqual(at('DA507'), ['-k']);
  assert.ok(at('DA304').includes('777'));
  assert.deepEqual(at('DA402'), ['npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8']);
  assert.ok(r.findings.some((f) => f.ruleId === 'DA301'));
  assert.equal(r.findings.filter((f) => f.severity === 'critical').length, 2);
});
