/**
 * The configuration model. `Config` is the fully resolved configuration (defaults filled in); `PartialConfig` is
 * what one source (a file, the environment, the command line) contributes. Sources merge in precedence order
 * defaults < config file < environment < command line (see resolve.ts). Maps, never plain objects, hold
 * user-chosen keys, so a key such as `__proto__` stays data.
 */
import type { Severity } from '../rules/types.js';

export const LABEL_TYPES = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type FailLevel = Severity | 'none';

/** `off`, `on` (rule's own severity) or a severity override. */
export type RuleSetting = 'off' | 'on' | Severity;

export interface Override {
  /** Globs, relative to `baseDir` of the config that declared them. */
  readonly files: readonly string[];
  readonly rules: ReadonlyMap<string, RuleSetting>;
  /** Directory the globs are relative to ('' = current directory). */
  readonly baseDir: string;
}

export interface Config {
  /** Rule reference (ID, name or alias, as written) → setting, in the order written. */
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly failLevel: FailLevel;
  readonly formats: readonly OutputFormat[];
  readonly ignorePaths: readonly string[];
  /** Directory `ignorePaths` are relative to ('' = current directory). */
  readonly ignoreBaseDir: string;
  readonly trustedRegistries: readonly string[];
  readonly requiredLabels: readonly string[];
  readonly labelSchema: ReadonlyMap<string, LabelType>;
  readonly strictLabels: boolean;
  /** Rule reference → options (plain data, null-prototype objects). */
  readonly ruleOptions: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly disableInlineIgnores: boolean;
  readonly requireIgnoreReason: boolean;
  readonly overrides: readonly Override[];
}

export type PartialConfig = { -readonly [K in keyof Config]?: Config[K] };

export const DEFAULT_CONFIG: Config = {
  rules: new Map(),
  failLevel: 'low',
  formats: ['text'],
  ignorePaths: [],
  ignoreBaseDir: '',
  trustedRegistries: [],
  requiredLabels: [],
  labelSchema: new Map(),
  strictLabels: false,
  ruleOptions: new Map(),
  disableInlineIgnores: false,
  requireIgnoreReason: false,
  overrides: [],
};

/** A problem in a config source, with where it is. `line`/`column` are 1-based; 0 when the source has no lines (env). */
export interface ConfigError {
  /** File path as found, or `env:NAME` / `cli:--flag`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Key path, e.g. `rules.DA501` or `overrides[0].files[1]`; '' for the whole document. */
  readonly path: string;
  readonly message: string;
  /** `error`: the setting was not applied; `warning`: applied or harmlessly ignored. */
  readonly severity: 'error' | 'warning';
}

/** `.dockaudit.yaml:7:3: rules.DA501: unknown severity "hgh" (did you mean "high"?)` */
export function formatConfigError(e: ConfigError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  return `${where}: ${e.path === '' ? '' : e.path + ': '}${e.message}`;
}
