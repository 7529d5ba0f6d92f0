import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PersistentMap } from '../../src/model/pmap.js';

describe('PersistentMap', () => {
  it('behaves like a Map and keeps old versions intact', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer()), { maxLength: 80 }), (ops) => {
        let p = PersistentMap.empty<number>();
        const m = new Map<string, number>();
        const versions: [PersistentMap<number>, Map<string, number>][] = [];
        for (const [k, v] of ops) {
          p = p.with(k, v);
          m.set(k, v);
          versions.push([p, new Map(m)]);
        }
        for (const [pv, mv] of versions) {
          assert.equal(pv.size, mv.size);
          for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'z']) {
            assert.equal(pv.get(k), mv.get(k));
            assert.equal(pv.has(k), mv.has(k));
          }
          assert.deepEqual(new Map([...pv].sort()), new Map([...mv].sort()));
        }
      }),
    );
  });
  it('from() and iteration helpers', () => {
    const p = PersistentMap.from([['x', 1]]).with('y', 2);
    assert.deepEqual([...p.keys()].sort(), ['x', 'y']);
    assert.deepEqual([...p.values()].sort(), [1, 2]);
    const seen: string[] = [];
    p.forEach((_v, k) => seen.push(k));
    assert.equal(seen.length, 2);
  });
});

describe('PersistentMap iteration order', () => {
  it('lists the newest layer first, each layer in insertion order, a key where it was last set; repeatable', () => {
    let p = PersistentMap.empty<number>();
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3], ['a', 4], ['d', 5]] as const) p = p.with(k, v);
    // layers after the binary-counter merges: {a:4,b:2,c:3} (merged, a overwritten in place), then {d:5}
    assert.deepEqual([...p.entries()], [['d', 5], ['a', 4], ['b', 2], ['c', 3]]);
    assert.deepEqual([...p.keys()], ['d', 'a', 'b', 'c']);
    assert.deepEqual([...p.values()], [5, 4, 2, 3]);
    assert.deepEqual([...p], [...p.entries()]);
    assert.equal(p.size, 4);
    const seen: string[] = [];
    p.forEach((v, k, m) => seen.push(`${k}=${v}:${m === p}`));
    assert.deepEqual(seen, ['d=5:true', 'a=4:true', 'b=2:true', 'c=3:true']);
  });
});
