/**
 * Baselines: `--write-baseline FILE` records the current findings; `--baseline FILE` then marks findings that are
 * in it as suppressed (`{ kind: 'external', justification: 'baseline' }`), so reports show only new ones, and
 * counts baseline entries that no longer occur as fixed.
 *
 * A fingerprint survives unrelated edits: it hashes the rule ID, the file path, the stage (its name, else its
 * index), the offending text with whitespace and line continuations normalised, and the occurrence index of that
 * same (rule, stage, text) in the file. Line numbers are not part of it.
 */
import { createHash } from 'node:crypto';
import type { SourceFile } from '../source.js';
import type { Dockerfile } from '../parser/ast.js';
import type { Finding } from '../rules/types.js';

/** The part of a file result the baseline needs (the engine's `FileResult` fits). */
export interface BaselineFileResult {
  readonly path: string;
  readonly source: SourceFile;
  readonly findings: readonly Finding[];
  /** When present, stages come from it; otherwise FROM lines are found in the text. */
  readonly dockerfile?: Dockerfile;
}

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly file: string;
  /** For people reading the file; not used for matching. */
  readonly line: number;
  readonly message: string;
}

export interface BaselineFile {
  readonly version: 1;
  readonly tool: 'dockaudit';
  readonly findings: readonly BaselineEntry[];
}

function normPath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/** Offending text with continuations removed and whitespace runs collapsed. */
export function normalizeText(t: string): string {
  return t
    .replace(/[\\`]\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Stage {
  readonly start: number;
  readonly id: string;
}

function stagesOf(r: BaselineFileResult): Stage[] {
  const out: Stage[] = [];
  if (r.dockerfile !== undefined) {
    let i = 0;
    for (const ins of r.dockerfile.instructions) {
      if (ins.kind !== 'FROM') continue;
      out.push({ start: ins.range.start, id: ins.stageName?.value.toLowerCase() ?? `#${i}` });
      i++;
    }
    return out;
  }
  const src = r.source;
  let i = 0;
  for (let l = 1; l <= src.lineCount; l++) {
    const words = src.lineText(l).trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'FROM') continue;
    const as = words.findIndex((w, k) => k > 0 && w.toUpperCase() === 'AS');
    const name = as > 0 ? words[as + 1] : undefined;
    out.push({ start: src.lineStarts[l - 1]!, id: name !== undefined ? name.toLowerCase() : `#${i}` });
    i++;
  }
  return out;
}

function stageAt(stages: readonly Stage[], offset: number): string {
  let id = '';
  for (const s of stages) if (s.start <= offset) id = s.id;
  return id;
}

function offendingText(src: SourceFile, f: Finding): string {
  const t = normalizeText(src.slice(f.range));
  if (t !== '') return t;
  return normalizeText(src.lineText(src.positionAt(f.range.start).line));
}

function keyOf(r: BaselineFileResult, stages: readonly Stage[], f: Finding): string {
  return [f.ruleId, normPath(r.path), stageAt(stages, f.range.start), offendingText(r.source, f)].join('\u0000');
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** Fingerprints of every finding of a file, in the order of `r.findings`. */
export function fingerprints(r: BaselineFileResult): string[] {
  const stages = stagesOf(r);
  const order = r.findings.map((f, i) => ({ f, i })).sort((a, b) => a.f.range.start - b.f.range.start || a.i - b.i);
  const seen = new Map<string, number>();
  const out: string[] = new Array<string>(r.findings.length);
  for (const { f, i } of order) {
    const k = keyOf(r, stages, f);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    out[i] = hash(`${k}\u0000${n}`);
  }
  return out;
}

/** The fingerprint of one finding of `fileResult`. */
export function fingerprint(finding: Finding, fileResult: BaselineFileResult): string {
  const i = fileResult.findings.indexOf(finding);
  if (i >= 0) return fingerprints(fileResult)[i]!;
  return fingerprints({ ...fileResult, findings: [...fileResult.findings, finding] }).at(-1)!;
}

/** Baseline file text (JSON, stable order) for the unsuppressed findings of `results`. */
export function writeBaseline(results: readonly BaselineFileResult[]): string {
  const entries: BaselineEntry[] = [];
  for (const r of results) {
    const fps = fingerprints(r);
    r.findings.forEach((f, i) => {
      if (f.suppressed !== undefined) return;
      entries.push({ fingerprint: fps[i]!, ruleId: f.ruleId, file: normPath(r.path), line: r.source.positionAt(f.range.start).line, message: f.message });
    });
  }
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)));
  const doc: BaselineFile = { version: 1, tool: 'dockaudit', findings: entries };
  return JSON.stringify(doc, null, 2) + '\n';
}

export interface BaselineResult<R extends BaselineFileResult> {
  /** The same results; findings recorded in the baseline are marked suppressed (`external`, `baseline`). */
  readonly results: R[];
  /** Baseline entries that no longer occur. */
  readonly fixedCount: number;
  /** Problems reading the baseline (then nothing is suppressed). */
  readonly errors: string[];
}

/** Reads baseline text; errors are values. */
export function parseBaseline(text: string): { fingerprints: Map<string, number>; errors: string[] } {
  const counts = new Map<string, number>();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { fingerprints: counts, errors: [`baseline is not valid JSON: ${(e as Error).message}`] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { fingerprints: counts, errors: ['baseline must be a JSON object'] };
  const d = doc as Record<string, unknown>;
  if (d['version'] !== 1) return { fingerprints: counts, errors: [`unsupported baseline version ${JSON.stringify(d['version'])} (expected 1)`] };
  const list = d['findings'];
  if (!Array.isArray(list)) return { fingerprints: counts, errors: ['baseline "findings" must be a list'] };
  const errors: string[] = [];
  list.forEach((e: unknown, i) => {
    const fp = typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['fingerprint'] : undefined;
    if (typeof fp !== 'string' || !/^[0-9a-f]{32}$/.test(fp)) errors.push(`baseline findings[${i}]: missing or malformed "fingerprint"`);
    else counts.set(fp, (counts.get(fp) ?? 0) + 1);
  });
  return { fingerprints: counts, errors };
}

/** Marks findings recorded in the baseline as suppressed and counts fixed ones. */
export function applyBaseline<R extends BaselineFileResult>(results: readonly R[], baselineText: string): BaselineResult<R> {
  const { fingerprints: remaining, errors } = parseBaseline(baselineText);
  if (errors.length > 0 && remaining.size === 0) return { results: [...results], fixedCount: 0, errors };
  const out = results.map((r) => {
    const fps = fingerprints(r);
    let changed = false;
    const findings = r.findings.map((f, i) => {
      if (f.suppressed !== undefined) return f;
      const fp = fps[i]!;
      const n = remaining.get(fp) ?? 0;
      if (n === 0) return f;
      remaining.set(fp, n - 1);
      changed = true;
      return { ...f, suppressed: { kind: 'external' as const, justification: 'baseline' } };
    });
    return changed ? { ...r, findings } : r;
  });
  let fixedCount = 0;
  for (const n of remaining.values()) fixedCount += n;
  return { results: out, fixedCount, errors };
}
