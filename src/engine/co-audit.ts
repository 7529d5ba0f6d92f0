/**
 * Co-audit (see docs/performance.md): on a machine with two cores, where one thread audits (the pool, pool.ts, needs
 * three or more), a second thread audits files too, at the lowest scheduling priority, so that it takes only the CPU
 * that the main thread and V8's compiler and collector threads leave idle.
 *
 * Both threads take their next file from one shared counter. The main thread hands the results on in input order: it
 * takes the worker's results between its own files (`receiveMessageOnPort`, since its audit loop does not return to
 * the event loop) and never waits for the worker. Once `maxWaiting` results of its own wait for a file the worker has
 * taken and not delivered, or when no file is left to take, the main thread audits that file too (the worker's late
 * result is dropped). The worker audits with the same code, rules and options, so the results are the same either way.
 */
import { availableParallelism, setPriority } from 'node:os';
import { MessageChannel, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ReadFailure } from './pool.js';
import type { FileResult } from './result.js';
import type { ContextReaderFactory, TransferableAuditOptions, WorkerReply } from './worker.js';
import { auditJob, fileResultOf, workerThread } from './worker.js';
import { deepFreeze } from './run.js';

/** What `workerData` holds for a co-audit worker. */
export const CO_AUDIT_MARK = 'dockaudit-co-audit-worker';

/** Cells of the shared control array (`Int32Array`); exported for tests. */
export const CONTROL = {
  /** The next file nobody has taken. */
  NEXT: 0,
  /** How many jobs the main thread has posted (the worker waits on it for a job it has taken). */
  POSTED: 1,
  /** 1: the worker should stop. */
  STOP: 2,
  /** 1: the worker has loaded its code. */
  READY: 3,
} as const;
const CELLS = 4;

export interface CoAuditData {
  readonly mark: typeof CO_AUDIT_MARK;
  /** Shared `Int32Array` of the `CONTROL` cells. */
  readonly control: SharedArrayBuffer;
  /** Jobs come in (`CoAuditPost`), results go out (`WorkerReply`). */
  readonly port: MessagePort;
  /** How many files there are. */
  readonly count: number;
  readonly lowPriority: boolean;
}

/** Options shared by many files, sent once each (the worker freezes them, so its run-plan cache knows them by identity). */
interface OptionSet {
  readonly ruleIds: TransferableAuditOptions['ruleIds'];
  readonly severityOverrides: TransferableAuditOptions['severityOverrides'];
  readonly ruleOptions: TransferableAuditOptions['ruleOptions'];
  readonly suppressions: TransferableAuditOptions['suppressions'];
  readonly model: TransferableAuditOptions['model'];
}

/** One file for the worker: its options are an option set plus the two per-file fields. */
interface CoJob {
  readonly index: number;
  readonly path: string;
  readonly file: string;
  readonly set: number;
  readonly contextOf: string | undefined;
  readonly gitTracked: boolean | undefined;
}

/** What the main thread posts: new option sets, then jobs. */
export interface CoAuditPost {
  readonly sets: readonly (readonly [number, OptionSet])[];
  readonly jobs: readonly CoJob[];
}

/** One file as the caller describes it. */
export interface CoAuditInput {
  /** The path as displayed and recorded in the result. */
  readonly path: string;
  /** The file to read. */
  readonly file: string;
  readonly options: TransferableAuditOptions;
}

/**
 * Fewer files than this: no co-auditor. Its start-up (a thread with its own Node environment, the CLI from the code
 * cache, the grammar: ~100 ms of CPU) must pay for itself. Measured on corpus subsets (2 cores, interleaved medians,
 * off / on): 200 files 0.34 / 0.34 s, 400 files 0.45 / 0.43 s, 600 files 0.77 / 0.67 s, 800 files 1.05 / 0.92 s.
 */
export const CO_AUDIT_MIN_FILES = 500;

/**
 * More files than this: no co-auditor. A long run's own memory grows until the worker is stopped at the memory limit
 * (after ~1,000 files), so it audits only a few per cent of such a run, and the process's RSS stayed ~8 MB higher for
 * the rest of the run after it stopped: 10,000 distinct files in SARIF peaked at 148.5 MB with it, 142 MB without.
 */
