import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { perModel, perModelAnd } from '../../src/model/memo.js';

describe('per-model memoisation (rule helpers)', () => {
  it('perModel builds once per model, separately for each model and each helper, undefined included', () => {
    let calls = 0;
    const size = perModel((m: { n: number }) => (calls++, { n: m.n }));
    const nothing = perModel((_m: { n: number }) => (calls++, undefined));
    const a = { n: 1 };
    const b = { n: 2 };
    const first = size(a);
    assert.equal(size(a), first);
    assert.notEqual(size(b), first);
    assert.equal(size(b).n, 2);
    assert.equal(nothing(a), undefined);
    assert.equal(nothing(a), undefined);
    assert.equal(calls, 3);
  });

  it('perModelAnd builds once per model and key; the key function lets fresh arrays share an answer', () => {
    const seen: string[] = [];
    const byKinds = perModelAnd(
      (m: { id: string }, kinds: readonly string[]) => (seen.push(`${m.id}:${kinds.join('+')}`), [...kinds]),
      (kinds) => kinds.join(','),
    );
    const a = { id: 'a' };
    const b = { id: 'b' };
    const runs = byKinds(a, ['RUN']);
    assert.equal(byKinds(a, ['RUN']), runs); // a new array with the same kinds
    assert.deepEqual(byKinds(a, ['RUN', 'CMD']), ['RUN', 'CMD']);
    assert.notEqual(byKinds(b, ['RUN']), runs);
    assert.deepEqual(seen, ['a:RUN', 'a:RUN+CMD', 'b:RUN']);
    // without a key function the argument itself is the key
    const byObject = perModelAnd((_m: object, o: object) => ({ o }));
    const k1 = {};
    assert.equal(byObject(a, k1), byObject(a, k1));
    assert.notEqual(byObject(a, k1), byObject(a, {}));
  });
});
