/**
 * Shared predicates over the shell facts of a model, for the supply-chain rules (5xx): every parsed script with the
 * instruction that runs it, exact ranges of option letters inside bundles, loopback hosts, and the text that RUN
 * scripts and COPY heredocs write into files (config writes like `echo 'gpgcheck=0' >> /etc/yum.conf`).
 */
import { perModel, perModelAnd } from '../../model/memo.js';
import { commandsNamed } from './command-index.js';
import type { Artifact, Dataflow, ShellCommand, ShellScript, Word, OptionUse } from '../../shell/index.js';
import type { DockerfileModel, InstructionFacts, Stage } from '../../model/types.js';
import type { Range } from '../../source.js';
import { toSourceRange } from '../../source.js';
import { stripQueryAndFragment, trimTrailingSlashes } from '../../shell/dataflow.js';

export interface ScriptAt {
  readonly facts: InstructionFacts;
  readonly stage: Stage | null;
  readonly script: ShellScript;
}

/**
 * Results of `scriptsOfModel`/`commandsOfModel` are kept per model and `kinds` (most rules ask for the same lists:
 * building them per rule was a new array per rule and file).
 */
const kindsKey = (kinds: readonly string[] | undefined): string => (kinds === undefined ? '*' : kinds.join(','));
const scriptsBy = perModelAnd(collectScripts, kindsKey);
const commandsBy = perModelAnd(collectCommands, kindsKey);
// the lists of every kind, which the command index and the env settings ask for, without the lookup by kinds
const allScripts = perModel((model: DockerfileModel) => collectScripts(model, undefined));
const allCommands = perModel((model: DockerfileModel) => collectCommands(model, undefined));

/** Every parsed script of the file (RUN, CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD triggers), in file order (computed
 * once per model and kinds: the array is shared, do not modify it). */
export function scriptsOfModel(model: DockerfileModel, kinds?: readonly string[]): readonly ScriptAt[] {
  return kinds === undefined ? allScripts(model) : scriptsBy(model, kinds);
}

function collectScripts(model: DockerfileModel, kinds: readonly string[] | undefined): ScriptAt[] {
  const out: ScriptAt[] = [];
  for (const f of model.instructions) {
    if (f.shell === undefined) continue;
    if (kinds !== undefined && !kinds.includes(f.instruction.kind)) continue;
    const stage = f.stage === null ? null : (model.stages[f.stage] ?? null);
    for (const script of f.shell) out.push({ facts: f, stage, script });
  }
  return out;
}

/** A command with the script it runs in. */
export interface CommandAt {
  readonly at: ScriptAt;
  readonly cmd: ShellCommand;
}

/** Every command of every script (nested scripts included), with where it runs (computed once per model and kinds:
 * the array is shared, do not modify it). */
export function commandsOfModel(model: DockerfileModel, kinds?: readonly string[]): readonly CommandAt[] {
  return kinds === undefined ? allCommands(model) : commandsBy(model, kinds);
}

function collectCommands(model: DockerfileModel, kinds: readonly string[] | undefined): CommandAt[] {
  const out: CommandAt[] = [];
  for (const at of scriptsOfModel(model, kinds)) for (const cmd of at.script.all) out.push({ at, cmd });
  return out;
}

/** `localhost`, `127.x.x.x`, `::1`, `0.0.0.0` and `*.localhost`: traffic that never leaves the machine. */
export function isLoopbackHost(host: string | null): boolean {
  if (host === null) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.[0-9.]+$/.test(h) || h === '::1' || h === '0.0.0.0';
}

/**
 * The source range of an option as written: for a short option inside a bundle (`-fsSLk`), just its letter; for
 * `--opt=value` or a separate word, the option word. Falls back to the whole word when the word is not literal.
 */
