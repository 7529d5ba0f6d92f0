// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript loaded through tsx).
// Usage: node scripts/test.mjs [substring…]   (only test files whose path contains one of the substrings)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
spawnSync(process.execPath, [join(root, 'scripts/gen-registry.mjs')], { stdio: 'inherit' });
const files = [];
(function walk(d) {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (e.endsWith('.test.ts')) files.push(relative(root, p));
  }
})(join(root, 'test'));
const filters = process.argv.slice(2);
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no test files selected');
  process.exitCode = 1;
} else {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exitCode = r.status ?? 1;
}
