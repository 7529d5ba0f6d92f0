import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { configSchema, type SchemaNode } from '../../src/config/schema.js';
import { parseConfigText } from '../../src/config/load.js';
import { readHadolintConfig } from '../../src/config/hadolint.js';
import { LABEL_TYPES, OUTPUT_FORMATS } from '../../src/config/types.js';
import { SEVERITIES } from '../../src/rules/types.js';
import { didYouMean, editDistance } from '../../src/rules/rule-ref.js';
import { testRules } from './helpers.js';

test('the shipped schema agrees with the TypeScript constants', () => {
  const s = configSchema();
  const defs = s.$defs!;
  assert.deepEqual(defs['severity']!.enum, [...SEVERITIES]);
  assert.deepEqual(defs['format']!.enum, [...OUTPUT_FORMATS]);
  assert.deepEqual(defs['labelType']!.enum, [...LABEL_TYPES]);
  assert.deepEqual(s.properties!['failLevel']!.enum, [...SEVERITIES, 'none']);
  assert.deepEqual((defs['ruleSetting']!.oneOf![0] as SchemaNode).enum, ['off', 'on', ...SEVERITIES]);
  // every top-level key is documented
  const docs = new URL('../../docs/configuration.md', import.meta.url);
  return import('node:fs').then(({ readFileSync }) => {
    const text = readFileSync(docs, 'utf8');
    for (const k of Object.keys(s.properties!)) if (k !== '$schema') assert.ok(text.includes('`' + k + '`'), k);
  });
});

test('peer tool IDs no rule covers are warnings (the run goes on); dockaudit-looking unknown IDs are errors', () => {
  const r = parseConfigText('rules:\n  StageNameCasng: off\n  CKV_DOCKER_99: off\n  DA777: off\n', 'c.yaml', testRules);
  assert.deepEqual(
    r.errors.map((e) => [e.severity, e.message]),
    [
      ['warning', 'no dockaudit rule covers buildkit rule "StageNameCasng"; setting ignored'],
      ['warning', 'no dockaudit rule covers checkov rule "CKV_DOCKER_99"; setting ignored'],
      ['error', 'unknown rule "DA777"'],
    ],
  );
});

test('did-you-mean: transpositions count once; far words get no suggestion', () => {
  assert.equal(editDistance('prots', 'ports'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(didYouMean('failLevl', ['failLevel', 'format']), 'failLevel');
  assert.equal(didYouMean('xyz', ['failLevel', 'format']), undefined);
});

test('config readers never throw, whatever the text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a: [', '{', '- - -', 'rules: {__proto__: x}', '? [a]\n: b', '&a [*a]')), (t) => {
      const a = parseConfigText(t, 'c.yaml', testRules);
      const b = readHadolintConfig(t, 'h.yaml', testRules);
      return Array.isArray(a.errors) && Array.isArray(b.errors);
    }),
    { numRuns: 300 },
  );
});
