// The built bin (npm run build; CI builds it through `npm ci`): the launcher runs the CommonJS script with its V8 code
// cache, and prints exactly what the ES module bundle of the same build prints.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, sharedDir } from '../helpers/paths.js';

const dist = join(repoRoot, 'dist');
const built = existsSync(join(dist, 'cli.mjs')) && existsSync(join(dist, 'cli-esm.mjs'));

function run(entry: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(dist, entry), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, DOCKAUDIT_DEBUG: '1', NO_COLOR: '1', ...env },
  });
}

test('built bin: code cache made and accepted; same report as the ES module bundle', { skip: built ? false : 'run `npm run build` first' }, () => {
  assert.ok(existsSync(join(dist, 'cli.cjs')), 'the CommonJS script was bundled');
  assert.ok(existsSync(join(dist, 'cli.cjs.cache')), 'the code cache was written');
  for (const args of [['--no-config', 'examples/Dockerfile'], ['--no-config', '-f', 'sarif', 'examples']]) {
    const viaCache = run('cli.mjs', args);
    const esm = run('cli-esm.mjs', args);
    assert.doesNotMatch(viaCache.stderr, /code cache was rejected/);
    assert.equal(viaCache.status, 1, viaCache.stderr);
    assert.ok(viaCache.stdout.length > 500);
    assert.doesNotMatch(viaCache.stdout, /cannot load the bash parser/);
    assert.equal(viaCache.stdout, esm.stdout);
    assert.equal(viaCache.status, esm.status);
  }
});

test('built bin: the co-audit worker starts through the launcher, from the code cache, and changes no report', { skip: built ? false : 'run `npm run build` first' }, () => {
  const corpus = join(sharedDir, 'corpus', 'files');
  const files = readdirSync(corpus).sort().filter((_, i) => i % 4 === 0).map((n) => join(corpus, n));
  const args = ['--no-config', '-f', 'json', ...files];
  const env = { DOCKAUDIT_WORKERS: '0' };
  const off = run('cli.mjs', args, { ...env, DOCKAUDIT_CO_AUDIT: '0' });
  const on = run('cli.mjs', args, { ...env, DOCKAUDIT_CO_AUDIT: '1' });
  assert.ok(off.stdout.length > 10_000, off.stderr);
  assert.equal(on.stdout, off.stdout);
  assert.equal(on.status, off.status);
  assert.match(on.stderr, new RegExp(`co-audit: \\d+ of ${files.length} files audited by the worker`));
  // the worker's launcher prints this (DOCKAUDIT_DEBUG) when V8 rejects the cache (flags or source differ)
  assert.doesNotMatch(on.stderr, /code cache was rejected/);
});
