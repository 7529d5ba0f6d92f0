/**
 * `buildModel(df)`: the semantic layer (stages, ARG/ENV scopes, USER/WORKDIR/SHELL in effect, base images) over a
 * parsed Dockerfile, and the small pure helpers rules use to query it. See types.ts for the semantics.
 *
 * Target OS guess (`Stage.os`), which picks the default SHELL (`/bin/sh -c` or `cmd /S /C`):
 * 1. a known `--platform` value decides (`windows/...` or anything else);
 * 2. a stage built FROM an earlier stage has its parent's OS;
 * 3. a base image that names Windows (`windows/*`, `nanoserver`, `servercore`, `dotnet/framework`, Windows
 *    tags such as `ltsc2022` or `nanoserver-1809`) is Windows;
 * 4. otherwise a file using the backtick escape (`# escape=``) is Windows (Windows paths are the reason it exists);
 * 5. otherwise Linux.
 */
import type {
  ArgInstruction,
  Dockerfile,
  EnvInstruction,
  FromInstruction,
  Instruction,
  InstructionKind,
  OnbuildInstruction,
  ShellInstruction,
  SimpleInstruction,
} from '../parser/ast.js';
import type { Range } from '../source.js';
import { UNKNOWN, processWord } from './expand.js';
import type { ExpansionBudget } from './expand.js';
import { processWords } from './expand.js';
import type { EnvValue, ExpandOptions, ExpandResult, ExpandedWord, WordsResult } from './expand.js';
import { parseImageRef } from './image-ref.js';
import { PersistentMap } from './pmap.js';
import { attachShellFacts } from './shell-facts.js';
import { perModel, perModelAnd, prepareSlots } from './memo.js';
import type { ImageRef } from './image-ref.js';
import type {
  BaseImage,
  BuildModelOptions,
  DockerfileModel,
  Expansion,
  InstructionFacts,
  LabelBinding,
  ModelDiagnostic,
  OsGuess,
  Scope,
  ShellSetting,
  Stage,
  UserSetting,
  VarBinding,
  WorkdirSetting,
} from './types.js';

/** The automatic platform ARGs BuildKit defines in the global scope. */
export const BUILTIN_ARGS = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
] as const;

export const DEFAULT_LINUX_SHELL: readonly string[] = ['/bin/sh', '-c'];
export const DEFAULT_WINDOWS_SHELL: readonly string[] = ['cmd', '/S', '/C'];

/** ARGs BuildKit keeps out of the build environment (frontend controls). */
const NON_ENV_ARGS = new Set(['BUILDKIT_SYNTAX', 'BUILDKIT_CACHE_MOUNT_NS', 'BUILDKIT_MULTI_PLATFORM', 'BUILDKIT_SANDBOX_HOSTNAME', 'BUILDKIT_CONTEXT_KEEP_GIT_DIR', 'BUILDKIT_INLINE_CACHE', 'BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE', 'BUILDKIT_DOCKERFILE_CHECK']);
const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);

/** Characters variable substitution may produce over a whole file (real files use a tiny fraction of this). */
const MAX_MODEL_EXPANSION_CHARS = 32 << 20;

const STAGE_NAME = /^[a-z][a-z0-9\-_.]*$/;

interface StageState {
  index: number;
  name: string | null;
  from: FromInstruction;
  base: BaseImage;
  parentStage: number | null;
  platform: Expansion | null;
  platformRaw: string | null;
  os: OsGuess;
  args: PersistentMap<VarBinding>;
  env: PersistentMap<VarBinding>;
  vars: PersistentMap<VarBinding>;
  /** Scope snapshot for the current variables (rebuilt after a change). */
  scope: Scope | null;
  baseEnvUnknown: boolean;
  labels: PersistentMap<LabelBinding>;
  user: UserSetting;
  workdir: WorkdirSetting;
  shell: ShellSetting;
  instructions: InstructionFacts[];
  ownTriggers: Instruction[];
  inheritedTriggers: readonly Instruction[];
  deps: Set<number>;
  /** Expanded `--from` values, resolved once every stage is known. */
  fromRefs: string[];
  externalFrom: string[];
}

/**
 * The built-in platform ARGs for the given platforms. Immutable, so shared by every model built with the same
 * platforms (the CLI builds all files with the same ones); a few distinct pairs are kept.
 */
