/**
 * JSON report: one object for the whole run, stable field order, 1-based positions, `endColumn` exclusive.
 * Suppressed findings are left out of `findings` and counted in `summary.suppressed`; with `showSuppressed` they are
 * listed too, each with `"suppressed": { "kind", "justification"? }`.
 */
import type { FileResult } from '../engine/result.js';
import type { ToolInfo } from './types.js';
import { activeFindings, findingPosition, summarize } from './types.js';

export function formatJson(results: readonly FileResult[], tool: ToolInfo, options: { readonly showSuppressed?: boolean } = {}): string {
  const doc = {
    tool: { name: tool.name, version: tool.version },
    files: results.map((r) => ({
      path: r.path,
      findings: (options.showSuppressed ? r.findings : activeFindings(r)).map((f) => ({
        ruleId: f.ruleId,
        ruleName: f.ruleName,
        severity: f.severity,
        category: f.category,
        message: f.message,
        ...findingPosition(r, f),
        ...(f.suppressed ? { suppressed: { kind: f.suppressed.kind, ...(f.suppressed.justification ? { justification: f.suppressed.justification } : {}) } } : {}),
      })),
      errors: r.errors.map((e) => ({ message: e.message, line: e.line, column: e.column })),
      score: r.score,
    })),
    summary: summarize(results),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