export function optionRange(o: OptionUse): Range {
  const w = o.word;
  const r = w.range;
  if (w.raw.length !== r.end - r.start) return r;
  if (/^-[^-]/.test(w.raw) && o.name.length === 2 && !o.name.startsWith('--')) {
    const k = w.raw.indexOf(o.name[1]!, 1);
    if (k > 0 && w.raw.length > 2) return { start: r.start + k, end: r.start + k + 1 };
  }
  return r;
}

/** Range of the first match of `re` inside `within` in the source text, or null. `re` must not be global. */
export function locate(model: DockerfileModel, within: Range, re: RegExp): Range | null {
  const text = model.source.text.slice(within.start, within.end);
  const m = re.exec(text);
  if (m === null) return null;
  return { start: within.start + m.index, end: within.start + m.index + m[0].length };
}

/** A piece of text written into a file by the build. */
export interface FileWrite {
  /** Target path when static (`/etc/yum.repos.d/x.repo`), else null. */
  readonly path: string | null;
  /** The written text (for `sed -i 's/a/b/'`, the replacement `b`). */
  readonly text: string;
  /** Where to look for the text in the source. */
  readonly within: Range;
  /** For a COPY/ADD heredoc, maps a text offset range to the source exactly. */
  readonly map?: (start: number, end: number) => Range;
  readonly facts: InstructionFacts;
  /** The command that writes, for RUN writes. */
  readonly cmd: ShellCommand | null;
}

/** Files `tee` writes to (its operands). */
function teeTargets(c: ShellCommand): Word[] {
  return c.operands.filter((w) => (w.value ?? w.prefix) !== '');
}

function staticText(words: readonly Word[]): string {
  return words.map((w) => w.value ?? w.raw).join(' ');
}

/** The replacement parts of `s/…/…/` sed expressions. */
function sedReplacements(expr: string): string[] {
  const out: string[] = [];
  for (const part of expr.split(/;|\n/)) {
    const m = /^\s*(?:[0-9$/][^s]*)?s(.)/.exec(part);
    if (m === null) continue;
    const d = m[1]!;
    const fields: string[] = [];
    let cur = '';
    for (let i = m[0].length; i < part.length; i++) {
      const ch = part[i]!;
      if (ch === '\\' && i + 1 < part.length) {
        cur += part[i + 1] === d ? d : ch + part[i + 1]!;
        i++;
      } else if (ch === d) {
        fields.push(cur);
        cur = '';
        if (fields.length === 2) break;
      } else cur += ch;
    }
    if (fields.length === 2) out.push(fields[1]!);
  }
  return out;
}

/** Text that RUN scripts (`echo`/`printf`/`cat <<EOF`/`tee`/`sed -i`) and COPY/ADD heredocs write into files
 * (computed once per model: the array is shared, do not modify it). */
export const fileWrites: (model: DockerfileModel) => readonly FileWrite[] = perModel(collectFileWrites);

/** The tools whose writes `collectFileWrites` reads. */
const WRITERS: ReadonlySet<string> = new Set(['echo', 'printf', 'cat', 'tee', 'sed']);