function builtinArgs(target: string | undefined, build: string | undefined): PersistentMap<VarBinding> {
  const key = `${target ?? '\0'}|${build ?? '\0'}`;
  let meta = builtinArgsCache.get(key);
  if (meta === undefined) {
    meta = PersistentMap.empty<VarBinding>();
    for (const [p, prefix] of [[target, 'TARGET'], [build, 'BUILD']] as const) {
      const [os, arch, variant] = p ? p.split('/') : [];
      const vals: readonly (readonly [string, string | undefined])[] = [
        [`${prefix}PLATFORM`, p],
        [`${prefix}OS`, p ? os : undefined],
        [`${prefix}ARCH`, p ? (arch ?? '') : undefined],
        [`${prefix}VARIANT`, p ? (variant ?? '') : undefined],
      ];
      for (const [k, v] of vals) {
        meta = meta.with(k, { name: k, value: v ?? UNKNOWN, kind: 'builtin', definedAt: null, overridable: false });
      }
    }
    if (builtinArgsCache.size >= 16) builtinArgsCache.clear();
    builtinArgsCache.set(key, meta);
  }
  return meta;
}
const builtinArgsCache = new Map<string, PersistentMap<VarBinding>>();

/** Builds the model. Never throws on user input: problems become `diagnostics`. */
export function buildModel(df: Dockerfile, opts: BuildModelOptions = {}): DockerfileModel {
  const escape = df.escape;
  const diagnostics: ModelDiagnostic[] = [];
  const buildArgs = opts.buildArgs ?? {};
  const hasBuildArg = (n: string) => Object.prototype.hasOwnProperty.call(buildArgs, n);

  // built-in platform args, then global ARGs
  let meta = builtinArgs(opts.targetPlatform, opts.buildPlatform);

  const globalArgs: ArgInstruction[] = [];
  const facts: InstructionFacts[] = [];
  const factsMap = new Map<Instruction, InstructionFacts>();
  const states: StageState[] = [];
  /** Stage by (lower-cased) name; a later stage of the same name replaces an earlier one, as in BuildKit. */
  const byName = new Map<string, StageState>();
  let cur: StageState | null = null;

  const noVars = PersistentMap.empty<VarBinding>();
  let gscopeCache: Scope | null = null;
  const globalScope = (): Scope =>
    (gscopeCache ??= { args: meta, env: noVars, vars: meta, baseEnvUnknown: false, caseInsensitive: false });
  const stageScope = (s: StageState): Scope =>
    (s.scope ??= {
      args: s.args,
      env: s.env,
      vars: s.vars,
      baseEnvUnknown: s.baseEnvUnknown,
      caseInsensitive: s.os === 'windows',
    });

  const diag = (code: string, message: string, range: Range, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push({ code, message, range, severity });

  const record = (
    ins: Instruction,
    stage: StageState | null,
    scope: Scope,
    onbuild: OnbuildInstruction | null,
  ): InstructionFacts => {
    const f: InstructionFacts = {
      instruction: ins,
      index: facts.length,
      stage: stage ? stage.index : null,
      onbuild,
      scope,
      user: stage ? stage.user : UNSET_USER,
      workdir: stage ? stage.workdir : ROOT_WORKDIR,
      shellSetting: stage ? stage.shell : defaultShell('linux'),
    };
    facts.push(f);
    factsMap.set(ins, f);
    if (stage) stage.instructions.push(f);
    return f;
  };

  // one allowance of substituted text for the whole file: `ENV B=$A$A`, `ENV C=$B$B`, … cannot blow up
  const budget: ExpansionBudget = { remaining: MAX_MODEL_EXPANSION_CHARS };
  const expandOptions = { escape, budget }; // the same for every word of the file
  // what the rules' `expand` would compute again for these words in these scopes (see expansionMemo)
  const remembered: ExpansionMemo = new Map();
  const expandIn = (text: string, scope: Scope, range: Range | null, what: string): Expansion => {
    const r = processWord(text, lookupFor(scope), expandOptions);
    remember(remembered, scope, text, r);
    if (!r.ok) {
      if (range) diag('expansion-error', `${what}: ${r.message}`, { start: Math.min(range.start + r.offset, range.end), end: range.end });
      return r;
    }
    return { ok: true, value: r.value, unknown: r.unknown, parts: r.parts };
  };

  for (const ins of df.instructions) {
    if (ins.kind === 'FROM') {
      cur = startStage(ins);
      continue;
    }
    if (cur === null) {
      const scope = globalScope();
      record(ins, null, scope, null);
      if (ins.kind === 'ARG') {
        globalArgs.push(ins);
        for (const d of ins.definitions) {
          const b = argBinding(ins, d.name, d.value, d.valueRange, globalScope(), null);
          meta = meta.with(d.name, b);
          gscopeCache = null;
        }
      } else {
        diag('instruction-before-from', `${ins.keyword} before the first FROM (only ARG may come first)`, ins.keywordRange);
      }
      continue;
    }
    dispatch(cur, ins, null);
  }

  function argBinding(
    ins: ArgInstruction,
    name: string,
    rawDefault: string | null,
    valueRange: Range | null,
    scope: Scope,
    stage: StageState | null,
  ): VarBinding {
    if (hasBuildArg(name)) {
      return { name, value: buildArgs[name]!, kind: 'arg', definedAt: ins, overridable: false };
    }
    if (rawDefault !== null) {
      const e = expandIn(rawDefault, scope, valueRange, `ARG ${name}`);
      const value = valueOf(e);
      // two literals, not a conditional spread (same keys, no generic object cloning)
      return e.ok
        ? { name, value, kind: 'arg', definedAt: ins, overridable: true, expanded: wordOf(e) }
        : { name, value, kind: 'arg', definedAt: ins, overridable: true };
    }
    // no default: a stage takes the global value (global ARGs, built-ins); a global re-declaration keeps it
    const g = meta.get(name);
    if (g) return stage ? { ...g, definedAt: ins } : g;
    return { name, value: UNKNOWN, kind: 'arg', definedAt: ins, overridable: true };
  }

  function startStage(ins: FromInstruction): StageState {
    const index = states.length;
    const gscope = globalScope();
    const rawImage = ins.image?.value ?? '';
    const imageRange = ins.image?.range ?? null;
    const expanded: Expansion = ins.image
      ? expandIn(rawImage, gscope, imageRange, 'FROM')
      : { ok: false, message: 'FROM requires an image', offset: 0 };
    if (!ins.image) diag('expansion-error', 'FROM requires an image', ins.keywordRange);

    // stage name
    let name: string | null = null;
    if (ins.stageName) {
      name = ins.stageName.value.toLowerCase();
      if (!STAGE_NAME.test(name)) {
        diag('invalid-stage-name', `invalid stage name "${ins.stageName.value}"`, ins.stageName.range);
      }
      if (RESERVED_STAGE_NAMES.has(name)) {
        diag('reserved-stage-name', `"${name}" is a reserved stage name`, ins.stageName.range, 'warning');
      }
      if (byName.has(name)) {
        diag('duplicate-stage-name', `duplicate stage name "${name}"`, ins.stageName.range, 'warning');
      }
    }

    // base
    let parent: StageState | null = null;
    let ref: ImageRef | null = null;
    let refError: BaseImage['refError'] = null;
    let kind: BaseImage['kind'] = 'invalid';
    if (expanded.ok) {
      // BuildKit looks the expanded name up as is among the (lower-cased) names of earlier stages; with duplicate
      // names the latest one wins
      const v = expanded.value;
      parent = expanded.unknown ? null : (byName.get(v) ?? null);
      if (parent) kind = 'stage';
      else {
        const r = parseImageRef(expanded);
        if (r.ok) {
          ref = r.ref;
          kind = r.ref.scratch ? 'scratch' : 'image';
        } else {
          refError = { code: r.code, message: r.message };
          if (imageRange) diag('invalid-image-ref', `invalid base image: ${r.message}`, imageRange);
        }
      }
    } else refError = { code: 'expansion', message: expanded.message };
    const base: BaseImage = { raw: rawImage, range: imageRange, expanded, kind, ref, refError };

    // platform
    const pflag = ins.flags.find((f) => f.name.toLowerCase() === 'platform') ?? null;
    const platformRaw = pflag ? (pflag.value ?? '') : null;
    const platform = pflag ? expandIn(platformRaw ?? '', gscope, pflag.valueRange ?? pflag.range, '--platform') : null;

    const os = guessOs(platform, parent?.os ?? null, ref, escape);
    const st: StageState = {
      index,
      name,
      from: ins,
      base,
      parentStage: parent ? parent.index : null,
      platform,
      platformRaw,
      os,
      args: parent ? parent.args : noVars,
      env: parent ? parent.env : noVars,
      vars: parent ? parent.vars : noVars,
      scope: null,
      baseEnvUnknown: parent ? parent.baseEnvUnknown : kind !== 'scratch',
      labels: parent ? parent.labels : PersistentMap.empty<LabelBinding>(),
      user: parent ? parent.user : kind === 'scratch' ? ROOT_USER : UNKNOWN_USER,
      workdir: parent ? parent.workdir : kind === 'scratch' ? ROOT_WORKDIR : UNKNOWN_WORKDIR,
      shell: parent ? parent.shell : defaultShell(os),
      instructions: [],
      ownTriggers: [],
      inheritedTriggers: parent ? parent.ownTriggers : [],
      deps: new Set(parent ? [parent.index] : []),
      fromRefs: [],
      externalFrom: [],
    };
    states.push(st);
    if (name !== null) byName.set(name, st);
    record(ins, st, gscope, null);
    return st;
  }

  function dispatch(st: StageState, ins: Instruction, onbuild: OnbuildInstruction | null): void {
    const scope = stageScope(st);
    record(ins, st, scope, onbuild);
    if (onbuild) {
      // a trigger runs in a downstream build: it does not change this stage
      if (ins.kind === 'ONBUILD' && ins.trigger) dispatch(st, ins.trigger, onbuild);
      return;
    }
    switch (ins.kind) {
      case 'ARG':
        for (const d of ins.definitions) {
          const b = argBinding(ins, d.name, d.value, d.valueRange, stageScope(st), st);
          st.args = st.args.with(d.name, b);
          // BuildKit adds an ARG with a value to the build state's environment (later writes win)
          if (!NON_ENV_ARGS.has(d.name)) st.vars = st.vars.with(d.name, b);
          st.scope = null;
        }
        break;
      case 'ENV': {
        const updates: VarBinding[] = [];
        for (const p of ins.pairs) {
          const k = expandIn(p.key.value, scope, p.key.range, 'ENV name');
          const v = expandIn(p.value.value, scope, p.value.range, `ENV ${p.key.value}`);
          if (!k.ok || k.unknown) continue;
          const value = valueOf(v);
          updates.push(
            v.ok
              ? { name: k.value, value, kind: 'env', definedAt: ins, overridable: false, expanded: wordOf(v) }
              : { name: k.value, value, kind: 'env', definedAt: ins, overridable: false },
          );
        }
        for (const u of updates) {
          st.env = st.env.with(u.name, u);
          st.vars = st.vars.with(u.name, u);
        }
        st.scope = null;
        break;
      }
      case 'LABEL':
        for (const p of ins.pairs) {
          const k = expandIn(p.key.value, scope, p.key.range, 'LABEL key');
          const v = expandIn(p.value.value, scope, p.value.range, 'LABEL value');
          if (!k.ok || k.unknown) continue;
          st.labels = st.labels.with(k.value, { key: k.value, value: valueOf(v), definedAt: ins });
        }
        break;
      case 'USER':
        st.user = userFrom(ins, scope, st.os);
        break;
      case 'WORKDIR':
        st.workdir = workdirFrom(ins, scope, st);
        break;
      case 'SHELL':
        if (ins.json && ins.args.length > 0) st.shell = { argv: ins.args.map((a) => a.value), isDefault: false, setBy: ins };
        else diag('shell-not-json', 'SHELL requires a JSON array of strings', ins.range);
        break;
      case 'ONBUILD':
        if (ins.trigger) {
          st.ownTriggers.push(ins.trigger);
          dispatch(st, ins.trigger, ins);
        }
        break;
      case 'COPY':
      case 'ADD': {
        const from = ins.flags.find((f) => f.name.toLowerCase() === 'from');
        if (from && from.value !== null) useFrom(st, from.value, scope, from.valueRange ?? from.range);
        break;
      }
      case 'RUN':
        for (const f of ins.flags) {
          if (f.name.toLowerCase() !== 'mount' || f.value === null) continue;
          for (const field of f.value.split(',')) {
            const eq = field.indexOf('=');
            if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from') {
              useFrom(st, field.slice(eq + 1).trim(), scope, f.valueRange ?? f.range);
            }
          }
        }
        break;
      default:
        break;
    }
  }

  function useFrom(st: StageState, raw: string, scope: Scope, range: Range): void {
    const e = expandIn(raw, scope, range, '--from');
    if (!e.ok || e.unknown) st.externalFrom.push(raw);
    else st.fromRefs.push(e.value);
  }

  function userFrom(ins: SimpleInstruction, scope: Scope, os: OsGuess): UserSetting {
    const raw = ins.args[0]?.value ?? '';
    const e = expandIn(raw, scope, ins.args[0]?.range ?? null, 'USER');
    if (!e.ok || e.unknown) {
      return { value: e.ok ? e.value : raw, user: null, group: null, unknown: true, isRoot: null, setBy: ins };
    }
    const colon = e.value.indexOf(':');
    const user = colon >= 0 ? e.value.slice(0, colon) : e.value;
    const group = colon >= 0 ? e.value.slice(colon + 1) : null;
    const isRoot =
      user === 'root' || user === '0' || (os === 'windows' && user.toLowerCase() === 'containeradministrator');
    return { value: e.value, user, group, unknown: false, isRoot, setBy: ins };
  }

  function workdirFrom(ins: SimpleInstruction, scope: Scope, st: StageState): WorkdirSetting {
    const raw = ins.args[0]?.value ?? '';
    const e = expandIn(raw, scope, ins.args[0]?.range ?? null, 'WORKDIR');
    if (!e.ok || e.unknown) return { path: null, unknown: true, setBy: ins };
    const path = resolveWorkdir(st.workdir.path, e.value, st.os);
    return { path, unknown: path === null, setBy: ins };
  }

  // finish: `--from` references resolve against every stage (BuildKit resolves them after registering all stages:
  // a name means the last stage of that name, a number a stage index; anything else is an image)
  for (const st of states) {
    for (const v of st.fromRefs) {
      let target: StageState | undefined;
      if (/^[0-9]+$/.test(v)) target = states[Number(v)];
      else target = byName.get(v.toLowerCase());
      if (target && target !== st) st.deps.add(target.index);
      else if (!target) st.externalFrom.push(v);
    }
  }

  // reachability from the final stage
  const finalIndex = states.length - 1;
  const reachable = new Set<number>();
  const todo = finalIndex >= 0 ? [finalIndex] : [];
  while (todo.length > 0) {
    const i = todo.pop()!;
    if (reachable.has(i)) continue;
    reachable.add(i);
    for (const d of states[i]!.deps) todo.push(d);
  }
  if (finalIndex < 0 && df.instructions.length > 0) diag('no-from', 'no FROM instruction: nothing to build', df.instructions[0]!.keywordRange);

  const stages: Stage[] = states.map((s) => ({
    index: s.index,
    name: s.name,
    nameRange: s.from.stageName?.range ?? null,
    from: s.from,
    base: s.base,
    parentStage: s.parentStage,
    platform: s.platform,
    platformRaw: s.platformRaw,
    os: s.os,
    instructions: s.instructions.slice(), // exact size (grown by push: room for 16 more)
    inheritedTriggers: s.inheritedTriggers,
    finalScope: stageScope(s),
    finalUser: s.user,
    finalWorkdir: s.workdir,
    finalShell: s.shell,
    labels: s.labels,
    dependsOn: [...s.deps].sort((a, b) => a - b),
    externalFrom: s.externalFrom,
    isFinal: s.index === finalIndex,
    reachable: reachable.has(s.index),
  }));

  const model: DockerfileModel = {
    source: df.source,
    dockerfile: df,
    escape,
    globalArgs,
    globalScope: globalScope(),
    stages,
    finalStage: stages[finalIndex] ?? null,
    instructions: facts.slice(), // exact size (grown by push: room for 16 more)
    facts: factsMap,
    diagnostics,
  };
  // the helpers' caches travel with the model from the start (one hidden class for every model; see memo.ts)
  prepareSlots(model);
  // the model's expansion memo starts with what the build expanded (the slot is empty: this call makes it)
  handOver = remembered;
  expansionMemo(model);
  if (opts.timings) {
    const t0 = performance.now();
    attachShellFacts(model);
    opts.timings.shell += performance.now() - t0;
  } else attachShellFacts(model);
  return model;
}

