/**
 * Property tests: on mutated corpus files and random text the parser never throws, every range lies inside the text
 * with start <= end, every mapped text maps inside the source, and parsing stays fast. Runs are bounded.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import type { Dockerfile } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { dump } from '../../src/parser/dump.js';
import { parse } from '../../src/parser/parse.js';
import { sharedDir } from './helpers.js';

const filesDir = join(sharedDir, 'corpus', 'files');
const corpus = readdirSync(filesDir)
  .sort()
  .filter((_, i) => i % 25 === 0)
  .map((f) => readFileSync(join(filesDir, f)));

/** Walks the tree and checks every Range-like and MappedText-like object. */
function checkTree(df: Dockerfile): void {
  const len = df.source.text.length;
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object' || seen.has(v) || v === df.source) return;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      assert.ok(o.start >= 0 && o.start <= o.end && o.end <= len, `${path}: bad range ${o.start}-${o.end} (len ${len})`);
    }
    if (typeof o.text === 'string' && Array.isArray(o.segments)) {
      let at = 0;
      for (const s of o.segments as { at: number; src: number; length: number }[]) {
        assert.ok(s.at >= at && s.src >= 0 && s.src + s.length <= len, `${path}: bad segment`);
        at = s.at + s.length;
      }
      assert.ok(at <= o.text.length, `${path}: segments beyond the text`);
    }
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
  };
  walk(df, 'df');
}

function run(bytes: Uint8Array): void {
  const t0 = performance.now();
  const { source } = decodeBytes(bytes, 'Dockerfile');
  const df = parse(source);
  dump(df);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `parse took ${ms} ms`);
  checkTree(df);
}

const enc = new TextEncoder();
const snippets = [
  '\\\n', '`\n', '\n', '\r\n', '\r', '<<EOF\n', '<<-EOF\n', "<<'EOF'\n", 'EOF\n', '\tEOF\n', '"', "'", '[', ']', '["a", "b"]',
  '--mount=type=cache,target=/x ', '-- ', '# escape=`\n', '# syntax=x\n', '#', '\0', '\ufeff', 'ONBUILD ', 'RUN ', 'ENV ',
  'HEALTHCHECK ', 'CMD ', '=', '${', '$', '\\u00e9', ' ', '\t', '\u00a0', 'é', '😀',
];

it('mutated corpus files: never throws, ranges valid', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: corpus.length - 1 }),
      fc.array(
        fc.record({
          at: fc.nat(),
          del: fc.nat({ max: 40 }),
          ins: fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 8 })),
        }),
        { maxLength: 8 },
      ),
      fc.option(fc.constantFrom('crlf', 'bom', 'bad-bytes'), { nil: undefined }),
      (fileIndex, edits, twist) => {
        let text = new TextDecoder().decode(corpus[fileIndex]!);
        for (const e of edits) {
          const at = text.length === 0 ? 0 : e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
        }
        if (twist === 'crlf') text = text.replace(/\n/g, '\r\n');
        let bytes = enc.encode(twist === 'bom' ? '\ufeff' + text : text);
        if (twist === 'bad-bytes' && bytes.length > 0) {
          bytes = new Uint8Array(bytes);
          bytes[edits.length % bytes.length] = 0xff;
        }
        run(bytes);
      },
    ),
    { numRuns: 300, seed: 42 },
  );
});

it('random text and random bytes: never throws, ranges valid', () => {
  const alphabet = fc.constantFrom(...'RUNFROMCOPYENVARG \t\n\r\\`"\'[]{}$<-=#,:/aé\0'.split(''));
  fc.assert(
    fc.property(fc.array(fc.oneof(alphabet, fc.constantFrom(...snippets)), { maxLength: 200 }), (parts) => {
      run(enc.encode(parts.join('')));
    }),
    { numRuns: 400, seed: 7 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => run(bytes)),
    { numRuns: 300, seed: 11 },
  );
});
