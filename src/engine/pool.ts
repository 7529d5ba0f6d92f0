/**
 * Auditing many files in parallel: a pool of `worker_threads` (each loads the bash grammar once) fed in small
 * batches. Results come back in input order and equal what `audit` returns on the main thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { FileResult } from './result.js';
import type { PhaseTimings } from './timing.js';
import { addTimings } from './timing.js';
import type { TransferableAuditOptions, WorkerBatchReply, WorkerJob, WorkerRequest } from './worker.js';
import { fileResultOf, WORKER_MARK, workerThread } from './worker.js';

export type { TransferableAuditOptions } from './worker.js';

export interface PoolInput {
  /** The path as displayed and recorded in the result. */
  readonly path: string;
  /** The file to read (in the worker); default `path`. Ignored when `bytes` is given. */
  readonly file?: string;
  readonly bytes?: Uint8Array;
  readonly options: TransferableAuditOptions;
}

export interface ReadFailure {
  readonly code?: string;
  readonly message: string;
}

export interface PoolOptions {
  /** Number of worker threads; default `defaultWorkerCount()`. */
  readonly workers?: number;
  /** Worker entry module; default this package's `audit-worker-main` module. It must call `serveAuditRequests()`
   * when `isAuditWorker()`. */
  readonly workerUrl?: URL;
  /** Files per message (default 8). */
  readonly batchSize?: number;
  /**
   * Old-generation heap limit per worker (MB). Bounds peak RSS when every input is small (V8 otherwise lets each
   * worker's heap grow with garbage); a worker that runs out of it fails the pool (the caller falls back to one
   * thread), so set it only when the largest input is known to be small. Default: no limit.
   */
  readonly maxOldGenerationMb?: number;
  /** Benchmark hook: the workers' phase timings are added here. */
  readonly timings?: PhaseTimings;
  /** The result for a file a worker could not read. */
  readonly onReadError: (input: PoolInput, failure: ReadFailure) => FileResult;
}

/** Parallel auditing pays off above this many files… */
export const PARALLEL_MIN_FILES = 64;
/** …or this many bytes in total. */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Fewer cores than this: audit on one thread, whatever the number of files. One thread already keeps ~1.5 cores busy
 * (V8 compiles and collects garbage on background threads), and every worker pays its own module load, grammar
 * compile and JIT warm-up. Measured on 2 cores (loaded machine, CPU from GNU time, corpus of 1,475 files, JSON):
 * one thread 6.6 s user, one worker 6.7–6.8 s, two workers 8.1–8.2 s, with no steady wall-clock gain from either;
 * 10,000 files: one thread 25.5 s user, two workers 42 s.
 */
export const PARALLEL_MIN_CORES = 3;

export function shouldUseWorkers(fileCount: number, totalBytes: number, cores: number = availableParallelism()): boolean {
  return cores >= PARALLEL_MIN_CORES && fileCount > 1 && (fileCount > PARALLEL_MIN_FILES || totalBytes > PARALLEL_MIN_BYTES);
}

/** `min(cores, 4)`. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './audit-worker-main.ts' : './audit-worker-main.js', import.meta.url);
}

/**
 * A small young generation per worker: each file's syntax trees and model are garbage once its result is sent, and
 * V8's default young generation (up to 16 MB semi-spaces per isolate) only raised peak RSS. Measured on the corpus
 * with ~110 rules and 2 workers: peak RSS 293 MB (default) → 199 MB (8 MB) → 187 MB (4 MB), CPU +4–9 %.
 */
const YOUNG_GENERATION_MB = 4;

function workerLimits(oldMb: number | undefined): NonNullable<WorkerOptions['resourceLimits']> {
  return { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...(oldMb !== undefined ? { maxOldGenerationSizeMb: oldMb } : {}) };
}

/**
 * Audits `inputs` in worker threads; resolves to one result per input, in input order. Rejects only when a worker
 * cannot start or dies (the caller can then fall back to auditing on the main thread).
 */
