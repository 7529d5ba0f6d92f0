/**
 * Command-line parsing: argv → a command, or a usage error (a value, never an exception).
 */
import { parseArgs } from 'node:util';
import type { Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];
/** `none`: findings never fail the run. */
export type FailLevel = Severity | 'none';

export interface ConfigFlags {
  /** `--config FILE`. */
  readonly configPath?: string;
  /** `--no-config`. */
  readonly noConfig: boolean;
}

export interface AuditCommand extends ConfigFlags {
  readonly kind: 'audit';
  readonly paths: readonly string[];
  /** undefined: from the config (default text). */
  readonly format?: Format;
  readonly output?: string;
  /** undefined: from the config (default low). */
  readonly failLevel?: FailLevel;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  /** undefined: decide from the environment. */
  readonly color?: boolean;
  readonly quiet: boolean;
  readonly stdinFilename: string;
  /** `--fix` (safe fixes) or `--fix-unsafe` (safe and unsafe fixes): rewrite the audited files. */
  readonly fix?: 'safe' | 'unsafe';
  /** `--show-suppressed`: list suppressed findings too (text and JSON; SARIF always carries them as suppressed). */
  readonly showSuppressed: boolean;
}

export type Command =
  | AuditCommand
  | { readonly kind: 'rules'; readonly format: 'text' | 'json'; readonly aliases: boolean }
  | { readonly kind: 'explain'; readonly rule: string; readonly color?: boolean }
  | { readonly kind: 'parse'; readonly mode: 'dump' | 'json' | 'commands'; readonly file: string; readonly stdinFilename: string }
  | { readonly kind: 'init'; readonly force: boolean }
  | { readonly kind: 'migrate-config'; readonly file?: string; readonly force: boolean }
  | ({ readonly kind: 'print-config'; readonly file: string } & ConfigFlags)
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

export type ParsedArgs = { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly message: string };

export const HELP = `Usage: dockaudit [options] [paths…]
       dockaudit rules [--format text|json] [--aliases]
       dockaudit explain <rule ID, name or alias>
       dockaudit parse --dump|--json|--commands <file>
       dockaudit init [--force]                  write a starter .dockaudit.yaml
       dockaudit print-config [file]             show the configuration that applies to a Dockerfile
       dockaudit migrate-config [.hadolint.yaml] [--force]   write the equivalent .dockaudit.yaml

Audits Dockerfiles for security problems. A path may be a file, a directory (searched recursively for
Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, *.containerfile and Dockerfile.*, honouring .gitignore)
or - for standard input. Without paths, the current directory is audited.

Options:
  -f, --format <text|json|sarif>  report format (default: text, or the config's first format)
  -o, --output <file>             write the report to a file instead of standard output
      --fail-level <severity>     exit 1 when a finding is at or above it: critical, high, medium, low, info
                                  or none (default: low, or the config's failLevel)
  -c, --config <file>             use this config file (default: .dockaudit.yaml found upward, see
                                  docs/configuration.md)
      --no-config                 ignore every config file
      --baseline <file>           report only findings that are not in this baseline
      --write-baseline <file>     record the current findings as the baseline
      --stdin-filename <name>     the name to report for - (default: Dockerfile)
      --show-suppressed           also list findings suppressed by comments or the baseline
      --fix                       apply safe fixes to the audited files (bytes outside the edits are kept)
      --fix-unsafe                also apply fixes that may change behaviour (review the diff)
      --no-color, --color         disable or force colours (default: on a terminal, unless NO_COLOR is set)
  -q, --quiet                     print only the summary and errors
  -h, --help                      show this help
  -v, --version                   show the version

Exit codes: 0 no finding at or above the fail level, 1 such findings, 2 usage error, unreadable or unparsable
input, or internal error.

Examples:
  dockaudit                                   audit every Dockerfile under the current directory
  dockaudit Dockerfile services/              audit a file and a directory
  dockaudit -f sarif -o dockaudit.sarif .     SARIF for GitHub code scanning
  dockaudit --fail-level high -f json .       fail only on high and critical findings
  cat Dockerfile | dockaudit - --stdin-filename app/Dockerfile
  dockaudit rules --aliases                   list the rules with their hadolint/Trivy/Checkov IDs
  dockaudit explain DL3020                    show the doc of the rule that covers hadolint's DL3020
  dockaudit parse --commands Dockerfile       the shell commands of every RUN, with positions and dataflow
  dockaudit --fix Dockerfile                  fix what can be fixed safely, then report what is left
`;

