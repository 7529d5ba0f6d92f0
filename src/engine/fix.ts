/**
 * Applying fixes: edits of non-overlapping fixes are applied together; a fix whose edits overlap an edit already
 * taken is skipped (a second pass may apply it after re-auditing), as ESLint does.
 */
import type { Finding, TextEdit } from '../rules/types.js';

export interface FixResult {
  readonly output: string;
  readonly applied: readonly Finding[];
  readonly skipped: readonly Finding[];
}

export function applyFixes(text: string, findings: readonly Finding[], kinds: readonly ('safe' | 'unsafe')[] = ['safe']): FixResult {
  const candidates = findings
    .filter((f) => f.fix && f.fix.edits.length > 0 && !f.suppressed && kinds.includes(f.fix.kind))
    .map((f) => ({ f, edits: [...f.fix!.edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end) }))
    .sort((a, b) => a.edits[0]!.range.start - b.edits[0]!.range.start);
  const taken: TextEdit[] = [];
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  const overlaps = (a: TextEdit, b: TextEdit): boolean =>
    a.range.start < b.range.end && b.range.start < a.range.end ||
    (a.range.start === b.range.start && (a.range.start === a.range.end || b.range.start === b.range.end));
  for (const c of candidates) {
    const bad =
      c.edits.some((e) => e.range.start < 0 || e.range.end > text.length || e.range.start > e.range.end) ||
      c.edits.some((e, i) => i > 0 && overlaps(c.edits[i - 1]!, e)) ||
      c.edits.some((e) => taken.some((t) => overlaps(t, e)));
    if (bad) skipped.push(c.f);
    else {
      taken.push(...c.edits);
      applied.push(c.f);
    }
  }
  taken.sort((a, b) => a.range.start - b.range.start);
  let out = '';
  let at = 0;
  for (const e of taken) {
    out += text.slice(at, e.range.start) + e.text;
    at = e.range.end;
  }
  out += text.slice(at);
  return { output: out, applied, skipped };
}