export const CO_AUDIT_MAX_FILES = 5000;

/**
 * Whether to start a co-auditor for `fileCount` files audited on one thread. `setting` is the value of
 * `DOCKAUDIT_CO_AUDIT`: `0` never; `1` whenever there are two files or more; unset, between `CO_AUDIT_MIN_FILES` and
 * `CO_AUDIT_MAX_FILES` files with at least two cores (on one core the worker could only take time from the audit;
 * with three or more the audit pool runs instead).
 */
export function shouldCoAudit(fileCount: number, setting: string | undefined, cores: number = availableParallelism()): boolean {
  if (setting === '0' || fileCount < 2) return false;
  if (setting === '1') return true;
  return fileCount >= CO_AUDIT_MIN_FILES && fileCount <= CO_AUDIT_MAX_FILES && cores >= 2;
}

/**
 * The worker is stopped when the process's RSS passes this (MB). The worker's thread, heap and grammar are ~25 MB;
 * the corpus (1,475 files) peaks at ~133–138 MB with it and mostly keeps it to the end; 5,000 distinct files peaked
 * at ~141 MB (the worker stopped after ~1,000 files), and 10,000 at 175 MB when the worker ran to the end.
 */
export const CO_AUDIT_RSS_LIMIT_MB = 136;

/** Files the main thread audits between two RSS checks (a power of two). */
const RSS_CHECK_EVERY = 32;

/**
 * Results of its own the main thread keeps waiting for a file the worker has taken before it audits that file too.
 * Bounds memory and how long a slow or starved worker can hold the report up.
 */
export const MAX_WAITING = 32;

/** Jobs posted ahead of the shared counter, in batches of half as many (one message per ~16 files). */
const POST_AHEAD = 32;

export interface CoAuditOptions {
  /** Worker entry; default this package's `audit-worker-main` module. It must call `serveCoAudit()` when
   * `isCoAuditWorker()`. */
  readonly workerUrl?: URL;
  /** Run the worker at the lowest scheduling priority (default true; Linux only). */
  readonly lowPriority?: boolean;
  /** Stop the worker once the process's RSS passes this many MB (default `CO_AUDIT_RSS_LIMIT_MB`). */
  readonly rssLimitMb?: number;
  /** Default `MAX_WAITING`. */
  readonly maxWaiting?: number;
}

/** Counts, for tests and `DOCKAUDIT_DEBUG`. */
export interface CoAuditStats {
  /** Results of the worker that were handed on. */
  used: number;
  /** Files the worker had taken that the main thread audited too. */
  twice: number;
  /** The worker was stopped because the process's RSS passed the limit. */
  stoppedForMemory: boolean;
  /** The worker stopped with an error (its results so far were still used). */
  failed: boolean;
}

