/**
 * Parse-ahead (see docs/performance.md): for runs audited on one thread (machines too small for the audit pool,
 * pool.ts), a worker thread runs ahead of the main thread's audit loop, reads the files and parses their shell
 * scripts (tree-sitter-bash, the most expensive single step of an audit), so that the main thread finds their bytes
 * and trees ready instead of reading and parsing them.
 *
 * Purely speculative: the main thread never waits for the worker. Between two files it takes whatever trees have
 * arrived (`receiveMessageOnPort`: the audit loop does not return to the event loop between files) and puts them into
 * the tree cache (`primeTree`); a script whose tree has not arrived is parsed on the main thread as without the
 * worker, and a file whose bytes have not arrived is read there. A tree depends only on its script's text and is used
 * only for exactly that text, so the results are the same either way. Memory is bounded: the worker stays at most `ahead` files in front of the main thread, which
 * tells it where it is through a shared counter (no message per file).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { bashTables, shellReady } from '../shell/loader.js';
import { primeTree } from '../shell/parse.js';
import { SyntaxTree } from '../shell/tree.js';
import { AT, CONTROL_CELLS, NOT_WAITING, PARSE_AHEAD_MARK, STOP, WAKE } from './parse-ahead-protocol.js';
import type { ParseAheadData, ParseAheadDelivery } from './parse-ahead-protocol.js';

/**
 * Fewer files than this: no worker. Its start-up (~90 ms of CPU: a thread with its own Node environment, the module,
 * the grammar) falls in the first part of a run, when V8's compiler threads keep the second core busy too. Measured on
 * corpus subsets (2 cores, interleaved, medians, on / off): 200 files 0.39 / 0.38 s, 400 files 0.48 / 0.47 s,
 * 600 files 0.76 / 0.80 s, 800 files 0.97 / 1.04 s.
 */
export const PARSE_AHEAD_MIN_FILES = 500;

/**
 * Whether to start a parse-ahead worker for `fileCount` files audited on one thread. `setting` is the value of
 * `DOCKAUDIT_PARSE_AHEAD`: `0` never, `1` whenever there are enough files; unset, with enough files and at least two
 * cores (on one core the worker could only take time from the audit; with three or more the audit pool runs instead).
 */
export function shouldParseAhead(fileCount: number, setting: string | undefined, cores: number = availableParallelism()): boolean {
  if (setting === '0' || fileCount < PARSE_AHEAD_MIN_FILES) return false;
  return setting === '1' || cores >= 2;
}

/**
 * The worker stops when the process's RSS passes this (MB). Peak RSS at 10,000 distinct files was 138 MB without the
 * worker and 153 MB with it, above the 150 MB budget of docs/performance.md; the corpus (1,475 files) peaks at ~122 MB
 * with it, so ordinary runs keep it to the end.
 */
export const PARSE_AHEAD_RSS_LIMIT_MB = 128;

/** Files between two RSS checks (a power of two). */
const RSS_CHECK_EVERY = 64;

/** Files the worker may be ahead of the main thread (bounds the trees in flight: a few MB at most). */
export const PARSE_AHEAD_FILES = 32;

export interface ParseAheadOptions {
  /** Default `PARSE_AHEAD_FILES`. */
  readonly ahead?: number;
  /** Worker entry; default this package's parse-ahead-worker module. */
  readonly workerUrl?: URL;
  /** Run the worker at the lowest scheduling priority (default true; see parse-ahead-worker.ts). */
  readonly lowPriority?: boolean;
  /** Stop the worker once the process's resident memory passes this many MB (default `PARSE_AHEAD_RSS_LIMIT_MB`). */
  readonly rssLimitMb?: number;
}

/** Counts, for tests and `DOCKAUDIT_DEBUG`. */
export interface ParseAheadStats {
  /** Files the worker has been through (with or without new trees). */
  files: number;
  /** Trees put into the cache. */
  trees: number;
  /** Files the main thread audited from the worker's bytes instead of reading them. */
  reads: number;
  /** The highest file index trees were delivered for (-1: none). */
  maxIndex: number;
  /** The worker was stopped because the process's RSS passed the limit (see `ParseAheadOptions.rssLimitMb`). */
  stoppedForMemory: boolean;
  /** The worker stopped with an error (its trees so far were still used). */
  failed: boolean;
}

function defaultWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './parse-ahead-worker.ts' : './parse-ahead-worker.js', import.meta.url);
}

/**
 * The worker's heap. It holds one file's Dockerfile tree and scripts at a time (files above `MAX_FILE_BYTES` are left
 * to the main thread), so small limits suffice; a worker that exceeds them is stopped (out of memory) and the main
 * thread parses on alone. Measured on 10,000 files: peak RSS of the process +17–20 MB with V8's defaults, +15–18 MB with
 * these (most of it is the thread's own Node environment and the grammar's WebAssembly memory).
 */
const LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };

