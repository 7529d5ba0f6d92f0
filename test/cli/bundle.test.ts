// The built bin (npm run build; CI builds it through `npm ci`): the launcher runs the CommonJS script with its V8 code
// cache, and prints exactly what the ES module bundle of the same build prints.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const dist = join(repoRoot, 'dist');
const built = existsSync(join(dist, 'cli.mjs')) && existsSync(join(dist, 'cli-esm.mjs'));

function run(entry: string, args: string[]) {
  return spawnSync(process.execPath, [join(dist, entry), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, DOCKAUDIT_DEBUG: '1', NO_COLOR: '1' },
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
