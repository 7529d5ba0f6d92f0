/**
 * Small text helpers that reproduce Go's semantics where BuildKit relies on them: `unicode.IsSpace`,
 * `strings.TrimSpace`, `strconv.Quote` and the `[\t\v\f\r ]+` whitespace class.
 */

/** Go `unicode.IsSpace` for one UTF-16 code unit (no space lies outside the BMP). */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** The `[\t\v\f\r ]` class of BuildKit's `reWhitespace`. */
export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d;
}

/** Go regexp `\s`: `[\t\n\f\r ]`. */
export function isReSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** The first offset in [from, to) that is not a Go `unicode.IsSpace` character (`to` when there is none). */
export function trimStartAt(s: string, from: number, to: number): number {
  let a = from;
  while (a < to && isSpace(s.charCodeAt(a))) a++;
  return a;
}

/** The end of `s.slice(from, to)` without trailing Go `unicode.IsSpace` characters (`from` when all are). */
export function trimEndAt(s: string, from: number, to: number): number {
  let b = to;
  while (b > from && isSpace(s.charCodeAt(b - 1))) b--;
  return b;
}

/** [start, end) of `s.slice(from, to)` with Go `unicode.IsSpace` trimmed at both ends. */
export function trimSpaceBounds(s: string, from = 0, to = s.length): [number, number] {
  let a = from;
  let b = to;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return [a, b];
}

const printable = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const hex = '0123456789abcdef';

function isPrintCp(cp: number): boolean {
  if (cp < 0x7f) return cp >= 0x20;
  if (cp === 0xfffd) return true;
  return printable.test(String.fromCodePoint(cp));
}

/** Go `strconv.Quote` (for text that came from valid UTF-8). */
export function goQuote(s: string): string {
  let out = '"';
  let plainFrom = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    if (cp >= 0x80 && isPrintCp(cp)) {
      i += width - 1;
      continue;
    }
    out += s.slice(plainFrom, i);
    switch (cp) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0b:
        out += '\\v';
        break;
      default:
        if (cp < 0x80) out += '\\x' + hex[cp >> 4]! + hex[cp & 15]!;
        else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
        else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
        else out += '\\U' + cp.toString(16).padStart(8, '0');
    }
    i += width - 1;
    plainFrom = i + 1;
  }
  return out + s.slice(plainFrom) + '"';
}
