/**
 * Putting configuration together: defaults < config file (or a migrated hadolint config) < environment <
 * command line, each a `PartialConfig`. Scalars and lists from a later source replace earlier ones; the `rules`,
 * `labelSchema` and `ruleOptions` maps merge key by key; `overrides` concatenate. Also: what the engine needs per
 * file (enabled rules, severities, options), `ignorePaths`, `dockaudit init` text and `print-config` output.
 */
import { dirname, relative, resolve } from 'node:path';
import { yaml } from './yaml-lazy.js';
import { SEVERITY_RANK, type Finding, type Rule, type Severity } from '../rules/types.js';
import type { SuppressionOptions } from '../engine/suppressions.js';

/** DA102 unused-suppression (its findings come from the suppression pass). */
const UNUSED_SUPPRESSION_ID = 'DA102';
import { RuleIndex, ruleIndexOf, suggestion } from '../rules/rule-ref.js';
import { globMatch, normalizePath } from './glob.js';
import { findConfig, loadConfigFile, type FindOptions } from './load.js';
import { readHadolintConfig } from './hadolint.js';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_CONFIG,
  OUTPUT_FORMATS,
  type Config,
  type ConfigError,
  type FailLevel,
  type OutputFormat,
  type PartialConfig,
  type RuleSetting,
} from './types.js';

const FAIL_LEVELS: readonly FailLevel[] = ['critical', 'high', 'medium', 'low', 'info', 'none'];

/** Merges partial configs, later ones winning, over the defaults. */
export function mergeConfigs(...parts: readonly PartialConfig[]): Config {
  const out: { -readonly [K in keyof Config]: Config[K] } = { ...DEFAULT_CONFIG };
  for (const p of parts) {
    if (p.rules) {
      const m = new Map(out.rules);
      for (const [k, v] of p.rules) {
        m.delete(k); // re-insert so the later source's setting also comes later in order
        m.set(k, v);
      }
      out.rules = m;
    }
    if (p.labelSchema) out.labelSchema = new Map([...out.labelSchema, ...p.labelSchema]);
    if (p.ruleOptions) {
      const m = new Map(out.ruleOptions);
      for (const [k, v] of p.ruleOptions) m.set(k, { ...(m.get(k) ?? {}), ...v });
      out.ruleOptions = m;
    }
    if (p.overrides) out.overrides = [...out.overrides, ...p.overrides];
    if (p.failLevel !== undefined) out.failLevel = p.failLevel;
    if (p.formats !== undefined) out.formats = p.formats;
    if (p.ignorePaths !== undefined) {
      out.ignorePaths = p.ignorePaths;
      out.ignoreBaseDir = p.ignoreBaseDir ?? '';
    }
    if (p.trustedRegistries !== undefined) out.trustedRegistries = p.trustedRegistries;
    if (p.requiredLabels !== undefined) out.requiredLabels = p.requiredLabels;
    if (p.strictLabels !== undefined) out.strictLabels = p.strictLabels;
    if (p.disableInlineIgnores !== undefined) out.disableInlineIgnores = p.disableInlineIgnores;
    if (p.requireIgnoreReason !== undefined) out.requireIgnoreReason = p.requireIgnoreReason;
  }
  return out;
}

function truthy(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  const l = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(l)) return true;
  if (['0', 'false', 'no', 'off'].includes(l)) return false;
  return undefined;
}

