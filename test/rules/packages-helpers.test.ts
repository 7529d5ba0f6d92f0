// The package-manager helpers shared by the 6xx rules, on real parsed Dockerfiles (bash parser loaded).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { before, test } from 'node:test';
import { buildModel } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import { parse } from '../../src/parser/parse.js';
import type { RunInstruction } from '../../src/parser/ast.js';
import {
  cacheMountTargets,
  expandBraces,
  inFinalImage,
  installOf,
  isLocalOrUrl,
  isWithin,
  mountCovers,
  packageName,
  removesDir,
  runCommands,
  specsOf,
} from '../../src/rules/helpers/packages.js';
import { initShell } from '../../src/shell/index.js';
import type { ShellCommand } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';

before(async () => {
  await initShell();
});

function model(text: string): DockerfileModel {
  return buildModel(parse(new SourceFile('Dockerfile', text)));
}
function commands(text: string): ShellCommand[] {
  return runCommands(model(text)).flatMap((r) => r.commands);
}
function firstRun(m: DockerfileModel): RunInstruction {
  const r = runCommands(m)[0];
  assert.ok(r);
  return r.run;
}

test('isWithin compares whole path segments', () => {
  assert.ok(isWithin('/var/lib/apt/lists', '/var/lib/apt'));
  assert.ok(isWithin('/var/lib/apt/lists/', '/var/lib/apt/lists'));
  assert.ok(isWithin('/anything', '/'));
  assert.ok(!isWithin('/var/lib/aptitude', '/var/lib/apt'));
  assert.ok(!isWithin('/var/lib', '/var/lib/apt'));
});

test('cache and tmpfs mount targets; bind mounts and other keys ignored; variables expanded', () => {
  const m = model(
    'FROM debian:12\nARG CACHE=/root/.cache\n' +
      'RUN --mount=type=cache,target=/var/cache/apt/,sharing=locked --mount=type=tmpfs,dst=/tmp --mount=type=bind,target=/src --mount=type=cache,target=$CACHE true\n',
  );
  const run = firstRun(m);
  assert.deepEqual(cacheMountTargets(m, run), ['/var/cache/apt', '/tmp', '/root/.cache']);
  assert.ok(mountCovers(m, run, '/var/cache/apt/archives'));
  assert.ok(mountCovers(m, run, '/root/.cache/pip'));
  assert.ok(!mountCovers(m, run, '/var/lib/apt/lists'));
  assert.ok(!mountCovers(m, run, '/src'));
});

test('removesDir: the folder, a parent, a glob inside; not one named file; find -delete', () => {
  const [a, b, c, d, e, f] = commands(
    'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && rm -rf /var/lib/apt && rm -f /var/lib/apt/lists/lock && find /var/lib/apt/lists -type f -delete && rm -rf /var/lib/aptx && find /var/lib/apt/lists -name x\n',
  );
  const dir = '/var/lib/apt/lists';
  assert.equal(removesDir(a!, dir), true);
  assert.equal(removesDir(b!, dir), true);
  assert.equal(removesDir(c!, dir), false);
  assert.equal(removesDir(d!, dir), true);
  assert.equal(removesDir(e!, dir), false);
  assert.equal(removesDir(f!, dir), false);
});

test('removesDir expands simple braces as bash does', () => {
  const [a, b] = commands('FROM debian:12\nRUN rm -rf /var/lib/{apt,dpkg,cache,log}/ && rm -rf /var/lib/{dpkg,log}\n');
  assert.equal(removesDir(a!, '/var/lib/apt/lists'), true);
  assert.equal(removesDir(b!, '/var/lib/apt/lists'), false);
  assert.deepEqual(expandBraces('/x/{a,b}/{c,d}'), ['/x/a/c', '/x/a/d', '/x/b/c', '/x/b/d']);
  assert.deepEqual(expandBraces('/x/{a..c}'), ['/x/{a..c}']);
});

test('installOf: managers, subcommands, group installs, bare yarn, python -m pip', () => {
  const cs = commands(
    'FROM debian:12\nRUN apt-get -y install curl git && dnf group install -y "Development Tools" && yarn && yarn --version && python3 -m pip install flask && npm ci && apt-get update\n',
  );
  const got = cs.map((c) => {
    const i = installOf(c);
    return i === null ? null : `${i.manager}:${i.groups ? 'g:' : ''}${i.packages.map((w) => w.value).join(',')}`;
  });
  assert.deepEqual(got, ['apt:curl,git', 'yum:g:Development Tools', 'yarn:', null, 'pip:flask', null, null]);
});

test('specsOf splits an unquoted variable holding several names, not a quoted one', () => {
  const cs = commands('FROM debian:12\nENV DEPS="a b=1"\nRUN apt-get install -y $DEPS "$DEPS" c\n');
  const inst = installOf(cs[0]!);
  assert.ok(inst);
  assert.deepEqual(inst.packages.map(specsOf), [['a', 'b=1'], ['a b=1'], ['c']]);
});

test('inFinalImage: the final stage and its parents, not a builder stage', () => {
  const m = model('FROM debian:12 AS base\nRUN true\nFROM golang:1.22 AS build\nRUN true\nFROM base\nRUN true\n');
  const flags = runCommands(m).map((r) => inFinalImage(m, r.facts));
  assert.deepEqual(flags, [true, false, true]);
});

// packageName and isLocalOrUrl were rewritten without split arrays and with literal prefilters: the expressions they
// replaced, as the reference
const OLD_NAME: Readonly<Record<string, (s: string) => string>> = {
  apt: (s) => s.split(/[=/]/)[0]!.replace(/:[a-z0-9-]+$/, ''),
  apk: (s) => s.split(/[=~<>]/)[0]!,
  zypper: (s) => s.split(/[=<>]/)[0]!,
  gem: (s) => s.split(':')[0]!,
  go: (s) => s.split('@')[0]!,
};
function oldIsLocalOrUrl(spec: string): boolean {
  return (
    spec.startsWith('.') ||
    spec.startsWith('/') ||
    spec.startsWith('~') ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ||
    /^git\+|^git@|^file:/i.test(spec) ||
    /\.(?:deb|rpm|apk|whl|tar\.gz|tgz|zip|gem)$/i.test(spec)
  );
}
const specChars = fc.constantFrom(...'aAgGfFzZ09.-_+:/=~<>@[]; \tx'.split(''), 'git+', 'git@', 'file:', '://', '.deb', '.tar.gz', '.WHL', '-r2', ':amd64');
const spec = fc.array(specChars, { maxLength: 12 }).map((a) => a.join(''));

test('packageName gives what the split/replace expressions it replaced gave', () => {
  fc.assert(
    fc.property(spec, fc.constantFrom('apt', 'apk', 'zypper', 'gem', 'go'), (s, m) => {
      assert.equal(packageName(m as 'apt', s), OLD_NAME[m]!(s));
    }),
    { numRuns: 3000 },
  );
  assert.equal(packageName('apt', 'curl:amd64=7.1'), 'curl');
  assert.equal(packageName('apk', 'curl~8'), 'curl');
});

test('isLocalOrUrl agrees with the regular expressions it replaced', () => {
  fc.assert(fc.property(spec, (s) => assert.equal(isLocalOrUrl(s), oldIsLocalOrUrl(s), JSON.stringify(s))), { numRuns: 3000 });
  assert.ok(isLocalOrUrl('git+https://x/y.git') && isLocalOrUrl('./a.whl') && isLocalOrUrl('pkg.DEB') && !isLocalOrUrl('curl'));
});
