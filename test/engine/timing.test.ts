import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit } from '../../src/engine/audit.js';
import { addTimings, createTimings } from '../../src/engine/timing.js';

const text = 'FROM alpine\nMAINTAINER me\nRUN curl -fsSL https://example.com/x.sh | sh && apt-get update\nADD a.txt /x\n';

test('timing hooks: phases and every rule that ran are timed; results unchanged', async () => {
  const timings = createTimings();
  const timed = await audit(text, 'Dockerfile', { timings });
  const plain = await audit(text, 'Dockerfile');
  assert.deepEqual(timed.findings, plain.findings);
  assert.ok(timings.decodeParse > 0, 'parse timed');
  assert.ok(timings.shell > 0, 'shell timed');
  assert.ok(timings.model >= 0 && timings.rules > 0);
  assert.ok(timings.ruleMs.has('DA503') && timings.ruleMs.has('DA901'));
  const total = createTimings();
  addTimings(total, timings);
  addTimings(total, timings);
  assert.equal(total.shell, 2 * timings.shell);
  assert.equal(total.ruleMs.get('DA503'), 2 * timings.ruleMs.get('DA503')!);
});
