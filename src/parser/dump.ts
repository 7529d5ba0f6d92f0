/**
 * BuildKit's `Node.Dump()` text for a parsed Dockerfile: one `(keyword ["flags"] "arg" ...)` line per instruction,
 * keywords lower-cased, strings quoted like Go's `strconv.Quote`, ONBUILD triggers nested.
 */
import type { Dockerfile, Instruction } from './ast.js';
import { goQuote, trimSpaceBounds } from './text.js';

function goTrim(s: string): string {
  const [a, b] = trimSpaceBounds(s);
  return s.slice(a, b);
}

/** `Node.Dump()` of one instruction node (without the surrounding parentheses). */
export function dumpInstruction(ins: Instruction): string {
  let str = ins.rawKeyword.toLowerCase();
  if (ins.flags.length > 0) str += ' [' + ins.flags.map((f) => goQuote(f.raw)).join(' ') + ']';
  if (ins.kind === 'ONBUILD' && ins.trigger) {
    // the trigger is the child of ONBUILD's first `Next` node
    str += ' ' + goTrim('(' + dumpInstruction(ins.trigger) + ')\n');
  } else {
    for (const a of ins.args) str += ' ' + goQuote(a.value);
  }
  return goTrim(str);
}

export function dump(df: Dockerfile): string {
  let out = '';
  for (const ins of df.instructions) out += '(' + dumpInstruction(ins) + ')\n';
  return goTrim(out);
}