/** A running co-auditor. Create with `startCoAudit`, then call `run` once. */
export class CoAudit {
  readonly stats: CoAuditStats = { used: 0, twice: 0, stoppedForMemory: false, failed: false };
  /** Jobs posted: files 0..posted-1 (those taken by the main thread before they were due are skipped). */
  private posted = 0;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();
  /** Option sets sent, by their `severityOverrides` object (then compared field by field). */
  private readonly sets = new Map<unknown, { readonly set: OptionSet; readonly id: number }[]>();
  private setCount = 0;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly ctl: Int32Array,
    private readonly count: number,
    private readonly input: (i: number) => CoAuditInput,
    private readonly options: CoAuditOptions,
  ) {
    // the process never waits for it: it is stopped when the audit ends, and dropped at exit otherwise
    worker.unref();
    port.unref();
    worker.on('error', () => {
      this.stats.failed = true;
      void this.stop();
    });
  }

  /**
   * True once the worker has loaded its code, or has stopped. Until then the caller must not change V8's flags: the
   * CLI's worker compiles itself from the code cache, which V8 accepts only under the flags it was made with.
   */
  get loaded(): boolean {
    return this.stopped || Atomics.load(this.ctl, CONTROL.READY) === 1;
  }

  /** Files taken by either thread. */
  private taken(): number {
    return Math.min(this.count, Atomics.load(this.ctl, CONTROL.NEXT));
  }

  private setId(o: TransferableAuditOptions, fresh: (readonly [number, OptionSet])[]): number {
    const known = this.sets.get(o.severityOverrides);
    if (known !== undefined) {
      for (const k of known) {
        const s = k.set;
        if (s.ruleIds === o.ruleIds && s.ruleOptions === o.ruleOptions && s.suppressions === o.suppressions && s.model === o.model) return k.id;
      }
    }
    const set: OptionSet = { ruleIds: o.ruleIds, severityOverrides: o.severityOverrides, ruleOptions: o.ruleOptions, suppressions: o.suppressions, model: o.model };
    const id = this.setCount++;
    if (known !== undefined) known.push({ set, id });
    else this.sets.set(o.severityOverrides, [{ set, id }]);
    fresh.push([id, set]);
    return id;
  }

  /** Posts the jobs of the next `POST_AHEAD` files not yet taken, once fewer than half that many are posted. */
  private post(): void {
    const taken = this.taken();
    if (this.stopped || this.posted >= Math.min(this.count, taken + POST_AHEAD / 2)) return;
    const upTo = Math.min(this.count, taken + POST_AHEAD);
    const sets: (readonly [number, OptionSet])[] = [];
    const jobs: CoJob[] = [];
    for (let i = Math.max(this.posted, taken); i < upTo; i++) {
      const x = this.input(i);
      jobs.push({ index: i, path: x.path, file: x.file, set: this.setId(x.options, sets), contextOf: x.options.contextOf, gitTracked: x.options.gitTracked });
    }
    this.posted = upTo;
    const m: CoAuditPost = { sets, jobs };
    this.port.postMessage(m);
    Atomics.store(this.ctl, CONTROL.POSTED, upTo);
    Atomics.notify(this.ctl, CONTROL.POSTED);
  }

  /**
   * Audits every file, here and in the worker, and hands each result to `onResult` in input order (awaiting it when it
   * returns a promise). `auditHere(i)` audits file i on this thread; `readFailure(i, failure)` is the result for a file
   * the worker could not read. Stops the worker at the end.
   */
  async run(
    auditHere: (i: number) => Promise<FileResult>,
    readFailure: (i: number, failure: ReadFailure) => FileResult,
    onResult: (r: FileResult, i: number) => void | Promise<void>,
  ): Promise<void> {
    const count = this.count;
    const maxWaiting = Math.max(1, this.options.maxWaiting ?? MAX_WAITING);
    const rssLimit = (this.options.rssLimitMb ?? CO_AUDIT_RSS_LIMIT_MB) * 1024 * 1024;
    /** Results (the worker's and this thread's) waiting for an earlier file. */
    const waiting = new Map<number, FileResult>();
    let out = 0;
    let own = 0;
    try {
      while (out < count) {
        if (!this.stopped) {
          for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
            const r = m.message as WorkerReply;
            if (r.index < out || waiting.has(r.index)) continue;
            this.stats.used++;
            waiting.set(r.index, 'result' in r ? fileResultOf(r.result) : readFailure(r.index, r.readFailure));
          }
        }
        for (let r = waiting.get(out); r !== undefined; r = waiting.get(out)) {
          waiting.delete(out);
          const w = onResult(r, out);
          out++;
          if (w !== undefined) await w;
        }
        if (out >= count) break;
        let i: number;
        if (out < this.taken() && (this.stopped || waiting.size >= maxWaiting)) {
          // the worker has file `out` and has not delivered it: audit it here too
          i = out;
          this.stats.twice++;
        } else {
          i = Atomics.add(this.ctl, CONTROL.NEXT, 1);
          if (i >= count) {
            // nothing left to take: the worker is auditing `out`
            i = out;
            this.stats.twice++;
          }
        }
        this.post();
        waiting.set(i, await auditHere(i));
        // a long run's own memory grows (the report's state, caches): past the limit the worker (its thread, heap
        // and grammar) is stopped, so that it never adds to the run's peak
        if ((++own & (RSS_CHECK_EVERY - 1)) === 0 && !this.stopped && process.memoryUsage.rss() > rssLimit) {
          this.stats.stoppedForMemory = true;
          void this.stop();
        }
      }
    } finally {
      void this.stop();
    }
  }

  /** Stops the worker. Idempotent; the promise resolves once it has exited (the CLI does not wait for that). */
  stop(): Promise<void> {
    if (this.stopped) return this.exited;
    this.stopped = true;
    Atomics.store(this.ctl, CONTROL.STOP, 1);
    Atomics.notify(this.ctl, CONTROL.POSTED);
    this.port.close();
    this.exited = this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.exited;
  }
}

