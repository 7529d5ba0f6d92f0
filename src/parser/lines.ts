/**
 * BuildKit's per-keyword line parsers (frontend/dockerfile/parser/line_parsers.go and split_command.go), working on
 * a logical line (continuations joined) and returning every value with its [start, end) in that line, so the caller
 * can map it back to the source. Errors are returned as values.
 */
import type { EscapeChar } from './ast.js';
import { parseJsonArray } from './json.js';
import { goQuote, isSpace, isWs, trimEndAt, trimStartAt } from './text.js';

/** A value with its [start, end) in the logical line. */
export interface Piece {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface FlagPiece extends Piece {
  /** [start, end) of the flag name (after `--`), and of its value (null for a bare flag). */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly valueStart: number | null;
  readonly valueEnd: number | null;
}

export interface LineError {
  readonly code: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface PairPiece {
  readonly key: Piece;
  readonly value: Piece;
  readonly separator: '=' | '';
}

export interface ParsedArgs {
  /** BuildKit's `Next` values. */
  readonly args: Piece[];
  readonly json: boolean;
  readonly pairs?: PairPiece[];
  readonly error?: LineError;
}

export type LineParser = (line: string, start: number, end: number, escape: EscapeChar) => ParsedArgs;

const none: ParsedArgs = { args: [], json: false };

/** BuildKit `splitCommand`: keyword bounds, the start of the rest, flags, and the trimmed arguments bounds. */
export interface SplitCommand {
  readonly keyword: Piece;
  /** Start of everything after the keyword and its following blanks (== end when nothing follows). */
  readonly restStart: number;
  readonly end: number;
  readonly flags: readonly FlagPiece[];
  readonly argsStart: number;
  readonly argsEnd: number;
}

/** Shared by the instructions without flags (most). */
const NO_FLAGS: readonly FlagPiece[] = Object.freeze([]);

export function splitCommand(line: string, from: number, to: number): SplitCommand {
  // (two offsets, not the pair trimSpaceBounds returns: this runs for every instruction)
  const a = trimStartAt(line, from, to);
  const b = trimEndAt(line, a, to);
  let k = a;
  while (k < b && !isWs(line.charCodeAt(k))) k++;
  const keyword: Piece = { value: line.slice(a, k), start: a, end: k };
  if (k >= b) return { keyword, restStart: b, end: b, flags: NO_FLAGS, argsStart: b, argsEnd: b };
  let r = k;
  while (r < b && isWs(line.charCodeAt(r))) r++;
  const { flags, rest } = extractBuilderFlags(line, r, b);
  const as = trimStartAt(line, rest, b);
  return { keyword, restStart: r, end: b, flags, argsStart: as, argsEnd: trimEndAt(line, as, b) };
}

/**
 * BuildKit `extractBuilderFlags`. BuildKit walks bytes (so a non-ASCII byte becomes a Latin-1 rune in the flag);
 * this walks UTF-8 bytes too, keeping for each the index of its UTF-16 unit in the line.
 */
export function extractBuilderFlags(line: string, from: number, to: number): { flags: readonly FlagPiece[]; rest: number } {
  // Fast path: an ASCII first character that is neither blank nor `-` starts no flag (what the byte walk below
  // would also decide), so the common case never scans, or converts to bytes, the whole line.
  const c0 = line.charCodeAt(from);
  if (from < to && c0 < 0x80 && c0 !== 0x2d && !isSpace(c0)) return { flags: NO_FLAGS, rest: from };
  // First over the UTF-16 units as they are: while every unit the walk reads is ASCII, each is its own byte at its own
  // index, so the answer is the byte walk's. Only a walk that meets a non-ASCII unit (null) is redone over the bytes
  // (the script after the flags, often long, was scanned and, with any non-ASCII character, converted to bytes).
  const ascii = flagWalk(line, from, to, null, null);
  if (ascii !== null) return ascii;
  const { units, idx } = toBytes(line, from, to);
  return flagWalk(line, from, to, units, idx)!;
}

/** `extractBuilderFlags` always walking the UTF-8 bytes (tests compare the two). */
export function extractBuilderFlagsOverBytes(line: string, from: number, to: number): { flags: readonly FlagPiece[]; rest: number } {
  const { units, idx } = toBytes(line, from, to);
  return flagWalk(line, from, to, units, idx)!;
}

/**
 * The walk of `extractBuilderFlags` over bytes (`units`, with `idx` the UTF-16 index of each), or, when `units` is
 * null, over the UTF-16 units of [from, to), giving up (null) at the first non-ASCII unit it reads.
 */
function flagWalk(line: string, from: number, to: number, units: number[] | null, idx: number[] | null): { flags: readonly FlagPiece[]; rest: number } | null {
  const n = units ? units.length : to - from;
  const u = (p: number): number => (units ? units[p]! : line.charCodeAt(from + p));
  const at = (p: number): number => (p >= n ? to : idx ? idx[p]! : from + p);

  const words: { raw: string; start: number; end: number }[] = [];
  const IN_SPACES = 0;
  const IN_WORD = 1;
  const IN_QUOTE = 2;
  let phase = IN_SPACES;
  let word = '';
  let wordStart = 0;
  let quote = 0;
  let blankOK = false;
  let ch = 0;
  const finish = (rest: number) => ({ flags: words.map((w) => toFlag(line, w)), rest });
  for (let pos = 0; pos <= n; pos++) {
    if (pos !== n) {
      ch = u(pos);
      if (ch >= 0x80 && units === null) return null;
    }
    if (phase === IN_SPACES) {
      if (pos === n) break;
      if (isByteSpace(ch)) continue;
      // only keep going while the next word starts with `--`
      if (ch !== 0x2d || pos + 1 === n || u(pos + 1) !== 0x2d) return finish(at(pos));
      phase = IN_WORD;
      wordStart = pos;
    }
    if ((phase === IN_WORD || phase === IN_QUOTE) && pos === n) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push({ raw: word, start: at(wordStart), end: to });
      break;
    }
    if (phase === IN_WORD) {
      if (isByteSpace(ch)) {
        phase = IN_SPACES;
        if (word === '--') return finish(at(pos));
        if (blankOK || word.length > 0) words.push({ raw: word, start: at(wordStart), end: at(pos) });
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
        phase = IN_QUOTE;
        continue;
      }
      if (ch === 0x5c) {
        if (pos + 1 === n) continue;
        pos++;
        ch = u(pos);
        if (ch >= 0x80 && units === null) return null;
      }
      word += String.fromCharCode(ch);
      continue;
    }
    // IN_QUOTE
    if (ch === quote) {
      phase = IN_WORD;
      continue;
    }
    if (ch === 0x5c) {
      if (pos + 1 === n) {
        phase = IN_WORD;
        continue;
      }
      pos++;
      ch = u(pos);
      if (ch >= 0x80 && units === null) return null;
    }
    word += String.fromCharCode(ch);
  }
  return finish(to);
}

/** Go `unicode.IsSpace(rune(b))` for a byte or an ASCII unit. */
function isByteSpace(c: number): boolean {
  return isSpace(c);
}

function toBytes(line: string, from: number, to: number): { units: number[]; idx: number[] } {
  const units: number[] = [];
  const idx: number[] = [];
  for (let i = from; i < to; i++) {
    let cp = line.charCodeAt(i);
    const at = i;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < to) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (cp < 0x80) units.push(cp);
    else if (cp < 0x800) units.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) units.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else units.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    while (idx.length < units.length) idx.push(at);
  }
  return { units, idx };
}

