import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createGitTracker, findWorkTree, parseGitIndex } from '../../src/cli/git-tracked.js';

/** Builds index bytes by the format description (entries sorted as given). */
function buildIndex(version: 2 | 3 | 4, entries: { path: string; mode?: number; extended?: boolean }[], extensions: string[] = []): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.write('DIRC', 0, 'latin1');
  head.writeUInt32BE(version, 4);
  head.writeUInt32BE(entries.length, 8);
  parts.push(head);
  let previous = '';
  for (const e of entries) {
    const name = Buffer.from(e.path, 'utf8');
    const fixed = Buffer.alloc(62 + (e.extended ? 2 : 0));
    fixed.writeUInt32BE(e.mode ?? 0o100644, 24);
    fixed.fill(0xab, 40, 60); // object id
    fixed.writeUInt16BE((e.extended ? 0x4000 : 0) | Math.min(name.length, 0xfff), 60);
    if (version === 4) {
      let common = 0;
      const prev = Buffer.from(previous, 'utf8');
      while (common < prev.length && common < name.length && prev[common] === name[common]) common++;
      const strip = prev.length - common;
      // git's offset varint
      const bytes = [strip & 127];
      let v = strip >> 7;
      while (v > 0) {
        v -= 1;
        bytes.unshift(128 | (v & 127));
        v >>= 7;
      }
      parts.push(fixed, Buffer.from(bytes), name.subarray(common), Buffer.from([0]));
    } else {
      const len = fixed.length + name.length;
      const padded = (len + 8) & ~7;
      parts.push(fixed, name, Buffer.alloc(padded - len));
    }
    previous = e.path;
  }
  for (const sig of extensions) {
    const ext = Buffer.alloc(8 + 4);
    ext.write(sig, 0, 'latin1');
    ext.writeUInt32BE(4, 4);
    parts.push(ext);
  }
  parts.push(Buffer.alloc(20)); // checksum (not verified)
  return Buffer.concat(parts);
}

const long = 'very/'.repeat(30) + 'deep/Dockerfile';
const entries = [{ path: 'Dockerfile' }, { path: 'docker/app.Dockerfile' }, { path: 'docker/db.Dockerfile' }, { path: long }, { path: 'é/Dockerfile' }];

for (const version of [2, 3, 4] as const) {
  test(`index version ${version}: every path is read back`, () => {
    const idx = parseGitIndex(buildIndex(version, entries.map((e, i) => ({ ...e, extended: version === 3 && i === 1 }))));
    assert.ok(idx);
    assert.deepEqual([...idx.paths].sort(), entries.map((e) => e.path).sort());
  });
}

test('extensions are listed; sparse directory entries are kept apart', () => {
  const idx = parseGitIndex(buildIndex(2, [{ path: 'a' }, { path: 'lib/', mode: 0o040000 }], ['TREE', 'link']));
  assert.ok(idx);
  assert.deepEqual([...idx.paths], ['a']);
  assert.deepEqual(idx.sparseDirs, ['lib/']);
  assert.deepEqual(idx.extensions, ['TREE', 'link']);
});

test('malformed data is null, never an exception', () => {
  const good = buildIndex(4, entries);
  assert.equal(parseGitIndex(Buffer.from('not an index at all')), null);
  assert.equal(parseGitIndex(Buffer.from('DIRC\0\0\0\x05\0\0\0\0', 'latin1')), null, 'unknown version');
  for (let cut = 12; cut < good.length - 20; cut += 7) {
    const r = parseGitIndex(good.subarray(0, cut));
    assert.equal(r, null, `truncated at ${cut}`);
  }
  const huge = Buffer.from(good);
  huge.writeUInt32BE(0x7fffffff, 8);
  assert.equal(parseGitIndex(huge), null, 'entry count beyond the data');
});

const tmp = mkdtempSync(join(tmpdir(), 'dockaudit-git-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('tracker: tracked, untracked, linked work tree, outside any work tree', () => {
  const repo = join(tmp, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'docker'), { recursive: true });
  writeFileSync(join(repo, '.git', 'index'), buildIndex(2, [{ path: 'Dockerfile' }, { path: 'docker/app.Dockerfile' }]));
  // a linked work tree: `.git` is a file pointing at its git folder
  const wt = join(tmp, 'wt');
  mkdirSync(join(repo, '.git', 'worktrees', 'wt'), { recursive: true });
  mkdirSync(wt, { recursive: true });
  writeFileSync(join(wt, '.git'), `gitdir: ${join('..', 'repo', '.git', 'worktrees', 'wt')}\n`);
  writeFileSync(join(repo, '.git', 'worktrees', 'wt', 'index'), buildIndex(4, [{ path: 'sub/Dockerfile' }]));
  const outside = join(tmp, 'plain');
  mkdirSync(outside, { recursive: true });

  const tracked = createGitTracker();
  assert.equal(tracked(join(repo, 'Dockerfile')), true);
  assert.equal(tracked(join(repo, 'docker', 'app.Dockerfile')), true);
  assert.equal(tracked(join(repo, 'docker', 'new.Dockerfile')), false);
  assert.equal(tracked(join(repo, 'dockerfile')), false, 'paths compare case-sensitively');
  assert.equal(tracked(join(wt, 'sub', 'Dockerfile')), true);
  assert.equal(tracked(join(wt, 'Dockerfile')), false);
  assert.deepEqual(findWorkTree(join(wt, 'sub')), { root: wt, gitDir: join(repo, '.git', 'worktrees', 'wt') });
  // the tmp folder itself may sit inside a work tree on some machines; only assert when it does not
  if (findWorkTree(outside) === null) assert.equal(tracked(join(outside, 'Dockerfile')), undefined);
});

test('tracker: a missing or corrupt index, and a split index, are unknown', () => {
  const repo = join(tmp, 'broken');
  mkdirSync(join(repo, '.git'), { recursive: true });
  const tracked = createGitTracker();
  assert.equal(tracked(join(repo, 'Dockerfile')), undefined, 'no index file (fresh repository)');
  const split = join(tmp, 'split');
  mkdirSync(join(split, '.git'), { recursive: true });
  writeFileSync(join(split, '.git', 'index'), buildIndex(2, [{ path: 'Dockerfile' }], ['link']));
  assert.equal(createGitTracker()(join(split, 'Dockerfile')), undefined);
  const bad = join(tmp, 'bad');
  mkdirSync(join(bad, '.git'), { recursive: true });
  writeFileSync(join(bad, '.git', 'index'), 'DIRC garbage');
  assert.equal(createGitTracker()(join(bad, 'Dockerfile')), undefined);
});

test('DA904 through audit(): reported for an untracked Dockerfile of a work tree only', async () => {
  const { audit } = await import('../../src/engine/audit.js');
  const { ruleList } = await import('../../src/rules/registry.generated.js');
  const rules = ruleList.filter((r) => r.meta.id === 'DA904');
  const repo = join(tmp, 'e2e');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.git', 'index'), buildIndex(3, [{ path: 'Dockerfile' }]));
  const tracked = createGitTracker();
  const ids = async (file: string) => {
    const t = tracked(file);
    const r = await audit('FROM alpine:3.20\n', file, { rules, ...(t === undefined ? {} : { env: { gitTracked: t } }) });
    return r.findings.map((f) => f.ruleId);
  };
  assert.deepEqual(await ids(join(repo, 'Dockerfile')), []);
  assert.deepEqual(await ids(join(repo, 'other.Dockerfile')), ['DA904']);
});
