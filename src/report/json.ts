/**
 * JSON report: one object for the whole run, stable field order, 1-based positions, `endColumn` exclusive.
 * Suppressed findings are left out of `findings` and counted in `summary.suppressed`; with `showSuppressed` they are
 * listed too, each with `"suppressed": { "kind", "justification"? }`.
 */
import type { FileResult } from '../engine/result.js';
import type { ReportWriter, ToolInfo } from './types.js';
import type { Finding } from '../rules/types.js';
import { activeFindings, findingPosition, nestedJson, SummaryCounter } from './types.js';

export interface JsonOptions {
  readonly showSuppressed?: boolean;
}

export function formatJson(results: readonly FileResult[], tool: ToolInfo, options: JsonOptions = {}): string {
  const w = jsonReportWriter(tool, options);
  let out = w.start();
  for (const r of results) out += w.file(r);
  return out + w.end();
}

function fileObject(r: FileResult, options: JsonOptions) {
  return {
    path: r.path,
    findings: (options.showSuppressed ? r.findings : activeFindings(r)).map((f) => findingObject(r, f)),
    errors: r.errors.map((e) => ({ message: e.message, line: e.line, column: e.column })),
    score: r.score,
  };
}

/** One finding of the report: literals in the report's key order (spreading the position into it was a generic
 * property copy per finding). */
function findingObject(r: FileResult, f: Finding) {
  const { line, column, endLine, endColumn } = findingPosition(r, f);
  const { ruleId, ruleName, severity, category, message } = f;
  if (!f.suppressed) return { ruleId, ruleName, severity, category, message, line, column, endLine, endColumn };
  const j = f.suppressed.justification;
  const suppressed = j ? { kind: f.suppressed.kind, justification: j } : { kind: f.suppressed.kind };
  return { ruleId, ruleName, severity, category, message, line, column, endLine, endColumn, suppressed };
}

/**
 * The JSON report piece by piece (see `ReportWriter`), byte for byte what `JSON.stringify(doc, null, 2)` of the
 * whole document gives: `{ tool, files: [...], summary }`.
 */
export function jsonReportWriter(tool: ToolInfo, options: JsonOptions = {}): ReportWriter {
  const counter = new SummaryCounter();
  let count = 0;
  return {
    start: () => `{\n  "tool": ${nestedJson({ name: tool.name, version: tool.version }, 1)},\n  "files": [`,
    file(r) {
      counter.add(r);
      return (count++ === 0 ? '\n    ' : ',\n    ') + nestedJson(fileObject(r, options), 2);
    },
    end: () => `${count === 0 ? ']' : '\n  ]'},\n  "summary": ${nestedJson(counter.summary(), 1)}\n}\n`,
  };
}
