import type { FileResult } from '../engine/result.js';
import type { Finding, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
  /** Project home page (SARIF `informationUri`). */
  readonly informationUri?: string;
}

export interface Summary {
  readonly files: number;
  /** Unsuppressed findings. */
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly suppressed: number;
  /** Files with errors (could not be audited completely). */
  readonly filesWithErrors: number;
  readonly errors: number;
  /** Lowest file score (the weakest file decides), 100 when there are no files. */
  readonly minScore: number;
  /** Mean of the file scores, rounded; 100 when there are no files. */
  readonly averageScore: number;
}

export function activeFindings(r: FileResult): Finding[] {
  return r.findings.filter((f) => !f.suppressed);
}

/**
 * A report written piece by piece, so that a run over many files holds one file's result at a time: `start()`, then
 * `file(r)` for each file in order, then `end()`. Concatenated, the pieces equal the format's whole-run function
 * (`formatText`, `formatJson`, `formatSarif`, which are built on these writers).
 */
export interface ReportWriter {
  start(): string;
  /** This file's part of the report (possibly empty: a format may hold parts back until `end`). */
  file(r: FileResult): string;
  end(): string;
}

/** Counts what `Summary` needs, one file at a time (nothing of the file is kept). */
export class SummaryCounter {
  private readonly bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  private files = 0;
  private findings = 0;
  private suppressed = 0;
  private errors = 0;
  private filesWithErrors = 0;
  private minScore = Infinity;
  private scoreSum = 0;

  add(r: FileResult): void {
    this.files++;
    for (const f of r.findings) {
      if (f.suppressed) this.suppressed++;
      else {
        this.findings++;
        this.bySeverity[f.severity]++;
      }
    }
    this.errors += r.errors.length;
    if (r.errors.length > 0) this.filesWithErrors++;
    if (r.score < this.minScore) this.minScore = r.score;
    this.scoreSum += r.score;
  }

  summary(): Summary {
    return {
      files: this.files,
      findings: this.findings,
      bySeverity: { ...this.bySeverity },
      suppressed: this.suppressed,
      filesWithErrors: this.filesWithErrors,
      errors: this.errors,
      minScore: this.files === 0 ? 100 : this.minScore,
      averageScore: this.files === 0 ? 100 : Math.round(this.scoreSum / this.files),
    };
  }
}

export function summarize(results: readonly FileResult[]): Summary {
  const counter = new SummaryCounter();
  for (const r of results) counter.add(r);
  return counter.summary();
}

/**
 * `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep in a larger document (`depth` ≥ 1), for
 * documents written piece by piece. The value is stringified inside `depth` one-element arrays, which puts it at the
 * right indentation, and the arrays' brackets are cut off: a substring, where re-indenting every line afterwards cost
 * as much again as the stringify.
 */
export function nestedJson(value: unknown, depth: number): string {
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  // "[\n  [\n    " before the value and "\n  ]\n]" after it, for depth 2
  const head = depth * 2 + depth * (depth + 1);
  const tail = depth * 2 + depth * (depth - 1);
  const text = JSON.stringify(wrapped, null, 2);
  return text.slice(head, text.length - tail);
}

/** 1-based line/column of a finding's start and end (end column exclusive). */
export function findingPosition(r: FileResult, f: Finding): { line: number; column: number; endLine: number; endColumn: number } {
  const s = r.source.positionAt(f.range.start);
  const e = r.source.positionAt(f.range.end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}
