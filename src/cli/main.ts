#!/usr/bin/env node
/**
 * The `dockaudit` command. Thin glue: arguments → audit/report functions → stdout/stderr and the exit code. The only
 * place that touches `process`. Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage error,
 * unreadable or unparsable input, internal error. Sets `process.exitCode` (never `process.exit()`, which could cut
 * off output still flowing into a pipe).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { audit, auditDetailed, unreadableFile } from '../engine/audit.js';
import type { FileResult } from '../engine/result.js';
import { createRuleIndex } from '../engine/rule-index.js';
import { INTERNAL_ERROR } from '../engine/run.js';
import { ruleHelpUri, ruleMarkdownBody } from '../docs/rule-docs.js';
import { HOMEPAGE, TOOL_NAME, toolVersion } from '../meta.js';
import { dump } from '../parser/dump.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import type { ToolInfo } from '../report/types.js';
import { ruleList } from '../rules/registry.generated.js';
import { SEVERITY_RANK } from '../rules/types.js';
import type { AuditCommand, Command } from './args.js';
import { HELP, parseCommandLine } from './args.js';
import { useColor } from './color.js';
import { discover } from './discover.js';
import { closest } from './suggest.js';

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
  return e instanceof Error ? e.message : String(e);
}

async function runAudit(cmd: AuditCommand): Promise<number> {
  const cwd = process.cwd();
  const results: FileResult[] = [];
  let exit = 0;
  const filePaths = cmd.paths.filter((p) => p !== '-');
  const found = discover(filePaths, cwd);
  for (const e of found.errors) {
    err(`${e.path}: ${e.message}\n`);
    exit = 2;
  }
  if (cmd.paths.includes('-')) {
    try {
      results.push(await audit(await readStdin(), cmd.stdinFilename));
    } catch (e) {
      results.push(unreadableFile(cmd.stdinFilename, `cannot read standard input: ${describeError(e)}`));
    }
  }
  for (const path of found.files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(resolve(cwd, path));
    } catch (e) {
      results.push(unreadableFile(path, `cannot read: ${describeError(e)}`));
      continue;
    }
    results.push(await audit(bytes, path));
  }
  if (results.length === 0 && found.errors.length === 0) err(`${TOOL_NAME}: no Dockerfiles found in ${filePaths.join(', ')}\n`);

  const info = tool();
  const toFile = cmd.output !== undefined;
  let report: string;
  if (cmd.format === 'json') report = formatJson(results, info);
  else if (cmd.format === 'sarif') report = formatSarif(results, info, { rules: ruleList, srcRoot: cwd });
  else {
    const color = useColor({ env: process.env, isTTY: !toFile && process.stdout.isTTY === true, ...(cmd.color !== undefined ? { flag: cmd.color } : {}) });
    report = formatText(results, info, { color, quiet: cmd.quiet });
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
  for (const r of results) {
    for (const e of r.errors) {
      if (exit < 2) exit = 2;
      if (cmd.format !== 'text' || toFile) err(`${r.path}:${e.line}:${e.column}: ${e.message}\n`);
    }
    for (const f of r.findings) {
      if (f.messageId === INTERNAL_ERROR) {
        exit = 2;
        err(`${r.path}: ${f.message}\n`);
      }
    }
  }
  if (exit === 0 && cmd.failLevel !== 'none') {
    const min = SEVERITY_RANK[cmd.failLevel];
    if (results.some((r) => r.findings.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= min))) exit = 1;
  }
  return exit;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function runRules(format: 'text' | 'json', withAliases: boolean): number {
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

function runExplain(key: string): number {
  const index = createRuleIndex(ruleList);
  const rule = index.get(key);
  if (!rule) {
    const hint = closest(key, [...ruleList.map((r) => r.meta.id), ...ruleList.map((r) => r.meta.name), ...ruleList.flatMap((r) => r.meta.aliases ?? [])]);
    err(`${TOOL_NAME}: unknown rule "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; \`dockaudit rules\` lists them\n`);
    return 2;
  }
  out(ruleMarkdownBody(rule) + `\nOnline: ${ruleHelpUri(rule)}\n`);
  return 0;
}

async function runParse(mode: 'dump' | 'json', file: string, stdinFilename: string): Promise<number> {
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
  if (mode === 'dump') out(dump(df) + '\n');
  else out(JSON.stringify(df, (k, v: unknown) => (k === 'source' ? undefined : v), 2) + '\n');
  for (const e of details.errors) err(`${name}:${e.line}:${e.column}: ${e.message}\n`);
  return details.errors.length > 0 ? 2 : 0;
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

// stdout closed early (`dockaudit | head`) is not an error worth a stack trace
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

void main();
