/**
 * Shared facts for the package-manager rules (6xx): which RUN commands install, update, upgrade or clean with which
 * package manager, which directories a RUN mounts as a cache (or tmpfs), which stages end up in the final image.
 */
import { expand, stageChain } from '../../model/build.js';
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { RunInstruction } from '../../parser/ast.js';
import type { ShellCommand, Word } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { perModel, perModelAnd } from '../../model/memo.js';

/** Package-manager families. */
export type Manager = 'apt' | 'apk' | 'yum' | 'zypper' | 'pip' | 'npm' | 'yarn' | 'pnpm' | 'gem' | 'go';

/** A Map, not an object: command names are strings cut from the source, and a keyed lookup of such a string on an
 * object literal costs a string-table probe per call (managerOf runs for every command in several rules). */
const TOOL_MANAGER: ReadonlyMap<string, Manager> = new Map<string, Manager>(Object.entries({
  'apt-get': 'apt',
  apt: 'apt',
  aptitude: 'apt',
  apk: 'apk',
  yum: 'yum',
  dnf: 'yum',
  dnf5: 'yum',
  microdnf: 'yum',
  tdnf: 'yum',
  zypper: 'zypper',
  pip: 'pip',
  npm: 'npm',
  yarn: 'yarn',
  pnpm: 'pnpm',
  gem: 'gem',
  go: 'go',
} satisfies Record<string, Manager>));

/** The command names and tool keys `managerOf` knows (for `commandsNamed`: `managerOf` is null for every other). */
export const MANAGER_TOOLS: ReadonlySet<string> = new Set(TOOL_MANAGER.keys());

/** The package-manager family of a command, or null. */
export function managerOf(cmd: ShellCommand): Manager | null {
  const t = cmd.tool ?? cmd.name;
  if (t === null) return null;
  return TOOL_MANAGER.get(t) ?? null;
}

/** A RUN instruction with every simple command of its scripts, in execution order. */
export interface RunCommands {
  readonly facts: InstructionFacts;
  readonly run: RunInstruction;
  readonly commands: readonly ShellCommand[];
}

/** Computed once per model (the array is shared, do not modify it).
 * Every RUN (ONBUILD triggers included) with its commands; RUNs the shell layer did not parse have none. */
export const runCommands: (model: DockerfileModel) => readonly RunCommands[] = perModel(collectRunCommands);

function collectRunCommands(model: DockerfileModel): RunCommands[] {
  const out: RunCommands[] = [];
  for (const f of model.instructions) {
    const run = f.instruction;
    if (run.kind !== 'RUN') continue;
    const scripts = f.shell ?? [];
    // one script (nearly every RUN): its command list as is, not a copy
    let commands: readonly ShellCommand[];
    if (scripts.length === 1) commands = scripts[0]!.all;
    else {
      const all: ShellCommand[] = [];
      for (const s of scripts) all.push(...s.all);
      commands = all;
    }
    out.push({ facts: f, run, commands });
  }
  return out;
}

/** True when the instruction's stage is the final stage or one it is built FROM (its files ship in the image). */
export function inFinalImage(model: DockerfileModel, facts: InstructionFacts): boolean {
  if (facts.stage === null || model.finalStage === null) return false;
  return finalChain(model).has(facts.stage);
}

/** The final stage's chain per model (walking it per instruction is quadratic over long chains of stages). */
const finalChain = perModel((model: DockerfileModel): ReadonlySet<number> =>
  model.finalStage === null ? new Set() : new Set(stageChain(model, model.finalStage).map((s) => s.index)),
);

/** The subcommand word (`install`), or null. */
export function subcommandWord(cmd: ShellCommand): Word | null {
  return cmd.parsed.subcommand;
}

/** From the command name to its subcommand (`apt-get install`), or just the name. */
export function commandHeadRange(cmd: ShellCommand): Range {
  const name = cmd.nameWord ?? cmd.argv[0];
  const start = name ? name.range.start : cmd.range.start;
  const sub = cmd.parsed.subcommand;
  const end = sub !== null && sub.range.end > start ? sub.range.end : name ? name.range.end : cmd.range.end;
  return { start, end };
}

/** A command that installs packages. */
export interface PackageInstall {
  readonly cmd: ShellCommand;
  readonly manager: Manager;
  /** Package operands (for `dnf group install` / `module install`, the group or module names). */
  readonly packages: readonly Word[];
  /** `yum groupinstall`, `dnf group install`, `dnf module install`: packages are groups or module streams. */
  readonly groups: boolean;
}