function toFlag(line: string, w: { raw: string; start: number; end: number }): FlagPiece {
  const body = w.raw.startsWith('--') ? w.raw.slice(2) : w.raw;
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const nameStart = Math.min(w.start + 2, w.end);
  const nameEnd = Math.min(nameStart + name.length, w.end);
  let valueStart: number | null = null;
  let valueEnd: number | null = null;
  if (eq >= 0) {
    const srcEq = line.indexOf('=', nameStart);
    valueStart = srcEq >= 0 && srcEq < w.end ? srcEq + 1 : w.end;
    valueEnd = w.end;
  }
  return { value: w.raw, start: w.start, end: w.end, nameStart, nameEnd, valueStart, valueEnd };
}

/**
 * BuildKit `parseWords`: whitespace-separated words, quotes and escapes kept verbatim. BuildKit builds each word
 * character by character; since every character it keeps is kept as written, a word is the slice of the line from
 * its start to its end, less a dangling escape at the very end of the line (the one character BuildKit drops). Slicing
 * instead of appending one character at a time was ~10 MB less garbage over the corpus.
 */
export function parseWords(line: string, from: number, to: number, escape: EscapeChar): Piece[] {
  const esc = escape.charCodeAt(0);
  const words: Piece[] = [];
  const IN_SPACES = 0;
  const IN_WORD = 1;
  const IN_QUOTE = 2;
  let phase = IN_SPACES;
  let quote = 0;
  let blankOK = false;
  let start = from;
  /** 1 when the escape at `to - 1` ends the line unescaped: BuildKit drops it. */
  let dropped = 0;
  let ch = 0;
  for (let pos = from; pos <= to; pos++) {
    if (pos !== to) ch = line.charCodeAt(pos);
    if (phase === IN_SPACES) {
      if (pos === to) break;
      if (isSpace(ch)) continue;
      phase = IN_WORD;
      start = pos;
    }
    if ((phase === IN_WORD || phase === IN_QUOTE) && pos === to) {
      if (blankOK || to - dropped > start) words.push({ value: line.slice(start, to - dropped), start, end: to });
      break;
    }
    if (phase === IN_WORD) {
      if (isSpace(ch)) {
        phase = IN_SPACES;
        if (blankOK || pos > start) words.push({ value: line.slice(start, pos), start, end: pos });
        blankOK = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
        phase = IN_QUOTE;
      }
      if (ch === esc) {
        if (pos + 1 === to) {
          dropped = 1;
          continue;
        }
        pos++; // the escaped character is kept as it is, whatever it is
      }
      continue;
    }
    // IN_QUOTE
    if (ch === quote) phase = IN_WORD;
    if (ch === esc && quote !== 0x27) {
      if (pos + 1 === to) {
        phase = IN_WORD;
        dropped = 1;
        continue;
      }
      pos++;
    }
  }
  return words;
}

