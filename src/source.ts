/**
 * Source text and positions. Every node of every layer carries a `Range` of 0-based UTF-16 offsets into
 * `SourceFile.text`; 1-based lines and columns are computed only at the edges (reports, CLI messages).
 */

/** Half-open range `[start, end)` of 0-based UTF-16 offsets into `SourceFile.text`. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** 1-based line and 1-based column (UTF-16 code units). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export function range(start: number, end: number): Range {
  return { start, end };
}

export class SourceFile {
  /** Decoded text without a leading UTF-8 byte order mark. */
  readonly text: string;
  /** True when the bytes started with a UTF-8 BOM (kept so `--fix` can write it back). */
  readonly bom: boolean;
  /** Offsets at which each line starts (line i+1 starts at lineStarts[i]); only `\n` ends a line. */
  readonly lineStarts: readonly number[];

  constructor(
    readonly path: string,
    text: string,
    bom = false,
  ) {
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      bom = true;
    }
    this.text = text;
    this.bom = bom;
    // Lines end at `\n` only (a lone `\r` is not a line break), as BuildKit counts them: line numbers in reports
    // then agree with `docker build` and with the parser's startLine/endLine.
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 1-based line/column of an offset (clamped to the text). */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /** Offset of a 1-based line/column. */
  offsetAt(pos: Position): number {
    const line = Math.max(1, Math.min(pos.line, this.lineStarts.length));
    return Math.min(this.text.length, this.lineStarts[line - 1]! + pos.column - 1);
  }

  /** The text of a 1-based line without its line terminator. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  slice(r: Range): string {
    return this.text.slice(r.start, r.end);
  }
}

/**
 * A string assembled from pieces of the source (continuations joined, comment lines dropped, heredoc tabs
 * stripped) together with the map from each of its offsets back to the original text.
 */
export interface MappedText {
  readonly text: string;
  /**
   * Segments in increasing order: `text.slice(at, at + length)` equals
   * `source.text.slice(src, src + length)` (or, for a synthetic segment, was produced from that source span).
   */
  readonly segments: readonly MappedSegment[];
}

export interface MappedSegment {
  /** Offset in `MappedText.text`. */
  readonly at: number;
  /** Offset in the original source text. */
  readonly src: number;
  readonly length: number;
}

/** Maps an offset of `m.text` to an offset in the original source. `end` positions map to just after the char. */
export function toSourceOffset(m: MappedText, offset: number): number {
  const segs = m.segments;
  if (segs.length === 0) return 0;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]!.at <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = segs[lo]!;
  return s.src + Math.min(Math.max(offset - s.at, 0), s.length);
}

/** Maps a range of `m.text` to a range of the original source. */
export function toSourceRange(m: MappedText, start: number, end: number): Range {
  const s = toSourceOffset(m, start);
  // map the end through the last character so a range never swallows a dropped continuation
  const e = end > start ? toSourceOffset(m, end - 1) + 1 : s;
  return { start: s, end: Math.max(s, e) };
}
