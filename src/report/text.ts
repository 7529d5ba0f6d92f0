/**
 * Human-readable report: findings grouped by file, each with its position, severity, rule ID and name, message and a
 * code frame underlining the exact range; then a summary with counts per severity and the score. ANSI colour only
 * when `color` is true (the CLI decides from --no-color, NO_COLOR, FORCE_COLOR and the TTY).
 */
import type { FileResult } from '../engine/result.js';
import type { Finding, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import type { SourceFile } from '../source.js';
import type { ReportWriter, Summary, ToolInfo } from './types.js';
import { activeFindings, findingPosition, SummaryCounter } from './types.js';

export interface TextOptions {
  readonly color?: boolean;
  /** Only the summary line and file errors, no findings. */
  readonly quiet?: boolean;
  /** Lines of the range shown in a code frame before eliding the rest. */
  readonly maxFrameLines?: number;
  /** Also list suppressed findings, marked as such (`--show-suppressed`). */
  readonly showSuppressed?: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, underline: 4 } as const;
type Style = keyof typeof CODES;

function painter(enabled: boolean) {
  return (style: Style, s: string): string => (enabled && s !== '' ? `\u001b[${CODES[style]}m${s}\u001b[0m` : s);
}

const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'blue',
  info: 'gray',
};

/** Replaces control characters that would corrupt a terminal (ESC, BEL…) by visible escapes; tabs are kept. */
function sanitize(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 9) || c === 0x7f || (c >= 0x80 && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** The marker line under `text`: keeps tabs so the marker lines up, spaces elsewhere. */
function underline(text: string, from: number, to: number): string {
  let pad = '';
  for (let i = 0; i < from && i < text.length; i++) pad += text[i] === '\t' ? '\t' : ' ';
  return pad + (to > from ? '^'.repeat(to - from) : '^');
}

/** Code frame: the lines of the range, each with the covered part underlined (at most `max` lines). */
export function codeFrame(source: SourceFile, start: number, end: number, paint: ReturnType<typeof painter>, max = 4): string[] {
  const s = source.positionAt(start);
  const e = source.positionAt(end);
  // a range ending at column 1 of a later line ends on the previous line
  const lastLine = e.line > s.line && e.column === 1 ? e.line - 1 : e.line;
  const width = String(Math.min(lastLine, s.line + max - 1)).length;
  const out: string[] = [];
  for (let line = s.line; line <= lastLine; line++) {
    if (line - s.line >= max) {
      out.push(`  ${' '.repeat(width)} ${paint('gray', '|')} ${paint('gray', `… (${lastLine - line + 1} more lines)`)}`);
      break;
    }
    const raw = source.lineText(line);
    const text = sanitize(raw);
    const from = line === s.line ? s.column - 1 : 0;
    const to = line === e.line ? e.column - 1 : raw.length;
    // columns refer to the raw line; sanitising only changes control characters, which are rare, so clamp
    const mark = raw === text ? underline(text, from, Math.max(from, to)) : underline(text, 0, 0);
    out.push(`  ${paint('gray', String(line).padStart(width))} ${paint('gray', '|')} ${text}`);
    out.push(`  ${' '.repeat(width)} ${paint('gray', '|')} ${paint('red', mark)}`);
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatText(results: readonly FileResult[], tool: ToolInfo, options: TextOptions = {}): string {
  const w = textReportWriter(tool, options);
  let out = w.start();
  for (const r of results) out += w.file(r);
  return out + w.end();
}

/** The text report piece by piece (see `ReportWriter`): each file's section as soon as it is audited. */
export function textReportWriter(tool: ToolInfo, options: TextOptions = {}): ReportWriter {
  const paint = painter(options.color === true);
  const counter = new SummaryCounter();
  return {
    start: () => '',
    file(r) {
      counter.add(r);
      const findings = options.showSuppressed ? r.findings : activeFindings(r);
      const warnings = r.warnings ?? [];
      if (findings.length === 0 && r.errors.length === 0 && warnings.length === 0) return '';
      if (options.quiet && r.errors.length === 0) return '';
      const lines: string[] = [paint('underline', sanitize(r.path))];
      for (const e of r.errors) {
        lines.push(`  ${e.line}:${e.column}  ${paint('red', 'error')}  ${sanitize(e.message)}  ${paint('gray', e.code)}`);
      }
      for (const w of warnings) {
        lines.push(`  ${w.line}:${w.column}  ${paint('yellow', 'warning')}  ${sanitize(w.message)}  ${paint('gray', w.code)}`);
      }
      if (!options.quiet) {
        for (const f of findings) lines.push(...formatFinding(r, f, paint, options.maxFrameLines));
      }
      // a blank line after each file's section
      return lines.join('\n') + '\n\n';
    },
    end: () => summaryLine(counter.summary(), tool, paint) + '\n',
  };
}

function formatFinding(r: FileResult, f: Finding, paint: ReturnType<typeof painter>, max?: number): string[] {
  const p = findingPosition(r, f);
  const head =
    `  ${paint('bold', `${p.line}:${p.column}`)}  ${paint(SEVERITY_STYLE[f.severity], f.severity)}  ` +
    `${paint('bold', f.ruleId)} ${paint('gray', f.ruleName)}  ${sanitize(f.message)}` +
    (f.suppressed ? paint('gray', `  [suppressed${f.suppressed.justification ? `: ${sanitize(f.suppressed.justification)}` : ''}]`) : '');
  return [head, ...codeFrame(r.source, f.range.start, f.range.end, paint, max)];
}

function summaryLine(s: Summary, tool: ToolInfo, paint: ReturnType<typeof painter>): string {
  const parts = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0).map((sev) =>
    paint(SEVERITY_STYLE[sev], `${s.bySeverity[sev]} ${sev}`),
  );
  let line =
    s.findings === 0
      ? `${tool.name}: no findings in ${plural(s.files, 'file')}`
      : `${tool.name}: ${plural(s.findings, 'finding')} (${parts.join(', ')}) in ${plural(s.files, 'file')}`;
  if (s.suppressed > 0) line += `, ${s.suppressed} suppressed`;
  if (s.errors > 0) line += `, ${paint('red', plural(s.errors, 'error'))} in ${plural(s.filesWithErrors, 'file')}`;
  line += s.files === 1 ? `; score ${s.minScore}/100` : `; score min ${s.minScore}/100, average ${s.averageScore}/100`;
  return line;
}
