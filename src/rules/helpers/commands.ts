/**
 * Pointing into words and reading what is piped into a command. Shared by the privilege and secret rules (the
 * commands of a model's RUNs: `runCommandsOfModel` in command-index.ts).
 */
import type { ShellCommand } from '../../shell/index.js';
import type { Word } from '../../shell/types.js';
import type { Range } from '../../source.js';

/**
 * The source range of `raw.slice(from, to)` of a word, when the word's source text is its raw text (no line
 * continuation inside it); otherwise the whole word.
 */
export function wordSubRange(w: Word, from: number, to: number): Range {
  if (w.range.end - w.range.start !== w.raw.length || from < 0 || to > w.raw.length || from >= to) return w.range;
  return { start: w.range.start + from, end: w.range.start + to };
}

/** True when the word has no variable, substitution or other dynamic part. */
export function isLiteral(w: Word): boolean {
  return !w.dynamic && w.value !== null;
}

/** Commands piping into `c` whose output is a literal text (`echo 'a:b'`, `printf '%s\n' x`), with that text. */
export function literalStdin(c: ShellCommand): { readonly text: string; readonly words: readonly Word[] } | null {
  const from = c.stdinFrom;
  if (from !== null && (from.name === 'echo' || from.name === 'printf')) {
    const ops = from.name === 'echo' ? from.operands : from.args.filter((w) => !(w.value ?? '').startsWith('-'));
    if (ops.length === 0 || ops.some((w) => !isLiteral(w))) return null;
    return { text: ops.map((w) => w.value!).join(' '), words: ops };
  }
  for (const r of c.redirects) {
    if (r.op === '<<<' && r.target !== null && isLiteral(r.target)) return { text: r.target.value!, words: [r.target] };
  }
  return null;
}
