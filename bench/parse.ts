/**
 * Parser benchmark: decode + parse over the whole corpus (best of 3), a generated ~5 MB Dockerfile, and one RUN with
 * 100,000 continuation lines (checks that joining is linear). Run: node --import tsx bench/parse.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBytes } from '../src/parser/decode.js';
import { parse } from '../src/parser/parse.js';
import { SourceFile } from '../src/source.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filesDir = join(root, '..', 'shared', 'corpus', 'files');
const files = readdirSync(filesDir)
  .sort()
  .map((f) => readFileSync(join(filesDir, f)));
const totalBytes = files.reduce((n, b) => n + b.length, 0);

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

let instructions = 0;
const corpusMs = Math.min(
  ...[0, 1, 2].map(() =>
    time(() => {
      instructions = 0;
      for (const b of files) instructions += parse(decodeBytes(b, 'Dockerfile').source).instructions.length;
    }),
  ),
);
console.log(
  `corpus: ${files.length} files, ${(totalBytes / 1e6).toFixed(2)} MB, ${instructions} instructions: ` +
    `${corpusMs.toFixed(1)} ms (best of 3) = ${Math.round(files.length / (corpusMs / 1000))} files/s, ` +
    `${(totalBytes / 1e6 / (corpusMs / 1000)).toFixed(1)} MB/s`,
);

// ~5 MB: corpus files concatenated until the size is reached
const parts: string[] = [];
let size = 0;
for (let i = 0; size < 5e6; i++) {
  const t = new TextDecoder().decode(files[i % files.length]!);
  parts.push(t, '\n');
  size += t.length + 1;
}
const big = new SourceFile('big', parts.join(''));
let bigCount = 0;
const bigMs = Math.min(...[0, 1, 2].map(() => time(() => (bigCount = parse(big).instructions.length))));
console.log(`generated ${(big.text.length / 1e6).toFixed(1)} MB Dockerfile (${bigCount} instructions): ${bigMs.toFixed(1)} ms`);

function continuation(n: number): SourceFile {
  const lines = ['FROM alpine', 'RUN echo start \\'];
  for (let i = 0; i < n; i++) lines.push(`  && echo line-${i} \\`);
  lines.push('  && echo end', '');
  return new SourceFile('cont', lines.join('\n'));
}
for (const n of [10_000, 100_000]) {
  const src = continuation(n);
  let len = 0;
  const ms = Math.min(...[0, 1, 2].map(() => time(() => (len = parse(src).instructions[1]!.original.length))));
  console.log(`RUN with ${n} continuation lines (${(src.text.length / 1e6).toFixed(1)} MB, joined ${len} chars): ${ms.toFixed(1)} ms`);
}
