// capYoungGeneration (src/cli/v8-flags.ts) changes a process-wide V8 flag, so it runs in a child process: there it
// must stop the young generation at 8 MB semi-spaces (16 MB for both), where V8 would otherwise double them to 16 MB.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const MB = 1024 * 1024;

/** Runs a churn of short-lived allocations with half of them kept a while (so scavenges grow the new space). */
function newSpaceAfterChurn(cap: boolean): number {
  const flags = pathToFileURL(join(repoRoot, 'src', 'cli', 'v8-flags.ts')).href;
  const script = `
    const { getHeapSpaceStatistics } = await import('node:v8');
    const { capYoungGeneration } = await import(${JSON.stringify(flags)});
    const keep = [];
    let max = 0;
    for (let i = 0; i < 4e6; i++) {
      keep.push({ i, s: 'x' + i });
      if (keep.length > 3e5) keep.length = 0;
      if ((i & 1023) === 0) {
        if (${cap}) capYoungGeneration();
        const n = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
        if (n) max = Math.max(max, n.space_size);
      }
    }
    console.log(max);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('capYoungGeneration stops the young generation at 16 MB (both semi-spaces)', () => {
  const uncapped = newSpaceAfterChurn(false);
  const capped = newSpaceAfterChurn(true);
  // the churn makes V8 grow the new space past the cap when nothing stops it (else this test proves nothing)
  assert.ok(uncapped > 16 * MB, `uncapped new space ${uncapped / MB} MB`);
  assert.ok(capped <= 16 * MB, `capped new space ${capped / MB} MB`);
});
