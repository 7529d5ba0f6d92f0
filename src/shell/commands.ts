/**
 * The command model: one `ShellCommand` per simple command, with wrappers looked through, options parsed from the
 * spec table, and queries that keep rules short (`cmd.hasFlag('-y')`, `cmd.flagValue('-o')`, `cmd.urls`).
 */
import type { MappedText, Range } from '../source.js';
import { subWord } from './words.js';
import { canonicalOption, OPTION_SPECS, parseArgs, SPEC_OF, toolKey } from './options.js';
import type { OptionSpec, ParsedArgs } from './options.js';
import type {
  Connector,
  Construct,
  OptionUse,
  Redirect,
  ShellError,
  ShellKind,
  Url,
  Word,
  Wrapper,
} from './types.js';

export interface Assignment {
  readonly name: string;
  readonly value: Word | null;
  readonly range: Range;
}

/** `/usr/bin/curl` → `curl`. */
export function basename(v: string): string {
  const i = v.lastIndexOf('/');
  return i >= 0 ? v.slice(i + 1) : v;
}

// Shared defaults of the read-only fields (the walker sets most of them right away; a fresh empty array per field
// and command was garbage).
const NONE_YET: readonly never[] = Object.freeze([]);
const NO_RANGE: Range = Object.freeze({ start: 0, end: 0 });

/** The links of a command that most commands lack (pipelines, nested scripts): made when one is set. */
interface CommandLinks {
  stdinFrom: ShellCommand | null;
  stdoutTo: ShellCommand | null;
  parent: ShellCommand | null;
  nested: ShellScript | null;
  pipelineIndex: number;
  pipelineLength: number;
}

// bits of `ShellCommand.#flags`
const GUARDED = 1;
const IN_SUBSTITUTION = 2;
const IS_TEST = 4;

export class ShellCommand {
  /** Position in the script's execution-ordered command list (nested scripts included). */
  id = 0;
  /** Basename of the effective command after wrappers (`sudo -E curl` → `curl`; `python3 -m pip` → `pip`); null when dynamic. */
  name: string | null = null;
  /** Spec key: `name` with version suffixes removed (`python3.11` → `python`, `pip3` → `pip`). */
  tool: string | null = null;
  /** The word naming the effective command (for `python -m pip`, the `pip` word). */
  nameWord: Word | null = null;
  /** All words as written, wrappers included, prefix assignments excluded. */
  words: readonly Word[] = NONE_YET;
  /** Effective argv: `[nameWord, ...arguments]`. */
  argv: readonly Word[] = NONE_YET;
  wrappers: readonly Wrapper[] = NONE_YET;
  /** `VAR=x` prefixes (and `env VAR=x`). */
  assignments: readonly Assignment[] = NONE_YET;
  raw = '';
  range: Range = NO_RANGE;
  /** Redirections, in order (most commands have none: they share one empty list). */
  redirects: readonly Redirect[] = NONE_YET;
  connectorBefore: Connector | null = null;
  connectorAfter: Connector | null = null;
  /** Enclosing constructs, outermost first. */
  enclosing: readonly Construct[] = NONE_YET;
  private parsedArgs: ParsedArgs | null = null;

  // The fields below are accessors over two private fields: the pipeline and nesting links that most commands lack
  // live in a side object made when one is set, the booleans in one number. A command had 29 fields; over the
  // corpus the 32,600 commands a run keeps took 8.4 MB that every garbage collection of a file in flight copied.
  #links: CommandLinks | null = null;
  #flags = 0;

