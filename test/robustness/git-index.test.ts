/**
 * The git-tracked reader (src/cli/git-tracked.ts) reads .git/index itself (no git process). Fixture repositories are made with the real git when it
 * is installed (skipped otherwise): index versions 2, 3 (intent-to-add sets extended flags) and 4, a SHA-256
 * repository, a linked work tree, a split index (unknown), and corrupt/truncated indexes (unknown, never a throw).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createGitTracker, parseGitIndex } from '../../src/cli/git-tracked.js';

const gitTrackedStatus = (file: string): boolean | undefined => createGitTracker()(file);

const hasGit = spawnSync('git', ['--version']).status === 0;
let work = '';

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

/** A repository with tracked a/Dockerfile and deep/er/x.Dockerfile, untracked b/Dockerfile. */
function repo(name: string, init: string[] = []): string {
  const d = join(work, name);
  mkdirSync(join(d, 'a'), { recursive: true });
  mkdirSync(join(d, 'b'), { recursive: true });
  mkdirSync(join(d, 'deep', 'er'), { recursive: true });
  git(d, 'init', '-q', ...init);
  writeFileSync(join(d, 'a', 'Dockerfile'), 'FROM a\n');
  writeFileSync(join(d, 'b', 'Dockerfile'), 'FROM b\n');
  writeFileSync(join(d, 'deep', 'er', 'x.Dockerfile'), 'FROM c\n');
  git(d, 'add', 'a/Dockerfile', 'deep/er/x.Dockerfile');
  return d;
}

function expectTracking(d: string): void {
  assert.equal(gitTrackedStatus(join(d, 'a', 'Dockerfile')), true);
  assert.equal(gitTrackedStatus(join(d, 'deep', 'er', 'x.Dockerfile')), true);
  assert.equal(gitTrackedStatus(join(d, 'b', 'Dockerfile')), false);
}

describe('git index reader', { skip: hasGit ? false : 'git is not installed (needed only to build fixtures)' }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dockaudit-git-'));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('index v2 (default), v3 (intent-to-add) and v4 (prefix-compressed paths)', () => {
    expectTracking(repo('v2'));
    const v3 = repo('v3');
    writeFileSync(join(v3, 'c.Dockerfile'), 'FROM d\n');
    git(v3, 'add', '-N', 'c.Dockerfile');
    assert.equal(readFileSync(join(v3, '.git', 'index')).readUInt32BE(4), 3);
    expectTracking(v3);
    assert.equal(gitTrackedStatus(join(v3, 'c.Dockerfile')), true);
    const v4 = repo('v4');
    git(v4, 'update-index', '--index-version', '4');
    assert.equal(readFileSync(join(v4, '.git', 'index')).readUInt32BE(4), 4);
    expectTracking(v4);
  });

  it('a SHA-256 repository', (t) => {
    try {
      expectTracking(repo('sha256', ['--object-format=sha256']));
    } catch (e) {
      if (String(e).includes('object-format')) t.skip('this git cannot make SHA-256 repositories');
      else throw e;
    }
  });

  it('a linked work tree (.git is a file) and a nested plain folder', () => {
    const main = repo('main');
    git(main, 'commit', '-q', '-m', 'init');
    git(main, 'worktree', 'add', '-q', join(work, 'linked'));
    expectTracking(main);
    mkdirSync(join(work, 'linked', 'b'), { recursive: true });
    writeFileSync(join(work, 'linked', 'b', 'Dockerfile'), 'FROM b\n');
    assert.equal(gitTrackedStatus(join(work, 'linked', 'a', 'Dockerfile')), true);
    assert.equal(gitTrackedStatus(join(work, 'linked', 'b', 'Dockerfile')), false);
  });

  it('outside any work tree, or a missing file: unknown; a repository with no index yet: not tracked', () => {
    const plain = join(work, 'plain');
    mkdirSync(plain, { recursive: true });
    writeFileSync(join(plain, 'Dockerfile'), 'FROM a\n');
    // tmpdir() is not inside a work tree on this machine; if it were, the answer would be a boolean
    const status = gitTrackedStatus(join(plain, 'Dockerfile'));
    assert.ok(status === undefined || typeof status === 'boolean');
    assert.equal(gitTrackedStatus(join(plain, 'nope')), undefined);
    const fresh = join(work, 'fresh');
    mkdirSync(fresh);
    git(fresh, 'init', '-q');
    writeFileSync(join(fresh, 'Dockerfile'), 'FROM a\n');
    assert.equal(gitTrackedStatus(join(fresh, 'Dockerfile')), false);
  });

  it('a split index is unknown; a corrupt index is unknown', () => {
    const split = repo('split');
    git(split, 'update-index', '--split-index');
    assert.equal(gitTrackedStatus(join(split, 'a', 'Dockerfile')), undefined);
    const bad = repo('bad');
    const idx = readFileSync(join(bad, '.git', 'index'));
    writeFileSync(join(bad, '.git', 'index'), idx.subarray(0, 40));
    assert.equal(gitTrackedStatus(join(bad, 'a', 'Dockerfile')), undefined);
  });

  it('parseGitIndex never throws on mutated index bytes', () => {
    const idx = new Uint8Array(readFileSync(join(repo('fuzz'), '.git', 'index')));
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }), fc.nat(), (edits, cut) => {
        const b = idx.slice(0, idx.length - (cut % 16));
        for (const e of edits) b[e.at % b.length] = e.byte;
        const r = parseGitIndex(b);
        assert.ok(r === null || r.paths instanceof Set);
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});
