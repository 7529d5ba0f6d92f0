/**
 * Auditing one file: decode → parse → model → rules → score. Never throws on user input: undecodable bytes and
 * parse errors become `FileResult.errors`, a crashing rule becomes an `internal-error` finding.
 */
import type { Dockerfile } from '../parser/ast.js';
import { decodeBytes } from '../parser/decode.js';
import { parse } from '../parser/parse.js';
import { buildModel } from '../model/build.js';
import type { BuildModelOptions } from '../model/types.js';
import type { DockerfileModel } from '../model/types.js';
import { ruleList } from '../rules/registry.generated.js';
import type { Finding, Rule } from '../rules/types.js';
import { SourceFile } from '../source.js';
import { initShell } from '../shell/index.js';
import type { FileError, FileResult } from './result.js';
import { applySuppressions } from './suppressions.js';
import type { SuppressionOptions } from './suppressions.js';
import { hardeningScore } from './result.js';
import type { PhaseTimings } from './timing.js';
import type { RunOptions } from './run.js';
import { compareFindings, effectiveRules, runRulesDetailed } from './run.js';

export interface AuditOptions extends Partial<RunOptions> {
  /** Default: every rule of the registry. */
  readonly rules?: readonly Rule[];
  /** Passed to `buildModel` (e.g. `buildArgs` as given with `docker build --build-arg`). */
  readonly model?: BuildModelOptions;
  /** Inline suppression settings; `false` leaves every finding unsuppressed (no pragma is read). */
  readonly suppressions?: SuppressionOptions | false;
  /** Benchmark hook: per-phase and per-rule milliseconds are added here (no clock reads when absent). */
  readonly timings?: PhaseTimings;
}

let shellInit: Promise<string | null> | undefined;
/** Loads the bash parser once; resolves to an error message when it cannot be loaded. */
function ensureShell(): Promise<string | null> {
  shellInit ??= initShell().then(
    () => null,
    (e: unknown) => `cannot load the bash parser (tree-sitter-bash): ${e instanceof Error ? e.message : String(e)}`,
  );
  return shellInit;
}

export interface AuditDetails extends FileResult {
  readonly dockerfile: Dockerfile | null;
  readonly model: DockerfileModel | null;
}

/** Audits one Dockerfile given as text or raw bytes; `path` is only recorded (nothing is read from disk). */
export async function audit(input: string | Uint8Array, path: string, options: AuditOptions = {}): Promise<FileResult> {
  const r = await auditParts(input, path, options);
  // literals rather than a rest copy of `auditDetailed`'s result (a generic property-by-property copy per file)
  const { source, findings, errors, warnings, score } = r;
  return warnings.length > 0 ? { path, source, findings, errors, warnings, score } : { path, source, findings, errors, score };
}

/** `audit`, also returning the syntax tree and model (for `--fix` and debugging views). */
export async function auditDetailed(input: string | Uint8Array, path: string, options: AuditOptions = {}): Promise<AuditDetails> {
  const { source, findings, errors, warnings, score, dockerfile, model } = await auditParts(input, path, options);
  return { path, source, findings, errors, ...(warnings.length > 0 ? { warnings } : {}), score, dockerfile, model };
}

/** Everything an audit produces (`warnings` possibly empty). */
interface AuditParts {
  readonly source: SourceFile;
  readonly findings: readonly Finding[];
  readonly errors: readonly FileError[];
  readonly warnings: readonly FileError[];
  readonly score: number;
  readonly dockerfile: Dockerfile | null;
  readonly model: DockerfileModel | null;
}

async function auditParts(input: string | Uint8Array, path: string, options: AuditOptions): Promise<AuditParts> {
  const errors: FileError[] = [];
  const warnings: FileError[] = [];
  const shellError = await ensureShell();
  if (shellError !== null) errors.push({ code: 'internal-error', message: shellError, line: 1, column: 1 });
  const timings = options.timings;
  let t = timings ? performance.now() : 0;
  /** Adds the time since the last lap to a phase (only when timing). */
  const lap = (phase: 'decodeParse' | 'model' | 'rules'): void => {
    if (!timings) return;
    const now = performance.now();
    timings[phase] += now - t;
    t = now;
  };
  let source: SourceFile;
  if (typeof input === 'string') source = new SourceFile(path, input);
  else {
    const decoded = decodeBytes(input, path);
    source = decoded.source;
    for (const d of decoded.diagnostics) if (d.severity === 'error') errors.push(toFileError(source, d));
  }
  const dockerfile = contained('parsing', errors, () => parse(source));
  for (const d of dockerfile?.diagnostics ?? []) if (d.severity === 'error') errors.push(toFileError(source, d));
  lap('decodeParse');
  const rules = options.rules ?? ruleList;
  // absent settings as undefined fields (runRules reads them so) rather than conditional spreads: one shape, no copies
  const runOptions: RunOptions = {
    rules,
    severityOverrides: options.severityOverrides,
    ruleOptions: options.ruleOptions,
    env: options.env,
    ruleMs: timings?.ruleMs,
  };
  const modelOptions = timings ? { ...options.model, timings } : (options.model ?? {});
  const shellBefore = timings ? timings.shell : 0;
  const model = dockerfile ? contained('building the model', errors, () => buildModel(dockerfile, modelOptions)) : null;
  lap('model');
  // the shell layer ran inside buildModel: count it once, under `shell`
  if (timings) timings.model -= timings.shell - shellBefore;
  const run = model ? runRulesDetailed(model, runOptions) : null;
  let findings = run ? run.findings : [];
  const supOptions = options.suppressions === false ? null : (options.suppressions ?? {});
  if (dockerfile && model && supOptions) {
    const current = findings;
    const sup = contained('applying suppressions', errors, () => applySuppressions(current, dockerfile, model, rules, supOptions));
    if (sup) {
      // runRules sorted the findings and marking suppressed ones keeps their order: sort again only to merge DA102's
      findings = sup.unused.length === 0 ? sup.findings : [...sup.findings, ...sup.unused].sort(compareFindings);
      for (const p of sup.problems) warnings.push(toFileError(source, p));
    }
  }
  lap('rules');
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  const score = hardeningScore(run ? run.ran : effectiveRules(rules, options.severityOverrides), findings, errors.length > 0);
  warnings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { source, findings, errors, warnings, score, dockerfile, model };
}

/** Runs a step that must not throw; if it does (a bug), records an `internal-error` instead of crashing the run. */
function contained<T>(step: string, errors: FileError[], f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    errors.push({
      code: 'internal-error',
      message: `internal error while ${step}: ${e instanceof Error ? e.message : String(e)}; please report this bug`,
      line: 1,
      column: 1,
    });
    return null;
  }
}

function toFileError(source: SourceFile, d: { code: string; message: string; range: { start: number; end: number } }): FileError {
  const p = source.positionAt(d.range.start);
  return { code: d.code, message: d.message, line: p.line, column: p.column, range: d.range };
}

/** The result for a file that could not be read at all. */
export function unreadableFile(path: string, message: string): FileResult {
  return { path, source: new SourceFile(path, ''), findings: [], errors: [{ code: 'read-error', message, line: 1, column: 1 }], score: 0 };
}
