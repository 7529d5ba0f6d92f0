/**
 * Optional timing hooks for benchmarks. When an `AuditOptions.timings` object is passed, each phase adds its
 * wall-clock milliseconds to it (and each rule to `ruleMs`); when absent, nothing is measured (no clock reads).
 */

export interface PhaseTimings {
  /** Decoding the bytes and parsing the Dockerfile. */
  decodeParse: number;
  /** Building the model, without the shell layer. */
  model: number;
  /** The shell layer (tree-sitter-bash parsing, command model, dataflow) inside model building. */
  shell: number;
  /** Running the rules and the suppression pass. */
  rules: number;
  /** Formatting reports (filled in by the caller that formats). */
  report: number;
  /** Milliseconds per rule ID. */
  readonly ruleMs: Map<string, number>;
}

export function createTimings(): PhaseTimings {
  return { decodeParse: 0, model: 0, shell: 0, rules: 0, report: 0, ruleMs: new Map() };
}

/** Adds `b` into `a` (e.g. timings gathered in worker threads). */
export function addTimings(a: PhaseTimings, b: PhaseTimings): void {
  a.decodeParse += b.decodeParse;
  a.model += b.model;
  a.shell += b.shell;
  a.rules += b.rules;
  a.report += b.report;
  for (const [id, ms] of b.ruleMs) a.ruleMs.set(id, (a.ruleMs.get(id) ?? 0) + ms);
}
