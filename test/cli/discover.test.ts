import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { discover, isDockerfileName } from '../../src/cli/discover.js';

const root = mkdtempSync(join(tmpdir(), 'dockaudit-discover-'));
after(() => rmSync(root, { recursive: true, force: true }));

function file(rel: string, text = 'FROM scratch\n'): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

test('Dockerfile name patterns', () => {
  for (const n of ['Dockerfile', 'Containerfile', 'api.Dockerfile', 'api.dockerfile', 'Dockerfile.dev', 'x.containerfile']) assert.ok(isDockerfileName(n), n);
  for (const n of ['dockerfile.txt', 'Dockerfile.dockerignore', 'README.md', 'Dockerfiles', 'xDockerfile', '.dockerignore']) assert.ok(!isDockerfileName(n), n);
});

test('recursive discovery honours .gitignore, skips .git/node_modules, keeps symlinks inside the tree', () => {
  const tree = join(root, 'tree');
  file('tree/Dockerfile');
  file('tree/svc/api.Dockerfile');
  file('tree/svc/Dockerfile.dev');
  file('tree/svc/notes.txt');
  file('tree/build/Dockerfile');
  file('tree/svc/gen/Containerfile');
  file('tree/svc/keep/Containerfile');
  file('tree/.git/Dockerfile');
  file('tree/node_modules/pkg/Dockerfile');
  file('outside/Dockerfile');
  writeFileSync(join(tree, '.gitignore'), 'build/\n');
  writeFileSync(join(tree, 'svc', '.gitignore'), 'gen/\n*.dev\n');
  symlinkSync(join(root, 'outside', 'Dockerfile'), join(tree, 'escape.Dockerfile'));
  symlinkSync(join(tree, 'Dockerfile'), join(tree, 'svc', 'link.Dockerfile'));
  symlinkSync(join(root, 'outside'), join(tree, 'outdir'));
  const d = discover(['tree'], root);
  assert.deepEqual(d.errors, []);
  assert.deepEqual(d.files, [
    join('tree', 'Dockerfile'),
    join('tree', 'svc', 'api.Dockerfile'),
    join('tree', 'svc', 'keep', 'Containerfile'),
    join('tree', 'svc', 'link.Dockerfile'),
  ]);
});

test('explicit files are audited whatever their name; missing paths are errors; duplicates once', () => {
  file('named/custom.txt');
  const d = discover(['named/custom.txt', 'named/custom.txt', 'nope'], root);
  assert.deepEqual(d.files, ['named/custom.txt']);
  assert.deepEqual(d.errors, [{ path: 'nope', message: 'no such file or directory' }]);
});

test('.gitignore files above the walked folder apply up to the git work-tree root, not beyond', () => {
  file('repo/.git/HEAD', 'ref');
  writeFileSync(join(root, 'repo', '.gitignore'), 'generated/\n');
  file('repo/app/Dockerfile');
  file('repo/app/generated/Dockerfile');
  writeFileSync(join(root, '.gitignore'), 'app/\n'); // outside the work tree: must not apply
  assert.deepEqual(discover(['repo/app'], root).files, [join('repo', 'app', 'Dockerfile')]);
  // not in a work tree: only .gitignore files inside the walked folder count
  file('loose/sub/generated/Dockerfile');
  assert.deepEqual(discover(['loose/sub'], root).files, [join('loose', 'sub', 'generated', 'Dockerfile')]);
});

test('each file comes with its absolute path; files named as arguments are marked, in either order', () => {
  file('both/Dockerfile');
  file('both/sub/Dockerfile');
  const viaFolderFirst = discover(['both', 'both/Dockerfile'], root);
  assert.deepEqual(viaFolderFirst.files, [join('both', 'Dockerfile'), join('both', 'sub', 'Dockerfile')]);
  assert.deepEqual(viaFolderFirst.absolute, [join(root, 'both', 'Dockerfile'), join(root, 'both', 'sub', 'Dockerfile')]);
  assert.deepEqual([...viaFolderFirst.named], [join(root, 'both', 'Dockerfile')]);
  const namedFirst = discover(['./both/Dockerfile', 'both'], root);
  assert.deepEqual(namedFirst.files, ['./both/Dockerfile', join('both', 'sub', 'Dockerfile')]);
  assert.deepEqual(namedFirst.absolute, [join(root, 'both', 'Dockerfile'), join(root, 'both', 'sub', 'Dockerfile')]);
  assert.deepEqual([...namedFirst.named], [join(root, 'both', 'Dockerfile')]);
});