const SUBCOMMANDS = new Set(['rules', 'explain', 'parse', 'init', 'print-config', 'migrate-config']);

/** Options that only make sense when auditing. */
const AUDIT_ONLY = ['config', 'no-config', 'baseline', 'write-baseline', 'force', 'commands', 'fix', 'fix-unsafe', 'show-suppressed'];

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T | string {
  return (allowed as readonly string[]).includes(value) ? (value as T) : `invalid ${what} "${value}" (expected ${allowed.join(', ')})`;
}

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const sub = argv[0] !== undefined && SUBCOMMANDS.has(argv[0]) ? argv[0] : undefined;
  const rest = sub ? argv.slice(1) : argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-level': { type: 'string' },
        'no-color': { type: 'boolean' },
        color: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'stdin-filename': { type: 'string' },
        aliases: { type: 'boolean' },
        dump: { type: 'boolean' },
        commands: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        force: { type: 'boolean' },
        fix: { type: 'boolean' },
        'show-suppressed': { type: 'boolean' },
        'fix-unsafe': { type: 'boolean' },
      },
    });
  } catch (e) {
    // node's messages name the option, e.g. "Unknown option '--frmat'"
    return { ok: false, message: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  if (v.help) return { ok: true, command: { kind: 'help' } };
  if (v.version) return { ok: true, command: { kind: 'version' } };
  const color = v['no-color'] ? false : v.color ? true : undefined;
  const notFor = (names: string[]): string | undefined => {
    const used = names.filter((n) => (v as Record<string, unknown>)[n] !== undefined);
    return used.length > 0 ? `option --${used[0]} is not valid ${sub ? `for "${sub}"` : 'here'}` : undefined;
  };
  if (sub === 'rules') {
    const bad = notFor(['output', 'fail-level', 'quiet', 'stdin-filename', 'dump', 'json', ...AUDIT_ONLY]);
    if (bad) return { ok: false, message: bad };
    if (pos.length > 0) return { ok: false, message: `unexpected argument "${pos[0]}" for "rules"` };
    const format = oneOf(v.format ?? 'text', ['text', 'json'] as const, 'format');
    if (format !== 'text' && format !== 'json') return { ok: false, message: format };
    return { ok: true, command: { kind: 'rules', format, aliases: v.aliases === true } };
  }
  if (sub === 'explain') {
    const bad = notFor(['format', 'output', 'fail-level', 'quiet', 'stdin-filename', 'dump', 'json', 'aliases', ...AUDIT_ONLY]);
    if (bad) return { ok: false, message: bad };
    if (pos.length !== 1) return { ok: false, message: '"explain" takes exactly one rule ID, name or alias' };
    return { ok: true, command: { kind: 'explain', rule: pos[0]!, ...(color !== undefined ? { color } : {}) } };
  }
  if (sub === 'parse') {
    const bad = notFor(['format', 'output', 'fail-level', 'quiet', 'aliases', 'config', 'no-config', 'baseline', 'write-baseline', 'force', 'fix', 'fix-unsafe', 'show-suppressed']);
    if (bad) return { ok: false, message: bad };
    const modes = (['dump', 'json', 'commands'] as const).filter((m) => v[m] === true);
    if (modes.length !== 1) return { ok: false, message: '"parse" needs exactly one of --dump, --json or --commands' };
    if (pos.length !== 1) return { ok: false, message: '"parse" takes exactly one file (or -)' };
    return {
      ok: true,
      command: { kind: 'parse', mode: modes[0]!, file: pos[0]!, stdinFilename: v['stdin-filename'] ?? 'Dockerfile' },
    };
  }
  if (sub === 'init') {
    const bad = notFor(['format', 'output', 'fail-level', 'quiet', 'stdin-filename', 'dump', 'json', 'aliases', 'config', 'no-config', 'baseline', 'write-baseline', 'fix', 'fix-unsafe', 'show-suppressed']);
    if (bad) return { ok: false, message: bad };
    if (pos.length > 0) return { ok: false, message: `unexpected argument "${pos[0]}" for "init"` };
    return { ok: true, command: { kind: 'init', force: v.force === true } };
  }
  if (sub === 'migrate-config') {
    const bad = notFor(['format', 'output', 'fail-level', 'quiet', 'stdin-filename', 'dump', 'json', 'aliases', 'config', 'no-config', 'baseline', 'write-baseline', 'fix', 'fix-unsafe', 'commands', 'show-suppressed']);
    if (bad) return { ok: false, message: bad };
    if (pos.length > 1) return { ok: false, message: '"migrate-config" takes at most one hadolint config file' };
    return { ok: true, command: { kind: 'migrate-config', force: v.force === true, ...(pos[0] !== undefined ? { file: pos[0] } : {}) } };
  }
  if (sub === 'print-config') {
    const bad = notFor(['format', 'output', 'fail-level', 'quiet', 'stdin-filename', 'dump', 'json', 'aliases', 'baseline', 'write-baseline', 'force', 'fix', 'fix-unsafe', 'show-suppressed']);
    if (bad) return { ok: false, message: bad };
    if (pos.length > 1) return { ok: false, message: '"print-config" takes at most one Dockerfile path' };
    return {
      ok: true,
      command: { kind: 'print-config', file: pos[0] ?? 'Dockerfile', noConfig: v['no-config'] === true, ...(v.config !== undefined ? { configPath: v.config } : {}) },
    };
  }
  const bad = notFor(['aliases', 'dump', 'json', 'force', 'commands']);
  if (bad) return { ok: false, message: bad };
  const format = v.format === undefined ? undefined : oneOf(v.format, FORMATS, 'format');
  if (format !== undefined && !FORMATS.includes(format as Format)) return { ok: false, message: format };
  const failLevel = v['fail-level'] === undefined ? undefined : oneOf(v['fail-level'], [...SEVERITIES, 'none'] as const, 'fail level');
  if (failLevel !== undefined && !([...SEVERITIES, 'none'] as string[]).includes(failLevel)) return { ok: false, message: failLevel };
  for (const k of ['config', 'baseline', 'write-baseline'] as const) if (v[k] === '') return { ok: false, message: `option --${k} needs a file name` };
  if (v.output === '') return { ok: false, message: 'option --output needs a file name' };
  if (pos.filter((p) => p === '-').length > 1) return { ok: false, message: 'standard input (-) can be given only once' };
  if ((v.fix || v['fix-unsafe']) && pos.includes('-')) return { ok: false, message: '--fix cannot rewrite standard input: give file paths' };
  return {
    ok: true,
    command: {
      kind: 'audit',
      paths: pos.length > 0 ? pos : ['.'],
      ...(format !== undefined ? { format: format as Format } : {}),
      ...(v.output !== undefined ? { output: v.output } : {}),
      ...(failLevel !== undefined ? { failLevel: failLevel as FailLevel } : {}),
      ...(v.config !== undefined ? { configPath: v.config } : {}),
      noConfig: v['no-config'] === true,
      ...(v.baseline !== undefined ? { baseline: v.baseline } : {}),
      ...(v['write-baseline'] !== undefined ? { writeBaseline: v['write-baseline'] } : {}),
      ...(color !== undefined ? { color } : {}),
      quiet: v.quiet === true,
      stdinFilename: v['stdin-filename'] ?? 'Dockerfile',
      ...(v['fix-unsafe'] ? { fix: 'unsafe' as const } : v.fix ? { fix: 'safe' as const } : {}),
      showSuppressed: v['show-suppressed'] === true,
    },
  };
}
