/**
 * File modes set during the build: `chmod`, `install -m`, `mkdir -m` in RUN scripts and `COPY/ADD --chmod`. Shared
 * by world-writable-permissions (DA304) and setuid-setgid-bit (DA305).
 */
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';
import type { Word } from '../../shell/types.js';
import type { Range } from '../../source.js';
import { commandsNamed } from './command-index.js';
import { perModel } from '../../model/memo.js';
import { trimTrailingSlashes } from '../../shell/dataflow.js';

/** What a mode grants (only the bits a mode sets; `o-w` grants nothing). */
export interface ModeEffect {
  readonly worldWritable: boolean;
  readonly sticky: boolean;
  readonly setuid: boolean;
  readonly setgid: boolean;
}

const OCTAL = /^[0-7]{1,5}$/;
const CLAUSE = /^([ugoa]*)[-+=][-+=rwxXstugo]*$/;
const ACTION = /[-+=][rwxXstugo]*/g;

/** Parses an octal or symbolic mode (`0777`, `u+s,go+w`); null when it is not a mode. */
export function parseMode(mode: string): ModeEffect | null {
  if (OCTAL.test(mode)) {
    const n = parseInt(mode, 8);
    return { worldWritable: (n & 0o002) !== 0, sticky: (n & 0o1000) !== 0, setuid: (n & 0o4000) !== 0, setgid: (n & 0o2000) !== 0 };
  }
  let worldWritable = false;
  let sticky = false;
  let setuid = false;
  let setgid = false;
  for (const clause of mode.split(',')) {
    const m = CLAUSE.exec(clause);
    if (m === null) return null;
    const who = m[1]!;
    // without a who, chmod applies the umask: `+w` does not reach others under the usual 022 umask, `+s` sets both
    const all = who.includes('a');
    const others = all || who.includes('o');
    const user = all || who === '' || who.includes('u');
    const group = all || who === '' || who.includes('g');
    for (const action of clause.slice(who.length).match(ACTION) ?? []) {
      if (action[0] === '-') continue;
      const perms = action.slice(1);
      if (perms.includes('w') && others) worldWritable = true;
      if (perms.includes('t')) sticky = true;
      if (perms.includes('s') && user) setuid = true;
      if (perms.includes('s') && group) setgid = true;
    }
  }
  return { worldWritable, sticky, setuid, setgid };
}

export interface ModeSite {
  readonly facts: InstructionFacts;
  /** The mode as written (after quote removal). */
  readonly mode: string;
  readonly effect: ModeEffect;
  /** Where the mode is written. */
  readonly range: Range;
  /** `chmod`, `install`, `mkdir`, `COPY`, `ADD`. */
  readonly tool: string;
  /** Files the mode applies to (operands; COPY/ADD destination), as words or raw text. */
  readonly targets: readonly string[];
  readonly recursive: boolean;
  /** The command (RUN sites only). */
  readonly command: ShellCommand | null;
  /** The targets are known to be directories (`mkdir -m`, `install -d`, created by `mkdir` earlier in the script,
   * fed by `find -type d`, written with a trailing `/`). */
  readonly directory: boolean;
}

/** Paths created by `mkdir` before command `c` in the same script. */
function madeDirectories(script: ShellScript, c: ShellCommand): Set<string> {
  const out = new Set<string>();
  for (const d of script.all) {
    if (d === c) break;
    if (d.name === 'mkdir' || (d.name === 'install' && d.hasFlag('-d', '--directory'))) {
      for (const w of d.operands) out.add(trimTrailingSlashes(w.value ?? w.raw));
    }
  }
  return out;
}

function fedByFindDirectories(c: ShellCommand): boolean {
  if (!c.wrappers.some((w) => w.name === 'xargs')) return false;
  const src = c.stdinFrom;
  if (src === null || src.name !== 'find') return false;
  return src.args.some((w, k) => w.value === '-type' && src.args[k + 1]?.value === 'd');
}

function directoryTargets(script: ShellScript, c: ShellCommand, targets: readonly Word[]): boolean {
  if (c.name === 'mkdir' || (c.name === 'install' && c.hasFlag('-d', '--directory'))) return true;
  if (fedByFindDirectories(c)) return true;
  if (targets.length === 0) return false;
  const made = madeDirectories(script, c);
  return targets.every((t) => {
    const v = t.value ?? t.raw;
    return v.endsWith('/') || made.has(trimTrailingSlashes(v));
  });
}

function modeWordSite(
  facts: InstructionFacts,
  script: ShellScript,
  c: ShellCommand,
  w: Word,
  operands: readonly Word[],
  /** Where the targets start in `operands`. */
  from: number,
  recursive: boolean,
): ModeSite | null {
  if (w.value === null || w.dynamic) return null;
  const effect = parseMode(w.value);
  if (effect === null || !grantsSomething(effect)) return null;
  const targets = from === 0 ? operands : operands.slice(from);
  return {
    facts,
    mode: w.value,
    effect,
    range: w.range,
    tool: c.name ?? '',
    targets: targets.map((t) => t.value ?? t.raw),
    recursive,
    command: c,
    directory: directoryTargets(script, c, targets),
  };
}

/** The bits the mode rules judge: world-write (DA304), setuid and setgid (DA305). */
function grantsSomething(e: ModeEffect): boolean {
  return e.worldWritable || e.setuid || e.setgid;
}

/** Every mode set by the model's instructions that grants world-write, setuid or setgid, in file order (ONBUILD
 * triggers included; computed once per model: the array is shared, do not modify it). Modes granting none of these
 * (`+x`, `755`: nearly all) are left out: no rule reads them, and their sites cost the most (whether the targets are
 * directories looks at every earlier command of the script). */
export const modeSites: (model: DockerfileModel) => readonly ModeSite[] = perModel(collectModeSites);

/** The commands that set modes. */
const MODE_TOOLS: ReadonlySet<string> = new Set(['chmod', 'install', 'mkdir']);

function collectModeSites(model: DockerfileModel): ModeSite[] {
  const out: ModeSite[] = [];
  for (const f of model.instructions) {
    const i = f.instruction;
    if (i.kind === 'COPY' || i.kind === 'ADD') {
      for (const flag of i.flags) {
        if (flag.name.toLowerCase() !== 'chmod' || flag.value === null || flag.valueRange === null) continue;
        const effect = parseMode(flag.value);
        if (effect === null || !grantsSomething(effect)) continue;
        out.push({ facts: f, mode: flag.value, effect, range: flag.valueRange, tool: i.kind, targets: i.destination ? [i.destination.value] : [], recursive: true, command: null, directory: (i.destination?.value ?? '').endsWith('/') && i.sources.length === 1 && (i.sources[0]?.value ?? '').endsWith('/') });
      }
    }
  }
  for (const { at, cmd: c } of commandsNamed(model, MODE_TOOLS, 'RUN')) {
    const { facts, script } = at;
    let site: ModeSite | null = null;
    if (c.name === 'chmod') {
      if (c.hasFlag('--reference')) continue;
      const ops = c.operands;
      const mode = ops[0];
      if (mode !== undefined) site = modeWordSite(facts, script, c, mode, ops, 1, c.hasFlag('-R'));
    } else if (c.name === 'install' || c.name === 'mkdir') {
      const m = c.flagValue('-m');
      if (m !== null) site = modeWordSite(facts, script, c, m, c.operands, 0, false);
    }
    if (site !== null) out.push(site);
  }
  return out.sort((a, b) => a.range.start - b.range.start);
}
