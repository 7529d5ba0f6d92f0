/**
 * The regexes rewritten as loops for ReDoS safety behave exactly like the originals (compared on short random
 * strings, where the originals are fast).
 */
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import fc from 'fast-check';
import { stripQueryAndFragment, trimTrailingSlashes } from '../../src/shell/dataflow.js';
import { toolKey } from '../../src/shell/options.js';

const text = fc.array(fc.constantFrom('/', '?', '#', '\n', 'a', '.', '1', 'c', '-', 'C', 'é'), { maxLength: 12 }).map((a) => a.join(''));

it('trimTrailingSlashes = replace(/\\/+$/, "")', () => {
  fc.assert(fc.property(text, (s) => assert.equal(trimTrailingSlashes(s), s.replace(/\/+$/, ''))), { numRuns: 2000, seed: 1 });
});

it('stripQueryAndFragment = replace(/[?#].*$/, "")', () => {
  fc.assert(fc.property(text, (s) => assert.equal(stripQueryAndFragment(s), s.replace(/[?#].*$/, ''))), { numRuns: 2000, seed: 2 });
});

it('toolKey strips versions of perl/ruby/php as replace(/[0-9.]+$/, "") did', () => {
  for (const n of ['perl', 'perl5', 'perl5.36', 'ruby3.2', 'php8', 'php8.2', 'php', 'ruby']) {
    assert.equal(toolKey(n), n.replace(/[0-9.]+$/, ''));
  }
});
