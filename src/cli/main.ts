#!/usr/bin/env node
/**
 * The `dockaudit` command. Thin glue: arguments → audit/report functions → stdout/stderr and the exit code. The only
 * place that touches `process`. Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage error,
 * unreadable or unparsable input, internal error. Sets `process.exitCode` (never `process.exit()`, which could cut
 * off output still flowing into a pipe).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { audit, auditDetailed, unreadableFile } from '../engine/audit.js';
import type { FileResult } from '../engine/result.js';
import { createRuleIndex } from '../engine/rule-index.js';
import { INTERNAL_ERROR } from '../engine/run.js';
import type { RuleSetting } from '../engine/run.js';
import type { PoolInput } from '../engine/pool.js';
import { environmentFor, isAuditWorker, serveAuditRequests } from '../engine/worker.js';
import type { TransferableAuditOptions } from '../engine/worker.js';
import { HOMEPAGE, TOOL_NAME, toolVersion } from '../meta.js';
import type { ToolInfo } from '../report/types.js';
import { ruleList } from '../rules/registry.generated.js';
import { effectiveConfig, exceedsFailLevel, formatEffectiveConfig, initConfigText, isPathIgnored, ruleSettingsFor, suppressionOptionsFor } from '../config/resolve.js';
import type { Config, FailLevel, PartialConfig } from '../config/types.js';
import { formatConfigError } from '../config/types.js';
import type { AuditCommand, Command, Format } from './args.js';
import { HELP, parseCommandLine } from './args.js';
import { useColor } from './color.js';
import { contextReader } from './context.js';
import { discover } from './discover.js';
import { closestWord } from '../rules/helpers/suggest.js';
import { createGitTracker } from './git-tracked.js';
// Modules only some runs need (report formats, baselines, rule docs, parse views, the worker pool) are imported
// where they are used, so a plain audit of one file loads none of them.

const out = (s: string): void => void process.stdout.write(s);
const err = (s: string): void => void process.stderr.write(s);

function tool(): ToolInfo {
  return { name: TOOL_NAME, version: toolVersion(), informationUri: HOMEPAGE };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

function describeError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  const message = (e as { message?: unknown }).message;
  return typeof message === 'string' ? message : String(e);
}

/** Largest file for which workers get a capped heap (a 1.4 MB Dockerfile needs ~130 MB of heap). */
const SMALL_FILE_BYTES = 256 * 1024;

/** Total size of the files, stopping once it exceeds `limit` (only stats files while it matters). */
function sizeUpTo(paths: readonly string[], cwd: string, limit: number): number {
  let total = 0;
  for (const p of paths) {
    try {
      total += statSync(resolve(cwd, p)).size;
    } catch {
      // unreadable: the audit reports it
    }
    if (total > limit) break;
  }
  return total;
}

/**
 * Audits the discovered files in worker threads when there are many (appending to `results` in discovery order);
 * false when it did not (few files, or the pool failed to run: the caller then audits on this thread).
 */
