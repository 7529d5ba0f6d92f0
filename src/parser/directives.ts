/**
 * Parser directives (`# syntax=`, `# escape=`, `# check=`) with BuildKit's rules: only at the very top, one per
 * line, `#` then optional whitespace then `name = value`; names are case-insensitive; the first line that is not a
 * known directive ends them; a repeated directive is an error.
 */
import { parseJsonValue } from './json.js';
import { isReSpace, isSpace } from './text.js';

export const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set(['syntax', 'escape', 'check']);

export interface DirectiveMatch {
  /** Lower-cased name. */
  readonly name: string;
  readonly value: string;
  /** [start, end) of name and value in the line passed in. */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isAlnum(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39);
}

/** Matches `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` at `from` (the text after the comment prefix and blanks). */
export function matchDirective(line: string, from: number, to = line.length): DirectiveMatch | null {
  let p = from;
  if (p >= to || !isAlpha(line.charCodeAt(p))) return null;
  const nameStart = p;
  while (p < to && isAlnum(line.charCodeAt(p))) p++;
  const nameEnd = p;
  while (p < to && isReSpace(line.charCodeAt(p))) p++;
  if (line.charCodeAt(p) !== 0x3d || p >= to) return null;
  p++;
  while (p < to && isReSpace(line.charCodeAt(p))) p++;
  let e = to;
  while (e > p && isReSpace(line.charCodeAt(e - 1))) e--;
  if (e <= p) return null;
  // `.` does not match a newline
  for (let k = p; k < e; k++) if (line.charCodeAt(k) === 0x0a) return null;
  return {
    name: line.slice(nameStart, nameEnd).toLowerCase(),
    value: line.slice(p, e),
    nameStart,
    nameEnd,
    valueStart: p,
    valueEnd: e,
  };
}

/** BuildKit's `DirectiveParser`: feed lines one by one. */
export class DirectiveParser {
  done = false;
  line = 0;
  private readonly seen = new Set<string>();
  constructor(readonly prefix = '#') {}

  /**
   * Returns the directive on this line, null when the line is not one (which ends the directives), or an error
   * for a repeated directive.
   */
  parseLine(text: string, from = 0, to = text.length): DirectiveMatch | null | { error: string; match: DirectiveMatch } {
    this.line++;
    if (this.done) return null;
    if (!text.startsWith(this.prefix, from) || from + this.prefix.length > to) {
      this.done = true;
      return null;
    }
    let p = from + this.prefix.length;
    while (p < to && isSpace(text.charCodeAt(p))) p++;
    const m = matchDirective(text, p, to);
    if (m === null || !KNOWN_DIRECTIVES.has(m.name)) {
      this.done = true;
      return null;
    }
    if (this.seen.has(m.name)) return { error: `only one ${m.name} parser directive can be used`, match: m };
    this.seen.add(m.name);
    return m;
  }
}

export interface DetectedDirective {
  readonly ok: boolean;
  /** The value up to the first space (`docker/dockerfile:1`). */
  readonly ref: string;
  /** The whole value. */
  readonly cmdline: string;
  /** 1-based line of the directive (0 when found in a JSON header without shebang). */
  readonly line: number;
}

function splitLines(text: string): string[] {
  // bufio.ScanLines: split on \n, drop one trailing \r, no empty last line
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let j = text.indexOf('\n', i);
    const last = j < 0;
    if (last) j = text.length;
    let line = text.slice(i, j);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out.push(line);
    i = j + 1;
    if (last) break;
  }
  return out;
}

function fromParser(key: string, text: string, parser: DirectiveParser): DetectedDirective | null {
  for (const line of splitLines(text)) {
    if (parser.done) break;
    const r = parser.parseLine(line);
    if (r === null) continue;
    if ('error' in r) break;
    if (r.name === key) {
      const sp = r.value.indexOf(' ');
      return { ok: true, ref: sp < 0 ? r.value : r.value.slice(0, sp), cmdline: r.value, line: parser.line };
    }
  }
  return null;
}

function directive(key: string, input: string, anyFormat: boolean): DetectedDirective {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let line = 0;
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (first.startsWith('#!')) {
    text = nl < 0 ? '' : text.slice(nl + 1);
    line = 1;
  }
  const hash = new DirectiveParser('#');
  hash.line = line;
  const found = fromParser(key, text, hash);
  if (found) return found;
  const none = { ok: false, ref: '', cmdline: '', line: 0 };
  if (!anyFormat) return none;
  const slashes = new DirectiveParser('//');
  slashes.line = line;
  const found2 = fromParser(key, text, slashes);
  if (found2) return found2;
  const json = parseJsonValue(text);
  if (json.ok && json.value !== null && typeof json.value === 'object' && !Array.isArray(json.value)) {
    const v = Object.prototype.hasOwnProperty.call(json.value, key) ? json.value[key] : undefined;
    if (typeof v === 'string') return { ok: true, ref: v, cmdline: v, line };
  }
  return none;
}

/** BuildKit `DetectSyntax`: `# syntax=`, then `// syntax=`, then a JSON header `{"syntax": "..."}`. */
export function detectSyntax(text: string): DetectedDirective {
  return directive('syntax', text, true);
}

/** BuildKit `ParseDirective(key, dt)`: only the `#` comment form. */
export function parseDirective(key: string, text: string): DetectedDirective {
  return directive(key, text, false);
}