function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './audit-worker-main.ts' : './audit-worker-main.js', import.meta.url);
}

/** V8's young generation for the worker, as for the pool's workers (pool.ts). */
const LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * Starts a co-auditor over `count` files (`input(i)` describes file i; called once per file the worker may take), or
 * returns null when it cannot start (the caller then audits alone).
 */
export function startCoAudit(count: number, input: (i: number) => CoAuditInput, options: CoAuditOptions = {}): CoAudit | null {
  const control = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const data: CoAuditData = { mark: CO_AUDIT_MARK, control, port: port2, count, lowPriority: options.lowPriority ?? true };
  try {
    const worker = workerThread(options.workerUrl ?? defaultWorkerUrl(), { workerData: data, transferList: [port2], resourceLimits: LIMITS });
    return new CoAudit(worker, port1, ctl, count, input, options);
  } catch {
    port1.close();
    return null;
  }
}

/** True in a thread started by `startCoAudit`. */
export function isCoAuditWorker(): boolean {
  return (workerData as { mark?: unknown } | null)?.mark === CO_AUDIT_MARK;
}

/**
 * Lowers this thread's scheduling priority to the lowest (nice 19), so that the worker runs only on otherwise idle
 * CPU. Linux only, where the priority of "process 0" is the calling thread's (elsewhere it is the whole process's,
 * which must not change).
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(19);
  } catch {
    // not allowed (some sandboxes): run at the normal priority
  }
}

/** How long one wait for a job lasts before the stop flag is checked again (ms). */
const WAIT_MS = 50;

/**
 * The worker's side (call in a thread started by `startCoAudit`): takes files from the shared counter and audits them
 * until none are left or it is stopped.
 */
export async function serveCoAudit(hooks: { readonly contextReader?: ContextReaderFactory } = {}): Promise<void> {
  const data = workerData as CoAuditData;
  const { port, count } = data;
  const ctl = new Int32Array(data.control);
  if (data.lowPriority) lowerPriority();
  Atomics.store(ctl, CONTROL.READY, 1);
  const sets = new Map<number, OptionSet>();
  const jobs = new Map<number, CoJob>();
  /** Takes the posted messages; jobs of files before `from` are the main thread's. */
  const receive = (from: number): void => {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const post = m.message as CoAuditPost;
      for (const [id, s] of post.sets) sets.set(id, deepFreeze(s));
      for (const j of post.jobs) if (j.index >= from) jobs.set(j.index, j);
    }
    for (const k of jobs.keys()) if (k < from) jobs.delete(k);
  };
  try {
    while (Atomics.load(ctl, CONTROL.STOP) === 0) {
      const i = Atomics.add(ctl, CONTROL.NEXT, 1);
      if (i >= count) break;
      let job: CoJob | undefined;
      for (;;) {
        // POSTED is read before the port: a post after this read changes it, and the wait below returns at once
        const posted = Atomics.load(ctl, CONTROL.POSTED);
        receive(i);
        job = jobs.get(i);
        if (job !== undefined || Atomics.load(ctl, CONTROL.STOP) !== 0) break;
        Atomics.wait(ctl, CONTROL.POSTED, posted, WAIT_MS);
      }
      if (job === undefined) break;
      jobs.delete(i);
      const s = sets.get(job.set)!;
      const options: TransferableAuditOptions = {
        ...s,
        ...(job.contextOf !== undefined ? { contextOf: job.contextOf } : {}),
        ...(job.gitTracked !== undefined ? { gitTracked: job.gitTracked } : {}),
      };
      port.postMessage(await auditJob({ index: i, path: job.path, file: job.file, options }, undefined, hooks.contextReader));
    }
  } finally {
    port.close();
  }
}
