/**
 * What auditing one file produces, and its hardening score.
 */
import type { Finding, Rule, Severity } from '../rules/types.js';
import type { Range, SourceFile } from '../source.js';
import { INTERNAL_ERROR } from './run.js';

/** A problem that kept the file from being audited completely (a parse error BuildKit would refuse, an I/O error). */
export interface FileError {
  /** Stable code: a parse diagnostic code (`unterminated-heredoc`, `invalid-utf8`…) or `read-error`. */
  readonly code: string;
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, UTF-16 code units. */
  readonly column: number;
  readonly range?: Range;
}

export interface FileResult {
  /** The path as given (relative paths stay relative). */
  readonly path: string;
  readonly source: SourceFile;
  /** Sorted by position then rule ID; suppressed findings are kept with `suppressed` set. */
  readonly findings: readonly Finding[];
  readonly errors: readonly FileError[];
  /** Problems that did not stop the audit (malformed or misplaced suppression comments); absent when none. */
  readonly warnings?: readonly FileError[];
  /** Hardening score 0–100, see `hardeningScore`. */
  readonly score: number;
}

/**
 * Weight of a check by severity, as in Lynis's hardening index where each test is worth points: passing a test
 * earns its points, failing it earns none.
 */
export const SCORE_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 6, medium: 3, low: 1, info: 0 };

/**
 * Hardening score of one file, 0–100 (Lynis-like: points earned / points possible).
 *
 * Every rule that ran on the file is one check. A check's weight is `SCORE_WEIGHTS` of the highest severity among its
 * unsuppressed findings, or of its effective severity (after overrides) when it has none. A check without findings
 * earns its weight; a check with findings earns 0. `score = round(100 × earned / possible)`; 100 when nothing is
 * possible (no weighted rules ran). Suppressed findings count as passed. A rule that crashed (`internal-error`) is left
 * out of both sums. A file with errors (it could not be parsed or read, so BuildKit would not build it) scores 0.
 */
export function hardeningScore(
  ran: readonly { readonly rule: Rule; readonly severity: Severity }[],
  findings: readonly Finding[],
  hasErrors: boolean,
): number {
  if (hasErrors) return 0;
  const worst = new Map<string, Severity>();
  const crashed = new Set<string>();
  for (const f of findings) {
    if (f.messageId === INTERNAL_ERROR) {
      crashed.add(f.ruleId);
      continue;
    }
    if (f.suppressed) continue;
    const w = worst.get(f.ruleId);
    if (w === undefined || SCORE_WEIGHTS[f.severity] > SCORE_WEIGHTS[w]) worst.set(f.ruleId, f.severity);
  }
  let possible = 0;
  let earned = 0;
  for (const { rule, severity } of ran) {
    if (crashed.has(rule.meta.id)) continue;
    const failed = worst.get(rule.meta.id);
    const weight = SCORE_WEIGHTS[failed ?? severity];
    possible += weight;
    if (failed === undefined) earned += weight;
  }
  return possible === 0 ? 100 : Math.round((100 * earned) / possible);
}
