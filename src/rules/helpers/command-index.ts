/**
 * The commands of a model looked up by name. Most command rules judge a few tools (apt-get, curl, chmod…) while a
 * corpus file runs ~22 commands: each rule walking every command of the file, and asking each one for its package
 * manager or its parsed options, was a large part of the rules phase. The index is built once per model (one pass,
 * shared by every rule); a query returns the candidates in file order and each rule still applies its own exact
 * test to them, so what a rule reports cannot change, only what it has to look at.
 */
import type { DockerfileModel } from '../../model/types.js';
import type { ShellCommand } from '../../shell/index.js';
import { perModel } from './memo.js';
import type { RunCommands } from './packages.js';
import { runCommands } from './packages.js';
import type { RunScript } from './run-scripts.js';
import { runScripts } from './run-scripts.js';
import type { CommandAt } from './shell.js';
import { commandsOfModel } from './shell.js';

/** Positions in a command list by command name and by tool key (a command is under both when they differ). */
interface Index<T> {
  readonly items: readonly T[];
  readonly byKey: Map<string, number[]>;
  /** Query results per names set (the sets are module constants of the rules: a handful per model). */
  readonly results: Map<ReadonlySet<string>, readonly T[]>;
}

function indexBy<T>(items: readonly T[], keysOf: (item: T, add: (key: string | null) => void) => void): Index<T> {
  const byKey = new Map<string, number[]>();
  let at = 0;
  const add = (key: string | null): void => {
    if (key === null) return;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [at]);
    // a command's name and tool may both be asked for: one entry per item and key
    else if (list[list.length - 1] !== at) list.push(at);
  };
  for (; at < items.length; at++) keysOf(items[at]!, add);
  return { items, byKey, results: new Map() };
}

function query<T>(index: Index<T>, names: ReadonlySet<string>): readonly T[] {
  const known = index.results.get(names);
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
  let out: T[];
  if (positions === undefined) out = [];
  else {
    if (merged) positions.sort((a, b) => a - b);
    out = [];
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!;
      if (k > 0 && positions[k - 1] === p) continue; // a command named by two of the names
      out.push(index.items[p]!);
    }
  }
  index.results.set(names, out);
  return out;
}

function commandKeys(c: ShellCommand, add: (key: string | null) => void): void {
  add(c.name);
  if (c.tool !== c.name) add(c.tool);
}

const allIndex = perModel((model: DockerfileModel) => indexBy(commandsOfModel(model), (x: CommandAt, add) => commandKeys(x.cmd, add)));
const runIndex = perModel((model: DockerfileModel) => indexBy(commandsOfModel(model, ['RUN']), (x: CommandAt, add) => commandKeys(x.cmd, add)));
const scriptIndex = perModel((model: DockerfileModel) => {
  const items: ScriptCommand[] = [];
  for (const rs of runScripts(model)) for (const cmd of rs.script.all) items.push({ rs, cmd });
  return indexBy(items, (x: ScriptCommand, add) => commandKeys(x.cmd, add));
});
const runsIndex = perModel((model: DockerfileModel) =>
  indexBy(runCommands(model), (r: RunCommands, add) => {
    for (const c of r.commands) commandKeys(c, add);
  }),
);

/**
 * The commands of `commandsOfModel(model, kinds)` (kinds: every script, or RUN only) whose name or tool key is one
 * of `names`, in the same order. `names` must be a constant of the caller (results are cached per set and model).
 */
export function commandsNamed(model: DockerfileModel, names: ReadonlySet<string>, kinds: 'all' | 'RUN'): readonly CommandAt[] {
  return query(kinds === 'all' ? allIndex(model) : runIndex(model), names);
}

/** The entries of `runCommands(model)` that run at least one command whose name or tool key is one of `names`. */
export function runsRunning(model: DockerfileModel, names: ReadonlySet<string>): readonly RunCommands[] {
  return query(runsIndex(model), names);
}

/** A command of one of the `runScripts` of a model. */
export interface ScriptCommand {
  readonly rs: RunScript;
  readonly cmd: ShellCommand;
}

/**
 * The commands of the model's `runScripts` whose name or tool key is one of `names`, in file order: for each script,
 * exactly what `rs.script.commands(...names)` returns (without a new Set and array per script and rule).
 */
export function runScriptCommandsNamed(model: DockerfileModel, names: ReadonlySet<string>): readonly ScriptCommand[] {
  return query(scriptIndex(model), names);
}
