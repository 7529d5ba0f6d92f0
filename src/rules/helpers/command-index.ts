/**
 * The commands of a model looked up by name. Most command rules judge a few tools (apt-get, curl, chmod…) while a
 * corpus file runs ~22 commands: each rule walking every command of the file, and asking each one for its package
 * manager or its parsed options, was a large part of the rules phase. One index per model (one pass over
 * `commandsOfModel`, shared by every rule) answers every query; a query returns the candidates in file order and
 * each rule still applies its own exact test to them, so what a rule reports cannot change, only what it looks at.
 */
import type { DockerfileModel } from '../../model/types.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';
import { perModel } from './memo.js';
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

interface CommandIndex {
  /** `commandsOfModel(model)`: every script's commands. */
  readonly all: readonly CommandAt[];
  /** Positions in `all` by command name and by tool key (a command is under both when they differ). */
  readonly byKey: Map<string, number[]>;
  /** Answers per names set (the sets are module constants of the rules: a handful per model). */
  readonly named: Map<ReadonlySet<string>, readonly CommandAt[]>;
  readonly runNamed: Map<ReadonlySet<string>, readonly CommandAt[]>;
  readonly runs: Map<ReadonlySet<string>, readonly RunCommands[]>;
  readonly scripts: Map<ReadonlySet<string>, readonly ScriptCommand[]>;
}

function add(byKey: Map<string, number[]>, key: string, at: number): void {
  const list = byKey.get(key);
  if (list === undefined) byKey.set(key, [at]);
  else list.push(at);
}

const indexOf = perModel((model: DockerfileModel): CommandIndex => {
  const all = commandsOfModel(model);
  const byKey = new Map<string, number[]>();
  for (let at = 0; at < all.length; at++) {
    const c = all[at]!.cmd;
    // the tool is null exactly when the name is (a dynamic command name)
    if (c.name === null) continue;
    add(byKey, c.name, at);
    if (c.tool !== null && c.tool !== c.name) add(byKey, c.tool, at);
  }
  return { all, byKey, named: new Map(), runNamed: new Map(), runs: new Map(), scripts: new Map() };
});

/** The commands whose name or tool key is one of `names`, in the order of `all`. */
function lookUp(index: CommandIndex, names: ReadonlySet<string>): readonly CommandAt[] {
  const known = index.named.get(names);
  if (known !== undefined) return known;
  let positions: number[] | undefined;
  let merged = false;
  for (const n of names) {
    const list = index.byKey.get(n);
    if (list === undefined) continue;
    if (positions === undefined) positions = list;
    else {
      positions = merged ? positions.concat(list) : [...positions, ...list];
      merged = true;
    }
  }
  const out: CommandAt[] = [];
  if (positions !== undefined) {
    if (merged) positions.sort((a, b) => a - b);
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!;
      if (k > 0 && positions[k - 1] === p) continue; // a command whose name and tool are both asked for
      out.push(index.all[p]!);
    }
  }
  index.named.set(names, out);
  return out;
}

/**
 * The commands of `commandsOfModel(model, kinds)` (kinds: every script, or RUN only) whose name or tool key is one
 * of `names`, in the same order. `names` must be a constant of the caller (answers are cached per set and model).
 */
export function commandsNamed(model: DockerfileModel, names: ReadonlySet<string>, kinds: 'all' | 'RUN'): readonly CommandAt[] {
  const index = indexOf(model);
  const all = lookUp(index, names);
  if (kinds === 'all') return all;
  let out = index.runNamed.get(names);
  if (out === undefined) {
    // the RUN list is the full list without the other kinds' scripts, in the same order
    out = all.filter((x) => x.at.facts.instruction.kind === 'RUN');
    index.runNamed.set(names, out);
  }
  return out;
}

const runEntries = perModel((model: DockerfileModel) => new Map(runCommands(model).map((r) => [r.facts, r] as const)));

/** The entries of `runCommands(model)` that run at least one command whose name or tool key is one of `names`. */
export function runsRunning(model: DockerfileModel, names: ReadonlySet<string>): readonly RunCommands[] {
  const index = indexOf(model);
  const known = index.runs.get(names);
  if (known !== undefined) return known;
  const out: RunCommands[] = [];
  const entries = runEntries(model);
  let last: RunCommands | undefined;
  for (const x of commandsNamed(model, names, 'RUN')) {
    const r = entries.get(x.at.facts);
    if (r !== undefined && r !== last) out.push(r);
    last = r;
  }
  index.runs.set(names, out);
  return out;
}

const scriptEntries = perModel((model: DockerfileModel) => new Map<ShellScript, RunScript>(runScripts(model).map((rs) => [rs.script, rs] as const)));

/**
 * The commands of the model's `runScripts` whose name or tool key is one of `names`, in file order: for each script,
 * exactly what `rs.script.commands(...names)` returns (without a new Set and array per script and rule).
 */
export function runScriptCommandsNamed(model: DockerfileModel, names: ReadonlySet<string>): readonly ScriptCommand[] {
  const index = indexOf(model);
  const known = index.scripts.get(names);
  if (known !== undefined) return known;
  const out: ScriptCommand[] = [];
  const entries = scriptEntries(model);
  for (const x of commandsNamed(model, names, 'RUN')) {
    const rs = entries.get(x.at.script);
    if (rs !== undefined) out.push({ rs, cmd: x.cmd });
  }
  index.scripts.set(names, out);
  return out;
}
