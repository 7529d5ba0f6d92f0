import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanSlashPath, DockerignoreMatcher, parseDockerignore, readDockerignore } from '../../src/rules/helpers/dockerignore.js';

const m = (text: string) => DockerignoreMatcher.fromText(text);

test('parsing: comments, whitespace, exclusions, cleaning, leading slash', () => {
  const ps = parseDockerignore('\uFEFF# comment\n  node_modules/  \n\n!/keep//me/./x\n /abs/dir\n#x\n  # not a comment once trimmed?\n');
  assert.deepEqual(
    ps.map((p) => [p.pattern, p.exclusion, p.line]),
    [
      ['node_modules', false, 2],
      ['keep/me/x', true, 4],
      ['abs/dir', false, 5],
      ['# not a comment once trimmed?', false, 7],
    ],
  );
  assert.equal(cleanSlashPath('a/../../b/./c/'), '../b/c');
  assert.equal(cleanSlashPath('/../a'), '/a');
  assert.equal(cleanSlashPath(''), '.');
});

test('patterns are anchored at the context root (unlike gitignore)', () => {
  const x = m('*.md\nsecret.txt\n');
  assert.equal(x.excludes('README.md'), true);
  assert.equal(x.excludes('docs/README.md'), false);
  assert.equal(x.excludes('secret.txt'), true);
  assert.equal(x.excludes('a/secret.txt'), false);
});

test('a pattern matching a parent directory excludes everything below it', () => {
  const x = m('node_modules\n.git\nbuild/out\n');
  assert.equal(x.excludes('node_modules/a/b.js'), true);
  assert.equal(x.excludes('.git/config'), true);
  assert.equal(x.excludes('build/out/x'), true);
  assert.equal(x.excludes('build/other'), false);
  assert.equal(x.excludes('src/node_modules'), false);
});

test('** matches any number of directories, also none', () => {
  const x = m('**/*.pyc\n**/__pycache__\nlogs/**\n');
  assert.equal(x.excludes('a.pyc'), true);
  assert.equal(x.excludes('a/b/c.pyc'), true);
  assert.equal(x.excludes('src/__pycache__/m.cpython.pyc'), true);
  assert.equal(x.excludes('logs/x/y.log'), true);
  assert.equal(x.excludes('logs'), false);
  assert.equal(x.excludes('xa.py'), false);
  // `**/foo` means "(any dirs/)foo": not a suffix match
  assert.equal(m('**/foo\n').excludes('xfoo'), false);
  assert.equal(m('**/foo\n').excludes('a/foo'), true);
});

test('? [] and escapes', () => {
  assert.equal(m('file?.txt\n').excludes('file1.txt'), true);
  assert.equal(m('file?.txt\n').excludes('file/.txt'), false);
  assert.equal(m('[a-c]*.log\n').excludes('b1.log'), true);
  assert.equal(m('[a-c]*.log\n').excludes('d1.log'), false);
  assert.equal(m('[^a-c]*.log\n').excludes('d1.log'), true);
  assert.equal(m('\\*.txt\n').excludes('*.txt'), true);
  assert.equal(m('\\*.txt\n').excludes('a.txt'), false);
  assert.equal(m('[abc\n').excludes('a'), false, 'a bad pattern matches nothing');
});

test('exceptions: the last matching pattern wins', () => {
  const x = m('*\n!src\n!package.json\nsrc/*.test.js\n');
  assert.equal(x.excludes('Dockerfile'), true);
  assert.equal(x.excludes('src/index.js'), false);
  assert.equal(x.excludes('src/a.test.js'), true);
  assert.equal(x.excludes('package.json'), false);
  assert.equal(x.decide('src/a.test.js').pattern?.line, 4);
});

test('long paths and many stars stay fast (no backtracking)', () => {
  const x = m('*a*a*a*a*a*a*a*a*a*a*b\n**/**/**/**/**/z\n');
  const t = Date.now();
  assert.equal(x.excludes('a'.repeat(5000)), false);
  assert.equal(x.excludes('a/'.repeat(2000) + 'y'), false);
  assert.ok(Date.now() - t < 2000);
});

test('Dockerfile-specific ignore file takes precedence', () => {
  const files: Record<string, string> = { '.dockerignore': 'a', 'app.Dockerfile.dockerignore': 'b' };
  assert.deepEqual(readDockerignore((p) => files[p], 'docker/app.Dockerfile'), { file: 'app.Dockerfile.dockerignore', text: 'b' });
  assert.deepEqual(readDockerignore((p) => files[p], 'Dockerfile'), { file: '.dockerignore', text: 'a' });
  assert.equal(readDockerignore(() => undefined, 'Dockerfile'), null);
});

// Reference: the documented translation of a pattern into an anchored regular expression (`*` → `[^/]*`, `?` → `[^/]`,
// `**/` or inner `**` → `(.*/)?`, trailing `**` → `.*`), applied to the path and each parent directory. Used only here,
// on tiny inputs, to cross-check the dynamic-programming matcher.
function reference(pattern: string, path: string): boolean {
  let re = '^';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === '*') {
      if (pattern[k + 1] === '*') {
        k++;
        if (pattern[k + 1] === '/') k++;
        re += k + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(re + '$');
  const parts = path.split('/');
  for (let n = parts.length; n >= 1; n--) if (rx.test(parts.slice(0, n).join('/'))) return true;
  return false;
}

test('property: the matcher agrees with the documented regex translation', async () => {
  const fc = await import('fast-check');
  const seg = fc.stringMatching(/^[ab]{1,3}$/);
  const pathArb = fc.array(seg, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));
  const patArb = fc
    .array(fc.constantFrom('a', 'b', '*', '?', '**/', '**', '/'), { minLength: 1, maxLength: 6 })
    .map((xs) => xs.join(''))
    .filter((p) => !p.startsWith('/') && !p.endsWith('/') && !p.includes('//') && !/\/\.\.?(\/|$)/.test(p));
  fc.assert(
    fc.property(patArb, pathArb, (pat, path) => {
      const cleaned = parseDockerignore(pat)[0]?.pattern ?? pat;
      return DockerignoreMatcher.fromText(pat).excludes(path) === reference(cleaned, path);
    }),
    { numRuns: 3000 },
  );
});