function collectFileWrites(model: DockerfileModel): FileWrite[] {
  const out: FileWrite[] = [];
  for (const { at, cmd: c } of commandsNamed(model, WRITERS, 'RUN')) {
    const tool = c.tool;
    if (tool === null) continue;
    const here = c.redirects.length === 0 ? undefined : c.redirects.find((r) => r.heredoc !== null || r.op === '<<<');
    if (tool === 'echo' || tool === 'printf' || ((tool === 'cat' || tool === 'tee') && here !== undefined)) {
      const targets: Word[] = [...c.writes];
      if (tool === 'tee') targets.push(...teeTargets(c));
      // `echo … | tee file` and `echo … | sudo tee -a file`
      if (c.stdoutTo !== null && c.stdoutTo.tool === 'tee') targets.push(...teeTargets(c.stdoutTo));
      // most echo/printf commands write to the build log, not into a file: no text for them
      if (targets.length === 0) continue;
      let text: string;
      let within: Range = c.range;
      if (tool === 'echo' || tool === 'printf') text = staticText(c.operands);
      else if (here!.heredoc !== null) {
        text = here!.heredoc;
        within = here!.range;
      } else text = here!.target?.value ?? here!.target?.raw ?? '';
      if (tool === 'printf' || c.hasFlag('-e')) text = text.replace(/\\n/g, '\n');
      for (const t of targets) out.push({ path: t.value, text, within, facts: at.facts, cmd: c });
      continue;
    }
    if (tool === 'sed' && c.hasFlag('-i', '--in-place')) {
      const exprs = c.flagValues('-e');
      const ops = [...c.operands];
      if (exprs.length === 0 && ops.length > 0) exprs.push(ops.shift()!);
      const text = exprs.flatMap((e) => sedReplacements(e.value ?? e.raw)).join('\n');
      if (text === '') continue;
      for (const t of ops) out.push({ path: t.value, text, within: c.range, facts: at.facts, cmd: c });
    }
  }
  for (const f of model.instructions) {
    const i = f.instruction;
    if ((i.kind !== 'COPY' && i.kind !== 'ADD') || i.heredocs.length === 0 || i.destination === null) continue;
    const many = i.sources.length > 1 || i.destination.value.endsWith('/');
    for (const h of i.heredocs) {
      const path = many ? `${trimTrailingSlashes(i.destination.value)}/${h.name}` : i.destination.value;
      out.push({
        path,
        text: h.body.text,
        within: h.bodyRange,
        map: (s, e) => toSourceRange(h.body, s, e),
        facts: f,
        cmd: null,
      });
    }
  }
  return out;
}

/** Range of the first match of `re` in a file write (exact for COPY heredocs, searched in the source otherwise). */
export function locateInWrite(model: DockerfileModel, w: FileWrite, re: RegExp): Range {
  if (w.map !== undefined) {
    const m = re.exec(w.text);
    if (m !== null) return w.map(m.index, m.index + m[0].length);
  }
  return locate(model, w.within, re) ?? w.within;
}

/** True for `false`, `0`, `no`, `off` (case-insensitive), the spellings config parsers take as false. */
export function isFalseValue(v: string): boolean {
  return /^(?:false|0|no|off)$/i.test(v.trim().replace(/^["']|["']$/g, ''));
}

/** True for `true`, `1`, `yes`, `on`. */
export function isTrueValue(v: string): boolean {
  return /^(?:true|1|yes|on)$/i.test(v.trim().replace(/^["']|["']$/g, ''));
}

/**
 * True when a downloaded artifact is pinned, or every use of it was verified, or (unused) an enforced checksum /
 * signature covering its path runs after the download.
 */
export function artifactVerified(df: Dataflow, a: Artifact): boolean {
  if (a.pinned) return true;
  if (df.uses.some((u) => u.artifact === a && !u.verified)) return false;
  if (df.uses.some((u) => u.artifact === a && u.verified)) return true;
  if (a.path === null) return false;
  return df.verifications.some((v) => v.enforced && v.range.start > a.range.start && (v.files === null || v.files.includes(a.path!)));
}

/** The URL of an artifact for messages: the expanded URL when complete, else the words as written. */
export function artifactUrlText(model: DockerfileModel, a: Artifact): string {
  if (a.url === null) return 'a download';
  if (a.url.complete || a.origin === 'git' || a.origin === 'package-url') return a.url.url;
  return model.source.text.slice(a.range.start, a.range.end).replace(/^["']|["']$/g, '');
}

/** A detached signature (`.asc`, `.sig`) in a stage that verifies signatures: it needs no verification itself. */
export function isSignatureFile(df: Dataflow, a: Artifact): boolean {
  return /\.(?:asc|sig|sign)$/i.test(stripQueryAndFragment(a.url?.url ?? '')) && df.verifications.some((v) => v.kind === 'signature' || v.kind === 'cosign');
}
