#!/usr/bin/env node
/**
 * The `dockaudit` command. Thin glue: arguments → audit/report functions → stdout/stderr and the exit code. The only
 * place that touches `process`. Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage error,
 * unreadable or unparsable input, internal error. Sets `process.exitCode` (never `process.exit()`, which could cut
 * off output still flowing into a pipe).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { audit, auditDetailed, unreadableFile } from '../engine/audit.js';
import { initShell } from '../shell/index.js';
import type { FileResult } from '../engine/result.js';
import type { SuppressionOptions } from '../engine/suppressions.js';
import { createRuleIndex } from '../engine/rule-index.js';
import type { RuleSetting } from '../engine/run.js';
import { deepFreeze } from '../engine/run.js';
import type { CoAudit, CoAuditInput } from '../engine/co-audit.js';
import { isCoAuditWorker, serveCoAudit, shouldCoAudit, startCoAudit } from '../engine/co-audit.js';
import type { PoolInput } from '../engine/pool.js';
import { environmentFor, isAuditWorker, serveAuditRequests } from '../engine/worker.js';
import type { TransferableAuditOptions } from '../engine/worker.js';
import { HOMEPAGE, TOOL_NAME, toolVersion } from '../meta.js';
import type { ReportWriter, ToolInfo } from '../report/types.js';
import type { Rule } from '../rules/types.js';
import { ruleList } from '../rules/registry.generated.js';
import { effectiveConfig, formatEffectiveConfig, initConfigText, isPathIgnored, ruleSettingsFor, suppressionOptionsFor } from '../config/resolve.js';
import type { Config, FailLevel, PartialConfig } from '../config/types.js';
import { formatConfigError } from '../config/types.js';
import type { AuditCommand, Command, Format } from './args.js';
import { HELP, parseCommandLine } from './args.js';
import { useColor } from './color.js';
import { contextReader } from './context.js';
import { discover } from './discover.js';
import { closestWord } from '../rules/helpers/suggest.js';
import { createGitTracker } from './git-tracked.js';
import { ReportSink } from './report-sink.js';
import { capYoungGeneration, CLI_V8_FLAGS } from './v8-flags.js';
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

/** One file to audit, with the options its config gives it. */
interface AuditJob {
  /** The path as given (displayed, recorded in the result). */
  readonly path: string;
  /** Absolute path; absent for standard input. */
  readonly file?: string;
  readonly options: TransferableAuditOptions;
  readonly failLevel: FailLevel;
}

/** What a job produced: its result and its fail level (none for a file that could not be read). */
type Audited = (r: FileResult, failLevel: FailLevel | undefined) => Promise<void> | undefined;

/**
 * Audits `jobs[from..]` in worker threads, handing each result to `onResult` in order. Returns the number of jobs
 * done: all of them, or fewer when the pool failed (the caller audits the rest on this thread).
 */
