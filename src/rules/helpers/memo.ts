/**
 * Per-model memoisation for rule helpers: `perModel(build)` computes `build(model)` once per model and keeps it only
 * while the model lives (a WeakMap). Results are shared by every rule of the file: callers must not modify them.
 */
export function perModel<K extends object, T>(build: (key: K) => T): (key: K) => T {
  const cache = new WeakMap<K, T>();
  return (key: K): T => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = build(key);
    cache.set(key, value);
    return value;
  };
}
