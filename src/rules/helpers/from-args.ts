import { closestWord } from './suggest.js';
import { processWord, UNKNOWN } from '../../model/expand.js';
import type { EnvValue } from '../../model/expand.js';
import type { DockerfileModel } from '../../model/types.js';
import type { Range } from '../../source.js';

/** Where `$NAME` / `${NAME…}` is written inside `range` of the source, or null. */
export function variableRange(model: DockerfileModel, range: Range, name: string): Range | null {
  const text = model.source.text.slice(range.start, range.end);
  let from = 0;
  for (;;) {
    const i = text.indexOf('$', from);
    if (i < 0) return null;
    const brace = text[i + 1] === '{';
    const s = i + (brace ? 2 : 1);
    const after = text[s + name.length];
    if (text.startsWith(name, s) && (after === undefined || !/[A-Za-z0-9_]/.test(after))) {
      let end = s + name.length;
      if (brace) {
        const close = text.indexOf('}', end);
        end = close < 0 ? end : close + 1;
      }
      return { start: range.start + i, end: range.start + end };
    }
    from = i + 1;
  }
}

/**
 * Expands a FROM word the way BuildKit's lint checks do before any `--build-arg`: global ARGs take their defaults,
 * ARGs without default are unset. Built-in platform variables stay unknown. Returns null when the result is not
 * fully known.
 */
export function expandWithDefaults(model: DockerfileModel, word: string): { value: string } | null {
  const vars = model.globalScope.vars;
  const lookup = (name: string): EnvValue | undefined => {
    const b = vars.get(name);
    if (!b) return undefined;
    if (typeof b.value === 'string') return b.value;
    if (b.kind === 'builtin') return UNKNOWN;
    // an ARG without a default (or one built from such ARGs): unset before --build-arg
    const def = b.definedAt && b.definedAt.kind === 'ARG' ? b.definedAt.definitions.find((d) => d.name === name) : undefined;
    return def && def.value !== null ? UNKNOWN : undefined;
  };
  const r = processWord(word, lookup, { escape: model.escape });
  if (!r.ok || r.unknown) return null;
  return { value: r.value };
}

/** The closest name (case-insensitive edit distance ≤ max(2, len/3)), for "did you mean" hints. */
export function suggestName(word: string, candidates: Iterable<string>): string | undefined {
  return closestWord(word, candidates, 2);
}