const INSTALL_SUBCOMMANDS: Readonly<Record<Manager, readonly string[]>> = {
  apt: ['install'],
  apk: ['add'],
  yum: ['install', 'groupinstall', 'localinstall', 'group', 'module'],
  zypper: ['install', 'in'],
  pip: ['install'],
  npm: ['install', 'i', 'add', 'isntall', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal'],
  yarn: ['add', 'install', 'global'],
  pnpm: ['add', 'install', 'i'],
  gem: ['install'],
  go: ['install'],
};

/** The install a command performs, or null. `yarn` with no subcommand installs. */
export function installOf(cmd: ShellCommand): PackageInstall | null {
  const manager = managerOf(cmd);
  if (manager === null) return null;
  // six rules ask about every package-manager command of the file: answer once per command
  let found = installs.get(cmd);
  if (found === undefined) {
    found = findInstall(cmd, manager);
    installs.set(cmd, found);
  }
  return found;
}

/** `installOf` per command (a command never changes once the model is built). */
const installs = new WeakMap<ShellCommand, PackageInstall | null>();
const INFO_OPTIONS: ReadonlySet<string> = new Set(['-v', '-V', '--version', '-h', '--help']);

function findInstall(cmd: ShellCommand, manager: Manager): PackageInstall | null {
  const sub = cmd.subcommand;
  if (sub === null) {
    const info = cmd.options.some((o) => INFO_OPTIONS.has(o.name));
    if (manager === 'yarn' && cmd.parsed.subcommand === null && cmd.operands.length === 0 && !info) {
      return { cmd, manager, packages: [], groups: false };
    }
    return null;
  }
  if (!INSTALL_SUBCOMMANDS[manager].includes(sub)) return null;
  let packages = cmd.operands;
  let groups = sub === 'groupinstall';
  if (sub === 'group' || sub === 'module' || (manager === 'yarn' && sub === 'global')) {
    if (packages[0]?.value !== (manager === 'yarn' ? 'add' : 'install')) return null;
    packages = packages.slice(1);
    groups = manager === 'yum';
  }
  return { cmd, manager, packages, groups };
}

/** The `--mount` specs of a RUN: lower-cased keys, values as written (expanded when the scope knows them). */
export function mountsOf(model: DockerfileModel, run: RunInstruction): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const f of run.flags) {
    if (f.name.toLowerCase() !== 'mount' || f.value === null) continue;
    const m = new Map<string, string>();
    for (const field of f.value.split(',')) {
      const eq = field.indexOf('=');
      const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
      let value = eq < 0 ? '' : field.slice(eq + 1).trim();
      if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]!)) value = value.slice(1, -1);
      if (value.includes('$')) {
        const e = expand(model, value, run);
        if (e.ok && !e.unknown) value = e.value;
      }
      m.set(key, value);
    }
    out.push(m);
  }
  return out;
}

function trimSlashes(p: string): string {
  let e = p.length;
  while (e > 1 && p.charCodeAt(e - 1) === 47) e--;
  return p.slice(0, e);
}

/** Targets of the RUN's cache and tmpfs mounts (trailing slashes removed). */
export function cacheMountTargets(model: DockerfileModel, run: RunInstruction): string[] {
  const out: string[] = [];
  for (const m of mountsOf(model, run)) {
    const type = (m.get('type') ?? 'bind').toLowerCase();
    if (type !== 'cache' && type !== 'tmpfs') continue;
    const target = m.get('target') ?? m.get('dst') ?? m.get('destination');
    if (target !== undefined && target !== '') out.push(trimSlashes(target));
  }
  return out;
}

/** True when `dir` is `parent` or inside it. */
export function isWithin(dir: string, parent: string): boolean {
  const d = trimSlashes(dir);
  const p = trimSlashes(parent);
  // `d.startsWith(p + '/')` without building the string
  return d === p || p === '/' || (d.length > p.length && d.charCodeAt(p.length) === 47 && d.startsWith(p));
}

/** True when a cache or tmpfs mount of the RUN covers `dir` (nothing written there stays in the layer). */
export function mountCovers(model: DockerfileModel, run: RunInstruction, dir: string): boolean {
  // a RUN without flags (nearly all) mounts nothing: no lists for it
  if (run.flags.length === 0) return false;
  return cacheMountTargets(model, run).some((t) => isWithin(dir, t));
}

/** `rm` operand `/var/lib/apt/lists/*` → `/var/lib/apt/lists`. */
function removedBase(v: string): string {
  let e = v.length;
  while (e > 1 && (v[e - 1] === '*' || v[e - 1] === '/')) e--;
  return v.slice(0, e);
}

/** The first `{…}` without nested braces that holds a comma, or null. */
function braceGroup(s: string): { open: number; close: number } | null {
  let open = -1;
  let comma = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '{') {
      open = i;
      comma = false;
    } else if (ch === ',' && open >= 0) comma = true;
    else if (ch === '}' && open >= 0) {
      if (comma) return { open, close: i };
      open = -1;
    }
  }
  return null;
}