/** BuildKit `reWhitespace.Split(s, n)` over [from, to) (n < 0: all). */
function splitWs(line: string, from: number, to: number, n: number): Piece[] {
  const out: Piece[] = [];
  let s = from;
  let i = from;
  while (i < to) {
    if (isWs(line.charCodeAt(i)) && (n < 0 || out.length < n - 1)) {
      out.push({ value: line.slice(s, i), start: s, end: i });
      while (i < to && isWs(line.charCodeAt(i))) i++;
      s = i;
    } else i++;
  }
  out.push({ value: line.slice(s, to), start: s, end: to });
  return out;
}

/** Go regexp Split drops nothing here, but an input made only of blanks yields empty strings: keep Go's output. */
export const parseStringsWhitespaceDelimited: LineParser = (line, a, b) => {
  if (a >= b) return none;
  return { args: splitWs(line, a, b, -1), json: false };
};

export const parseString: LineParser = (line, a, b) => {
  if (a >= b) return none;
  return { args: [{ value: line.slice(a, b), start: a, end: b }], json: false };
};

const notStringArray = 'when using JSON array syntax, arrays must be comprised of strings only';

/** BuildKit `parseJSON`: null when not a JSON array (caller falls back), an error for non-string elements. */
function parseJSON(line: string, a: number, b: number): ParsedArgs | null {
  let s = a;
  while (s < b && isSpace(line.charCodeAt(s))) s++;
  if (line.charCodeAt(s) !== 0x5b) return null;
  const r = parseJsonArray(line.slice(s, b));
  if (!r.ok) return null;
  const args: Piece[] = [];
  for (const item of r.value) {
    if (typeof item.value !== 'string')
      return {
        args: [],
        json: true,
        error: { code: 'json-not-string-array', message: notStringArray, start: s + item.start, end: s + item.end },
      };
    args.push({ value: item.value, start: s + item.start, end: s + item.end });
  }
  return { args, json: true };
}

