/**
 * Generators of pathological Dockerfiles (sizes are parameters so a test can compare n and 4n) and a timing helper
 * that resists a busy machine: runs alternate between the inputs compared and the best of several runs counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Third-party test data beside the repository (read, never copied). */
export const sharedDir = join(repoRoot, '..', 'shared');
export const corpusDir = join(sharedDir, 'corpus', 'files');

let corpusCache: { name: string; bytes: Buffer }[] | null = null;
/** Every corpus file, sorted by name. */
export function corpusFiles(): { name: string; bytes: Buffer }[] {
  corpusCache ??= readdirSync(corpusDir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(corpusDir, name)) }));
  return corpusCache;
}

/** Real corpus files concatenated (each followed by a newline) until at least `bytes` characters. */
export function bigFile(bytes: number): string {
  const files = corpusFiles();
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const t = files[i % files.length]!.bytes.toString('utf8');
    parts.push(t, '\n');
    size += t.length + 1;
  }
  return parts.join('');
}

/** One RUN continued over `n` lines. */
export function continuation(n: number): string {
  const lines = ['FROM alpine:3.20', 'RUN echo start \\'];
  for (let i = 0; i < n; i++) lines.push(`  && echo line-${i} \\`);
  lines.push('  && echo end', '');
  return lines.join('\n');
}

/** `n` stages, each copying from the previous one. */
export function stages(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`FROM alpine:3.20 AS s${i}`);
    lines.push(i === 0 ? 'RUN echo 0 > /f' : `COPY --from=s${i - 1} /f /f`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `n` stages, each built FROM the previous one (a chain `n` deep): every rule that walks the parent chain per
 * instruction or per stage turns quadratic here (apt-install-recommends once took 238 s on 5,000).
 */
export function stageChain(n: number): string {
  const lines = ['FROM debian:12 AS s0'];
  for (let i = 1; i < n; i++) {
    lines.push(`FROM s${i - 1} AS s${i}`, 'RUN apt-get install -y curl && pip install x', `COPY --from=s0 /a /b${i}`, 'ENV X=1', 'CMD ["node", "a.js"]');
  }
  return lines.join('\n') + '\n';
}

/** One RUN line of about `bytes` characters (over BuildKit's 64 KiB line limit when large). */
export function longLine(bytes: number): string {
  const unit = 'echo aaaaaaaa && ';
  return 'FROM alpine:3.20\nRUN ' + unit.repeat(Math.ceil(bytes / unit.length)) + 'true\n';
}

/** `n` RUN instructions, each with one heredoc. */
export function heredocs(n: number): string {
  const lines = ['FROM alpine:3.20'];
  for (let i = 0; i < n; i++) lines.push('RUN <<EOF', `echo ${i}`, `set -e; ls /tmp/${i}`, 'EOF');
  return lines.join('\n') + '\n';
}

/** `n` heredocs opened on one line, each with a one-line body. */
export function heredocsOneLine(n: number): string {
  const markers: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    markers.push(`<<E${i}`);
    bodies.push(`echo ${i}`, `E${i}`);
  }
  return ['FROM alpine:3.20', 'COPY ' + markers.join(' ') + ' /dst/', ...bodies, ''].join('\n');
}

/** A RUN with `n` nested subshells: `( ( ( … true … ) ) )`. */
export function nestedSubshells(n: number): string {
  return 'FROM alpine:3.20\nRUN ' + '( '.repeat(n) + 'true' + ' )'.repeat(n) + '\n';
}

/** `n` nested command substitutions: `echo $(echo $(… ))`. */
export function nestedSubstitutions(n: number): string {
  return 'FROM alpine:3.20\nRUN ' + 'echo $('.repeat(n) + 'true' + ')'.repeat(n) + '\n';
}

/** `ONBUILD` repeated `n` times before a RUN. */
export function onbuildChain(n: number): string {
  return 'FROM alpine:3.20\n' + 'ONBUILD '.repeat(n) + 'RUN true\n';
}

/** A heredoc RUN whose line nests `${a:-` `n` deep (lexed by heredoc detection). */
export function nestedParameterExpansions(n: number): string {
  return 'FROM alpine:3.20\nRUN <<EOF echo ' + '${a:-'.repeat(n) + 'x' + '}'.repeat(n) + '\nEOF\n';
}

/** Milliseconds of one call (wall clock). */
export function timeOnce(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** `global.gc`, enabled at run time so that a timed call does not pay for garbage an earlier call left behind. */
const forceGc: () => void = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // not available: measurements are just noisier
  }
  return () => {};
})();

/**
 * CPU nanoseconds the main thread has run so far (Linux: `/proc/thread-self/schedstat`), or null elsewhere. The
 * growth checks time the pipeline's own work: the process's CPU also counts V8's background threads (concurrent
 * marking of one large file's live model, the optimising compiler), which added their noise to the ratios (the
 * 4,000-stage chain: 5.68 of the process's CPU in one clean-clone CI run, 4.4-5.0 of the main thread's here).
 */
function mainThreadNs(): number | null {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns : null;
  } catch {
    return null;
  }
}

/** CPU milliseconds of one call, after a full collection: the main thread's where the system tells it, else user +
 * system of all threads of the process. */
export async function cpuOnce(fn: () => void | Promise<void>): Promise<number> {
  forceGc();
  const t0 = mainThreadNs();
  const c0 = process.cpuUsage();
  await fn();
  const t1 = t0 === null ? null : mainThreadNs();
  if (t0 !== null && t1 !== null) return (t1 - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Growth from `small` to `large` (= 4× the size): best-of-`reps` CPU times of `fn(large)` and of 4 consecutive
 * `fn(small)` calls (the same volume of input), alternating so that load from other processes hits both alike.
 * CPU time rather than wall time: on a shared machine, waiting for a core is not the code's cost. Timing the small
 * input 4 times over spreads the garbage collection it triggers as it does for the large one (a single small run
 * can fit in the young generation and collect nothing, which would make the large one look superlinear).
 * `ratio` = time(large) / time(small): 4 for linear cost, 16 for quadratic.
 */
export async function compareSizes<T>(
  small: T,
  large: T,
  fn: (input: T) => void | Promise<void>,
  reps = 3,
): Promise<{ small: number; large: number; ratio: number }> {
  await fn(small); // warm up the JIT
  await fn(large);
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < reps; i++) {
    const four = await cpuOnce(async () => {
      for (let k = 0; k < 4; k++) await fn(small);
    });
    a = Math.min(a, four / 4);
    b = Math.min(b, await cpuOnce(() => fn(large)));
  }
  return { small: a, large: b, ratio: b / Math.max(a, 0.25) };
}
