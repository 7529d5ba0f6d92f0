/**
 * The parse-ahead worker (see parse-ahead.ts): runs ahead of the main thread over the input files, parses each
 * Dockerfile, parses the scripts of its RUN/CMD/ENTRYPOINT/HEALTHCHECK instructions with tree-sitter-bash and sends
 * their flat trees (`SyntaxTree.records()`) to the main thread, which puts them into its tree cache.
 *
 * Everything here is speculative: a file that cannot be read or parsed, a script that is not predicted exactly, a
 * script that hits its parse deadline, simply sends nothing, and the main thread parses the script itself.
 */
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Dockerfile, Instruction } from '../parser/ast.js';
import type { SourceFile } from '../source.js';
import { decodeBytes } from '../parser/decode.js';
import { parse } from '../parser/parse.js';
import { execScript, isBareHeredoc, withHeredocs } from '../shell/instruction.js';
import { bashParser, bashTables, cursorBinding, initShell, memoryReader } from '../shell/loader.js';
import { toolKey } from '../shell/options.js';
import { parseBudgetMs, SHELLS, shebangInterpreter, shellKindOf } from '../shell/parse.js';
import { readTree } from '../shell/tree.js';
import type { ShellKind } from '../shell/types.js';
import { AT, NOT_WAITING, PARSE_AHEAD_MARK, STOP, WAKE } from './parse-ahead-protocol.js';
import type { ParseAheadData, ParseAheadDelivery } from './parse-ahead-protocol.js';

// What follows predicts the text `syntaxTree` (src/shell/parse.ts) is called with for each top-level script, as
// `instructionScripts` (src/shell/instruction.ts) builds it. A wrong prediction costs only a wasted parse: trees are
// used only for exactly their own text. Nested scripts (`sh -c '…'`, `bash <<EOF`) depend on variable values and are
// left to the main thread (27 of the corpus' 2,286 distinct scripts, 0.3 % of their characters).

function isPosix(kind: ShellKind): boolean {
  return kind !== 'powershell' && kind !== 'cmd';
}

/** The texts of the scripts of one instruction that the bash parser will see, given the shell in effect. */
function instructionTexts(source: SourceFile, ins: Instruction, shell: ShellKind, out: string[]): void {
  if (ins.kind === 'ONBUILD') {
    if (ins.trigger !== null) instructionTexts(source, ins.trigger, shell, out);
    return;
  }
  if (ins.kind !== 'RUN' && ins.kind !== 'CMD' && ins.kind !== 'ENTRYPOINT' && ins.kind !== 'HEALTHCHECK') return;
  const cmd = ins.command;
  if (cmd === null) return;
  if (cmd.form === 'exec') {
    const s = execScript(source, cmd.args);
    if (s !== null) out.push(s.text);
    return;
  }
  const heredocs = ins.heredocs;
  if (heredocs.length > 0 && isBareHeredoc(cmd.script.text, heredocs)) {
    const body = heredocs[0]!.body.text;
    const interp = shebangInterpreter(body);
    if (interp === null ? isPosix(shell) : SHELLS.has(toolKey(interp))) out.push(body);
    return;
  }
  if (!isPosix(shell)) return;
  out.push(heredocs.length > 0 ? withHeredocs(cmd.script, heredocs).text : cmd.script.text);
}

/**
 * The texts of a Dockerfile's top-level scripts that the bash parser will be given (in order, repeats kept). The
 * shell follows SHELL instructions within a stage and from a stage named in FROM; a Windows image's default shell
 * (`cmd`, which the model guesses from the image) is not known here: its scripts are predicted as POSIX ones.
 */
export function scriptTexts(df: Dockerfile): string[] {
  const out: string[] = [];
  const source = df.source;
  const stageShells = new Map<string, ShellKind>();
  let shell: ShellKind = 'sh';
  let stageName: string | null = null;
  for (const ins of df.instructions) {
    if (ins.kind === 'FROM') {
      if (stageName !== null) stageShells.set(stageName, shell);
      const base = ins.image?.value.toLowerCase();
      shell = (base !== undefined ? stageShells.get(base) : undefined) ?? 'sh';
      stageName = ins.stageName?.value.toLowerCase() ?? null;
    } else if (ins.kind === 'SHELL') {
      if (ins.json && ins.args.length > 0) shell = shellKindOf(ins.args[0]!.value);
    } else instructionTexts(source, ins, shell, out);
  }
  return out;
}

/** Larger files are left to the main thread (rare; their Dockerfile tree alone could exceed the worker's heap). */
const MAX_FILE_BYTES = 256 * 1024;

/** Scripts longer than this are not kept by the main thread's tree cache (parse.ts): not worth sending. */
const MAX_SCRIPT = 1 << 16;