async function auditInParallel(
  files: readonly string[],
  explicit: ReadonlySet<string>,
  optionsFor: (path: string, explicit: boolean, fromDisk: boolean) => { options: TransferableAuditOptions; failLevel: FailLevel } | null,
  results: FileResult[],
  failLevels: Map<FileResult, FailLevel>,
): Promise<boolean> {
  if (files.length < 2 || process.env['DOCKAUDIT_WORKERS'] === '0') return false;
  const cwd = process.cwd();
  const pool = await import('../engine/pool.js');
  if (!pool.shouldUseWorkers(files.length, files.length > pool.PARALLEL_MIN_FILES ? 0 : sizeUpTo(files, cwd, pool.PARALLEL_MIN_BYTES))) return false;
  const inputs: PoolInput[] = [];
  const levels: FailLevel[] = [];
  let largest = 0;
  for (const path of files) {
    const o = optionsFor(path, explicit.has(resolve(cwd, path)), true);
    if (o === null) continue;
    const file = resolve(cwd, path);
    try {
      largest = Math.max(largest, statSync(file).size);
    } catch {
      // unreadable: the worker reports it
    }
    inputs.push({ path, file, options: o.options });
    levels.push(o.failLevel);
  }
  const requested = Number(process.env['DOCKAUDIT_WORKERS']);
  let audited: FileResult[];
  try {
    audited = await pool.auditInWorkers(inputs, {
      ...(Number.isInteger(requested) && requested > 0 ? { workers: requested } : {}),
      // small files only: cap each worker's heap (peak RSS 164 → 134 MB on the corpus); a big file could exhaust it
      ...(largest <= SMALL_FILE_BYTES ? { maxOldGenerationMb: 64 } : {}),
      // this module is its own worker entry (see the end of the file), also when bundled
      workerUrl: new URL(import.meta.url),
      onReadError: (input, f) => unreadableFile(input.path, `cannot read: ${describeError(f)}`),
    });
  } catch (e) {
    if (process.env['DOCKAUDIT_DEBUG']) err(`${TOOL_NAME}: worker pool failed, auditing on one thread: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
  audited.forEach((r, i) => {
    results.push(r);
    failLevels.set(r, levels[i]!);
  });
  return true;
}

async function runAudit(cmd: AuditCommand): Promise<number> {
  const cwd = process.cwd();
  const results: FileResult[] = [];
  let exit = 0;
  const cli: PartialConfig = {};
  if (cmd.failLevel !== undefined) cli.failLevel = cmd.failLevel;
  if (cmd.format !== undefined) cli.formats = [cmd.format];
  const configOptions = {
    env: process.env,
    rules: ruleList,
    cli,
    noConfig: cmd.noConfig,
    ...(cmd.configPath !== undefined ? { configPath: cmd.configPath } : {}),
  };
  // config problems and notices are printed once each, whichever file's config they come from
  const printed = new Set<string>();
  let configFailed = false;
  const configFor = (file: string): Config => {
    const ec = effectiveConfig(resolve(cwd, file), configOptions);
    for (const n of ec.notices) if (!printed.has(n) && printed.add(n)) err(n + '\n');
    for (const e of ec.errors) {
      const line = (e.severity === 'warning' ? 'warning: ' : '') + formatConfigError(e);
      if (!printed.has(line) && printed.add(line)) err(line + '\n');
      if (e.severity === 'error') configFailed = true;
    }
    return ec.config;
  };
  const runConfig = configFor(join(cwd, 'Dockerfile'));
  if (configFailed) return 2;
  const format: Format = cmd.format ?? runConfig.formats[0] ?? 'text';

  const filePaths = cmd.paths.filter((p) => p !== '-');
  const found = discover(filePaths, cwd);
  for (const e of found.errors) {
    err(`${e.path}: ${e.message}\n`);
    exit = 2;
  }
  const failLevels = new Map<FileResult, FailLevel>();
  const gitTracked = createGitTracker();
  /** Config-derived audit options of one file, or null when config ignores it. */
  const optionsFor = (path: string, explicit: boolean, fromDisk: boolean): { options: TransferableAuditOptions; failLevel: FailLevel } | null => {
    const config = configFor(path);
    if (!explicit && isPathIgnored(config, resolve(cwd, path))) return null;
    const settings = ruleSettingsFor(config, resolve(cwd, path), ruleList);
    const overrides: Record<string, RuleSetting> = {};
    for (const r of settings.rules) overrides[r.meta.id] = settings.severityOverrides.get(r.meta.id) ?? 'on';
    const tracked = fromDisk ? gitTracked(resolve(cwd, path)) : undefined;
    const options: TransferableAuditOptions = {
      ruleIds: settings.rules.map((r) => r.meta.id),
      severityOverrides: overrides,
      ruleOptions: Object.fromEntries(settings.ruleOptions),
      suppressions: suppressionOptionsFor(config, settings),
      // files on disk: the Dockerfile's directory is the assumed build context, and whether git tracks the file is
      // read from .git/index (never by running git); standard input has neither (unknown)
      ...(fromDisk ? { contextOf: resolve(cwd, path) } : {}),
      ...(tracked !== undefined ? { gitTracked: tracked } : {}),
    };
    return { options, failLevel: config.failLevel };
  };
  const byId = new Map(ruleList.map((r) => [r.meta.id, r]));
  const auditOne = async (path: string, read: () => Promise<Uint8Array> | Uint8Array, explicit: boolean, fromDisk: boolean): Promise<void> => {
    const o = optionsFor(path, explicit, fromDisk);
    if (o === null) return;
    let bytes: Uint8Array;
    try {
      bytes = await read();
    } catch (e) {
      const r = unreadableFile(path, `cannot read: ${describeError(e)}`);
      results.push(r);
      return;
    }
    const r = await auditWith(path, bytes, o.options);
    failLevels.set(r, o.failLevel);
    results.push(r);
  };
  const auditWith = (path: string, input: Uint8Array | string, options: TransferableAuditOptions): Promise<FileResult> => {
    const { ruleIds, suppressions, severityOverrides, ruleOptions } = options;
    return audit(input, path, {
      ...(severityOverrides ? { severityOverrides } : {}),
      ...(ruleOptions ? { ruleOptions } : {}),
      rules: (ruleIds ?? []).map((id) => byId.get(id)!),
      ...(suppressions !== undefined ? { suppressions } : {}),
      env: environmentFor(options, contextReader),
    });
  };
  if (cmd.paths.includes('-')) await auditOne(cmd.stdinFilename, readStdin, true, false);
  const explicit = new Set(filePaths.map((p) => resolve(cwd, p)));
  if (!(await auditInParallel(found.files, explicit, optionsFor, results, failLevels))) {
    for (const path of found.files) await auditOne(path, () => readFileSync(resolve(cwd, path)), explicit.has(resolve(cwd, path)), true);
  }
  if (configFailed) return 2;
  if (cmd.fix !== undefined) {
    const kinds: ('safe' | 'unsafe')[] = cmd.fix === 'unsafe' ? ['safe', 'unsafe'] : ['safe'];
    for (let i = 0; i < results.length; i++) {
      const before = results[i]!;
      const o = optionsFor(before.path, true, true);
      if (o === null) continue;
      const fixed = await fixFile(before, kinds, (text) => auditWith(before.path, text, o.options));
      if (fixed === null) continue;
      try {
        // the BOM is written back; everything outside the edits is the original text, line endings included
        writeFileSync(resolve(cwd, before.path), (before.source.bom ? '\uFEFF' : '') + fixed.result.source.text);
      } catch (e) {
        err(`${before.path}: cannot write the fixes: ${describeError(e)}\n`);
        return 2;
      }
      err(`${before.path}: fixed ${fixed.count} finding${fixed.count === 1 ? '' : 's'}\n`);
      failLevels.set(fixed.result, failLevels.get(before) ?? o.failLevel);
      results[i] = fixed.result;
    }
  }
  if (results.length === 0 && found.errors.length === 0 && !cmd.paths.includes('-')) err(`${TOOL_NAME}: no Dockerfiles found in ${filePaths.join(', ')}\n`);

  let reported: FileResult[] = results;
  if (cmd.baseline !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, cmd.baseline), 'utf8');
    } catch (e) {
      err(`${cmd.baseline}: cannot read the baseline: ${describeError(e)}\n`);
      return 2;
    }
    const b = (await import('../engine/baseline.js')).applyBaseline(results, text);
    for (const e of b.errors) err(`${cmd.baseline}: ${e}\n`);
    if (b.errors.length > 0) return 2;
    reported = b.results;
    failLevels.forEach((level, r) => {
      const i = results.indexOf(r);
      if (i >= 0 && reported[i]) failLevels.set(reported[i]!, level);
    });
    if (b.fixedCount > 0) err(`${TOOL_NAME}: ${b.fixedCount} baseline finding${b.fixedCount === 1 ? '' : 's'} no longer occur${b.fixedCount === 1 ? 's' : ''}\n`);
  }
  if (cmd.writeBaseline !== undefined) {
    try {
      writeFileSync(resolve(cwd, cmd.writeBaseline), (await import('../engine/baseline.js')).writeBaseline(results));
    } catch (e) {
      err(`${cmd.writeBaseline}: cannot write the baseline: ${describeError(e)}\n`);
      return 2;
    }
  }

  const info = tool();
  const toFile = cmd.output !== undefined;
  let report: string;
  if (format === 'json') report = (await import('../report/json.js')).formatJson(reported, info, { showSuppressed: cmd.showSuppressed });
  else if (format === 'sarif') report = (await import('../report/sarif.js')).formatSarif(reported, info, { rules: ruleList, srcRoot: cwd });
  else {
    const color = useColor({ env: process.env, isTTY: !toFile && process.stdout.isTTY === true, ...(cmd.color !== undefined ? { flag: cmd.color } : {}) });
    report = (await import('../report/text.js')).formatText(reported, info, { color, quiet: cmd.quiet, showSuppressed: cmd.showSuppressed });
  }
  if (toFile) {
    try {
      writeFileSync(resolve(cwd, cmd.output!), report);
    } catch (e) {
      err(`${cmd.output}: cannot write the report: ${describeError(e)}\n`);
      return 2;
    }
  } else out(report);

  // errors go to stderr as file:line:column: message (the text report on stdout already shows them)
  for (const r of reported) {
    if (format !== 'text' || toFile) for (const w of r.warnings ?? []) err(`${r.path}:${w.line}:${w.column}: warning: ${w.message}\n`);
    for (const e of r.errors) {
      if (exit < 2) exit = 2;
      if (format !== 'text' || toFile) err(`${r.path}:${e.line}:${e.column}: ${e.message}\n`);
    }
    for (const f of r.findings) {
      if (f.messageId === INTERNAL_ERROR) {
        exit = 2;
        err(`${r.path}: ${f.message}\n`);
      }
    }
  }
  if (exit === 0 && reported.some((r) => exceedsFailLevel(r.findings, failLevels.get(r) ?? runConfig.failLevel))) exit = 1;
  return exit;
}


function runInit(force: boolean): number {
  const target = resolve(process.cwd(), '.dockaudit.yaml');
  if (!force && existsSync(target)) {
    err(`.dockaudit.yaml already exists (use --force to overwrite)\n`);
    return 2;
  }
  try {
    writeFileSync(target, initConfigText());
  } catch (e) {
    err(`.dockaudit.yaml: cannot write: ${describeError(e)}\n`);
    return 2;
  }
  out('wrote .dockaudit.yaml\n');
  return 0;
}

function runPrintConfig(file: string, configPath: string | undefined, noConfig: boolean): number {
  const ec = effectiveConfig(resolve(process.cwd(), file), {
    env: process.env,
    rules: ruleList,
    noConfig,
    ...(configPath !== undefined ? { configPath } : {}),
  });
  for (const n of ec.notices) err(n + '\n');
  for (const e of ec.errors) err((e.severity === 'warning' ? 'warning: ' : '') + formatConfigError(e) + '\n');
  out(formatEffectiveConfig(ec));
  return ec.errors.some((e) => e.severity === 'error') ? 2 : 0;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function runRules(format: 'text' | 'json', withAliases: boolean): Promise<number> {
  const { ruleHelpUri } = await import('../docs/rule-docs.js');
  const rules = [...ruleList].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));
  if (format === 'json') {
    const data = rules.map((r) => ({
      id: r.meta.id,
      name: r.meta.name,
      severity: r.meta.severity,
      category: r.meta.category,
      cwe: (r.meta.cwe ?? []).map((n) => `CWE-${n}`),
      aliases: [...(r.meta.aliases ?? [])],
      description: r.meta.description,
      docs: ruleHelpUri(r),
    }));
    out(JSON.stringify(data, null, 2) + '\n');
    return 0;
  }
  const rows = rules.map((r) => [r.meta.id, r.meta.name, r.meta.severity, r.meta.category, ...(withAliases ? [(r.meta.aliases ?? []).join(', ')] : []), r.meta.description]);
  const head = ['ID', 'NAME', 'SEVERITY', 'CATEGORY', ...(withAliases ? ['ALIASES'] : []), 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
  out([line(head), ...rows.map(line)].join('\n') + `\n\n${rules.length} rules. \`dockaudit explain <ID>\` shows one.\n`);
  return 0;
}

async function runExplain(key: string): Promise<number> {
  const { ruleHelpUri, ruleMarkdownBody } = await import('../docs/rule-docs.js');
  const index = createRuleIndex(ruleList);
  const rule = index.get(key);
  if (!rule) {
    const hint = closestWord(key, [...ruleList.map((r) => r.meta.id), ...ruleList.map((r) => r.meta.name), ...ruleList.flatMap((r) => r.meta.aliases ?? [])], 2);
    err(`${TOOL_NAME}: unknown rule "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; \`dockaudit rules\` lists them\n`);
    return 2;
  }
  out(ruleMarkdownBody(rule) + `\nOnline: ${ruleHelpUri(rule)}\n`);
  return 0;
}

async function runParse(mode: 'dump' | 'json' | 'commands', file: string, stdinFilename: string): Promise<number> {
  let bytes: Uint8Array;
  const name = file === '-' ? stdinFilename : file;
  try {
    bytes = file === '-' ? await readStdin() : readFileSync(resolve(process.cwd(), file));
  } catch (e) {
    err(`${name}: cannot read: ${describeError(e)}\n`);
    return 2;
  }
  const details = await auditDetailed(bytes, name, { rules: [] });
  const df = details.dockerfile;
  if (!df) {
    for (const e of details.errors) err(`${name}:${e.line}:${e.column}: ${e.message}\n`);
    return 2;
  }
  if (mode === 'commands') {
    const model = details.model;
    for (const stage of model?.stages ?? []) {
      const shell = stage.shell;
      if (!shell) continue;
      const scripts = [...shell.scripts.values()].flat();
      const { formatCommands } = await import('../shell/index.js');
      out(`# stage ${stage.index}${stage.name ? ` (${stage.name})` : ''}\n` + formatCommands(df.source, scripts, shell.dataflow) + '\n');
    }
  } else if (mode === 'dump') out((await import('../parser/dump.js')).dump(df) + '\n');
  else out(JSON.stringify(df, (k, v: unknown) => (k === 'source' ? undefined : v), 2) + '\n');
  for (const e of details.errors) err(`${name}:${e.line}:${e.column}: ${e.message}\n`);
  return details.errors.length > 0 ? 2 : 0;
}

/** At most this many fix-and-re-audit rounds per file (a fix may make another one possible, as in ESLint). */
const MAX_FIX_PASSES = 10;

/**
 * Applies fixes of the given kinds to one audited file, re-auditing after each round; null when nothing was fixed or
 * the file cannot be rewritten without losing bytes (decoding problems, parse errors).
 */
async function fixFile(
  r: FileResult,
  kinds: readonly ('safe' | 'unsafe')[],
  reaudit: (text: string) => Promise<FileResult>,
): Promise<{ result: FileResult; count: number } | null> {
  if (r.errors.length > 0) return null;
  const { applyFixes } = await import('../engine/fix.js');
  let current = r;
  let count = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const { output, applied } = applyFixes(current.source.text, current.findings, kinds);
    if (applied.length === 0 || output === current.source.text) break;
    const next = await reaudit(output);
    // never write a fix that makes the file unparsable
    if (next.errors.length > 0) break;
    current = next;
    count += applied.length;
  }
  return count > 0 ? { result: current, count } : null;
}

