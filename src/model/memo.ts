/**
 * Per-model memoisation for the model's query helpers (src/model/build.ts) and the rules' helpers: `perModel(build)`
 * computes `build(model)` once per model and keeps it only while the model lives. Results are shared by every rule of
 * the file: callers must not modify them.
 *
 * Every helper's result for one model sits in one array, kept in a hidden (non-enumerable, symbol-keyed) property of
 * the model itself. A WeakMap keyed by the model did the same job, but V8's young-generation collector treats the
 * values of an old WeakMap as live even when their key is dead: every finished file's cached lists, and through them
 * most of its model, were copied by the next scavenges (105 MB survived per corpus run, 31–34 MB with the property
 * and the shell walker's fix; see docs/performance.md). A frozen key cannot take the property and falls back to a
 * WeakMap.
 */
const SLOTS: unique symbol = Symbol('dockaudit.perModel');
const slotsOf = new WeakMap<object, unknown[]>();
/** Marks a slot whose value is not computed yet (a helper may return undefined). */
const NOT_YET: unique symbol = Symbol('not yet');
/** Slots handed out so far (one per `perModel` call, all made when the helper modules load). */
let slotCount = 0;

/** The slots of `key`, made (as a hidden property, or in the WeakMap for a frozen key) when it has none yet. */
function slotsFor(key: object): unknown[] {
  let slots = (key as { [SLOTS]?: unknown[] })[SLOTS] ?? slotsOf.get(key);
  if (slots === undefined) {
    slots = new Array<unknown>(slotCount).fill(NOT_YET);
    if (Object.isExtensible(key)) Object.defineProperty(key, SLOTS, { value: slots });
    else slotsOf.set(key, slots);
  }
  return slots;
}

/**
 * Gives a new model its (empty) slots at once: `buildModel` calls it on the object it returns, so every model has the
 * hidden property from the start and one hidden class, instead of a second one from the first helper call on.
 */
export function prepareSlots(model: object): void {
  slotsFor(model);
}

export function perModel<K extends object, T>(build: (key: K) => T): (key: K) => T {
  const slot = slotCount++;
  return (key: K): T => {
    // the common case first, without a call: the key has its slots and this one is filled (the rules call these
    // helpers ~200,000 times over the corpus; the call into `slotsFor` was half of what each cost)
    const own = (key as { [SLOTS]?: unknown[] })[SLOTS];
    if (own !== undefined && slot < own.length) {
      const known = own[slot];
      if (known !== NOT_YET) return known as T;
    }
    const slots = own ?? slotsFor(key);
    // a helper made after this model's slots were (none is today): grow them
    while (slots.length <= slot) slots.push(NOT_YET);
    const known = slots[slot];
    if (known !== NOT_YET) return known as T;
    const value = build(key);
    slots[slot] = value;
    return value;
  };
}

/**
 * `perModel` for helpers with one more argument: `build(model, arg)` computed once per model and `keyOf(arg)` (the
 * argument itself by default; e.g. a joined list of kinds for a list made afresh by each caller).
 */
export function perModelAnd<K extends object, A, T extends object>(
  build: (key: K, arg: A) => T,
  keyOf: (arg: A) => unknown = (arg) => arg,
): (key: K, arg: A) => T {
  const byArg = perModel((_key: K) => new Map<unknown, T>());
  return (key: K, arg: A): T => {
    const known = byArg(key);
    const k = keyOf(arg);
    let value = known.get(k);
    if (value === undefined) {
      value = build(key, arg);
      known.set(k, value);
    }
    return value;
  };
}