/** Texts sent already (the main thread has them cached); forgotten past the size of that cache. */
const sent = new Set<string>();
const SENT_MAX = 4096;

/** Parses one script as `syntaxTree` does (same deadline); its records, or null when the parser gave up. */
function parseRecords(text: string): Int32Array | null {
  const parser = bashParser();
  const deadline = performance.now() + parseBudgetMs(text.length);
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  if (tree === null) {
    parser.reset();
    return null;
  }
  try {
    return (memoryReader()?.read(tree, text) ?? readTree(tree, text, bashTables(), cursorBinding())).records();
  } finally {
    tree.delete();
  }
}

/**
 * The delivery for one file: its bytes, for the main thread to audit without reading the file again, and the trees of
 * its scripts not sent before (none for a file it cannot read, or leaves to the main thread; sent all the same, so
 * that the main thread knows how far the worker got).
 */
function parseFile(index: number, file: string): ParseAheadDelivery {
  const texts: string[] = [];
  const records: Int32Array[] = [];
  let bytes: Uint8Array;
  let df: Dockerfile;
  try {
    bytes = readFileSync(file);
    if (bytes.length > MAX_FILE_BYTES) return { index, bytes: null, texts, records };
    // a small file's Buffer is a slice of Node's shared pool, which must not be transferred: a copy of its own
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = new Uint8Array(bytes);
    df = parse(decodeBytes(bytes, file).source);
  } catch {
    return { index, bytes: null, texts, records };
  }
  for (const text of scriptTexts(df)) {
    if (text.length > MAX_SCRIPT || sent.has(text)) continue;
    if (sent.size >= SENT_MAX) sent.clear();
    sent.add(text);
    const r = parseRecords(text);
    if (r === null) continue;
    texts.push(text);
    records.push(r);
  }
  return { index, bytes, texts, records };
}

/** What a delivery transfers instead of copying: the file's buffer and the trees' records. */
function transferList(d: ParseAheadDelivery): ArrayBuffer[] {
  const list = d.records.map((r) => r.buffer as ArrayBuffer);
  if (d.bytes !== null) list.push(d.bytes.buffer as ArrayBuffer);
  return list;
}

/**
 * Lowers this thread's scheduling priority to the lowest (nice 19), so that the worker runs only on otherwise idle
 * CPU and never takes a core from the main thread or V8's garbage-collector and compiler threads: its work is only
 * worth doing with a spare core. Linux only, where the priority of "process 0" is the calling thread's (elsewhere it
 * is the whole process's, which must not change).
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(19);
  } catch {
    // not allowed (some sandboxes): run at the normal priority
  }
}

/**
 * The worker stops after this many files in a row gave no script it had not sent already: the main thread has those
 * trees cached, and the worker would only spend CPU (re-reading and parsing Dockerfiles) and memory (~17 MB of RSS
 * for its thread, heap and grammar). Over the corpus it never stops early; over the 10,000-file benchmark (the corpus
 * repeated as hard links) it stops soon after the first copy.
 */
const IDLE_FILES = 256;

/** How long one wait for the main thread lasts before the stop flag is checked again (ms). */
const WAIT_MS = 100;

async function serve(data: ParseAheadData): Promise<void> {
  const { files, control, port, ahead } = data;
  const ctl = new Int32Array(control);
  if (data.lowPriority) lowerPriority();
  await initShell();
  let i = 0;
  let idle = 0;
  while (i < files.length && idle < IDLE_FILES && Atomics.load(ctl, STOP) === 0) {
    // the file the main thread is auditing now: files up to it are its own business
    const at = Atomics.load(ctl, AT);
    if (i <= at) {
      i = at + 1;
      continue;
    }
    if (i > at + ahead) {
      // sleep until the main thread has used half of the lead, then work in a burst: one wake-up per `ahead / 2`
      // files. WAKE is written before AT is read again (and the main thread writes AT before reading WAKE), so one
      // of the two sees the other's write: no wake-up is lost (and the wait times out anyway).
      const wake = i - Math.ceil(ahead / 2);
      Atomics.store(ctl, WAKE, wake);
      const now = Atomics.load(ctl, AT);
      if (now < wake) Atomics.wait(ctl, AT, now, WAIT_MS);
      Atomics.store(ctl, WAKE, NOT_WAITING);
      continue;
    }
    const d = parseFile(i, files[i]!);
    port.postMessage(d, transferList(d));
    idle = d.texts.length === 0 ? idle + 1 : 0;
    i++;
  }
  port.close();
}

const data = workerData as Partial<ParseAheadData> | null;
if (!isMainThread && data?.mark === PARSE_AHEAD_MARK) {
  // any failure (the grammar cannot load, a bug) ends the worker: the main thread parses as if it never existed
  serve(data as ParseAheadData).catch(() => (data.port as MessagePort | undefined)?.close());
}
