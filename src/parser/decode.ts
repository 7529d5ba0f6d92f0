/**
 * Bytes → SourceFile. Never throws: a UTF-8 BOM is stripped (and remembered), invalid UTF-8 is decoded lossily
 * (U+FFFD) with an `invalid-utf8` error at the first bad byte, NUL bytes give a `binary-content` error.
 */
import { SourceFile } from '../source.js';
import type { ParseDiagnostic } from './ast.js';

const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Index of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  const n = bytes.length;
  let i = from;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeBytes(bytes: Uint8Array, path: string): { source: SourceFile; diagnostics: ParseDiagnostic[] } {
  const diagnostics: ParseDiagnostic[] = [];
  let start = 0;
  let bom = false;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    start = 3;
    bom = true;
  }
  const body = bytes.subarray(start);
  const text = lossy.decode(body);
  const source = new SourceFile(path, text, bom);
  // The decoder replaces every invalid sequence with U+FFFD (the WHATWG decoder and `firstInvalidUtf8` agree on what
  // is invalid): without one in the text the bytes were valid, and the byte-by-byte scan is skipped (most files)
  const bad = text.includes('\uFFFD') ? firstInvalidUtf8(body) : -1;
  if (bad >= 0) {
    // offset in the decoded text of the first bad byte: decode the valid prefix
    const offset = lossy.decode(body.subarray(0, bad)).length;
    const pos = source.positionAt(offset);
    diagnostics.push({
      code: 'invalid-utf8',
      severity: 'error',
      message: `invalid UTF-8 at line ${pos.line}, column ${pos.column}; decoded with replacement characters`,
      range: { start: offset, end: Math.min(text.length, offset + 1) },
    });
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const pos = source.positionAt(nul);
    diagnostics.push({
      code: 'binary-content',
      severity: 'error',
      message: `NUL byte at line ${pos.line}, column ${pos.column}: this looks like a binary file, not a Dockerfile`,
      range: { start: nul, end: nul + 1 },
    });
  }
  return { source, diagnostics };
}
