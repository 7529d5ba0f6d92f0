/**
 * Where the audit report goes while files are audited: each file's part is formatted as soon as that file (and every
 * earlier one) is done, written out, and the file's result dropped, so that memory does not grow with the number of
 * files (10,000 files: 740 MB peak RSS when every result was kept until the end). Also works out the exit code and
 * the stderr lines of each file, which need only small parts of the result.
 *
 * Output semantics:
 * - `--output FILE`: the report is written to a temporary file beside FILE and renamed to FILE once complete, so FILE
 *   is either the whole report or untouched (as when the report was written in one piece at the end).
 * - stdout: written as it comes. Anything that can stop the run before the first file is audited (usage and config
 *   errors) is checked before anything is written; an internal error later leaves a truncated report and exit code 2.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FailLevel } from '../config/types.js';
import { exceedsFailLevel } from '../config/resolve.js';
import type { FileResult } from '../engine/result.js';
import { INTERNAL_ERROR } from '../engine/run.js';
import type { ReportWriter } from '../report/types.js';

/** Pieces are written in chunks of about this size (one write per file would be ~1,500 system calls per corpus). */
const CHUNK_CHARS = 64 * 1024;

export interface ReportSinkOptions {
  readonly writer: ReportWriter;
  /** Absolute path of `--output`; stdout when absent. */
  readonly outputFile?: string;
  /** `--output` as written, for messages. */
  readonly outputName?: string;
  /** Prints each file's errors and warnings to stderr too (when the report does not show them: not text on stdout). */
  readonly echoProblems: boolean;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: (s: string) => void;
  /** Turns an I/O error into a short message. */
  readonly describeError: (e: unknown) => string;
}

export class ReportSink {
  private readonly pending: string[] = [];
  private pendingChars = 0;
  private fd: number | null = null;
  private tempFile: string | null = null;
  private writeError: unknown = undefined;
  /** stderr lines of the files so far, printed after the report (as when it was written in one piece). */
  private readonly problems: string[] = [];
  private problemExit = false;
  private failed = false;
  private count = 0;

  constructor(private readonly o: ReportSinkOptions) {
    if (o.outputFile !== undefined) {
      const temp = join(dirname(o.outputFile), `.${basename(o.outputFile)}.${process.pid}.dockaudit-tmp`);
      try {
        this.fd = openSync(temp, 'w');
        this.tempFile = temp;
      } catch (e) {
        this.writeError = e;
      }
    }
    this.push(o.writer.start());
  }

  /** Number of files added. */
  get files(): number {
    return this.count;
  }

  /**
   * Adds the next file's result (in input order), with the fail level of its config (none for files that could not
   * be read). Returns a promise when stdout is congested: wait for it before adding more.
   */
  add(r: FileResult, failLevel: FailLevel | undefined): Promise<void> | undefined {
    this.count++;
    if (this.o.echoProblems) for (const w of r.warnings ?? []) this.problems.push(`${r.path}:${w.line}:${w.column}: warning: ${w.message}\n`);
    for (const e of r.errors) {
      this.problemExit = true;
      if (this.o.echoProblems) this.problems.push(`${r.path}:${e.line}:${e.column}: ${e.message}\n`);
    }
    for (const f of r.findings) {
      if (f.messageId === INTERNAL_ERROR) {
        this.problemExit = true;
        this.problems.push(`${r.path}: ${f.message}\n`);
      }
    }
    if (!this.failed && failLevel !== undefined && exceedsFailLevel(r.findings, failLevel)) this.failed = true;
    return this.push(this.o.writer.file(r));
  }

  /**
   * Writes the end of the report and closes it; prints the files' stderr lines. Returns the exit code: 2 when the
   * report could not be written or a file had errors, 1 when findings reach a fail level, else 0 (`exit` is the
   * code so far, e.g. 2 for a path that did not exist).
   */
  async finish(exit: number): Promise<number> {
    const waiting = this.push(this.o.writer.end(), true);
    if (waiting !== undefined) await waiting;
    if (this.o.outputFile !== undefined) {
      if (this.fd !== null) {
        try {
          closeSync(this.fd);
        } catch (e) {
          this.writeError ??= e;
        }
        this.fd = null;
      }
      if (this.writeError === undefined && this.tempFile !== null) {
        try {
          renameSync(this.tempFile, this.o.outputFile);
          this.tempFile = null;
        } catch (e) {
          this.writeError = e;
        }
      }
      if (this.writeError !== undefined) {
        this.discard();
        this.o.stderr(`${this.o.outputName ?? this.o.outputFile}: cannot write the report: ${this.o.describeError(this.writeError)}\n`);
        return 2;
      }
    }
    for (const line of this.problems) this.o.stderr(line);
    if (this.problemExit) exit = 2;
    if (exit === 0 && this.failed) exit = 1;
    return exit;
  }

  /** Removes a temporary output file (when the run stops before `finish`). */
  discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already failed
      }
      this.fd = null;
    }
    if (this.tempFile !== null) {
      rmSync(this.tempFile, { force: true });
      this.tempFile = null;
    }
  }

  private push(piece: string, flush = false): Promise<void> | undefined {
    if (piece !== '') {
      this.pending.push(piece);
      this.pendingChars += piece.length;
    }
    if (!flush && this.pendingChars < CHUNK_CHARS) return undefined;
    const chunk = this.pending.join('');
    this.pending.length = 0;
    this.pendingChars = 0;
    if (chunk === '') return undefined;
    if (this.o.outputFile !== undefined) {
      if (this.fd !== null && this.writeError === undefined) {
        try {
          const data = Buffer.from(chunk, 'utf8');
          let n = 0;
          while (n < data.length) n += writeSync(this.fd, data, n, data.length - n);
        } catch (e) {
          this.writeError = e;
        }
      }
      return undefined;
    }
    if (this.o.stdout.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.o.stdout.off('drain', done);
        this.o.stdout.off('close', done);
        this.o.stdout.off('error', done);
        resolve();
      };
      this.o.stdout.on('drain', done);
      // a closed pipe (`dockaudit | head`) never drains
      this.o.stdout.on('close', done);
      this.o.stdout.on('error', done);
    });
  }
}