export const parseMaybeJSON: LineParser = (line, a, b) => {
  if (a >= b) return none;
  const j = parseJSON(line, a, b);
  if (j && !j.error) return j;
  const shell: ParsedArgs = { args: [{ value: line.slice(a, b), start: a, end: b }], json: false };
  return j?.error ? { ...shell, error: j.error } : shell;
};

export const parseMaybeJSONToList: LineParser = (line, a, b, escape) => {
  const j = parseJSON(line, a, b);
  if (j && !j.error) return j;
  const list = parseStringsWhitespaceDelimited(line, a, b, escape);
  return j?.error ? { ...list, error: j.error } : list;
};

/** BuildKit `parseNameVal` (ENV, LABEL): `k=v ...` pairs, or the legacy `k v` form. */
function parseNameVal(line: string, a: number, b: number, escape: EscapeChar, key: string): ParsedArgs {
  const words = parseWords(line, a, b, escape);
  if (words.length === 0) return none;
  if (!words[0]!.value.includes('=')) {
    const parts = splitWs(line, a, b, 2);
    if (parts.length < 2) {
      const k = parts[0]!;
      return {
        args: [k],
        json: false,
        pairs: [],
        error: { code: 'missing-value', message: `${key} must have two arguments`, start: a, end: b },
      };
    }
    const k = parts[0]!;
    const v = parts[1]!;
    const sep: Piece = { value: '', start: v.start, end: v.start };
    return { args: [k, v, sep], json: false, pairs: [{ key: k, value: v, separator: '' }] };
  }
  const args: Piece[] = [];
  const pairs: PairPiece[] = [];
  for (const w of words) {
    const eq = w.value.indexOf('=');
    if (eq < 0) {
      return {
        args,
        json: false,
        pairs,
        error: {
          code: 'missing-equals',
          message: `Syntax error - can't find = in ${goQuote(w.value)}. Must be of the form: name=value`,
          start: w.start,
          end: w.end,
        },
      };
    }
    const ks = w.start;
    const ke = Math.min(w.start + eq, w.end);
    const k: Piece = { value: w.value.slice(0, eq), start: ks, end: ke };
    const v: Piece = { value: w.value.slice(eq + 1), start: Math.min(ke + 1, w.end), end: w.end };
    const sep: Piece = { value: '=', start: ke, end: Math.min(ke + 1, w.end) };
    args.push(k, v, sep);
    pairs.push({ key: k, value: v, separator: '=' });
  }
  return { args, json: false, pairs };
}

export const parseEnv: LineParser = (line, a, b, escape) => parseNameVal(line, a, b, escape, 'ENV');
export const parseLabel: LineParser = (line, a, b, escape) => parseNameVal(line, a, b, escape, 'LABEL');

/** BuildKit `parseNameOrNameVal` (ARG): each word is one value. */
export const parseNameOrNameVal: LineParser = (line, a, b, escape) => ({
  args: parseWords(line, a, b, escape),
  json: false,
});

/** BuildKit `parseHealthConfig`: the type word, then the command like `parseMaybeJSON`. */
export const parseHealthConfig: LineParser = (line, a, b, escape) => {
  let sep = a;
  while (sep < b && !isHealthSpace(line.charCodeAt(sep))) sep++;
  let next = sep;
  while (next < b && isHealthSpace(line.charCodeAt(next))) next++;
  if (sep === a) return none;
  const cmd = parseMaybeJSON(line, next, b, escape);
  const typ: Piece = { value: line.slice(a, sep), start: a, end: sep };
  return cmd.error ? { args: [typ, ...cmd.args], json: cmd.json, error: cmd.error } : { args: [typ, ...cmd.args], json: cmd.json };
};

/** BuildKit tests `unicode.IsSpace(rune(byte))`; for ASCII that is `isSpace`, other units are taken as non-space. */
function isHealthSpace(c: number): boolean {
  return c < 0x80 && isSpace(c);
}

/** Unknown keywords: BuildKit keeps the instruction with one empty value. */
export const parseIgnore: LineParser = (_line, a) => ({ args: [{ value: '', start: a, end: a }], json: false });

/** The dispatch table (ONBUILD is handled by the caller: it parses a nested instruction). */
export const DISPATCH: Readonly<Record<string, LineParser>> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: parseEnv,
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: parseLabel,
  maintainer: parseString,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};
