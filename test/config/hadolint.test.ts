import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { migrateHadolintConfig, readHadolintConfig } from '../../src/config/hadolint.js';
import { parseConfigText } from '../../src/config/load.js';
import { formatConfigError } from '../../src/config/types.js';
import { mergeConfigs, ruleSettingsFor } from '../../src/config/resolve.js';
import { testRules } from './helpers.js';

const HADOLINT = `ignored:
  - DL3008
override:
  error: [DL3002]
  warning: [DL4006]
  info: [SC2086]
  style: [JSONArgsRecommended]
trustedRegistries:
  - docker.io
  - my-company.com:5000
label-schema:
  author: text
  website: url
strict-labels: true
failure-threshold: warning
disable-ignore-pragma: true
format: sarif
`;

test('hadolint config keys map to dockaudit settings', () => {
  const { partial, errors } = readHadolintConfig(HADOLINT, '.hadolint.yaml', testRules);
  assert.deepEqual(errors, []);
  assert.deepEqual([...partial.rules!], [
    ['DL3008', 'off'],
    ['DL3002', 'high'],
    ['DL4006', 'medium'],
    ['SC2086', 'low'],
    ['JSONArgsRecommended', 'info'],
  ]);
  assert.deepEqual(partial.trustedRegistries, ['docker.io', 'my-company.com:5000']);
  assert.deepEqual([...partial.labelSchema!], [
    ['author', 'text'],
    ['website', 'url'],
  ]);
  assert.equal(partial.strictLabels, true);
  assert.equal(partial.failLevel, 'medium');
  assert.equal(partial.disableInlineIgnores, true);
  assert.deepEqual(partial.formats, ['sarif']);
  // through aliases, the hadolint codes reach dockaudit rules
  const s = ruleSettingsFor(mergeConfigs(partial), 'Dockerfile', testRules);
  assert.equal(s.rules.some((r) => r.meta.id === 'DA601'), false);
  assert.equal(s.severityOverrides.get('DA301'), 'high');
  assert.equal(s.severityOverrides.get('DA801'), 'info');
});

test('failure-threshold levels and no-fail', () => {
  const level = (t: string) => readHadolintConfig(`failure-threshold: ${t}\n`).partial.failLevel;
  assert.deepEqual(['error', 'warning', 'info', 'style', 'ignore', 'none'].map(level), ['high', 'medium', 'low', 'info', 'none', 'none']);
  assert.equal(readHadolintConfig('no-fail: true\nfailure-threshold: error\n').partial.failLevel, 'none');
});

test('problems in hadolint configs are reported with positions', () => {
  const { errors } = readHadolintConfig('override:\n  fatal: [DL3000]\nignored: DL3008\nlabel-schema:\n  a: uri\nstrict-labels: 1\nfailure-threshold: high\nfoo: 1\nformat: checkstyle\n', '.hadolint.yaml', testRules);
  assert.deepEqual(errors.map(formatConfigError), [
    '.hadolint.yaml:2:3: override.fatal: unknown hadolint level "fatal" (expected error, warning, info or style)',
    '.hadolint.yaml:3:1: ignored: expected a list of rule codes',
    '.hadolint.yaml:5:3: label-schema.a: unknown label type "uri"',
    '.hadolint.yaml:6:16: strict-labels: expected true or false',
    '.hadolint.yaml:7:1: failure-threshold: unknown failure-threshold "high" (expected error, warning, info, style, ignore or none)',
    '.hadolint.yaml:8:1: foo: hadolint key "foo" has no dockaudit equivalent; ignored',
    '.hadolint.yaml:9:1: format: hadolint format "checkstyle" has no dockaudit equivalent; using the default',
  ]);
  assert.deepEqual(readHadolintConfig('ignored: [DL9999]\n', 'h.yaml', testRules).errors.map(formatConfigError), [
    'h.yaml:1:10: ignored: no dockaudit rule covers "DL9999"; kept for reference',
  ]);
});

test('migrateHadolintConfig writes an equivalent, valid .dockaudit.yaml', () => {
  const out = migrateHadolintConfig(HADOLINT);
  assert.match(out, /^# dockaudit configuration migrated from \.hadolint\.yaml\n/);
  const back = parseConfigText(out, '.dockaudit.yaml', testRules);
  assert.deepEqual(back.errors, []);
  const orig = readHadolintConfig(HADOLINT).partial;
  assert.deepEqual([...back.partial.rules!], [...orig.rules!]);
  assert.equal(back.partial.failLevel, 'medium');
  assert.deepEqual(back.partial.trustedRegistries, orig.trustedRegistries);
  assert.deepEqual([...back.partial.labelSchema!], [...orig.labelSchema!]);
  assert.equal(back.partial.strictLabels, true);
  assert.equal(back.partial.disableInlineIgnores, true);
  assert.deepEqual(back.partial.formats, ['sarif']);
  // dropped settings are explained in comments
  assert.match(migrateHadolintConfig('foo: 1\n'), /# note: foo: hadolint key "foo" has no dockaudit equivalent; ignored\n\{\}\n$/);
});
