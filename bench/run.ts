/**
 * End-to-end benchmark over ../shared/corpus/files.
 *
 *  1. In process, one thread: decode+parse → model → shell → rules → text and JSON reports for every corpus file,
 *     with the engine's timing hooks on: files/s, MB/s, peak RSS, time per phase, the 10 slowest rules.
 *  2. Scaling: the corpus list repeated 1×, 4×, 16× through the worker pool (time per file should stay flat).
 *  3. The built CLI (`npm run build` first): the whole corpus in one invocation, 10,000 files (the corpus repeated,
 *     as hard links in a temporary folder), wall time and peak RSS (GNU time when installed).
 *  4. Cold start: the built CLI on one small file, N runs, median (hyperfine when installed, else a Node loop).
 *
 * Run: npm run bench [-- --scale=1,4,16 --runs=20 --skip=cli,scaling]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../src/engine/audit.js';
import { auditInWorkers, defaultWorkerCount } from '../src/engine/pool.js';
import type { FileResult } from '../src/engine/result.js';
import { unreadableFile } from '../src/engine/audit.js';
import { createTimings } from '../src/engine/timing.js';
import { formatJson } from '../src/report/json.js';
import { formatText } from '../src/report/text.js';
import { ruleList } from '../src/rules/registry.generated.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filesDir = join(root, '..', 'shared', 'corpus', 'files');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? ''] as const;
  }),
);
const skip = new Set((args.get('skip') ?? '').split(',').filter((s) => s !== ''));
const scales = (args.get('scale') ?? '1,4,16').split(',').map(Number).filter((n) => n > 0);
const runs = Number(args.get('runs') ?? 20) || 20;

const names = readdirSync(filesDir).sort();
const paths = names.map((n) => join(filesDir, n));
const totalBytes = paths.reduce((n, p) => n + statSync(p).size, 0);
const info = { name: 'dockaudit', version: 'bench', informationUri: 'https://example.invalid' };
const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
const ms = (x: number): string => x.toFixed(0).padStart(6) + ' ms';

console.log(`corpus: ${names.length} files, ${mb(totalBytes)} MB; ${ruleList.length} rules; node ${process.version}`);

// 1. one thread, in process, with timing hooks ------------------------------------------------------------------
{
  // warm-up: load the grammar and let the JIT see every code path once
  for (const p of paths.slice(0, 50)) await audit(readFileSync(p), p);
  const timings = createTimings();
  const t0 = performance.now();
  const results: FileResult[] = [];
  let readMs = 0;
  for (const p of paths) {
    const r0 = performance.now();
    const bytes = readFileSync(p);
    readMs += performance.now() - r0;
    results.push(await audit(bytes, p, { timings }));
  }
  const r0 = performance.now();
  const text = formatText(results, info, { color: false, quiet: false });
  const json = formatJson(results, info);
  timings.report += performance.now() - r0;
  const wall = performance.now() - t0;
  const findings = results.reduce((n, r) => n + r.findings.length, 0);
  console.log(`\n1. one thread, in process: ${ms(wall)} = ${Math.round(names.length / (wall / 1000))} files/s, ${(totalBytes / 1024 / 1024 / (wall / 1000)).toFixed(1)} MB/s`);
  console.log(`   ${findings} findings; text report ${mb(text.length)} MB, JSON ${mb(json.length)} MB; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  console.log(`   read          ${ms(readMs)}`);
  for (const phase of ['decodeParse', 'model', 'shell', 'rules', 'report'] as const) {
    console.log(`   ${phase.padEnd(13)} ${ms(timings[phase])}  (${((timings[phase] / wall) * 100).toFixed(0)}%)`);
  }
  const checks = [...timings.ruleMs.values()].reduce((a, b) => a + b, 0);
  console.log(`   (rules = ${checks.toFixed(0)} ms in ${timings.ruleMs.size} rule checks + the engine: options, suppressions, score)`);
  const slow = [...timings.ruleMs].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const byId = new Map(ruleList.map((r) => [r.meta.id, r.meta.name]));
  console.log('   slowest rules (total over the corpus):');
  for (const [id, t] of slow) console.log(`     ${id} ${(byId.get(id) ?? '').padEnd(36)} ${t.toFixed(1).padStart(8)} ms`);
}

// 2. scaling through the worker pool ----------------------------------------------------------------------------
if (!skip.has('scaling')) {
  console.log(`\n2. scaling, worker pool of ${defaultWorkerCount()} (audit + text report):`);
  let base = 0;
  for (const k of scales) {
    const inputs = Array.from({ length: k }, () => paths)
      .flat()
      .map((p) => ({ path: p, options: {} }));
    const t0 = performance.now();
    const results = await auditInWorkers(inputs, { onReadError: (i, f) => unreadableFile(i.path, f.message) });
    formatText(results, info, { color: false, quiet: false });
    const wall = performance.now() - t0;
    const perFile = wall / inputs.length;
    if (base === 0) base = perFile;
    console.log(
      `   ${String(k).padStart(2)}× ${String(inputs.length).padStart(6)} files: ${ms(wall)} = ${Math.round(inputs.length / (wall / 1000))} files/s` +
        ` (time per file ${(perFile / base).toFixed(2)}× the 1× run)`,
    );
  }
}

// 3. + 4. the built CLI -----------------------------------------------------------------------------------------
const cli = join(root, 'dist', 'cli.mjs');
const hasGnuTime = existsSync('/usr/bin/time');
/** Runs the CLI once in `cwd`; wall ms, and CPU seconds (user + system) and peak RSS (MB) when GNU time is installed. */
function runCli(
  cliArgs: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): { wall: number; cpuS: number | null; rssMb: number | null; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, cli, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, [cli, ...cliArgs], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  let rssMb: number | null = null;
  let cpuS: number | null = null;
  if (hasGnuTime) {
    const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(r.stderr.trim().split('\n').pop() ?? '');
    if (m) {
      cpuS = Number(m[1]) + Number(m[2]);
      rssMb = Math.round(Number(m[3]) / 1024);
    }
  }
  return { wall, cpuS, rssMb, status: r.status, stderr: r.stderr };
}

