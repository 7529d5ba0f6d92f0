import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { UNKNOWN, processWord } from '../../src/model/expand.js';
import type { EnvValue } from '../../src/model/expand.js';
import { effectiveTag, formatImageRef, parseImageRef } from '../../src/model/image-ref.js';
import type { ImageRef } from '../../src/model/image-ref.js';

function ok(s: Parameters<typeof parseImageRef>[0]): ImageRef {
  const r = parseImageRef(s);
  assert.ok(r.ok, r.ok ? '' : `${typeof s === 'string' ? s : s.value}: ${r.message}`);
  return r.ref;
}

const SHA = 'sha256:' + 'a'.repeat(64);

describe('valid references', () => {
  const cases: [string, string, string, string | null, string | null, string][] = [
    // input, registry, path, tag, digest, familiar
    ['alpine', 'docker.io', 'library/alpine', null, null, 'alpine'],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', null, 'alpine'],
    ['library/alpine:3.20', 'docker.io', 'library/alpine', '3.20', null, 'alpine'],
    ['docker.io/alpine', 'docker.io', 'library/alpine', null, null, 'alpine'],
    ['index.docker.io/library/ubuntu:22.04', 'docker.io', 'library/ubuntu', '22.04', null, 'ubuntu'],
    ['bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2', null, 'bitnami/redis'],
    [`ghcr.io/o/r:1@${SHA}`, 'ghcr.io', 'o/r', '1', SHA, 'ghcr.io/o/r'],
    [`node@${SHA}`, 'docker.io', 'library/node', null, SHA, 'node'],
    ['localhost:5000/x', 'localhost:5000', 'x', null, null, 'localhost:5000/x'],
    ['localhost/x:dev', 'localhost', 'x', 'dev', null, 'localhost/x'],
    ['mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com', 'windows/servercore', 'ltsc2022', null, 'mcr.microsoft.com/windows/servercore'],
    ['registry.example.com:443/team/app-api_v2.x:1.0.0-rc.1', 'registry.example.com:443', 'team/app-api_v2.x', '1.0.0-rc.1', null, 'registry.example.com:443/team/app-api_v2.x'],
    ['[::1]:5000/img:t', '[::1]:5000', 'img', 't', null, '[::1]:5000/img'],
    ['Registry.Example.com/a', 'Registry.Example.com', 'a', null, null, 'Registry.Example.com/a'],
    ['quay.io/a__b/c---d:TAG_1', 'quay.io', 'a__b/c---d', 'TAG_1', null, 'quay.io/a__b/c---d'],
  ];
  for (const [input, registry, path, tag, digest, familiar] of cases) {
    it(input, () => {
      const r = ok(input);
      assert.equal(r.registry, registry);
      assert.equal(r.path, path);
      assert.equal(r.tag, tag);
      assert.equal(r.digest, digest);
      assert.equal(r.familiarName, familiar);
      assert.equal(r.name, `${registry}/${path}`);
      assert.equal(r.hasUnknown, false);
    });
  }
  it('official images and effective tags', () => {
    assert.equal(ok('alpine').official, true);
    assert.equal(ok('bitnami/redis').official, false);
    assert.equal(effectiveTag(ok('alpine')), 'latest');
    assert.equal(effectiveTag(ok('alpine:3')), '3');
    assert.equal(effectiveTag(ok(`alpine@${SHA}`)), null);
    assert.equal(formatImageRef(ok('alpine:3')), 'docker.io/library/alpine:3');
  });
  it('scratch', () => {
    const r = ok('scratch');
    assert.equal(r.scratch, true);
    assert.equal(effectiveTag(r), null);
    assert.equal(ok('scratchy').scratch, false);
  });
});

describe('invalid references', () => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['Alpine', 'uppercase-repository'],
    ['user/MyApp:1', 'uppercase-repository'],
    ['alpine:-bad', 'invalid-tag'],
    ['alpine:' + 'x'.repeat(129), 'invalid-tag'],
    ['alpine:a b', 'invalid-tag'],
    ['alpine@sha256:abc', 'invalid-digest'],
    ['alpine@sha256:' + 'A'.repeat(64), 'invalid-digest'],
    ['alpine@md5:' + 'a'.repeat(32), 'unsupported-digest'],
    ['alpine@', 'invalid-digest'],
    ['a'.repeat(64), 'hex-identifier'],
    ['-alpine', 'invalid-format'],
    ['alpine-', 'invalid-format'],
    ['a//b', 'invalid-format'],
    ['exa_mple.com/x', 'invalid-format'],
    ['host:port/x', 'invalid-format'],
    ['a/' + 'b'.repeat(260), 'name-too-long'],
    ['{{ .Image }}', 'invalid-format'],
  ];
  for (const [input, code] of cases) {
    it(`${input.slice(0, 40) || '(empty)'} → ${code}`, () => {
      const r = parseImageRef(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.code, code, r.message);
    });
  }
});

describe('unknown parts', () => {
  const env = new Map<string, EnvValue>([
    ['REGISTRY', UNKNOWN],
    ['TAG', UNKNOWN],
    ['IMAGE', UNKNOWN],
    ['BASE', 'debian'],
  ]);
  const word = (s: string) => {
    const r = processWord(s, env);
    assert.ok(r.ok);
    return r;
  };
  it('unknown registry, default tag', () => {
    const r = ok(word('${REGISTRY}/app:${TAG:-latest}'));
    assert.equal(r.registry, '${REGISTRY}');
    assert.equal(r.path, 'app');
    assert.equal(r.tag, 'latest');
    assert.deepEqual(r.unknown, { registry: true, path: false, tag: false, digest: false });
    assert.equal(r.hasUnknown, true);
  });
  it('unknown tag', () => {
    const r = ok(word('${BASE}:${TAG}'));
    assert.equal(r.familiarName, 'debian');
    assert.equal(r.tag, '${TAG}');
    assert.equal(r.unknown.tag, true);
    assert.equal(r.unknown.path, false);
    assert.equal(r.official, true);
  });
  it('whole image unknown', () => {
    const r = ok(word('${IMAGE}'));
    assert.equal(r.unknown.path, true);
    assert.equal(r.path, '${IMAGE}');
    assert.equal(r.unknown.registry, true);
    assert.equal(r.official, false);
    const r2 = ok(word('${IMAGE}:1'));
    assert.equal(r2.unknown.registry, true);
    assert.equal(r2.unknown.tag, false);
  });
  it('unknown parts in several components come back in order', () => {
    const r = ok(word('${REGISTRY}/team/${IMAGE}:${TAG}'));
    assert.equal(r.registry, '${REGISTRY}');
    assert.equal(r.path, 'team/${IMAGE}');
    assert.equal(r.tag, '${TAG}');
    assert.equal(r.raw, '${REGISTRY}/team/${IMAGE}:${TAG}');
  });
  it('known parts are still validated', () => {
    const r = parseImageRef(word('${REGISTRY}/App:${TAG}'));
    assert.equal(r.ok, false);
  });
});

describe('robustness', () => {
  it('never throws', async () => {
    const fc = (await import('fast-check')).default;
    const alphabet = fc.constantFrom('a', 'Z', '0', '.', '-', '_', '/', ':', '@', '[', ']', '\uE000', ' ', 's', 'h');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const r = parseImageRef(chars.join(''));
        if (r.ok && !r.ref.scratch) assert.equal(r.ref.name, `${r.ref.registry}/${r.ref.path}`);
      }),
      { numRuns: 3000 },
    );
  });
});