/**
 * Bash brace expansion of a static word (`/var/lib/{apt,dpkg}/` → two paths), for the simple comma form; at most
 * 64 results, nested braces and `{a..b}` ranges left as written.
 */
export function expandBraces(v: string): string[] {
  let out = [v];
  for (let round = 0; round < 8; round++) {
    const next: string[] = [];
    let changed = false;
    for (const s of out) {
      const g = braceGroup(s);
      if (g === null) {
        next.push(s);
        continue;
      }
      changed = true;
      for (const alt of s.slice(g.open + 1, g.close).split(',')) next.push(s.slice(0, g.open) + alt + s.slice(g.close + 1));
    }
    if (!changed || next.length > 64) return changed ? out : next;
    out = next;
  }
  return out;
}

/** True when a command deletes `dir` or files in it: `rm -rf dir/*`, `rm -rf <parent>`, `find dir … -delete`. */
export function removesDir(cmd: ShellCommand, dir: string): boolean {
  if (cmd.name === 'rm') {
    // no arrays for the common operand without braces (DA602 asks this of every command of a RUN, for each cache
    // directory of its package manager)
    for (const w of cmd.operands) {
      const v = w.value;
      if (v === null) continue;
      if (!v.includes('{')) {
        if (removes(v, dir)) return true;
      } else for (const x of expandBraces(v)) if (removes(x, dir)) return true;
    }
    return false;
  }
  if (cmd.name === 'find') {
    const args = cmd.args.map((w) => w.value);
    const start = args[0];
    if (start === null || start === undefined || !isWithin(start, dir)) return false;
    return args.includes('-delete') || (args.includes('-exec') && args.includes('rm'));
  }
  return false;
}

/** True when `rm` of the (brace-expanded) operand `v` deletes `dir` or files in it. */
function removes(v: string, dir: string): boolean {
  if (v === '') return false;
  // the folder itself or a parent (`rm -rf /var/lib/apt`), or a glob inside it (`/var/lib/apt/lists/*`);
  // one named file inside it (`rm -f /var/lib/apt/lists/lock`) is not a cleanup
  const b = removedBase(v);
  return isWithin(dir, b) || (v.includes('*') && isWithin(b, dir));
}

/** True when any of the commands removes `dir` (or its contents). */
export function anyRemoves(commands: readonly ShellCommand[], dir: string): boolean {
  return commands.some((c) => removesDir(c, dir));
}

/** Name of a package spec without version, arch or release suffix (`curl=7.1` → `curl`, `flask[async]==2` → `flask`). */
export function packageName(manager: Manager, spec: string): string {
  let s = spec;
  switch (manager) {
    case 'apt':
      s = cutAt(s, '=/');
      if (s.includes(':')) s = s.replace(/:[a-z0-9-]+$/, '');
      break;
    case 'apk':
      s = cutAt(s, '=~<>');
      break;
    case 'zypper':
      s = cutAt(s, '=<>');
      break;
    case 'pip':
      s = s.split(/[=<>~!@[;\s]/)[0]!;
      break;
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      const at = s.indexOf('@', 1);
      if (at > 0) s = s.slice(0, at);
      break;
    }
    case 'gem':
      s = cutAt(s, ':');
      break;
    case 'go':
      s = cutAt(s, '@');
      break;
    default:
      break;
  }
  return s;
}

/** `s` up to the first of the (ASCII) `chars`: what `s.split(/[chars]/)[0]` gives, without the array (this runs for
 * every package operand of several rules). */
function cutAt(s: string, chars: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // lower-case letters, digits, `-` and `.` (most of a package name) are in no caller's `chars`
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) continue;
    if (chars.includes(s[i]!)) return s.slice(0, i);
  }
  return s;
}

/** A package operand that is a file, path or URL rather than a name from the repository. */
export function isLocalOrUrl(spec: string): boolean {
  const c = spec.charCodeAt(0);
  if (c === 0x2e || c === 0x2f || c === 0x7e) return true; // . / ~
  // each regex only where it can match (this runs for every package operand of several rules): a URL has `://`,
  // `git+`/`git@`/`file:` start with g or f, a package file name has a dot
  if (spec.includes('://') && URL_SCHEME.test(spec)) return true;
  if ((c === 0x67 || c === 0x47 || c === 0x66 || c === 0x46) && GIT_OR_FILE.test(spec)) return true;
  return spec.includes('.') && PACKAGE_FILE.test(spec);
}
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const GIT_OR_FILE = /^git\+|^git@|^file:/i;
const PACKAGE_FILE = /\.(?:deb|rpm|apk|whl|tar\.gz|tgz|zip|gem)$/i;

