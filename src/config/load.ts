/**
 * Reading config files: finding them (from the audited file's directory up to the repository root, then the
 * user's config directory), parsing YAML/JSON safely, validating against the schema and against the rule list,
 * and turning them into a `PartialConfig`. Never throws on user input: problems come back as `ConfigError`s.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SourceFile, type Range } from '../source.js';
import type { Rule } from '../rules/types.js';
import { RuleIndex, peerToolOf, suggestion } from '../rules/rule-ref.js';
import { configSchema, joinPath, validate, type SchemaProblem } from './schema.js';
import { parseTree, toPlain, type PNode } from './yaml-tree.js';
import type { ConfigError, FailLevel, LabelType, OutputFormat, Override, PartialConfig, RuleSetting } from './types.js';

export const CONFIG_FILE_NAMES = ['.dockaudit.yaml', '.dockaudit.yml', '.dockaudit.json'] as const;
export const HADOLINT_FILE_NAMES = ['.hadolint.yaml', '.hadolint.yml'] as const;
const USER_CONFIG_NAMES = ['config.yaml', 'config.yml', 'config.json'] as const;

export interface ParsedConfig {
  readonly partial: PartialConfig;
  readonly errors: ConfigError[];
}

/** Makes positioned errors for one file. */
export function errorMaker(file: string, text: string) {
  const src = new SourceFile(file, text);
  return (path: string, message: string, r: Range, severity: 'error' | 'warning' = 'error'): ConfigError => {
    const p = src.positionAt(r.start);
    return { file, line: p.line, column: p.column, path, message, severity };
  };
}

function isFileSync(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Checks a rule reference against the rule list: an error (with did-you-mean) when unknown, a warning when it is a
 * peer tool's ID that no dockaudit rule covers. Returns false when the reference names no rule. */
function checkRuleRef(
  ref: string,
  index: RuleIndex | undefined,
  path: string,
  at: Range,
  err: ReturnType<typeof errorMaker>,
  out: ConfigError[],
): boolean {
  if (index === undefined) return true;
  if (index.resolve(ref).length > 0) return true;
  const tool = peerToolOf(ref);
  if (tool !== 'other') {
    out.push(err(path, `no dockaudit rule covers ${tool} rule "${ref}"; setting ignored`, at, 'warning'));
  } else {
    out.push(err(path, `unknown rule "${ref}"${suggestion(ref, index.names())}`, at));
  }
  return false;
}

function ruleSettingOf(v: PNode): RuleSetting | undefined {
  if (v.kind !== 'scalar') return undefined;
  if (v.value === true) return 'on';
  if (v.value === false) return 'off';
  if (typeof v.value === 'string' && ['off', 'on', 'critical', 'high', 'medium', 'low', 'info'].includes(v.value)) {
    return v.value as RuleSetting;
  }
  return undefined;
}

function strings(v: PNode): string[] {
  return v.kind === 'seq' ? v.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [i.value] : [])) : [];
}

/**
 * Parses and validates config text. `file` is used in messages; `baseDir` is the directory globs are relative to;
 * `rules` (when given) checks rule references and rule options.
 */
