/**
 * Faster rewrites of parser functions, checked against the straightforward versions they replaced (kept here as
 * reference implementations): same output on random lines built from the characters that matter.
 */
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import fc from 'fast-check';
import type { EscapeChar } from '../../src/parser/ast.js';
import { decodeBytes, firstInvalidUtf8 } from '../../src/parser/decode.js';
import { parseWords } from '../../src/parser/lines.js';
import type { Piece } from '../../src/parser/lines.js';
import { isSpace } from '../../src/parser/text.js';

/** BuildKit's `parseWords` as it reads: one character appended at a time. */
function parseWordsReference(line: string, from: number, to: number, escape: EscapeChar): Piece[] {
  const esc = escape.charCodeAt(0);
  const words: Piece[] = [];
  let phase = 0;
  let quote = 0;
  let blankOK = false;
  let sb = '';
  let start = from;
  let ch = 0;
  for (let pos = from; pos <= to; pos++) {
    if (pos !== to) ch = line.charCodeAt(pos);
    if (phase === 0) {
      if (pos === to) break;
      if (isSpace(ch)) continue;
      phase = 1;
      start = pos;
    }
    if ((phase === 1 || phase === 2) && pos === to) {
      if (blankOK || sb.length > 0) words.push({ value: sb, start, end: to });
      break;
    }
    if (phase === 1) {
      if (isSpace(ch)) {
        phase = 0;
        if (blankOK || sb.length > 0) words.push({ value: sb, start, end: pos });
        sb = '';
        blankOK = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
        phase = 2;
      }
      if (ch === esc) {
        if (pos + 1 === to) continue;
        sb += String.fromCharCode(ch);
        pos++;
        ch = line.charCodeAt(pos);
      }
      sb += String.fromCharCode(ch);
      continue;
    }
    if (ch === quote) phase = 1;
    if (ch === esc && quote !== 0x27) {
      if (pos + 1 === to) {
        phase = 1;
        continue;
      }
      pos++;
      sb += String.fromCharCode(ch);
      ch = line.charCodeAt(pos);
    }
    sb += String.fromCharCode(ch);
  }
  return words;
}

const lineChars = fc.constantFrom(' ', '\t', 'a', 'b', '=', '"', "'", '\\', '`', '$', '\u00a0', 'é', '\n');

it('parseWords gives the words of the character-by-character reference', () => {
  fc.assert(
    fc.property(fc.array(lineChars, { maxLength: 24 }), fc.nat(), fc.nat(), fc.boolean(), (chars, a, b, backtick) => {
      const line = chars.join('');
      const from = line.length === 0 ? 0 : a % (line.length + 1);
      const to = from + (b % (line.length - from + 1));
      const escape: EscapeChar = backtick ? '`' : '\\';
      assert.deepEqual(parseWords(line, from, to, escape), parseWordsReference(line, from, to, escape));
    }),
    { numRuns: 5000 },
  );
});

it('parseWords drops only a dangling escape at the end of the line', () => {
  assert.deepEqual(
    parseWords('a\\ b c\\', 0, 7, '\\').map((w) => w.value),
    ['a\\ b', 'c'],
  );
  assert.deepEqual(parseWords('"x\\', 0, 3, '\\'), [{ value: '"x', start: 0, end: 3 }]);
  assert.deepEqual(parseWords("'x\\", 0, 3, '\\'), [{ value: "'x\\", start: 0, end: 3 }]);
});

it('a text decoded without U+FFFD had no invalid UTF-8 (decodeBytes skips the byte scan then)', () => {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xa0)), { maxLength: 12 });
  fc.assert(
    fc.property(bytes, (b) => {
      const u8 = Uint8Array.from(b);
      if (firstInvalidUtf8(u8) >= 0) assert.ok(decoder.decode(u8).includes('\uFFFD'));
      const d = decodeBytes(u8, 'f').diagnostics.some((x) => x.code === 'invalid-utf8');
      assert.equal(d, firstInvalidUtf8(u8.subarray(u8[0] === 0xef && u8[1] === 0xbb && u8[2] === 0xbf ? 3 : 0)) >= 0);
    }),
    { numRuns: 20000, seed: 7 },
  );
});

it('extractBuilderFlags over UTF-16 units (giving up at a non-ASCII one) agrees with the walk over UTF-8 bytes', async () => {
  const { extractBuilderFlags, extractBuilderFlagsOverBytes } = await import('../../src/parser/lines.js');
  const chars = fc.constantFrom('-', '-', '-', ' ', '\t', '=', 'a', 'b', '"', "'", '\\', 'é', '\u0085', '\u00a0', '😀', ',');
  let nonAscii = 0;
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 30 }), fc.nat(3), (cs, lead) => {
      const line = 'x'.repeat(lead) + cs.join('');
      const fast = extractBuilderFlags(line, lead, line.length);
      const bytes = extractBuilderFlagsOverBytes(line, lead, line.length);
      // eslint-disable-next-line no-control-regex
      if (/[^\u0000-\u007f]/.test(line)) nonAscii++;
      assert.deepEqual(fast, bytes, JSON.stringify(line));
    }),
    { numRuns: 20000, seed: 6 },
  );
  assert.ok(nonAscii > 5000);
  // a long script with non-ASCII text after ASCII flags: the flags end where the script starts
  const line = '--mount=type=cache,target=/root/.cache --network=none echo "héllo wörld"';
  const r = extractBuilderFlags(line, 0, line.length);
  assert.deepEqual(r.flags.map((f) => f.value), ['--mount=type=cache,target=/root/.cache', '--network=none']);
  assert.equal(line.slice(r.rest), 'echo "héllo wörld"');
});