function csv(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const ENV_VARS = [
  'DOCKAUDIT_CONFIG',
  'DOCKAUDIT_NO_CONFIG',
  'DOCKAUDIT_FAIL_LEVEL',
  'DOCKAUDIT_FORMAT',
  'DOCKAUDIT_IGNORE',
  'DOCKAUDIT_TRUSTED_REGISTRIES',
  'DOCKAUDIT_REQUIRED_LABELS',
  'DOCKAUDIT_STRICT_LABELS',
  'DOCKAUDIT_DISABLE_INLINE_IGNORES',
  'DOCKAUDIT_REQUIRE_IGNORE_REASON',
] as const;

/** The environment's contribution. `DOCKAUDIT_CONFIG` / `DOCKAUDIT_NO_CONFIG` are returned separately. */
export function configFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  rules?: readonly Rule[],
): { partial: PartialConfig; errors: ConfigError[]; configPath?: string; noConfig: boolean } {
  const errors: ConfigError[] = [];
  const partial: PartialConfig = {};
  const e = (name: string, message: string, severity: 'error' | 'warning' = 'error'): void =>
    void errors.push({ file: `env:${name}`, line: 0, column: 0, path: '', message, severity });
  const boolVar = (name: string): boolean | undefined => {
    const raw = env[name];
    const b = truthy(raw);
    if (raw !== undefined && raw !== '' && b === undefined) e(name, `expected true or false, got "${raw}"`);
    return b;
  };
  const fl = env['DOCKAUDIT_FAIL_LEVEL'];
  if (fl !== undefined && fl !== '') {
    const v = fl.trim().toLowerCase();
    if ((FAIL_LEVELS as readonly string[]).includes(v)) partial.failLevel = v as FailLevel;
    else e('DOCKAUDIT_FAIL_LEVEL', `unknown fail level "${fl}"${suggestion(v, FAIL_LEVELS) || ` (expected one of: ${FAIL_LEVELS.join(', ')})`}`);
  }
  const fm = env['DOCKAUDIT_FORMAT'];
  if (fm !== undefined && fm !== '') {
    const fs: OutputFormat[] = [];
    for (const f of csv(fm)) {
      if ((OUTPUT_FORMATS as readonly string[]).includes(f)) fs.push(f as OutputFormat);
      else e('DOCKAUDIT_FORMAT', `unknown format "${f}"${suggestion(f, OUTPUT_FORMATS) || ` (expected one of: ${OUTPUT_FORMATS.join(', ')})`}`);
    }
    if (fs.length > 0) partial.formats = fs;
  }
  const ig = env['DOCKAUDIT_IGNORE'];
  if (ig !== undefined && ig !== '') {
    const index = rules === undefined ? undefined : new RuleIndex(rules);
    const m = new Map<string, RuleSetting>();
    for (const r of csv(ig)) {
      if (index !== undefined && index.resolve(r).length === 0) e('DOCKAUDIT_IGNORE', `unknown rule "${r}"${suggestion(r, index.names())}`, 'warning');
      m.set(r, 'off');
    }
    partial.rules = m;
  }
  const tr = env['DOCKAUDIT_TRUSTED_REGISTRIES'];
  if (tr !== undefined && tr !== '') partial.trustedRegistries = csv(tr);
  const rl = env['DOCKAUDIT_REQUIRED_LABELS'];
  if (rl !== undefined && rl !== '') partial.requiredLabels = csv(rl);
  const sl = boolVar('DOCKAUDIT_STRICT_LABELS');
  if (sl !== undefined) partial.strictLabels = sl;
  const di = boolVar('DOCKAUDIT_DISABLE_INLINE_IGNORES');
  if (di !== undefined) partial.disableInlineIgnores = di;
  const rr = boolVar('DOCKAUDIT_REQUIRE_IGNORE_REASON');
  if (rr !== undefined) partial.requireIgnoreReason = rr;
  const noConfig = boolVar('DOCKAUDIT_NO_CONFIG') ?? false;
  const cp = env['DOCKAUDIT_CONFIG'];
  return { partial, errors, noConfig, ...(cp !== undefined && cp !== '' ? { configPath: cp } : {}) };
}

export interface EffectiveConfigOptions extends FindOptions {
  /** `--config FILE` (wins over DOCKAUDIT_CONFIG and the search). */
  readonly configPath?: string;
  /** `--no-config`. */
  readonly noConfig?: boolean;
  /** Command-line settings (highest precedence). */
  readonly cli?: PartialConfig;
  /** The rule list, to check rule references (recommended). */
  readonly rules?: readonly Rule[];
}

export interface EffectiveConfig {
  readonly config: Config;
  /** The config file used, or null. */
  readonly file: { readonly path: string; readonly kind: 'dockaudit' | 'hadolint' } | null;
  readonly errors: readonly ConfigError[];
  /** Messages to print once on stderr (e.g. that a hadolint config was used). */
  readonly notices: readonly string[];
}

/**
 * The configuration that applies when auditing `file` (a Dockerfile path; its directory starts the search).
 * Config errors of severity `error` mean the CLI should stop with a usage error; warnings are printed.
 */