export function parseConfigText(text: string, file: string, rules?: readonly Rule[], baseDir = ''): ParsedConfig {
  const err = errorMaker(file, text);
  const errors: ConfigError[] = [];
  const { tree, problems } = parseTree(text);
  for (const p of problems) errors.push(err('', p.message, p.range));
  if (tree === null) return { partial: {}, errors };
  if (problems.length > 0) return { partial: {}, errors };
  const schemaProblems: SchemaProblem[] = [];
  const schema = configSchema();
  validate(schema, schema, tree, '', tree.range, schemaProblems);
  for (const p of schemaProblems) errors.push(err(p.path, p.message, p.range));
  const bad = new Set(schemaProblems.map((p) => p.path));
  const isBad = (path: string): boolean => {
    for (const b of bad) if (b === path || b === '' || path.startsWith(b + '.') || path.startsWith(b + '[')) return true;
    return false;
  };
  const index = rules === undefined ? undefined : new RuleIndex(rules);
  const partial: PartialConfig = {};
  if (tree.kind !== 'map') return { partial, errors };

  const ruleMap = (node: PNode, path: string): Map<string, RuleSetting> => {
    const m = new Map<string, RuleSetting>();
    if (node.kind !== 'map') return m;
    for (const e of node.entries) {
      const p = joinPath(path, e.key);
      if (isBad(p)) continue;
      const s = ruleSettingOf(e.value);
      if (s === undefined) continue;
      if (!checkRuleRef(e.key, index, p, e.keyRange, err, errors)) continue;
      m.set(e.key, s);
    }
    return m;
  };

  const formats: OutputFormat[] = [];
  for (const e of tree.entries) {
    const path = e.key;
    if (isBad(path)) continue;
    const v = e.value;
    switch (e.key) {
      case 'rules':
        partial.rules = ruleMap(v, path);
        break;
      case 'failLevel':
        if (v.kind === 'scalar' && typeof v.value === 'string') partial.failLevel = v.value as FailLevel;
        break;
      case 'format':
        if (v.kind === 'scalar' && typeof v.value === 'string') formats.push(v.value as OutputFormat);
        else formats.push(...(strings(v) as OutputFormat[]));
        break;
      case 'formats':
        formats.push(...(strings(v) as OutputFormat[]));
        break;
      case 'ignorePaths':
        partial.ignorePaths = strings(v);
        partial.ignoreBaseDir = baseDir;
        break;
      case 'trustedRegistries':
        partial.trustedRegistries = strings(v);
        break;
      case 'requiredLabels':
        partial.requiredLabels = strings(v);
        break;
      case 'labelSchema': {
        const m = new Map<string, LabelType>();
        if (v.kind === 'map') for (const le of v.entries) if (le.value.kind === 'scalar') m.set(le.key, le.value.value as LabelType);
        partial.labelSchema = m;
        break;
      }
      case 'strictLabels':
      case 'disableInlineIgnores':
      case 'requireIgnoreReason':
        if (v.kind === 'scalar' && typeof v.value === 'boolean') partial[e.key] = v.value;
        break;
      case 'ruleOptions': {
        const m = new Map<string, Readonly<Record<string, unknown>>>();
        if (v.kind !== 'map') break;
        for (const re of v.entries) {
          const p = joinPath(path, re.key);
          if (!checkRuleRef(re.key, index, p, re.keyRange, err, errors)) continue;
          if (re.value.kind !== 'map') continue;
          let ok = true;
          const targets = index?.resolve(re.key) ?? [];
          for (const oe of re.value.entries) {
            const op = joinPath(p, oe.key);
            for (const r of targets) {
              const defaults = r.meta.defaultOptions as Record<string, unknown> | undefined;
              if (defaults === undefined || typeof defaults !== 'object') {
                errors.push(err(op, `rule ${r.meta.id} (${r.meta.name}) takes no options`, oe.keyRange));
                ok = false;
                continue;
              }
              if (!Object.prototype.hasOwnProperty.call(defaults, oe.key)) {
                errors.push(err(op, `unknown option "${oe.key}" for rule ${r.meta.id}${suggestion(oe.key, Object.keys(defaults))}`, oe.keyRange));
                ok = false;
                continue;
              }
              const want = kindOf(defaults[oe.key]);
              const got = kindOf(toPlain(oe.value));
              if (want !== got && want !== 'null') {
                errors.push(err(op, `expected ${want} for option "${oe.key}" of rule ${r.meta.id}, got ${got}`, oe.keyRange));
                ok = false;
              }
            }
          }
          if (ok) m.set(re.key, toPlain(re.value) as Record<string, unknown>);
        }
        partial.ruleOptions = m;
        break;
      }
      case 'overrides': {
        const list: Override[] = [];
        if (v.kind === 'seq') {
          v.items.forEach((it, i) => {
            const p = joinPath(path, i);
            if (isBad(p) || it.kind !== 'map') return;
            let files: string[] = [];
            let rulesOf = new Map<string, RuleSetting>();
            for (const oe of it.entries) {
              if (oe.key === 'files') files = strings(oe.value);
              else if (oe.key === 'rules') rulesOf = ruleMap(oe.value, joinPath(p, 'rules'));
            }
            list.push({ files, rules: rulesOf, baseDir });
          });
        }
        partial.overrides = list;
        break;
      }
      default:
        break;
    }
  }
  if (formats.length > 0) partial.formats = [...new Set(formats)];
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { partial, errors };
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** Reads and parses a config file. I/O problems become errors. */
export function loadConfigFile(path: string, rules?: readonly Rule[], displayPath = path): ParsedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { partial: {}, errors: [{ file: displayPath, line: 0, column: 0, path: '', message: `cannot read config file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, severity: 'error' }] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseConfigText(text, displayPath, rules, dirname(path));
}

export interface FoundConfig {
  readonly path: string;
  readonly kind: 'dockaudit' | 'hadolint';
  /** True when it came from the user's config directory. */
  readonly user: boolean;
}

export interface FindOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
}

/** Directories from `startDir` up to the repository root (the first directory holding `.git`), or to `/`. */
export function searchDirs(startDir: string): string[] {
  const dirs: string[] = [];
  let d = resolve(startDir);
  for (;;) {
    dirs.push(d);
    if (existsSync(join(d, '.git'))) break;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return dirs;
}

/** The user's config directory for dockaudit (`$XDG_CONFIG_HOME/dockaudit` or `~/.config/dockaudit`). */
export function userConfigDir(opts: FindOptions = {}): string | undefined {
  const env = opts.env ?? {};
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'dockaudit');
  const home = opts.homeDir ?? env['HOME'];
  return home === undefined || home === '' ? undefined : join(home, '.config', 'dockaudit');
}

/**
 * The config that applies to files in `startDir`: the nearest `.dockaudit.{yaml,yml,json}` up to the repository
 * root, else the user's config, else (migration) the nearest `.hadolint.{yaml,yml}`; null when none.
 */
export function findConfig(startDir: string, opts: FindOptions = {}): FoundConfig | null {
  const dirs = searchDirs(startDir);
  for (const d of dirs) {
    for (const n of CONFIG_FILE_NAMES) {
      const p = join(d, n);
      if (isFileSync(p)) return { path: p, kind: 'dockaudit', user: false };
    }
  }
  const u = userConfigDir(opts);
  if (u !== undefined) {
    for (const n of USER_CONFIG_NAMES) {
      const p = join(u, n);
      if (isFileSync(p)) return { path: p, kind: 'dockaudit', user: true };
    }
  }
  for (const d of dirs) {
    for (const n of HADOLINT_FILE_NAMES) {
      const p = join(d, n);
      if (isFileSync(p)) return { path: p, kind: 'hadolint', user: false };
    }
  }
  return null;
}