const UNSET_USER: UserSetting = { value: null, user: null, group: null, unknown: false, isRoot: null, setBy: null };
const ROOT_USER: UserSetting = { value: null, user: null, group: null, unknown: false, isRoot: true, setBy: null };
const UNKNOWN_USER: UserSetting = { value: null, user: null, group: null, unknown: true, isRoot: null, setBy: null };
const ROOT_WORKDIR: WorkdirSetting = { path: '/', unknown: false, setBy: null };
const UNKNOWN_WORKDIR: WorkdirSetting = { path: null, unknown: true, setBy: null };

function defaultShell(os: OsGuess): ShellSetting {
  return { argv: os === 'windows' ? DEFAULT_WINDOWS_SHELL : DEFAULT_LINUX_SHELL, isDefault: true, setBy: null };
}

/** A variable lookup for `processWord` over a scope (`scope.vars`); unknown image env answers UNKNOWN. */
export function lookupFor(scope: Scope): (name: string) => EnvValue | undefined {
  return (name) => {
    const b = scope.vars.get(name) ?? (scope.caseInsensitive ? findFolded(scope, name) : undefined);
    if (b) return b.value;
    return scope.baseEnvUnknown ? UNKNOWN : undefined;
  };
}

function findFolded(scope: Scope, name: string): VarBinding | undefined {
  const up = name.toUpperCase();
  for (const [k, v] of scope.vars) if (k.toUpperCase() === up) return v;
  return undefined;
}

