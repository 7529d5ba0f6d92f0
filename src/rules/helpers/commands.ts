/**
 * Iterating the shell commands of a model's instructions, and pointing into words. Shared by the privilege and
 * secret rules.
 */
import type { InstructionKind } from '../../parser/ast.js';
import type { InstructionFacts } from '../../model/types.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';
import type { Word } from '../../shell/types.js';
import type { Range } from '../../source.js';
import { perModelAnd } from './memo.js';

export interface CommandSite {
  readonly facts: InstructionFacts;
  readonly script: ShellScript;
  readonly command: ShellCommand;
}

/** Results per facts array (usually `model.instructions`) and kinds: computed once, shared (do not modify them). */
const sitesOf = perModelAnd(collectSites, (kinds: readonly InstructionKind[]) => kinds.join(','));

/**
 * Every simple command run by instructions of the given kinds (default: RUN), ONBUILD triggers included (each
 * once: the ONBUILD wrapper itself is skipped, its trigger has its own facts), in file order.
 */
export function commandSites(
  facts: readonly InstructionFacts[],
  kinds: readonly InstructionKind[] = ['RUN'],
): readonly CommandSite[] {
  return sitesOf(facts, kinds);
}

function collectSites(facts: readonly InstructionFacts[], kinds: readonly InstructionKind[]): CommandSite[] {
  const out: CommandSite[] = [];
  for (const f of facts) {
    if (f.instruction.kind === 'ONBUILD' || !kinds.includes(f.instruction.kind)) continue;
    for (const script of f.shell ?? []) for (const command of script.all) out.push({ facts: f, script, command });
  }
  return out;
}

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
