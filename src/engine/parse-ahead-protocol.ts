/**
 * What the parse-ahead controller (parse-ahead.ts) and its worker (parse-ahead-worker.ts) exchange. A module of its
 * own so that the worker's bundle does not pull in the controller's imports (the audit pool, the rule registry).
 */
import type { MessagePort } from 'node:worker_threads';

/** What `workerData` holds for a parse-ahead worker. */
export const PARSE_AHEAD_MARK = 'dockaudit-parse-ahead';

/** Cells of the shared control array (`Int32Array`). */
export const AT = 0; // the file the main thread is auditing (-1 before the first)
export const WAKE = 1; // the worker sleeps until AT reaches this (NOT_WAITING when it is not asleep)
export const STOP = 2; // 1: the worker should stop
export const CONTROL_CELLS = 3;
export const NOT_WAITING = 0x7fffffff;

export interface ParseAheadData {
  readonly mark: typeof PARSE_AHEAD_MARK;
  /** Files to read, in the order the main thread audits them. */
  readonly files: readonly string[];
  /** Shared `Int32Array` of `CONTROL_CELLS` cells. */
  readonly control: SharedArrayBuffer;
  /** Where the worker posts its `ParseAheadDelivery` messages. */
  readonly port: MessagePort;
  /** Files the worker may be ahead of the main thread. */
  readonly ahead: number;
  /** Run at the lowest scheduling priority. */
  readonly lowPriority: boolean;
}

/** One file's bytes and the trees of its scripts (those not delivered for an earlier file). */
export interface ParseAheadDelivery {
  readonly index: number;
  /** The file's contents as the worker read them (transferred), or null when it could not or did not read them. */
  readonly bytes: Uint8Array | null;
  readonly texts: readonly string[];
  /** `SyntaxTree.records()` of each text (their buffers are transferred). */
  readonly records: readonly Int32Array[];
}