/** A temporary folder holding `count` Dockerfiles (hard links to corpus files, copies where linking fails). */
function corpusFolder(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockaudit-bench-'));
  for (let i = 0; i < count; i++) {
    const sub = join(dir, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) mkdirSync(sub);
    const target = join(sub, `${String(i).padStart(5, '0')}.Dockerfile`);
    const src = paths[i % paths.length]!;
    try {
      linkSync(src, target);
    } catch {
      copyFileSync(src, target);
    }
  }
  return dir;
}

if (!skip.has('cli')) {
  if (!existsSync(cli)) console.log('\n3./4. skipped: run `npm run build` first (dist/cli.mjs is missing)');
  else {
    console.log(`\n3. built CLI, one invocation (wall clock${hasGnuTime ? '; CPU user + system and peak RSS from GNU time' : ''}):`);
    for (const [label, count] of [
      ['corpus', names.length],
      ['10,000 files', 10000],
    ] as const) {
      const dir = corpusFolder(count);
      try {
        for (const format of ['text', 'json'] as const) {
          const r = runCli(['--no-config', '--format', format, '.'], dir);
          console.log(
            `   ${label.padEnd(13)} ${format.padEnd(4)}: ${ms(r.wall)} = ${Math.round(count / (r.wall / 1000))} files/s` +
              `${r.cpuS !== null ? `, CPU ${r.cpuS.toFixed(1)} s` : ''}${r.rssMb !== null ? `, peak RSS ${r.rssMb} MB` : ''} (exit ${r.status})`,
          );
        }
        if (label === 'corpus') {
          // the co-auditor (docs/performance.md) against the same run without it, interleaved: a ratio
          // survives a noisy machine better than either time
          const on: number[] = [];
          const off: number[] = [];
          for (let i = 0; i < 3; i++) {
            off.push(runCli(['--no-config', '--format', 'json', '.'], dir, { ...process.env, DOCKAUDIT_CO_AUDIT: '0' }).wall);
            on.push(runCli(['--no-config', '--format', 'json', '.'], dir, { ...process.env, DOCKAUDIT_CO_AUDIT: '1' }).wall);
          }
          const median = (a: number[]): number => [...a].sort((x, y) => x - y)[1]!;
          console.log(
            `   corpus json, co-audit worker on / off (3 interleaved runs each, medians): ${ms(median(on))} / ${ms(median(off))}` +
              ` = ${(median(on) / median(off)).toFixed(2)}`,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    const small = join(root, 'examples', 'Dockerfile');
    console.log(`\n4. cold start, one small file (examples/Dockerfile), ${runs} runs:`);
    const hf = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
    if (hf.status === 0) {
      const out = join(mkdtempSync(join(tmpdir(), 'dockaudit-bench-')), 'hf.json');
      spawnSync('hyperfine', ['-N', '-i', '-w', '3', '-r', String(runs), '--export-json', out, `${process.execPath} ${cli} --no-config ${small}`, `${process.execPath} -e 0`], {
        encoding: 'utf8',
      });
      const data = JSON.parse(readFileSync(out, 'utf8')) as { results: { command: string; median: number; user: number; system: number }[] };
      rmSync(dirname(out), { recursive: true, force: true });
      for (const r of data.results) {
        const label = r.command.endsWith('-e 0') ? 'node -e 0 (floor)' : 'dockaudit';
        console.log(`   ${label.padEnd(18)} median ${ms(r.median * 1000)} (user ${(r.user * 1000).toFixed(0)} ms, system ${(r.system * 1000).toFixed(0)} ms; hyperfine)`);
      }
    } else {
      const times: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const r = runCli(['--no-config', small], root);
        if (i >= 2) times.push(r.wall);
      }
      times.sort((a, b) => a - b);
      console.log(`   dockaudit median ${ms(times[Math.floor(times.length / 2)]!)} (Node loop; install hyperfine for finer figures)`);
    }
  }
}