export async function auditInWorkers(inputs: readonly PoolInput[], options: PoolOptions): Promise<FileResult[]> {
  const results: FileResult[] = [];
  await auditInOrder(inputs, options, (r) => void results.push(r));
  return results;
}

/** Results delivered to the caller while at most this many more inputs are sent out or waiting for an earlier one. */
const MAX_AHEAD_PER_WORKER = 64;

/**
 * Audits `inputs` in worker threads and hands each result to `onResult` in input order, as soon as it and every
 * earlier one are done. When `onResult` returns a promise (e.g. output waiting for a pipe to drain), the next result
 * waits for it. Memory stays bounded whatever the number of inputs: no new work is sent while more than
 * `MAX_AHEAD_PER_WORKER × workers` inputs are out or finished but waiting for an earlier one.
 *
 * Rejects when a worker cannot start or dies; the results delivered until then were delivered (in order), so the
 * caller can go on from input number `delivered` on another thread.
 */
export function auditInOrder(
  inputs: readonly PoolInput[],
  options: PoolOptions,
  onResult: (r: FileResult, index: number) => void | Promise<void>,
): Promise<void> {
  if (inputs.length === 0) return Promise.resolve();
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), Math.ceil(inputs.length / batchSize)));
  const maxAhead = Math.max(batchSize * 2, MAX_AHEAD_PER_WORKER) * count;
  const url = options.workerUrl ?? defaultWorkerUrl();
  const timings = options.timings;
  return new Promise<void>((resolvePromise, rejectPromise) => {
    const workers: Worker[] = [];
    /** Batches each worker has been sent and not answered yet. */
    const outstanding = new Map<Worker, number>();
    /** Finished results waiting for an earlier input. */
    const ready = new Map<number, FileResult>();
    let next = 0;
    let delivered = 0;
    let delivering = false;
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      void Promise.all(workers.map((w) => w.terminate())).then(() => {
        if (error) rejectPromise(error);
        else resolvePromise();
      });
    };
    const send = (w: Worker): void => {
      if (settled || next >= inputs.length || next - delivered >= maxAhead) return;
      const jobs: WorkerJob[] = [];
      for (; next < inputs.length && jobs.length < batchSize; next++) {
        const input = inputs[next]!;
        jobs.push({
          index: next,
          path: input.path,
          ...(input.bytes !== undefined ? { bytes: input.bytes } : { file: input.file ?? input.path }),
          options: input.options,
        });
      }
      const req: WorkerRequest = { jobs, timings: timings !== undefined };
      outstanding.set(w, (outstanding.get(w) ?? 0) + 1);
      w.postMessage(req);
    };
    // two batches in flight per worker: one being audited, one waiting in its queue
    const feed = (): void => {
      for (const w of workers) while ((outstanding.get(w) ?? 0) < 2 && next < inputs.length && next - delivered < maxAhead) send(w);
    };
    const deliver = async (): Promise<void> => {
      if (delivering) return;
      delivering = true;
      try {
        while (!settled && ready.has(delivered)) {
          const r = ready.get(delivered)!;
          ready.delete(delivered);
          const waiting = onResult(r, delivered);
          delivered++;
          if (waiting !== undefined) await waiting;
          feed();
        }
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
        return;
      } finally {
        delivering = false;
      }
      if (delivered === inputs.length) finish(null);
    };
    for (let i = 0; i < count; i++) {
      let w: Worker;
      try {
        const limits = workerLimits(options.maxOldGenerationMb);
        w = workerThread(url, { workerData: { mark: WORKER_MARK }, resourceLimits: limits });
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      workers.push(w);
      w.on('message', (reply: WorkerBatchReply) => {
        outstanding.set(w, (outstanding.get(w) ?? 1) - 1);
        for (const r of reply.replies) {
          const input = inputs[r.index]!;
          ready.set(r.index, 'result' in r ? fileResultOf(r.result) : options.onReadError(input, r.readFailure));
        }
        if (reply.timings && timings) addTimings(timings, reply.timings);
        void deliver();
        feed();
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!settled) finish(new Error(`an audit worker stopped (exit code ${code})`));
      });
    }
    feed();
  });
}
