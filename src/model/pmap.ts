/**
 * A small persistent (immutable, structurally shared) string-keyed map, so that every instruction can keep the
 * scope in effect without copying it. Layers of decreasing size, merged like a binary counter: `with` costs
 * amortised O(log n) when versions are extended in order (the model's case), `get` looks at O(log n) layers.
 * Values may not be `undefined` or `null`, so that one `Map.get` per layer answers `get`.
 */
export class PersistentMap<V extends NonNullable<unknown>> implements ReadonlyMap<string, V> {
  /** Oldest (largest) layer first; a key in a later layer overrides earlier ones. */
  private constructor(private readonly layers: readonly ReadonlyMap<string, V>[]) {}

  static empty<V extends NonNullable<unknown>>(): PersistentMap<V> {
    return new PersistentMap<V>([]);
  }

  static from<V extends NonNullable<unknown>>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    const m = new Map<string, V>(entries);
    return new PersistentMap<V>(m.size > 0 ? [m] : []);
  }

  /** A new map with `key` set to `value`. */
  with(key: string, value: V): PersistentMap<V> {
    // (no spread or entry arrays: this runs for every ARG/ENV/LABEL binding of every file)
    const one = new Map<string, V>();
    one.set(key, value);
    const layers = this.layers.slice();
    layers.push(one);
    for (;;) {
      const n = layers.length;
      const last = layers[n - 1]!;
      const prev = layers[n - 2];
      if (prev === undefined || last.size < prev.size) break;
      const merged = new Map(prev);
      for (const [k, v] of last) merged.set(k, v);
      layers.splice(n - 2, 2, merged);
    }
    return new PersistentMap(layers);
  }

  get(key: string): V | undefined {
    // one lookup per layer (`has` then `get` was two): asked for every variable of every word expanded. Values are
    // never undefined (see the class's type parameter), so `undefined` means absent.
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const v = this.layers[i]!.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.layers.some((l) => l.has(key));
  }

  get size(): number {
    let n = 0;
    for (const _ of this.entries()) n++;
    return n;
  }

  *entries(): MapIterator<[string, V]> {
    const seen = new Set<string>();
    for (let i = this.layers.length - 1; i >= 0; i--) {
      for (const [k, v] of this.layers[i]!) {
        if (seen.has(k)) continue;
        seen.add(k);
        yield [k, v];
      }
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(cb: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this);
  }
}