/** The variable value an expansion gives: the string, a partly known value, or UNKNOWN after an error. */
function valueOf(e: Expansion): EnvValue {
  if (!e.ok) return UNKNOWN;
  return e.unknown ? { unknown: true, parts: e.parts } : e.value;
}

function wordOf(e: Expansion & { ok: true }): ExpandedWord {
  return { value: e.value, unknown: e.unknown, parts: e.parts };
}

const WINDOWS_PATH = /(^|\/)(windows|nanoserver|servercore|windowsservercore|dotnet\/framework)(\/|$)/;
const WINDOWS_TAG = /(nanoserver|servercore|windowsservercore|ltsc20\d\d|^1809$|^20h2$|^2004$|^1909$|^1903$)/;

/** See the module comment. */
export function guessOs(platform: Expansion | null, parentOs: OsGuess | null, ref: ImageRef | null, escape: string): OsGuess {
  if (platform && platform.ok && !platform.unknown && platform.value !== '') {
    return platform.value.toLowerCase().startsWith('windows') ? 'windows' : 'linux';
  }
  if (parentOs) return parentOs;
  if (ref && !ref.scratch) {
    if (!ref.unknown.path && WINDOWS_PATH.test(ref.path)) return 'windows';
    if (ref.tag !== null && !ref.unknown.tag && WINDOWS_TAG.test(ref.tag.toLowerCase())) return 'windows';
  }
  return escape === '`' ? 'windows' : 'linux';
}