/** Joins names for a message: `a, b, c and 3 more`. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** True when an assignment prefix (`VAR=x cmd`) or the ENV/ARG scope of the instruction sets `name`. */
export function envSet(facts: InstructionFacts, cmd: ShellCommand, name: string): boolean {
  if (cmd.assignments.some((a) => a.name === name)) return true;
  return facts.scope.vars.has(name) || facts.scope.env.has(name);
}

/**
 * The package specs a word stands for: an unquoted `$DEPS` whose known value holds several names splits into them
 * (the shell splits it); any other static word is one spec. Dynamic words give none.
 */
export function specsOf(w: Word): string[] {
  const v = w.value;
  if (v === null || v === '') return [];
  if (w.raw.includes('$') && !w.quoted && /\s/.test(v)) return v.split(/\s+/).filter((x) => x !== '');
  return [v];
}

function mentions(c: ShellCommand, setting: RegExp): boolean {
  return c.args.some((w) => setting.test(w.value ?? w.raw)) || c.redirects.some((r) => r.heredoc !== null && setting.test(r.heredoc));
}

/**
 * True when apt is configured with `setting` before `cmd` runs, in the stages whose files `at` sees: an earlier
 * command (or an earlier command of the same RUN) writes text matching it (`echo 'APT::Install-Recommends "0";' >
 * /etc/apt/apt.conf.d/…`), or a COPY/ADD writes apt.conf or into apt.conf.d (content unknown: assumed to set it).
 */
export function aptConfigured(model: DockerfileModel, at: InstructionFacts, cmd: ShellCommand, setting: RegExp): boolean {
  const stage = at.stage === null ? null : model.stages[at.stage];
  if (!stage) return false;
  const t = aptConfigTable(model, setting);
  // an earlier stage of the chain (all of its instructions come before `at`), or an earlier instruction of this stage
  if (t.inAncestors[stage.index] === true) return true;
  if ((t.stageFirst[stage.index] ?? Infinity) < at.index) return true;
  // `at` itself (an ONBUILD trigger counts only here): a COPY/ADD into apt's configuration, or a command before `cmd`
  if (writesAptConf(at)) return true;
  const first = t.firstMention.get(at);
  if (first === undefined) return false;
  const scripts = at.shell ?? [];
  for (let k = 0; k < scripts.length; k++) {
    const pos = first[k] ?? -1;
    if (pos < 0) continue;
    const own = scripts[k]!.all[cmd.id] === cmd; // a command's id is its position in its script's `all`
    if (!own || pos < cmd.id) return true;
  }
  return false;
}

function writesAptConf(f: InstructionFacts): boolean {
  const i = f.instruction;
  if ((i.kind !== 'COPY' && i.kind !== 'ADD') || i.destination === null) return false;
  const d = i.destination.value;
  return isWithin(d, '/etc/apt/apt.conf.d') || isWithin(d, '/etc/apt/apt.conf');
}

interface AptConfigTable {
  /** Per RUN: per script, the position of the first command mentioning the setting, or -1. */
  readonly firstMention: ReadonlyMap<InstructionFacts, readonly number[]>;
  /** Per stage: the smallest instruction index (ONBUILD triggers left out) that configures apt, or Infinity. */
  readonly stageFirst: readonly number[];
  /** Per stage: an earlier stage of its chain configures apt. */
  readonly inAncestors: readonly boolean[];
}

/** One pass over the file per setting (asking every earlier instruction again for each apt command is quadratic). */
const aptConfigTable = perModelAnd(buildAptConfigTable);

function buildAptConfigTable(model: DockerfileModel, setting: RegExp): AptConfigTable {
  const firstMention = new Map<InstructionFacts, number[]>();
  const stageFirst: number[] = model.stages.map(() => Infinity);
  for (const f of model.instructions) {
    let configures = writesAptConf(f);
    if (f.instruction.kind === 'RUN') {
      const first = (f.shell ?? []).map((s) => s.all.findIndex((c) => mentions(c, setting)));
      firstMention.set(f, first);
      if (first.some((p) => p >= 0)) configures = true;
    }
    if (configures && f.stage !== null && f.onbuild === null && f.index < (stageFirst[f.stage] ?? -Infinity)) stageFirst[f.stage] = f.index;
  }
  const inAncestors: boolean[] = [];
  for (const st of model.stages) {
    const p = st.parentStage;
    // a parent is an earlier stage; anything else (never built) is not followed
    inAncestors[st.index] = p !== null && p < st.index && (inAncestors[p] === true || (stageFirst[p] ?? Infinity) < Infinity);
  }
  return { firstMention, stageFirst, inAncestors };
}