async function auditInParallel(jobs: readonly AuditJob[], from: number, largest: number, onResult: Audited): Promise<number> {
  const pool = await import('../engine/pool.js');
  const inputs: PoolInput[] = jobs.slice(from).map((j) => ({ path: j.path, file: j.file ?? j.path, options: j.options }));
  const requested = Number(process.env['DOCKAUDIT_WORKERS']);
  let done = from;
  try {
    await pool.auditInOrder(
      inputs,
      {
        workers: Number.isInteger(requested) && requested > 0 ? requested : pool.defaultWorkerCount(),
        // small files only: cap each worker's heap (peak RSS 164 → 134 MB on the corpus); a big file could exhaust it
        ...(largest <= SMALL_FILE_BYTES ? { maxOldGenerationMb: 64 } : {}),
        // this module is its own worker entry (see the end of the file), also when bundled
        workerUrl: new URL(import.meta.url),
        onReadError: (input, f) => unreadableFile(input.path, `cannot read: ${describeError(f)}`),
      },
      (r, i) => {
        const job = jobs[from + i]!;
        done = from + i + 1;
        return onResult(r, job.failLevel);
      },
    );
  } catch (e) {
    if (process.env['DOCKAUDIT_DEBUG']) err(`${TOOL_NAME}: worker pool failed, auditing on one thread: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  return done;
}

/** Whether to audit in worker threads (see `shouldUseWorkers` and docs/performance.md for the measurements). */
async function useWorkers(fileCount: number, totalBytes: number): Promise<boolean> {
  const setting = process.env['DOCKAUDIT_WORKERS'];
  if (setting === '0' || fileCount < 2) return false;
  const pool = await import('../engine/pool.js');
  if (setting !== undefined && setting !== '' && Number.isInteger(Number(setting)) && Number(setting) > 0) return true;
  return pool.shouldUseWorkers(fileCount, totalBytes);
}

/**
 * A second thread that audits files too, when one thread audits many (src/engine/co-audit.ts, `shouldCoAudit`), or
 * null. Measured in docs/performance.md.
 */
function coAuditor(count: number, input: (i: number) => CoAuditInput): CoAudit | null {
  if (!shouldCoAudit(count, process.env['DOCKAUDIT_CO_AUDIT'])) return null;
  // this module is its own worker entry (see the end of the file); bundled as a script, the worker starts through the
  // launcher beside it, which compiles the script from the code cache (~70 ms sooner to its first file)
  const self = new URL(import.meta.url);
  return startCoAudit(count, input, { workerUrl: self.pathname.endsWith('/cli.cjs') ? new URL('cli.mjs', self) : self });
}

/** Settings shared by every file with the same config (and no per-file overrides). */
interface SharedOptions {
  readonly ruleIds: readonly string[];
  readonly severityOverrides: Readonly<Record<string, RuleSetting>>;
  readonly ruleOptions: Readonly<Record<string, unknown>>;
  readonly suppressions: SuppressionOptions;
}

async function runAudit(cmd: AuditCommand): Promise<number> {
  // Start loading the bash grammar (reading and compiling ~1.5 MB of WebAssembly) now, so that it proceeds while
  // configs are looked up and files discovered; the first audit awaits the same promise (and reports a failure).
  initShell().catch(() => undefined);
  const cwd = process.cwd();
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
  // the config depends only on the file's folder (where the search for a config file starts): files of one folder
  // share it, and with it every object derived from it below (~0.2 s of CPU over the corpus when done per file)
  const configByDir = new Map<string, Config>();
  const configFor = (file: string): Config => configIn(dirname(resolve(cwd, file)));
  /** The config of the files of folder `dir` (absolute). */
  const configIn = (dir: string): Config => {
    const known = configByDir.get(dir);
    if (known !== undefined) return known;
    const ec = effectiveConfig(join(dir, 'Dockerfile'), configOptions);
    for (const n of ec.notices) if (!printed.has(n) && printed.add(n)) err(n + '\n');
    for (const e of ec.errors) {
      const line = (e.severity === 'warning' ? 'warning: ' : '') + formatConfigError(e);
      if (!printed.has(line) && printed.add(line)) err(line + '\n');
      if (e.severity === 'error') configFailed = true;
    }
    configByDir.set(dir, ec.config);
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
  const gitTracked = createGitTracker();
  // The same objects for every file of a config, so that the engine can cache what it derives from them per object.
  const sharedByConfig = new WeakMap<Config, SharedOptions>();
  const sharedOptions = (config: Config, file: string): SharedOptions => {
    const cacheable = config.overrides.length === 0; // overrides select rules by file path
    const known = cacheable ? sharedByConfig.get(config) : undefined;
    if (known !== undefined) return known;
    const settings = ruleSettingsFor(config, file, ruleList);
    const overrides: Record<string, RuleSetting> = {};
    for (const r of settings.rules) overrides[r.meta.id] = settings.severityOverrides.get(r.meta.id) ?? 'on';
    // frozen all the way down: the engine's run-plan cache then knows them by identity instead of comparing their
    // content for every file (61-82 ms of a corpus run, measured)
    const shared: SharedOptions = {
      ruleIds: settings.rules.map((r) => r.meta.id),
      severityOverrides: Object.freeze(overrides),
      ruleOptions: deepFreeze(structuredClone(Object.fromEntries(settings.ruleOptions))),
      suppressions: suppressionOptionsFor(config, settings),
    };
    if (cacheable) sharedByConfig.set(config, shared);
    return shared;
  };
  /** The job for one file, or null when config ignores it. `file`: `path` resolved, when known. */
  const jobFor = (path: string, explicit: boolean, fromDisk: boolean, file = resolve(cwd, path)): AuditJob | null => {
    const config = configIn(dirname(file));
    if (!explicit && isPathIgnored(config, file)) return null;
    const shared = sharedOptions(config, file);
    // literals with undefined fields for what is absent, not conditional spreads (made for every file)
    const options: TransferableAuditOptions = {
      ruleIds: shared.ruleIds,
      severityOverrides: shared.severityOverrides,
      ruleOptions: shared.ruleOptions,
      suppressions: shared.suppressions,
      // files on disk: the Dockerfile's directory is the assumed build context, and whether git tracks the file is
      // read from .git/index (never by running git); standard input has neither (unknown)
      contextOf: fromDisk ? file : undefined,
      gitTracked: fromDisk ? gitTracked(file) : undefined,
    };
    return { path, file: fromDisk ? file : undefined, options, failLevel: config.failLevel };
  };
  const byId = new Map(ruleList.map((r) => [r.meta.id, r]));
  const rulesOf = new WeakMap<readonly string[], Rule[]>();
  const auditWith = (path: string, input: Uint8Array | string, options: TransferableAuditOptions): Promise<FileResult> => {
    const { ruleIds, suppressions, severityOverrides, ruleOptions } = options;
    const ids = ruleIds ?? [];
    let rules = rulesOf.get(ids);
    if (rules === undefined) {
      rules = ids.map((id) => byId.get(id)!);
      rulesOf.set(ids, rules);
    }
    // absent settings as undefined fields (audit reads them so): one literal, no conditional spreads per file
    return audit(input, path, { severityOverrides, ruleOptions, rules, suppressions, env: environmentFor(options, contextReader) });
  };

  // Every file's config before the first audit: a config error anywhere stops the run before any output. Only the
  // paths are kept; each file's options are made when it is audited (10,000 option objects held for the whole run
  // showed in peak RSS).
  const stdinJob = cmd.paths.includes('-') ? jobFor(cmd.stdinFilename, true, false) : null;
  const paths: string[] = [];
  // the paths as discovery resolved them (each path was resolved 7 times: discovery, the explicit set, the file
  // filter, the job, config lookups)
  const files: string[] = [];
  for (let i = 0; i < found.files.length; i++) {
    const file = found.absolute[i]!;
    // files named on the command line are audited even when the config's ignorePaths match them
    if (found.named.has(file) || !isPathIgnored(configIn(dirname(file)), file)) {
      paths.push(found.files[i]!);
      files.push(file);
    }
  }
  if (configFailed) return 2;
  // explicit = true: ignorePaths were applied above
  const jobAt = (i: number): AuditJob => jobFor(paths[i]!, true, true, files[i]!)!;

  /** Audits every job in order, handing each result over as soon as it is done. */
  const auditAll = async (onResult: Audited): Promise<void> => {
    if (stdinJob !== null) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = await readStdin();
      } catch (e) {
        const waiting = onResult(unreadableFile(stdinJob.path, `cannot read: ${describeError(e)}`), undefined);
        if (waiting) await waiting;
      }
      if (bytes !== undefined) {
        const waiting = onResult(await auditWith(stdinJob.path, bytes, stdinJob.options), stdinJob.failLevel);
        if (waiting) await waiting;
      }
    }
    let done = 0;
    const parallel = await useWorkers(paths.length, found.bytes.total);
    if (parallel) done = await auditInParallel(paths.map((_, i) => jobAt(i)), 0, found.bytes.largest, onResult);
    /** Files that could not be read: their results have no fail level. */
    const unread = new Set<number>();
    const levelOf = (i: number): FailLevel | undefined => (unread.delete(i) ? undefined : configIn(dirname(files[i]!)).failLevel);
    /** Audits file i on this thread. */
    const auditHere = async (i: number): Promise<FileResult> => {
      const job = jobAt(i);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(job.file ?? job.path);
      } catch (e) {
        unread.add(i);
        return unreadableFile(job.path, `cannot read: ${describeError(e)}`);
      }
      return auditWith(job.path, bytes, job.options);
    };
    const co = parallel ? null : coAuditor(paths.length, (i) => ({ path: paths[i]!, file: files[i]!, options: jobAt(i).options }));
    if (co !== null) {
      try {
        await co.run(
          async (i) => {
            const r = await auditHere(i);
            // not before the worker has compiled its code from the cache (see `CoAudit.loaded`)
            if (co.loaded) capYoungGeneration();
            return r;
          },
          (i, failure) => {
            unread.add(i);
            return unreadableFile(paths[i]!, `cannot read: ${describeError(failure)}`);
          },
          (r, i) => onResult(r, levelOf(i)),
        );
      } finally {
        if (process.env['DOCKAUDIT_DEBUG']) {
          const s = co.stats;
          err(`${TOOL_NAME}: co-audit: ${s.used} of ${paths.length} files audited by the worker, ${s.twice} on both threads${s.stoppedForMemory ? ' (stopped at the memory limit)' : ''}${s.failed ? ' (the worker failed)' : ''}\n`);
        }
      }
      return;
    }
    for (; done < paths.length; done++) {
      const r = await auditHere(done);
      const waiting = onResult(r, levelOf(done));
      if (waiting) await waiting;
      capYoungGeneration();
    }
  };

  const info = tool();
  const toFile = cmd.output !== undefined;
  let writer: ReportWriter;
  if (format === 'json') writer = (await import('../report/json.js')).jsonReportWriter(info, { showSuppressed: cmd.showSuppressed });
  else if (format === 'sarif') writer = (await import('../report/sarif.js')).sarifReportWriter(info, { rules: ruleList, srcRoot: cwd });
  else {
    const color = useColor({ env: process.env, isTTY: !toFile && process.stdout.isTTY === true, ...(cmd.color !== undefined ? { flag: cmd.color } : {}) });
    writer = (await import('../report/text.js')).textReportWriter(info, { color, quiet: cmd.quiet, showSuppressed: cmd.showSuppressed });
  }
  const newSink = (): ReportSink =>
    new ReportSink({
      writer,
      ...(toFile ? { outputFile: resolve(cwd, cmd.output!), outputName: cmd.output! } : {}),
      // errors go to stderr as file:line:column: message (the text report on stdout already shows them)
      echoProblems: format !== 'text' || toFile,
      stdout: process.stdout,
      stderr: err,
      describeError,
    });
  const noneFound = (count: number): void => {
    if (count === 0 && found.errors.length === 0 && !cmd.paths.includes('-')) err(`${TOOL_NAME}: no Dockerfiles found in ${filePaths.join(', ')}\n`);
  };

  // Plain audits stream: each file's part of the report is written as soon as it is done and its result dropped.
  if (cmd.fix === undefined && cmd.baseline === undefined && cmd.writeBaseline === undefined) {
    const sink = newSink();
    try {
      await auditAll((r, level) => sink.add(r, level));
    } catch (e) {
      sink.discard();
      throw e;
    }
    noneFound(sink.files);
    return sink.finish(exit);
  }

  // --fix and baselines need every result before the report: keep them.
  const results: FileResult[] = [];
  const levels: (FailLevel | undefined)[] = [];
  await auditAll((r, level) => {
    results.push(r);
    levels.push(level);
    return undefined;
  });
  if (cmd.fix !== undefined) {
    const kinds: ('safe' | 'unsafe')[] = cmd.fix === 'unsafe' ? ['safe', 'unsafe'] : ['safe'];
    for (let i = 0; i < results.length; i++) {
      const before = results[i]!;
      const job = jobFor(before.path, true, true);
      if (job === null) continue;
      const fixed = await fixFile(before, kinds, (text) => auditWith(before.path, text, job.options));
      if (fixed === null) continue;
      try {
        // the BOM is written back; everything outside the edits is the original text, line endings included
        writeFileSync(resolve(cwd, before.path), (before.source.bom ? '\uFEFF' : '') + fixed.result.source.text);
      } catch (e) {
        err(`${before.path}: cannot write the fixes: ${describeError(e)}\n`);
        return 2;
      }
      err(`${before.path}: fixed ${fixed.count} finding${fixed.count === 1 ? '' : 's'}\n`);
      levels[i] ??= job.failLevel;
      results[i] = fixed.result;
    }
  }
  noneFound(results.length);

  let reported: readonly FileResult[] = results;
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
  const sink = newSink();
  reported.forEach((r, i) => void sink.add(r, levels[i] ?? runConfig.failLevel));
  return sink.finish(exit);
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

/** Freezes `v` and every object and array reachable from it (a fresh copy: the caller's config objects stay as they are). */
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
else if (isCoAuditWorker()) void serveCoAudit({ contextReader });
else {
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
  // stdout closed early (`dockaudit | head`) is not an error worth a stack trace
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  void main();
}