async function runMigrateConfig(file: string | undefined, force: boolean): Promise<number> {
  const cwd = process.cwd();
  const source = file ?? ['.hadolint.yaml', '.hadolint.yml'].find((f) => existsSync(resolve(cwd, f)));
  if (source === undefined) {
    err(`${TOOL_NAME}: no .hadolint.yaml or .hadolint.yml here; name the hadolint config file to convert\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(resolve(cwd, source), 'utf8');
  } catch (e) {
    err(`${source}: cannot read: ${describeError(e)}\n`);
    return 2;
  }
  const target = resolve(cwd, '.dockaudit.yaml');
  if (!force && existsSync(target)) {
    err(`.dockaudit.yaml already exists (use --force to overwrite)\n`);
    return 2;
  }
  const { migrateHadolintConfig, readHadolintConfig } = await import('../config/hadolint.js');
  const problems = readHadolintConfig(text, source, ruleList).errors;
  for (const e of problems) err((e.severity === 'warning' ? 'warning: ' : '') + formatConfigError(e) + '\n');
  if (problems.some((e) => e.severity === 'error')) return 2;
  try {
    writeFileSync(target, migrateHadolintConfig(text, ruleList));
  } catch (e) {
    err(`.dockaudit.yaml: cannot write: ${describeError(e)}\n`);
    return 2;
  }
  out(`wrote .dockaudit.yaml from ${source}\n`);
  return 0;
}

async function run(command: Command): Promise<number> {
  switch (command.kind) {
    case 'help':
      out(HELP);
      return 0;
    case 'version':
      out(`${toolVersion()}\n`);
      return 0;
    case 'rules':
      return runRules(command.format, command.aliases);
    case 'explain':
      return runExplain(command.rule);
    case 'parse':
      return runParse(command.mode, command.file, command.stdinFilename);
    case 'audit':
      return runAudit(command);
    case 'init':
      return runInit(command.force);
    case 'print-config':
      return runPrintConfig(command.file, command.configPath, command.noConfig);
    case 'migrate-config':
      return runMigrateConfig(command.file, command.force);
  }
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (!parsed.ok) {
    err(`${TOOL_NAME}: ${parsed.message}\nRun \`dockaudit --help\` for usage.\n`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await run(parsed.command);
  } catch (e) {
    // a bug: say so in one line, no stack trace unless asked for
    err(`${TOOL_NAME}: internal error: ${e instanceof Error ? e.message : String(e)}; please report this bug\n`);
    if (process.env['DOCKAUDIT_DEBUG']) err(`${e instanceof Error ? e.stack : ''}\n`);
    process.exitCode = 2;
  }
}

if (isAuditWorker()) serveAuditRequests({ contextReader });
else {
  // Liftoff only: the bash grammar's WebAssembly is not re-optimised in the background. Optimising it gains nothing
  // measurable here, and Node waits for those background compilations before it exits (~0.5 s per run).
  setFlagsFromString('--liftoff-only');
  // stdout closed early (`dockaudit | head`) is not an error worth a stack trace
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  void main();
}
