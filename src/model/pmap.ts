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
    let top = new Map<string, V>();
    top.set(key, value);
    // merge the new layer into the layers before it that are not larger (binary counter carry)
    let n = this.layers.length;
    while (n > 0 && this.layers[n - 1]!.size <= top.size) {
      const merged = new Map(this.layers[n - 1]!);
      for (const [k, v] of top) merged.set(k, v);
      top = merged;
      n--;
    }
    // an exact-size array (every version of every scope stays with the model; one grown by `push` has room for 16
    // more layers)
    const layers = new Array<ReadonlyMap<string, V>>(n + 1);
    for (let i = 0; i < n; i++) layers[i] = this.layers[i]!;
    layers[n] = top;
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
    return this.flat().size;
  }

  /**
   * Every entry once, in iteration order (newest layer first, each layer in insertion order, a key where it was last
   * set), made on the first iteration and kept: the map is immutable, and rules iterate the same scopes again and
   * again (a generator with a set of seen keys per iteration was 3 % of all a corpus run allocated).
   */
  #flat: ReadonlyMap<string, V> | null = null;
  private flat(): ReadonlyMap<string, V> {
    if (this.#flat === null) {
      if (this.layers.length === 1) this.#flat = this.layers[0]!;
      else {
        const m = new Map<string, V>();
        for (let i = this.layers.length - 1; i >= 0; i--) for (const [k, v] of this.layers[i]!) if (!m.has(k)) m.set(k, v);
        this.#flat = m;
      }
    }
    return this.#flat;
  }

  entries(): MapIterator<[string, V]> {
    return this.flat().entries();
  }

  keys(): MapIterator<string> {
    return this.flat().keys();
  }

  values(): MapIterator<V> {
    return this.flat().values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.flat().entries();
  }

  forEach(cb: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.flat()) cb.call(thisArg, v, k, this);
  }
}