export function effectiveConfig(file: string, opts: EffectiveConfigOptions = {}): EffectiveConfig {
  const env = opts.env ?? {};
  const fromEnv = configFromEnv(env, opts.rules);
  const errors: ConfigError[] = [...fromEnv.errors];
  const notices: string[] = [];
  const noConfig = opts.noConfig === true || (opts.configPath === undefined && fromEnv.noConfig);
  let filePart: PartialConfig = {};
  let used: EffectiveConfig['file'] = null;
  if (!noConfig) {
    const explicit = opts.configPath ?? fromEnv.configPath;
    if (explicit !== undefined) {
      const isHadolint = /(^|[\\/])\.?hadolint\.ya?ml$/.test(explicit);
      used = { path: explicit, kind: isHadolint ? 'hadolint' : 'dockaudit' };
    } else {
      const found = findConfig(dirname(resolve(file)), opts);
      if (found !== null) used = { path: found.path, kind: found.kind };
    }
    if (used !== null && used.kind === 'dockaudit') {
      const r = loadConfigFile(used.path, opts.rules);
      filePart = r.partial;
      errors.push(...r.errors);
    } else if (used !== null) {
      let text: string | undefined;
      try {
        text = readFileSync(used.path, 'utf8');
      } catch (e) {
        errors.push({ file: used.path, line: 0, column: 0, path: '', message: `cannot read config file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, severity: 'error' });
      }
      if (text !== undefined) {
        const r = readHadolintConfig(text, used.path, opts.rules);
        filePart = r.partial;
        errors.push(...r.errors);
        notices.push(
          `dockaudit: using hadolint settings from ${used.path} (no .dockaudit.yaml found); see docs/configuration.md, "Migrating from hadolint"`,
        );
      }
    }
  }
  const config = mergeConfigs(filePart, fromEnv.partial, opts.cli ?? {});
  return { config, file: used, errors, notices };
}

/** True when `file` matches the config's `ignorePaths`. */
export function isPathIgnored(config: Config, file: string): boolean {
  if (config.ignorePaths.length === 0) return false;
  const rel = relPath(config.ignoreBaseDir, file);
  return rel !== null && config.ignorePaths.some((g) => globMatch(g, rel));
}

function relPath(baseDir: string, file: string): string | null {
  const rel = normalizePath(relative(resolve(baseDir === '' ? '.' : baseDir), resolve(file)));
  return rel.startsWith('../') || rel === '..' ? null : rel;
}

export interface RuleRunSettings {
  /** Rules to run (enabled for this file). */
  readonly rules: readonly Rule[];
  /** Rule ID → severity, where config overrides the rule's default. */
  readonly severityOverrides: ReadonlyMap<string, Severity>;
  /** Rule ID → options (the rule's defaults with config options merged over them). */
  readonly ruleOptions: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** What the engine needs for one file: enabled rules, severity overrides, options (overrides applied in order). */
export function ruleSettingsFor(config: Config, file: string, rules: readonly Rule[]): RuleRunSettings {
  const index = ruleIndexOf(rules);
  const enabled = new Map<string, boolean>(rules.map((r) => [r.meta.id, r.meta.disabledByDefault !== true]));
  const sev = new Map<string, Severity>();
  const apply = (m: ReadonlyMap<string, RuleSetting>): void => {
    for (const [ref, s] of m) {
      for (const r of index.resolve(ref)) {
        if (s === 'off') enabled.set(r.meta.id, false);
        else {
          enabled.set(r.meta.id, true);
          if (s === 'on') sev.delete(r.meta.id);
          else sev.set(r.meta.id, s);
        }
      }
    }
  };
  apply(config.rules);
  for (const o of config.overrides) {
    const rel = relPath(o.baseDir, file);
    if (rel !== null && o.files.some((g) => globMatch(g, rel))) apply(o.rules);
  }
  // top-level keys shared by several rules apply to every rule that has an option of that name (before ruleOptions)
  const shared: Record<string, unknown> = {};
  if (config.trustedRegistries.length > 0) shared['trustedRegistries'] = [...config.trustedRegistries];
  if (config.requiredLabels.length > 0) shared['requiredLabels'] = [...config.requiredLabels];
  if (config.labelSchema.size > 0) shared['labelSchema'] = Object.fromEntries(config.labelSchema);
  if (config.strictLabels) shared['strictLabels'] = true;
  const opts = new Map<string, Readonly<Record<string, unknown>>>();
  for (const r of rules) {
    const d = r.meta.defaultOptions as Record<string, unknown> | undefined;
    let merged: Record<string, unknown> | undefined = d === undefined ? undefined : { ...d };
    if (merged !== undefined) for (const k of Object.keys(shared)) if (Object.hasOwn(merged, k)) merged[k] = shared[k];
    for (const [ref, o] of config.ruleOptions) {
      if (index.resolve(ref).includes(r)) merged = { ...(merged ?? {}), ...o };
    }
    if (merged !== undefined) opts.set(r.meta.id, merged);
  }
  return { rules: rules.filter((r) => enabled.get(r.meta.id) === true), severityOverrides: sev, ruleOptions: opts };
}

/** A partial config as plain data (Maps for user-keyed maps, so `__proto__` stays a key), in schema key order. */
export function partialToPlain(p: PartialConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (p.rules && p.rules.size > 0) o['rules'] = new Map(p.rules);
  if (p.failLevel !== undefined) o['failLevel'] = p.failLevel;
  if (p.formats !== undefined) o['format'] = p.formats.length === 1 ? p.formats[0] : [...p.formats];
  if (p.ignorePaths !== undefined) o['ignorePaths'] = [...p.ignorePaths];
  if (p.trustedRegistries !== undefined) o['trustedRegistries'] = [...p.trustedRegistries];
  if (p.requiredLabels !== undefined) o['requiredLabels'] = [...p.requiredLabels];
  if (p.labelSchema && p.labelSchema.size > 0) o['labelSchema'] = new Map(p.labelSchema);
  if (p.strictLabels !== undefined) o['strictLabels'] = p.strictLabels;
  if (p.ruleOptions && p.ruleOptions.size > 0) o['ruleOptions'] = new Map([...p.ruleOptions].map(([k, v]) => [k, new Map(Object.entries(v))]));
  if (p.disableInlineIgnores !== undefined) o['disableInlineIgnores'] = p.disableInlineIgnores;
  if (p.requireIgnoreReason !== undefined) o['requireIgnoreReason'] = p.requireIgnoreReason;
  if (p.overrides && p.overrides.length > 0) o['overrides'] = p.overrides.map((ov) => ({ files: [...ov.files], rules: new Map(ov.rules) }));
  return o;
}

/** `dockaudit print-config FILE`: the effective config as YAML, with where it came from. */
export function formatEffectiveConfig(e: EffectiveConfig): string {
  const head = `# effective configuration (source: ${e.file === null ? 'defaults only' : `${e.file.path} (${e.file.kind})`}, then environment, then command line)\n`;
  return head + yaml().stringify(partialToPlain(e.config));
}

/** `dockaudit init`: a commented starter `.dockaudit.yaml`. */
export function initConfigText(): string {
  return `# dockaudit configuration. Reference: docs/configuration.md
# Precedence: defaults < this file < DOCKAUDIT_* environment variables < command-line flags.

# Turn rules off or change their severity, by rule ID, rule name or a peer tool's ID (hadolint, BuildKit, ...).
# Values: off, on, critical, high, medium, low, info.
rules: {}
#   DA501: off
#   remote-code-piped-to-interpreter: high
#   DL3008: off

# Exit with status 1 when an unsuppressed finding is at least this severe (critical, high, medium, low, info, none).
failLevel: low

# Output format(s): text, json, sarif.
format: text

# Globs of Dockerfiles not to audit (relative to this file's directory).
ignorePaths: []
#   - vendor/**
#   - "**/testdata/**"

# Registries base images may come from.
trustedRegistries: []
#   - docker.io
#   - ghcr.io

# Labels every final image must have, and the type of their values
# (text, url, semver, hash, rfc3339, spdx, email).
requiredLabels: []
labelSchema: {}
#   org.opencontainers.image.source: url
#   org.opencontainers.image.version: semver
# Labels not listed in labelSchema are findings.
strictLabels: false

# Options per rule, merged over the rule's defaults (see each rule's docs).
ruleOptions: {}

# Inline suppressions: "# dockaudit ignore=RULE -- reason" and peers' pragmas.
disableInlineIgnores: false
requireIgnoreReason: false

# Settings for some files only; later entries win.
overrides: []
#   - files: ["**/*.dev.Dockerfile"]
#     rules: { DA301: off }
`;
}

/** True when an unsuppressed finding is at least as severe as `level` (the CLI's exit status 1). */
export function exceedsFailLevel(findings: readonly Finding[], level: FailLevel): boolean {
  if (level === 'none') return false;
  const min = SEVERITY_RANK[level];
  return findings.some((f) => f.suppressed === undefined && SEVERITY_RANK[f.severity] >= min);
}

/** The options `applySuppressions` needs, from the config and the rule settings of one file. */
export function suppressionOptionsFor(config: Config, settings: RuleRunSettings): SuppressionOptions {
  const unused = settings.severityOverrides.get(UNUSED_SUPPRESSION_ID);
  return {
    disableInlineIgnores: config.disableInlineIgnores,
    requireIgnoreReason: config.requireIgnoreReason,
    enabledRuleIds: new Set(settings.rules.map((r) => r.meta.id)),
    ...(unused !== undefined ? { unusedSeverity: unused } : {}),
  };
}
