/**
 * The commands of a model looked up by name. Most command rules judge a few tools (apt-get, curl, chmod…) while a
 * corpus file runs ~22 commands. One index per model (one pass over `commandsOfModel`, shared by every rule) answers
 * every query; a query returns the candidates in file order and each rule still applies its own exact test to them,
 * so what a rule reports cannot change, only what it looks at.
 */
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';
import { perModel } from '../../model/memo.js';
import type { RunCommands } from './packages.js';
import { runCommands } from './packages.js';
import type { RunScript } from './run-scripts.js';
import { runScripts } from './run-scripts.js';
import type { CommandAt } from './shell.js';
import { commandsOfModel } from './shell.js';

/** A command of one of the `runScripts` of a model. */
export interface ScriptCommand {
  readonly rs: RunScript;
  readonly cmd: ShellCommand;
}

/**
 * One bit per names set asked for (first come, first served; the sets are module constants of the rules, ~25), and
 * per command name or tool key the bits of the sets holding it. A query is then one integer test per command of the
 * file: looking each name of the set up in a per-file map (16 for the package managers) cost more than the old scans.
 * Answers do not depend on the order in which sets are first asked for; only this registry is shared between files.
 */
const bitOf = new Map<ReadonlySet<string>, number>();
const maskOfName = new Map<string, number>();
/** Sets past the 31st are answered by a plain scan. */
const MASK_BITS = 31;

function bitFor(names: ReadonlySet<string>): number {
  let bit = bitOf.get(names);
  if (bit === undefined) {
    bit = bitOf.size;
    bitOf.set(names, bit);
    if (bit < MASK_BITS) for (const n of names) maskOfName.set(n, (maskOfName.get(n) ?? 0) | (1 << bit));
  }
  return bit;
}

interface CommandIndex {
  /** `commandsOfModel(model)`: every script's commands. */
  readonly all: readonly CommandAt[];
  /** Per command of `all`: the bits of the sets holding its name or tool key. */
  readonly masks: Int32Array;
  /** How many bits `masks` knows (sets first asked for later are added by `refresh`). */
  bits: number;
  /** `all` without the commands of other instructions than RUN (made on first use). */
  runAll: readonly CommandAt[] | undefined;
  /** Answers per set bit. */
  readonly named: (readonly CommandAt[] | undefined)[];
  readonly runNamed: (readonly CommandAt[] | undefined)[];
  readonly runs: (readonly RunCommands[] | undefined)[];
  readonly scripts: (readonly ScriptCommand[] | undefined)[];
}

function refresh(index: CommandIndex): void {
  const { all, masks } = index;
  for (let at = 0; at < all.length; at++) {
    const c = all[at]!.cmd;
    // the tool is null exactly when the name is (a dynamic command name)
    if (c.name === null) continue;
    let m = maskOfName.get(c.name) ?? 0;
    if (c.tool !== null && c.tool !== c.name) m |= maskOfName.get(c.tool) ?? 0;
    masks[at] = m;
  }
  index.bits = Math.min(bitOf.size, MASK_BITS);
}

const indexOf = perModel((model: DockerfileModel): CommandIndex => {
  const all = commandsOfModel(model);
  const index: CommandIndex = { all, masks: new Int32Array(all.length), bits: 0, runAll: undefined, named: [], runNamed: [], runs: [], scripts: [] };
  refresh(index);
  return index;
});

/** The commands of `all` whose name or tool key is one of the names of `bit`'s set. */
function lookUp(index: CommandIndex, bit: number, names: ReadonlySet<string>): readonly CommandAt[] {
  const known = index.named[bit];
  if (known !== undefined) return known;
  const { all, masks } = index;
  let out: readonly CommandAt[];
  if (bit >= MASK_BITS) out = all.filter((x) => x.cmd.isNamed(names));
  else {
    if (bit >= index.bits) refresh(index);
    const b = 1 << bit;
    let found: CommandAt[] | null = null;
    for (let at = 0; at < all.length; at++) if ((masks[at]! & b) !== 0) (found ??= []).push(all[at]!);
    // most sets match no command of a file: they share one empty list
    out = found ?? NONE;
  }
  index.named[bit] = out;
  return out;
}

