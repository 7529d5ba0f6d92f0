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

export function summarize(results: readonly FileResult[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let findings = 0;
  let suppressed = 0;
  let errors = 0;
  let filesWithErrors = 0;
  for (const r of results) {
    for (const f of r.findings) {
      if (f.suppressed) suppressed++;
      else {
        findings++;
        bySeverity[f.severity]++;
      }
    }
    errors += r.errors.length;
    if (r.errors.length > 0) filesWithErrors++;
  }
  const scores = results.map((r) => r.score);
  return {
    files: results.length,
    findings,
    bySeverity,
    suppressed,
    filesWithErrors,
    errors,
    minScore: scores.length === 0 ? 100 : Math.min(...scores),
    averageScore: scores.length === 0 ? 100 : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length),
  };
}

/** 1-based line/column of a finding's start and end (end column exclusive). */
export function findingPosition(r: FileResult, f: Finding): { line: number; column: number; endLine: number; endColumn: number } {
  const s = r.source.positionAt(f.range.start);
  const e = r.source.positionAt(f.range.end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}