/** A worker for a TypeScript entry (tests run the sources through tsx, which worker threads do not inherit). */
function startWorker(url: URL, data: ParseAheadData, transfer: MessagePort[]): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: data, transferList: transfer, resourceLimits: LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true, workerData: data, transferList: transfer, resourceLimits: LIMITS });
}

/** A running parse-ahead worker. Create with `startParseAhead`; call `advance(i)` before auditing file i; `stop()`. */
export class ParseAhead {
  readonly stats: ParseAheadStats = { files: 0, trees: 0, reads: 0, maxIndex: -1, stoppedForMemory: false, failed: false };
  /** Files read by the worker and not yet taken, by index (at most `ahead` of them). */
  private readonly bytes = new Map<number, Uint8Array>();
  /** The index of the last `advance`. */
  private at = -1;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly ctl: Int32Array,
    /** Bytes. */
    private readonly rssLimit: number = PARSE_AHEAD_RSS_LIMIT_MB * 1024 * 1024,
  ) {
    // the process never waits for it: it is stopped when the audit loop ends, and dropped at exit otherwise
    worker.unref();
    port.unref();
    worker.on('error', () => {
      this.stats.failed = true;
    });
  }

  /**
   * The main thread is about to audit file `index` (of the files given to `startParseAhead`): takes the trees
   * delivered so far into the tree cache and lets the worker go on up to `index + ahead`. Never blocks.
   */
  advance(index: number): void {
    if (this.stopped) return;
    // a long run's own memory grows (findings, the report's state): past `rssLimit` the worker, whose thread, heap and
    // grammar are ~15 MB of RSS, is stopped, so that it never adds to the run's peak
    if ((index & (RSS_CHECK_EVERY - 1)) === 0 && index > 0 && process.memoryUsage.rss() > this.rssLimit) {
      this.stats.stoppedForMemory = true;
      void this.stop();
      return;
    }
    this.at = index;
    this.drain();
    Atomics.store(this.ctl, AT, index);
    // wake the worker only when it asked to be (every `ahead / 2` files): a wake-up per file cost a context switch
    // per file, on a core the main thread may be using
    if (index >= Atomics.load(this.ctl, WAKE)) Atomics.notify(this.ctl, AT);
  }

  /**
   * The bytes of file `index` as the worker read them, once (call after `advance(index)`), or undefined when they
   * have not arrived: the caller reads the file itself. Saves the main thread a file read (open, stat, read, close)
   * per file.
   */
  take(index: number): Uint8Array | undefined {
    const b = this.bytes.get(index);
    if (b !== undefined) {
      this.bytes.delete(index);
      this.stats.reads++;
    }
    return b;
  }

  /**
   * Stops the worker and drops undelivered trees. Idempotent. The promise resolves once the worker has exited; the
   * CLI does not wait for it (an unreferenced worker does not keep the process alive).
   */
  stop(): Promise<void> {
    if (this.stopped) return this.exited;
    this.stopped = true;
    this.bytes.clear();
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, AT);
    this.port.close();
    this.exited = this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.exited;
  }

  private drain(): void {
    // trees need the main thread's grammar tables; before the grammar is loaded they are dropped (none arrive that
    // early in practice: the worker loads the same grammar first)
    const ready = shellReady();
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const d = m.message as ParseAheadDelivery;
      this.stats.files++;
      this.stats.maxIndex = Math.max(this.stats.maxIndex, d.index);
      // bytes of a file the main thread has read itself already are dropped
      if (d.bytes !== null && d.index >= this.at) this.bytes.set(d.index, d.bytes);
      if (!ready) continue;
      const lang = bashTables();
      for (let k = 0; k < d.texts.length; k++) {
        const tree = SyntaxTree.fromRecords(d.texts[k]!, d.records[k]!, lang);
        if (tree === null) continue;
        primeTree(d.texts[k]!, tree);
        this.stats.trees++;
      }
    }
  }
}

/**
 * Starts a parse-ahead worker over `files` (paths to read, in audit order), or returns null when it cannot start
 * (the audit then runs exactly as without it).
 */
export function startParseAhead(files: readonly string[], options: ParseAheadOptions = {}): ParseAhead | null {
  const ahead = Math.max(1, options.ahead ?? PARSE_AHEAD_FILES);
  const control = new SharedArrayBuffer(CONTROL_CELLS * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  ctl[AT] = -1;
  ctl[WAKE] = NOT_WAITING;
  const { port1, port2 } = new MessageChannel();
  const data: ParseAheadData = { mark: PARSE_AHEAD_MARK, files, control, port: port2, ahead, lowPriority: options.lowPriority ?? true };
  try {
    return new ParseAhead(startWorker(options.workerUrl ?? defaultWorkerUrl(), data, [port2]), port1, ctl, (options.rssLimitMb ?? PARSE_AHEAD_RSS_LIMIT_MB) * 1024 * 1024);
  } catch {
    port1.close();
    return null;
  }
}
