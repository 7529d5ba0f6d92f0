/**
 * Long-running full-pipeline fuzzer. Usage: npm run fuzz -- [--runs N] [--seed S] [--grammar-only|--corpus-only]
 * (default 10,000 runs, random seed). Prints progress, and on failure the seed, path and counterexample size so
 * that the case can be replayed with the same arguments.
 */
import fc from 'fast-check';
import { checkInput, corpusTexts, grammarDockerfile, mutatedCorpusFile } from '../test/robustness/fuzz-core.js';
import { preparePipeline } from '../test/robustness/pipeline.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const runs = Number(arg('--runs') ?? 10_000);
const seed = Number(arg('--seed') ?? Date.now() % 2 ** 31);
const path = arg('--path');
const only = process.argv.includes('--grammar-only') ? 'grammar' : process.argv.includes('--corpus-only') ? 'corpus' : 'both';
if (!Number.isSafeInteger(runs) || runs <= 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed S] [--path P] [--grammar-only|--corpus-only]');
  process.exit(2);
}

await preparePipeline();
const corpus = corpusTexts(1);
const input =
  only === 'grammar' ? grammarDockerfile : only === 'corpus' ? mutatedCorpusFile(corpus) : fc.oneof(mutatedCorpusFile(corpus), grammarDockerfile);
let done = 0;
let bytes = 0;
const t0 = Date.now();
let lastReport = t0;
/** Progress every 10 s (from inside the property: the runs never yield to timers). */
function progress(): void {
  const now = Date.now();
  if (now - lastReport < 10_000) return;
  lastReport = now;
  const s = (now - t0) / 1000;
  console.log(`${done} runs, ${(bytes / 1e6).toFixed(1)} MB, ${s.toFixed(0)} s, ${(done / s).toFixed(0)} runs/s`);
}
console.log(`fuzzing ${runs} runs (${only}), seed ${seed}${path ? `, path ${path}` : ''}`);
const result = await fc.check(
  fc.asyncProperty(input, async (b) => {
    done++;
    bytes += b.length;
    progress();
    await checkInput(b);
  }),
  { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: false },
);
if (result.failed) {
  const ce = result.counterexample?.[0];
  console.error(`FAILED after ${result.numRuns} runs: seed ${result.seed}, path ${result.counterexamplePath}`);
  console.error(`counterexample: ${ce ? ce.length : '?'} bytes; first 400 as text:`);
  if (ce) console.error(JSON.stringify(new TextDecoder().decode(ce.subarray(0, 400))));
  console.error(String(result.errorInstance ?? ''));
  process.exitCode = 1;
} else {
  console.log(`ok: ${result.numRuns} runs, ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${seed})`);
}