  #setLink<K extends keyof CommandLinks>(key: K, value: CommandLinks[K], unset: CommandLinks[K]): void {
    if (this.#links === null) {
      if (value === unset) return;
      this.#links = { stdinFrom: null, stdoutTo: null, parent: null, nested: null, pipelineIndex: 0, pipelineLength: 1 };
    }
    this.#links[key] = value;
  }
  #setFlag(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit;
  }

  /** Index within its pipeline (0 when not in a pipeline). */
  get pipelineIndex(): number {
    return this.#links?.pipelineIndex ?? 0;
  }
  set pipelineIndex(v: number) {
    this.#setLink('pipelineIndex', v, 0);
  }
  /** The length of its pipeline (1 when not in one). */
  get pipelineLength(): number {
    return this.#links?.pipelineLength ?? 1;
  }
  set pipelineLength(v: number) {
    this.#setLink('pipelineLength', v, 1);
  }
  /** The command whose stdout feeds this one's stdin (previous pipeline element). */
  get stdinFrom(): ShellCommand | null {
    return this.#links?.stdinFrom ?? null;
  }
  set stdinFrom(v: ShellCommand | null) {
    this.#setLink('stdinFrom', v, null);
  }
  /** The command this one's stdout is piped into. */
  get stdoutTo(): ShellCommand | null {
    return this.#links?.stdoutTo ?? null;
  }
  set stdoutTo(v: ShellCommand | null) {
    this.#setLink('stdoutTo', v, null);
  }
  /** For commands of a nested script (`sh -c '…'`), the command that runs it. */
  get parent(): ShellCommand | null {
    return this.#links?.parent ?? null;
  }
  set parent(v: ShellCommand | null) {
    this.#setLink('parent', v, null);
  }
  /** The script this command runs (`sh -c '…'`, `su -c`, `eval '…'`, `bash <<EOF`), when static. */
  get nested(): ShellScript | null {
    return this.#links?.nested ?? null;
  }
  set nested(v: ShellScript | null) {
    this.#setLink('nested', v, null);
  }
  /** Failure ignored: `cmd || true`, `cmd || :`, `cmd || exit 0`. */
  get guarded(): boolean {
    return (this.#flags & GUARDED) !== 0;
  }
  set guarded(v: boolean) {
    this.#setFlag(GUARDED, v);
  }
  /** Inside `$( )`, backquotes or `<( )`. */
  get inSubstitution(): boolean {
    return (this.#flags & IN_SUBSTITUTION) !== 0;
  }
  set inSubstitution(v: boolean) {
    this.#setFlag(IN_SUBSTITUTION, v);
  }
  /** A `test`/`[`/`[[` expression (name `[`, `[[` or `test`). */
  get isTest(): boolean {
    return (this.#flags & IS_TEST) !== 0;
  }
  set isTest(v: boolean) {
    this.#setFlag(IS_TEST, v);
  }

  // Rules and the dataflow ask for `spec` and `args` many times per command: both are computed once (and again
  // only if `tool` / `argv` are reassigned).
  #specFor: string | null | undefined = undefined;
  #spec: OptionSpec | undefined = undefined;
  #argsOf: readonly Word[] | undefined = undefined;
  #args: readonly Word[] = NONE_YET;

  /** The option spec used for this command (undefined for unknown tools). */
  get spec(): OptionSpec | undefined {
    if (this.#specFor !== this.tool) {
      this.#spec = this.tool === null ? undefined : SPEC_OF.get(this.tool);
      this.#specFor = this.tool;
    }
    return this.#spec;
  }

  /** Arguments after the effective command name. */
  get args(): readonly Word[] {
    if (this.#argsOf !== this.argv) {
      this.#args = this.argv.slice(1);
      this.#argsOf = this.argv;
    }
    return this.#args;
  }

  get parsed(): ParsedArgs {
    if (this.parsedArgs === null) this.parsedArgs = parseArgs(this.spec, this.args);
    return this.parsedArgs;
  }

  get options(): readonly OptionUse[] {
    return this.parsed.options;
  }

  get operands(): readonly Word[] {
    return this.parsed.operands;
  }

  /** The subcommand (`install` in `apt-get -y install x`), or null (also when dynamic). */
  get subcommand(): string | null {
    return this.parsed.subcommand?.value ?? null;
  }

  /** True when its name or tool key (`pip3` → `pip`) is one of `names`; false for a dynamic command name. */
  isNamed(names: ReadonlySet<string>): boolean {
    return this.name !== null && (names.has(this.name) || (this.tool !== null && names.has(this.tool)));
  }

  /** True when any of the options (or an alias of one) is present. */
  hasFlag(...names: string[]): boolean {
    const options = this.options;
    if (options.length === 0) return false;
    const spec = this.spec;
    for (const n of names) {
      const c = canonicalOption(spec, n);
      for (const o of options) if (o.canonical === c) return true;
    }
    return false;
  }

  /** All uses of an option (aliases included), in order. */
  optionUses(name: string): OptionUse[] {
    const c = canonicalOption(this.spec, name);
    return this.options.filter((o) => o.canonical === c);
  }

  /** The value of the last use of an option (aliases included), or null. */
  flagValue(name: string): Word | null {
    const options = this.options;
    if (options.length === 0) return null;
    const c = canonicalOption(this.spec, name);
    for (let i = options.length - 1; i >= 0; i--) {
      const o = options[i]!;
      if (o.canonical === c && o.value !== null) return o.value;
    }
    return null;
  }

  /** Every value of an option (`-o a -o b`). */
  flagValues(name: string): Word[] {
    const out: Word[] = [];
    const options = this.options;
    if (options.length === 0) return out;
    const c = canonicalOption(this.spec, name);
    for (const o of options) if (o.canonical === c && o.value !== null) out.push(o.value);
    return out;
  }

  /** URLs among operands and option values (static prefix used for scheme/host of dynamic words). */
  /** URLs among the arguments, in source order (computed once: rules ask for them repeatedly; each call gets its
   * own copy of the array). */
  get urls(): Url[] {
    this.urlCache ??= this.findUrls();
    return [...this.urlCache];
  }

  private urlCache: readonly Url[] | undefined;

  private findUrls(): Url[] {
    const out: Url[] = [];
    const seen = new Set<Word>();
    const consider = (w: Word | null): void => {
      if (w === null || seen.has(w)) return;
      seen.add(w);
      const u = parseUrl(w);
      if (u !== null) out.push(u);
    };
    for (const o of this.options) consider(o.value);
    for (const w of this.operands) consider(w);
    if (this.parsed.subcommand !== null) consider(this.parsed.subcommand);
    return out.sort((a, b) => a.word.range.start - b.word.range.start);
  }

  /** Plain JSON (references to other commands as ids; the nested script as its command ids). */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      tool: this.tool,
      argv: this.argv,
      wrappers: this.wrappers.map((w) => w.name),
      assignments: this.assignments,
      raw: this.raw,
      range: this.range,
      redirects: this.redirects,
      subcommand: this.subcommand,
      options: this.options.map((o) => ({ name: o.name, canonical: o.canonical, value: o.value })),
      operands: this.operands,
      pipelineIndex: this.pipelineIndex,
      pipelineLength: this.pipelineLength,
      stdinFrom: this.stdinFrom?.id ?? null,
      stdoutTo: this.stdoutTo?.id ?? null,
      connectorBefore: this.connectorBefore,
      connectorAfter: this.connectorAfter,
      enclosing: this.enclosing,
      guarded: this.guarded,
      inSubstitution: this.inSubstitution,
      parent: this.parent?.id ?? null,
      nested: this.nested?.all.map((c) => c.id) ?? null,
    };
  }

  /** Words that are the target of `>`/`>>` (files written by redirection). */
  get writes(): Word[] {
    const out: Word[] = [];
    for (const r of this.redirects) {
      const w = r.target;
      if (w === null || !(r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>' || r.op === '&>>') || !(r.fd === null || r.fd === 1)) continue;
      if (!(w.value ?? '').startsWith('&')) out.push(w);
    }
    return out;
  }
}

const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;

/** Parses a URL word (also `git+https://…`, `git@host:path` is not a URL). Host from the static prefix. */
export function parseUrl(w: Word): Url | null {
  const text = w.value ?? w.prefix;
  // most words (package names, paths, flags) are no URL: `URL_RE` needs a `://`, looked for without the regex
  if (!text.includes('://')) return null;
  const m = URL_RE.exec(text);
  if (m === null) return null;
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  const hostComplete = w.value !== null || text.length > m[0].length;
  let host: string | null = authority.replace(/^[^@]*@/, '');
  if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
  else host = host.replace(/:[0-9]*$/, '');
  host = hostComplete && host !== '' ? host.toLowerCase() : null;
  return { url: text, scheme, host, complete: w.value !== null, word: w };
}

export class ShellScript {
  /** Commands in execution order (commands of `$( )` before the command using them; nested scripts after their runner). */
  readonly all: ShellCommand[] = [];
  readonly errors: ShellError[] = [];
  /** For a heredoc whose shebang names a non-shell interpreter: that interpreter (`python3`); else null. */
  language: string | null = null;
  constructor(
    readonly kind: ShellKind,
    /** False for PowerShell/cmd (tokenised only) and non-shell heredocs. */
    readonly parsed: boolean,
    readonly source: MappedText,
    /** Dockerfile range covered by the script. */
    readonly range: Range,
  ) {}

  /** Commands whose name (or tool key) is one of `names` (all commands when none given). */
  commands(...names: string[]): ShellCommand[] {
    if (names.length === 0) return this.all.slice();
    const set = new Set(names);
    return this.all.filter((c) => c.isNamed(set));
  }
}

/** Tools looked through to the command they run. */
export const WRAPPERS: ReadonlySet<string> = new Set([
  'sudo',
  'doas',
  'env',
  'exec',
  'nice',
  'xargs',
  'time',
  'command',
  'nohup',
  'timeout',
  'stdbuf',
  'chroot',
  'gosu',
  'su-exec',
  'runuser',
  'busybox',
  'ionice',
]);

export interface Resolution {
  readonly index: number;
  readonly wrappers: readonly Wrapper[];
  readonly assignments: readonly Assignment[];
  /**
   * The effective command's name (basename of `words[index]`; `pip` for `python -m pip` and `uv pip`) and tool key,
   * null when dynamic or missing: the walker's `ShellCommand.name` and `tool` (computed here, where the first word's
   * basename and key are known already, rather than a second time by the walker).
   */
  readonly name: string | null;
  readonly tool: string | null;
}

const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Finds the effective command in `words` (which start at the command name), looking through wrappers. */
export function resolveWrappers(words: readonly Word[]): Resolution {
  // Most commands start with neither a wrapper nor `python`/`uv`: answered here, what `resolveThrough`'s first round
  // decides for them, without entering that larger function (once per command of every script).
  const w = words[0];
  if (w === undefined || w.value === null) return { index: 0, wrappers: NONE_YET, assignments: NONE_YET, name: null, tool: null };
  const name = basename(w.value);
  const key = toolKey(name);
  if (key !== 'python' && key !== 'uv' && !WRAPPERS.has(key)) return { index: 0, wrappers: NONE_YET, assignments: NONE_YET, name, tool: key };
  return resolveThrough(words);
}

/** `resolveWrappers` for a command whose first word may be a wrapper. */
function resolveThrough(words: readonly Word[]): Resolution {
  // The arguments after a wrapper are sliced only when there is one. Closures created per call here were measurable
  // over the corpus.
  let wrappers: Wrapper[] | null = null;
  let assignments: Assignment[] | null = null;
  let i = 0;
  // basename and tool key of the word at `at` (the last one looked at)
  let at = -1;
  let name = '';
  let key = '';
  for (let guard = 0; guard < 16; guard++) {
    const w = words[i];
    if (w === undefined || w.value === null) break;
    at = i;
    name = basename(w.value);
    key = toolKey(name);
    const next1 = words[i + 1];
    if (key === 'python' && next1?.value === '-m' && words[i + 2]?.value !== undefined && /^pip[0-9.]*$/.test(words[i + 2]!.value ?? '')) {
      (wrappers ??= []).push({ name, word: w });
      return { index: i + 2, wrappers, assignments: assignments ?? NONE_YET, name: 'pip', tool: 'pip' };
    }
    if (key === 'uv' && next1?.value === 'pip') {
      (wrappers ??= []).push({ name, word: w });
      return { index: i + 1, wrappers, assignments: assignments ?? NONE_YET, name: 'pip', tool: 'pip' };
    }
    if (!WRAPPERS.has(key)) break;
    const rest = words.slice(i + 1);
    let to: number | null = null;
    switch (key) {
      case 'env': {
        const p = parseArgs(OPTION_SPECS.env, rest);
        to = afterAssignments(p.operands, rest, i, (assignments ??= []));
        break;
      }
      case 'command': {
        const p = parseArgs(OPTION_SPECS.command, rest);
        if (p.options.some((o) => o.name === '-v' || o.name === '-V')) to = null;
        else to = nthOperand(key, rest, i, 0);
        break;
      }
      case 'sudo':
      case 'doas': {
        const p = parseArgs(SPEC_OF.get(key), rest);
        if (p.options.some((o) => SUDO_NO_COMMAND.has(o.name))) {
          to = null;
          break;
        }
        to = afterAssignments(p.operands, rest, i, (assignments ??= []));
        break;
      }
      case 'timeout':
      case 'chroot':
      case 'gosu':
      case 'su-exec':
        to = nthOperand(key, rest, i, 1);
        break;
      case 'runuser': {
        const p = parseArgs(OPTION_SPECS.runuser, rest);
        if (p.options.some((o) => o.canonical === '-c')) to = null;
        else to = nthOperand(key, rest, i, p.options.some((o) => o.canonical === '-u') ? 0 : 1);
        break;
      }
      default:
        to = nthOperand(key, rest, i, 0);
    }
    if (to === null) break;
    (wrappers ??= []).push({ name, word: w });
    i = to;
  }
  const w = words[i];
  if (w === undefined || w.value === null) return { index: i, wrappers: wrappers ?? NONE_YET, assignments: assignments ?? NONE_YET, name: null, tool: null };
  if (at !== i) {
    // the loop ended on its guard, after a wrapper: the command word was not looked at yet
    name = basename(w.value);
    key = toolKey(name);
  }
  return { index: i, wrappers: wrappers ?? NONE_YET, assignments: assignments ?? NONE_YET, name, tool: key };
}

/** sudo/doas options that run no command (`-l` lists, `-v` validates, …). */
const SUDO_NO_COMMAND: ReadonlySet<string> = new Set(['-l', '-v', '-k', '-K', '-e', '-V', '-h']);

/** Index in the full word list of the `n`-th operand of wrapper `key` (whose arguments `rest` follow index `i`). */
function nthOperand(key: string, rest: readonly Word[], i: number, n: number): number | null {
  const op = parseArgs(SPEC_OF.get(key), rest).operands[n];
  return op === undefined ? null : i + 1 + rest.indexOf(op);
}

/**
 * `env`/`sudo` operands: leading `NAME=value` words are assignments (added to `out`); the first other word is the
 * command, returned as an index in the full word list.
 */
function afterAssignments(operands: readonly Word[], rest: readonly Word[], i: number, out: Assignment[]): number | null {
  let k = 0;
  while (k < operands.length && ASSIGN_RE.test(operands[k]!.value ?? operands[k]!.prefix)) {
    const a = operands[k]!;
    const m = ASSIGN_RE.exec(a.value ?? a.prefix)!;
    out.push({ name: m[1]!, value: subWord(a, m[0].length), range: a.range });
    k++;
  }
  const op = operands[k];
  return op === undefined ? null : i + 1 + rest.indexOf(op);
}