/** Resolves WORKDIR `p` against the previous directory (POSIX cleaning; Windows paths joined with `\`). */
export function resolveWorkdir(prev: string | null, p: string, os: OsGuess): string | null {
  if (os === 'windows') {
    if (/^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\') || p.startsWith('/')) return p;
    if (prev === null) return null;
    let end = prev.length;
    while (end > 0 && (prev[end - 1] === '\\' || prev[end - 1] === '/')) end--;
    return prev.slice(0, end) + '\\' + p;
  }
  if (p.startsWith('/')) return cleanPath(p);
  if (prev === null) return null;
  return cleanPath(prev + '/' + p);
}

/** Go's `path.Clean` for absolute paths. */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

// --- helpers for rules -------------------------------------------------------------------------------------------

/** The instruction node type of a kind. */
export type OfKind<K extends InstructionKind> = DistributeKind<Instruction, K>;
/** Members of `I` whose `kind` union contains `K` (so `WORKDIR` finds `SimpleInstruction`, which `Extract` misses). */
type DistributeKind<I, K> = I extends { readonly kind: infer KK } ? (K extends KK ? I : never) : never;

const NO_FACTS: readonly InstructionFacts[] = Object.freeze([]);

/** `instructionsOf` results per model, by query (dozens of rules ask the same questions of one model). */
const instructionQueries = perModel((_model: DockerfileModel) => new Map<string, readonly InstructionFacts[]>());

/**
 * Facts of every instruction of the given kinds (ONBUILD triggers included unless `triggers: false`). Computed once
 * per model and query: the array is shared, do not modify it.
 */
export function instructionsOf<K extends InstructionKind>(
  model: DockerfileModel,
  kind: K | readonly K[],
  opts: { readonly triggers?: boolean } = {},
): readonly (InstructionFacts & { readonly instruction: OfKind<K> })[] {
  const withTriggers = opts.triggers ?? true;
  // the key without building an array or joining for the common single kind (16 rules ask, for every file):
  // `RUN`/`-RUN` for one kind, `+RUN,CMD`/`-RUN,CMD` for a list (kinds are upper-case words: no clash)
  const key = typeof kind === 'string' ? (withTriggers ? kind : `-${kind}`) : `${withTriggers ? '+' : '-'}${kind.join(',')}`;
  const queries = instructionQueries(model);
  const cached = queries.get(key);
  if (cached !== undefined) return cached as readonly (InstructionFacts & { readonly instruction: OfKind<K> })[];
  // a loop rather than a set of kinds and `filter`: asked ~10 times per model, each once
  const found: InstructionFacts[] = [];
  for (const f of model.instructions) {
    if (!withTriggers && f.onbuild !== null) continue;
    const k = f.instruction.kind;
    if (typeof kind === 'string' ? k === kind : (kind as readonly InstructionKind[]).includes(k)) found.push(f);
  }
  // kept for the model's lifetime: the shared empty list, or an exact-size copy (`push` leaves room for 16 more)
  const out = (found.length === 0 ? NO_FACTS : found.slice()) as readonly (InstructionFacts & { readonly instruction: OfKind<K> })[];
  queries.set(key, out);
  return out;
}

/** Facts of an instruction (triggers included), or undefined for a node not in this model. */
export function factsOf(model: DockerfileModel, ins: Instruction): InstructionFacts | undefined {
  return model.facts.get(ins);
}

/** The stage an instruction belongs to, or null (before the first FROM / not in this model). */
export function stageOf(model: DockerfileModel, ins: Instruction): Stage | null {
  const f = model.facts.get(ins);
  return f && f.stage !== null ? (model.stages[f.stage] ?? null) : null;
}

/** The stage a stage is built FROM, or null. */
export function parentOf(model: DockerfileModel, stage: Stage): Stage | null {
  return stage.parentStage === null ? null : (model.stages[stage.parentStage] ?? null);
}

/** The chain of stages from `stage` up to the one FROM an external image (or scratch), `stage` first. */
export function stageChain(model: DockerfileModel, stage: Stage): Stage[] {
  const out: Stage[] = [stage];
  const seen = new Set<number>([stage.index]);
  let p = parentOf(model, stage);
  while (p && !seen.has(p.index)) {
    out.push(p);
    seen.add(p.index);
    p = parentOf(model, p);
  }
  return out;
}

/** The external base image a stage ultimately builds on (following parent stages), or null. */
export function rootImageOf(model: DockerfileModel, stage: Stage): BaseImage | null {
  const last = model.stages[stage.index] === stage ? rootStages(model)[stage.index]! : stageChain(model, stage).at(-1)!;
  return last.base.kind === 'stage' ? null : last.base;
}

/** The root stage of every stage, computed once per model (walking the chain per call is quadratic). */
const rootStages = perModel((model: DockerfileModel): readonly Stage[] => {
  const r: Stage[] = [];
  for (const s of model.stages) {
    const p = s.parentStage;
    r[s.index] = p === null ? s : p < s.index && r[p] !== undefined ? r[p]! : stageChain(model, s).at(-1)!;
  }
  return r;
});

/**
 * The expansion options of the helpers for a model: its escape and its budget (one object per model, not per call).
 * The budget is the model's (cached with it, not shared state): the rules' expansions of a file together substitute
 * at most MAX_MODEL_EXPANSION_CHARS characters, as buildModel's own do. Without it, 20,000 `ENV Bn=$A$A…` over a
 * large A made the rules re-expand gigabytes.
 */
const helperExpandOptions = perModel(
  (model: DockerfileModel): ExpandOptions => ({ escape: model.escape, budget: { remaining: MAX_MODEL_EXPANSION_CHARS } }),
);

/**
 * Expansion results per model, by scope and text. The rules expand ~7,900 words over the corpus, and 60 % of them are
 * words the model expanded in the same scope while it was built (ENV and LABEL values, ARG defaults, FROM images,
 * USER, WORKDIR, `--from`) or that another rule expanded already: `buildModel` hands its results over, and `expand`
 * keeps its own. A result depends only on the text and the scope (an immutable snapshot of the variables); the escape
 * character is the file's. Results stopped by the expansion budget are not kept (a later call has its own budget).
 */
const expansionMemo = perModel((_model: DockerfileModel): ExpansionMemo => {
  const memo: ExpansionMemo = handOver ?? new Map();
  handOver = null;
  return memo;
});
/** The memo `buildModel` filled, taken over by the model's slot on the next `expansionMemo` call (buildModel's). */
let handOver: ExpansionMemo | null = null;

/**
 * Results by text: one entry for a text expanded in one scope (nearly all), a Map by scope once a text is expanded in
 * several (`COPY /f /f` in each of 4,000 stages: a list searched per lookup would make that quadratic).
 */
type ExpansionMemo = Map<string, Remembered | Map<Scope, ExpandResult>>;
interface Remembered {
  readonly scope: Scope;
  readonly result: ExpandResult;
}

function recall(memo: ExpansionMemo, scope: Scope, text: string): ExpandResult | undefined {
  const e = memo.get(text);
  if (e === undefined) return undefined;
  if (e instanceof Map) return e.get(scope);
  return e.scope === scope ? e.result : undefined;
}

function remember(memo: ExpansionMemo, scope: Scope, text: string, r: ExpandResult): void {
  if (!r.ok && r.limit === true) return;
  const e = memo.get(text);
  if (e === undefined || (!(e instanceof Map) && e.scope === scope)) memo.set(text, { scope, result: r });
  else if (e instanceof Map) e.set(scope, r);
  else
    memo.set(
      text,
      new Map([
        [e.scope, e.result],
        [scope, r],
      ]),
    );
}

/**
 * `processWord(text)` in `scope` with `options` (the file's escape; any budget), through the model's expansion cache:
 * the shell layer's expansions of COPY/ADD words, which the rules expand again.
 */
export function expandInScope(model: DockerfileModel, scope: Scope, text: string, options: ExpandOptions): ExpandResult {
  const memo = expansionMemo(model);
  const known = recall(memo, scope, text);
  if (known !== undefined) return known;
  const r = processWord(text, lookupFor(scope), options);
  remember(memo, scope, text, r);
  return r;
}

/** Expands `text` as BuildKit would at `at` (its scope, the file's escape). The result is shared: do not modify it. */
export function expand(model: DockerfileModel, text: string, at: Instruction): ExpandResult {
  const f = model.facts.get(at);
  const scope = f ? f.scope : model.globalScope;
  return expandInScope(model, scope, text, helperExpandOptions(model));
}

/** Expands and splits `text` into words as BuildKit would at `at` (EXPOSE, VOLUME, ...). */
export function expandWords(model: DockerfileModel, text: string, at: Instruction): WordsResult {
  const f = model.facts.get(at);
  const scope = f ? f.scope : model.globalScope;
  return processWords(text, lookupFor(scope), helperExpandOptions(model));
}

/**
 * The last instruction of `kind` in effect for a stage: in the stage, else in its parent stages (CMD, ENTRYPOINT,
 * HEALTHCHECK, STOPSIGNAL, EXPOSE...). Null when the Dockerfile has none: the external base image may still set
 * one. ONBUILD triggers are not counted. (Docker's rule that a new ENTRYPOINT clears an inherited CMD is not
 * applied here.)
 */
export function effectiveInstruction<K extends InstructionKind>(
  model: DockerfileModel,
  stage: Stage,
  kind: K,
): (InstructionFacts & { readonly instruction: OfKind<K> }) | null {
  const table = effectiveTable(model, kind);
  const hit = model.stages[stage.index] === stage ? table[stage.index] : walkChain(model, stage, kind);
  return (hit ?? null) as (InstructionFacts & { readonly instruction: OfKind<K> }) | null;
}

/** One table per model and kind: the instruction of `kind` in effect per stage (walking the parent chain per call is
 * quadratic over long chains of stages). */
const effectiveTable = perModelAnd((model: DockerfileModel, kind: InstructionKind): readonly (InstructionFacts | null)[] => {
  const t: (InstructionFacts | null)[] = [];
  for (const s of model.stages) {
    let own: InstructionFacts | null = null;
    for (let i = s.instructions.length - 1; i >= 0 && own === null; i--) {
      const f = s.instructions[i]!;
      if (f.onbuild === null && f.instruction.kind === kind) own = f;
    }
    const p = s.parentStage;
    t[s.index] = own ?? (p !== null && p < s.index ? (t[p] ?? null) : p !== null ? walkChain(model, s, kind) : null);
  }
  return t;
});

/** `effectiveInstruction` by walking the stage chain (for a stage whose parent is not an earlier stage). */
function walkChain(model: DockerfileModel, stage: Stage, kind: InstructionKind): InstructionFacts | null {
  for (const s of stageChain(model, stage)) {
    for (let i = s.instructions.length - 1; i >= 0; i--) {
      const f = s.instructions[i]!;
      if (f.onbuild === null && f.instruction.kind === kind) return f;
    }
  }
  return null;
}
