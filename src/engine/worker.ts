/**
 * The audit worker: a `worker_threads` entry that audits the files the pool sends it, with its own rule registry
 * and its own bash parser (loaded once per worker). Messages are plain data: rules travel as IDs, results come back
 * without the `SourceFile` (its text and BOM flag are sent; the pool rebuilds it).
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import type { BuildModelOptions } from '../model/types.js';
import { ruleList } from '../rules/registry.generated.js';
import type { Rule } from '../rules/types.js';
import { audit } from './audit.js';
import type { FileError, FileResult } from './result.js';
import type { RuleSetting } from './run.js';
import type { SuppressionOptions } from './suppressions.js';
import type { PhaseTimings } from './timing.js';
import { createTimings } from './timing.js';
import type { Finding, RuleEnvironment } from '../rules/types.js';
import { SourceFile } from '../source.js';

/** What `workerData` holds for an audit worker. */
export const WORKER_MARK = 'dockaudit-audit-worker';

/** Audit options that can cross a thread boundary (no functions, no rule objects). */
export interface TransferableAuditOptions {
  /** IDs of the rules to run; default: every rule of the registry. */
  readonly ruleIds?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, RuleSetting>>;
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
  readonly suppressions?: SuppressionOptions | false;
  readonly model?: Omit<BuildModelOptions, 'timings'>;
  /** `RuleEnvironment.gitTracked`; unknown when absent. */
  readonly gitTracked?: boolean;
  /** The Dockerfile on disk whose folder is the build context: with a `contextReader` (see `serveAuditRequests`),
   * rules get `RuleEnvironment.readContextFile` for it. */
  readonly contextOf?: string;
}

/** Makes `RuleEnvironment.readContextFile` for the Dockerfile at a path (the CLI's bounded, sandboxed reader). */
export type ContextReaderFactory = (dockerfilePath: string) => (relPath: string) => string | undefined;

/** The rule environment that transferable options describe. */
export function environmentFor(o: TransferableAuditOptions, contextReader?: ContextReaderFactory): RuleEnvironment {
  const readContextFile = o.contextOf !== undefined && contextReader ? contextReader(o.contextOf) : undefined;
  return {
    ...(readContextFile ? { readContextFile } : {}),
    ...(o.gitTracked !== undefined ? { gitTracked: o.gitTracked } : {}),
  };
}

export interface WorkerJob {
  readonly index: number;
  readonly path: string;
  /** The bytes to audit, or the file to read them from. */
  readonly bytes?: Uint8Array;
  readonly file?: string;
  readonly options: TransferableAuditOptions;
}

export interface WorkerRequest {
  readonly jobs: readonly WorkerJob[];
  readonly timings: boolean;
}

/** A `FileResult` without its `SourceFile`: the source's text and BOM flag travel instead (the pool rebuilds it). */
export interface WorkerFileResult extends Omit<FileResult, 'source'> {
  readonly text: string;
  readonly bom: boolean;
}

/** The `FileResult` a worker's result stands for (its `SourceFile` rebuilt from the text and BOM flag). */
export function fileResultOf(r: WorkerFileResult): FileResult {
  const { path, text, bom, findings, errors, warnings, score } = r;
  return { path, source: new SourceFile(path, text, bom), findings, errors, ...(warnings ? { warnings } : {}), score };
}

/**
 * A worker thread running `url`. A TypeScript entry (tests and benchmarks run the sources through tsx): Node 20 does
 * not apply the parent's `--import tsx` to worker threads, so the worker registers tsx itself before importing it.
 */
export function workerThread(url: URL, options: WorkerOptions): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}

export type WorkerReply =
  | { readonly index: number; readonly result: WorkerFileResult }
  | { readonly index: number; readonly readFailure: { readonly code?: string; readonly message: string } };

export interface WorkerBatchReply {
  readonly replies: readonly WorkerReply[];
  readonly timings?: PhaseTimings;
}

const byId = new Map<string, Rule>(ruleList.map((r) => [r.meta.id, r]));

/** The rules of a list of IDs, the same array for the same list object. */
const rulesOfIds = new WeakMap<readonly string[], Rule[]>();
function rulesFor(ids: readonly string[]): Rule[] {
  let rules = rulesOfIds.get(ids);
  if (rules === undefined) {
    rules = ids.map((id) => byId.get(id)).filter((r): r is Rule => r !== undefined);
    rulesOfIds.set(ids, rules);
  }
  return rules;
}

/** Audits one job (in a worker thread). */
export async function auditJob(job: WorkerJob, timings: PhaseTimings | undefined, contextReader: ContextReaderFactory | undefined): Promise<WorkerReply> {
  let bytes: Uint8Array;
  if (job.bytes !== undefined) bytes = job.bytes;
  else {
    try {
      bytes = readFileSync(job.file ?? job.path);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return {
        index: job.index,
        readFailure: { ...(typeof code === 'string' ? { code } : {}), message: e instanceof Error ? e.message : String(e) },
      };
    }
  }
  const o = job.options;
  const rules = o.ruleIds !== undefined ? rulesFor(o.ruleIds) : undefined;
  const r = await audit(bytes, job.path, {
    ...(rules ? { rules } : {}),
    ...(o.severityOverrides ? { severityOverrides: o.severityOverrides } : {}),
    ...(o.ruleOptions ? { ruleOptions: o.ruleOptions } : {}),
    ...(o.suppressions !== undefined ? { suppressions: o.suppressions } : {}),
    ...(o.model ? { model: o.model } : {}),
    env: environmentFor(o, contextReader),
    ...(timings ? { timings } : {}),
  });
  const { source, ...rest } = r;
  return { index: job.index, result: { ...rest, text: source.text, bom: source.bom } };
}

/** Starts answering audit requests on `parentPort` (call in a worker thread). */
export function serveAuditRequests(hooks: { readonly contextReader?: ContextReaderFactory } = {}): void {
  const port = parentPort;
  if (port === null) return;
  port.on('message', (req: WorkerRequest) => {
    void (async () => {
      const timings = req.timings ? createTimings() : undefined;
      const replies: WorkerReply[] = [];
      for (const job of req.jobs) replies.push(await auditJob(job, timings, hooks.contextReader));
      const reply: WorkerBatchReply = { replies, ...(timings ? { timings } : {}) };
      port.postMessage(reply);
    })();
  });
}

/** True in a thread started by the audit pool. */
export function isAuditWorker(): boolean {
  return !isMainThread && (workerData as { mark?: unknown } | null)?.mark === WORKER_MARK;
}
