/**
 * Model benchmark: buildModel over the parsed corpus (best of 3), a ~5 MB concatenation of corpus files, one stage
 * with 40,000 ENV+RUN pairs and a chain of 20,000 stages (both check near-linear scaling).
 * Run: node --import tsx bench/model.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../src/model/build.js';
import { parse } from '../src/parser/parse.js';
import { SourceFile } from '../src/source.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filesDir = join(root, '..', 'shared', 'corpus', 'files');
const texts = readdirSync(filesDir)
  .sort()
  .map((f) => readFileSync(join(filesDir, f), 'utf8'));

function best(fn: () => void): number {
  return Math.min(
    ...[0, 1, 2].map(() => {
      const t0 = performance.now();
      fn();
      return performance.now() - t0;
    }),
  );
}

const dfs = texts.map((t, i) => parse(new SourceFile(String(i), t)));
let stages = 0;
const corpusMs = best(() => {
  stages = 0;
  for (const df of dfs) stages += buildModel(df).stages.length;
});
console.log(
  `corpus: ${dfs.length} files, ${stages} stages: ${corpusMs.toFixed(1)} ms (best of 3) = ` +
    `${Math.round(dfs.length / (corpusMs / 1000))} files/s`,
);

const parts: string[] = [];
let size = 0;
for (let i = 0; size < 5e6; i++) {
  const t = texts[i % texts.length]!;
  parts.push(t, '\n');
  size += t.length + 1;
}
const big = parse(new SourceFile('big', parts.join('')));
console.log(`~5 MB file (${big.instructions.length} instructions): ${best(() => buildModel(big)).toFixed(1)} ms`);

const envLines = ['FROM alpine'];
for (let i = 0; i < 40000; i++) envLines.push(`ENV V${i}=x$HOME`, `RUN echo ${i}`);
const envDf = parse(new SourceFile('env', envLines.join('\n')));
console.log(`one stage, 40,000 ENV + 40,000 RUN: ${best(() => buildModel(envDf)).toFixed(1)} ms`);

const chain = ['FROM alpine AS s0'];
for (let i = 1; i < 20000; i++) chain.push(`FROM s${i - 1} AS s${i}`, 'COPY --from=s0 /a /a');
const chainDf = parse(new SourceFile('chain', chain.join('\n')));
console.log(`chain of 20,000 stages: ${best(() => buildModel(chainDf)).toFixed(1)} ms`);
