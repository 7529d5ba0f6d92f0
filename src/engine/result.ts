/**
 * What auditing one file produces, and its hardening score.
 */
import type { Finding, Rule, Severity } from '../rules/types.js';
import type { Range, SourceFile } from '../source.js';

/** The message id of the finding that stands for a rule that crashed (also exported by `run.ts`). */
export const INTERNAL_ERROR = 'internal-error';

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
export function hardeningScore(ran: readonly RanCheck[], findings: readonly Finding[], hasErrors: boolean): number {
  if (hasErrors) return 0;
  const weights = weightsOfRan.get(ran) ?? scoreWeights(ran);
  // start from every check passing, then take out the crashed rules and mark down the failed ones
  let possible = weights.possible;
  let earned = weights.possible;
  let worst: Map<string, Severity> | undefined;
  let crashed: Set<string> | undefined;
  for (const f of findings) {
    if (f.messageId === INTERNAL_ERROR) {
      (crashed ??= new Set()).add(f.ruleId);
      continue;
    }
    if (f.suppressed) continue;
    worst ??= new Map();
    const w = worst.get(f.ruleId);
    if (w === undefined || SCORE_WEIGHTS[f.severity] > SCORE_WEIGHTS[w]) worst.set(f.ruleId, f.severity);
  }
  if (crashed !== undefined) {
    for (const id of crashed) {
      const c = weights.byId.get(id);
      if (c === undefined) continue;
      possible -= c.weight;
      earned -= c.weight;
    }
  }
  if (worst !== undefined) {
    for (const [id, severity] of worst) {
      const c = weights.byId.get(id);
      if (c === undefined || crashed?.has(id)) continue;
      // each of the rule's checks is now worth its worst finding's weight, and earns nothing
      possible += c.checks * SCORE_WEIGHTS[severity] - c.weight;
      earned -= c.weight;
    }
  }
  return possible === 0 ? 100 : Math.round((100 * earned) / possible);
}

/** One check of `hardeningScore`: a rule that ran and its effective severity. */
export interface RanCheck {
  readonly rule: Rule;
  readonly severity: Severity;
}

/** What `hardeningScore` needs from the rules that ran, summed per rule ID. */
interface ScoreWeights {
  /** Sum of every check's weight. */
  readonly possible: number;
  /** Per rule ID: its number of checks (more than one only when a rule list repeats a rule) and their summed weight. */
  readonly byId: ReadonlyMap<string, { readonly checks: number; readonly weight: number }>;
}

function scoreWeights(ran: readonly RanCheck[]): ScoreWeights {
  let possible = 0;
  const byId = new Map<string, { checks: number; weight: number }>();
  for (const { rule, severity } of ran) {
    const weight = SCORE_WEIGHTS[severity];
    possible += weight;
    const c = byId.get(rule.meta.id);
    if (c === undefined) byId.set(rule.meta.id, { checks: 1, weight });
    else {
      c.checks++;
      c.weight += weight;
    }
  }
  return { possible, byId };
}

/** Weights of the rule lists the engine made (`frozenRan`), worked out once per list rather than per file. */
const weightsOfRan = new WeakMap<readonly RanCheck[], ScoreWeights>();

/**
 * Freezes a list of rules that ran, and its entries, and remembers its score weights: `hardeningScore` then scores a
 * file from its findings alone (summing the weights of ~100 rules per file was ~15 ms of CPU over the 1,475-file
 * corpus). Frozen, the list and its entries cannot change under the remembered weights.
 */
export function frozenRan<T extends RanCheck>(ran: T[]): readonly T[] {
  for (const e of ran) Object.freeze(e);
  Object.freeze(ran);
  weightsOfRan.set(ran, scoreWeights(ran));
  return ran;
}