/** The answer to every query that finds nothing. */
const NONE: readonly never[] = Object.freeze([]);

/** The commands of `found` that belong to RUN instructions: `found` itself when all do (as nearly always). */
function runOnly(found: readonly CommandAt[]): readonly CommandAt[] {
  for (const x of found) if (x.at.facts.instruction.kind !== 'RUN') return found.filter((y) => y.at.facts.instruction.kind === 'RUN');
  return found;
}

/**
 * The commands of `commandsOfModel(model, kinds)` (kinds: every script, or RUN only) whose name or tool key is one
 * of `names`, in the same order. `names` must be a constant of the caller (answers are cached per set and model).
 */
export function commandsNamed(model: DockerfileModel, names: ReadonlySet<string>, kinds: 'all' | 'RUN'): readonly CommandAt[] {
  const index = indexOf(model);
  const bit = bitFor(names);
  const all = lookUp(index, bit, names);
  if (kinds === 'all') return all;
  let out = index.runNamed[bit];
  if (out === undefined) {
    // the RUN list is the full list without the other kinds' scripts, in the same order
    out = runOnly(all);
    index.runNamed[bit] = out;
  }
  return out;
}

/**
 * Every command of the model's RUN instructions (ONBUILD RUN triggers included), in file order: what
 * `commandsOfModel(model, ['RUN'])` returns, shared by the rules that judge every command of a RUN.
 */
export function runCommandsOfModel(model: DockerfileModel): readonly CommandAt[] {
  const index = indexOf(model);
  return (index.runAll ??= runOnly(index.all));
}

const runEntries = perModel((model: DockerfileModel) => {
  const out = new Map<InstructionFacts, RunCommands>();
  for (const r of runCommands(model)) out.set(r.facts, r);
  return out;
});

/** The entries of `runCommands(model)` that run at least one command whose name or tool key is one of `names`. */
export function runsRunning(model: DockerfileModel, names: ReadonlySet<string>): readonly RunCommands[] {
  const index = indexOf(model);
  const bit = bitFor(names);
  const known = index.runs[bit];
  if (known !== undefined) return known;
  const commands = commandsNamed(model, names, 'RUN');
  if (commands.length === 0) return (index.runs[bit] = NONE);
  const out: RunCommands[] = [];
  const entries = runEntries(model);
  let last: RunCommands | undefined;
  for (const x of commands) {
    const r = entries.get(x.at.facts);
    if (r !== undefined && r !== last) out.push(r);
    last = r;
  }
  index.runs[bit] = out;
  return out;
}

const scriptEntries = perModel((model: DockerfileModel) => {
  const out = new Map<ShellScript, RunScript>();
  for (const rs of runScripts(model)) out.set(rs.script, rs);
  return out;
});

/**
 * The commands of the model's `runScripts` whose name or tool key is one of `names`, in file order: for each script,
 * exactly what `rs.script.commands(...names)` returns (without a new Set and array per script and rule).
 */
export function runScriptCommandsNamed(model: DockerfileModel, names: ReadonlySet<string>): readonly ScriptCommand[] {
  const index = indexOf(model);
  const bit = bitFor(names);
  const known = index.scripts[bit];
  if (known !== undefined) return known;
  const commands = commandsNamed(model, names, 'RUN');
  if (commands.length === 0) return (index.scripts[bit] = NONE);
  const out: ScriptCommand[] = [];
  const entries = scriptEntries(model);
  for (const x of commands) {
    const rs = entries.get(x.at.script);
    if (rs !== undefined) out.push({ rs, cmd: x.cmd });
  }
  index.scripts[bit] = out;
  return out;
}
