/**
 * Shell words: quote removal, escape processing and known-variable substitution over tree-sitter-bash word nodes,
 * keeping for every character of the result where it came from (so sub-words and nested scripts map back to the
 * Dockerfile).
 */
import { toSourceOffset, toSourceRange } from '../source.js';
import type { MappedSegment, MappedText, Range } from '../source.js';
import { NONE } from './tree.js';
import type { NodeId, SyntaxTree } from './tree.js';
import { UNKNOWN } from './types.js';
import type { EnvLookup, Word } from './types.js';

/** Script-level lookup: local assignments first, then the caller's env. */
export type Lookup = (name: string) => string | undefined | typeof UNKNOWN;

interface WordOrigin {
  readonly m: MappedText;
  /** Script-text offset of each character of `prefix`. */
  readonly offs: readonly number[];
  /** Script-text end offset of the word. */
  readonly end: number;
}

/**
 * A Word that remembers where each character came from (private: rules see the plain `Word` fields). The origin is
 * kept as runs (one per pushed piece, see `Builder.runs`) and expanded into one offset per character only when
 * asked (sub-words, nested scripts): most words never need it, and a per-character array (or even a separate origin
 * object) for every word was a large share of the shell layer's allocations.
 *
 * `raw` and `range` are computed on first use from the word's script offsets: rules read them for the few words they
 * report or quote, while every word (119,000 over the corpus) paid a slice and a range mapping (two binary searches
 * and an object) when they were computed up front.
 */
class MappedWord implements Word {
  readonly #m: MappedText;
  /** See `Builder.runs`; a number is a single run from character 0 with one offset per character (most words). */
  readonly #runs: readonly number[] | number;
  /** Script-text offsets of the word as written: [start, end). */
  readonly #start: number;
  readonly #end: number;
  /** `range`, once asked for (rules ask for a fifth of the words: the ones they report or compare positions of). */
  #range: Range | null = null;
  constructor(
    readonly value: string | null,
    readonly prefix: string,
    readonly quoted: boolean,
    m: MappedText,
    runs: readonly number[] | number,
    start: number,
    end: number,
  ) {
    this.#m = m;
    this.#runs = runs;
    this.#start = start;
    this.#end = end;
  }
  /** True when the value depends on something unknown: exactly when `value` is null (one field less per word). */
  get dynamic(): boolean {
    return this.value === null;
  }
  /**
   * The word as written in the script. Not cached: a slice is cheap, rules read it for the few words they quote,
   * and a cache field in each of the 113,000 words a corpus run keeps was 0.9 MB that garbage collections copied.
   */
  get raw(): string {
    return this.#m.text.slice(this.#start, this.#end);
  }
  /** Dockerfile range of the word. */
  get range(): Range {
    return (this.#range ??= toSourceRange(this.#m, this.#start, this.#end));
  }
  /** The `Word` fields, in their declared order (the getters are not own properties). */
  toJSON(): Word {
    return { value: this.value, dynamic: this.dynamic, prefix: this.prefix, raw: this.raw, range: this.range, quoted: this.quoted };
  }
  static origin(w: Word): WordOrigin | undefined {
    if (!(w instanceof MappedWord)) return undefined;
    return { m: w.#m, offs: w.#offsets(), end: w.#end };
  }
  /** The script offset of each character of `prefix` (made when asked: only sub-words and nested scripts need it). */
  #offsets(): readonly number[] {
    const r = this.#runs;
    const length = this.prefix.length;
    const o = new Array<number>(length);
    if (typeof r === 'number') {
      for (let i = 0; i < length; i++) o[i] = r + i;
      return o;
    }
    for (let j = 0; j < r.length; j += 3) {
      const at = r[j]!;
      const off = r[j + 1]!;
      const step = r[j + 2] === 1;
      const to = j + 3 < r.length ? r[j + 3]! : length;
      for (let i = at; i < to; i++) o[i] = step ? off + (i - at) : off;
    }
    return o;
  }
}
const origins = { get: (w: Word): WordOrigin | undefined => MappedWord.origin(w) };
const NO_RUNS: readonly number[] = Object.freeze([]);

class Builder {
  text = '';
  /**
   * Triples: start index in the word, script offset, 1 when each character has its own offset (else all map to the
   * same offset). Kept in `off0`/`step0` while there is one run (most words), in `runs` (all runs) after that.
   */
  runs: number[] | null = null;
  /** The first run (from index 0), when `runs` is null; -1 when there is none. */
  off0 = -1;
  step0 = 1;
  dynamic = false;
  quoted = false;
  reset(): this {
    this.text = '';
    this.runs = null;
    this.off0 = -1;
    this.step0 = 1;
    this.dynamic = false;
    this.quoted = false;
    return this;
  }
  push(s: string, off: number, step = true): void {
    if (this.dynamic || s.length === 0) return;
    const st = step ? 1 : 0;
    if (this.runs !== null) this.runs.push(this.text.length, off, st);
    else if (this.off0 < 0) {
      this.off0 = off;
      this.step0 = st;
    } else this.runs = [0, this.off0, this.step0, this.text.length, off, st];
    this.text += s;
  }
  dyn(): void {
    this.dynamic = true;
  }
  /** The last character pushed, if any. */
  last(): string | undefined {
    return this.text.length > 0 ? this.text[this.text.length - 1] : undefined;
  }
  /** Removes the last character (there must be one); returns its script offset. */
  pop(): number {
    const index = this.text.length - 1;
    let off: number;
    const r = this.runs;
    if (r === null) {
      off = this.step0 === 1 ? this.off0 + index : this.off0;
      if (index === 0) this.off0 = -1;
    } else {
      const j = r.length - 3;
      const at = r[j]!;
      off = r[j + 2] === 1 ? r[j + 1]! + (index - at) : r[j + 1]!;
      if (index === at) r.length = j;
    }
    this.text = this.text.slice(0, -1);
    return off;
  }
  /** The runs in `MappedWord` form. */
  origin(): readonly number[] | number {
    if (this.runs !== null) return this.runs.slice(); // exact size: the word keeps it
    if (this.off0 < 0) return NO_RUNS;
    return this.step0 === 1 ? this.off0 : [0, this.off0, 0];
  }
}

/** One builder reused word after word (words are built one at a time; a second is made if one is in use). */
let spare: Builder | null = new Builder();
function builder(): Builder {
  const b = spare ?? new Builder();
  spare = null;
  return b.reset();
}

const SPECIAL_PARAM = /^(?:[0-9]+|[@*#?$!_-])$/;

/** Builds a Word from a node of a tree parsed from the script text `m.text`. */
export function makeWord(t: SyntaxTree, node: NodeId, m: MappedText, lookup: Lookup): Word {
  // Most words are one plain `word` node without an escape or a leading `~`: its value
  // is its text, one run from its start. That is what the builder gives too (see evalNode), without a pass through
  // it per word.
  const s = t.start(node);
  const e = t.end(node);
  if (e > s && t.type(node) === 'word') {
    const v = t.text.slice(s, e);
    if (v.charCodeAt(0) !== 0x7e /* ~ */ && !v.includes('\\')) return new MappedWord(v, v, false, m, s, s, e);
  }
  const b = builder();
  evalNode(t, node, lookup, b, false);
  return finish(b, m, t.start(node), t.end(node));
}

/**
 * One word from adjacent argument nodes that tree-sitter-bash 0.25 splits apart: in `a/$V/b-$V-c` it ends the first
 * node with a bare `$` and starts a new argument at the variable name. The `$` and the name are rejoined as the
 * expansion bash performs.
 */
export function makeJoinedWord(t: SyntaxTree, nodes: readonly NodeId[], m: MappedText, lookup: Lookup): Word {
  const b = builder();
  nodes.forEach((n, i) => {
    if (i > 0 && !b.dynamic && b.last() === '$' && t.type(n) === 'word') {
      const s = t.textOf(n);
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s)?.[0];
      if (name !== undefined && !/[\\'"]/.test(s)) {
        const off = b.pop();
        lookupInto(b, name, lookup, off);
        b.push(s.slice(name.length), t.start(n) + name.length);
        return;
      }
    }
    evalNode(t, n, lookup, b, false);
  });
  return finish(b, m, t.start(nodes[0]!), t.end(nodes[nodes.length - 1]!));
}

/** A literal word for a range of the script (operators, test operands). */
export function literalWord(text: string, m: MappedText, start: number, end: number): Word {
  const b = builder();
  b.push(text, start);
  return finish(b, m, start, end);
}

function finish(b: Builder, m: MappedText, start: number, end: number): Word {
  const prefix = b.text;
  const w = new MappedWord(b.dynamic ? null : prefix, prefix, b.quoted, m, b.origin(), start, end);
  spare = b;
  return w;
}

/** The part of a word's value from character `k` on (for `-ofile`, `--out=file`), with its own range. */
export function subWord(w: Word, k: number): Word {
  const o = origins.get(w);
  const prefix = w.prefix.slice(k);
  if (o === undefined) return { ...w, value: w.value === null ? null : w.value.slice(k), prefix };
  const startOff = o.offs[k] ?? o.end;
  return new MappedWord(w.value === null ? null : w.value.slice(k), prefix, w.quoted, o.m, runsOf(o.offs, k), Math.min(startOff, o.end), o.end);
}

/** `Builder.runs` triples for the characters from `k` on of a word whose characters have the offsets `offs`. */
function runsOf(offs: readonly number[], k: number): readonly number[] {
  const runs: number[] = [];
  for (let i = k; i < offs.length; i++) if (i === k || offs[i] !== offs[i - 1]! + 1) runs.push(i - k, offs[i]!, 1);
  return runs;
}

/**
 * The static value of a word as a MappedText of its own (for parsing `sh -c '…'` recursively). Null when dynamic.
 * Each character maps to where it is written in the Dockerfile.
 */
export function wordAsMappedText(w: Word): MappedText | null {
  const o = origins.get(w);
  if (o === undefined || w.value === null) return null;
  const segs: MappedSegment[] = [];
  let cur: { at: number; src: number; length: number } | null = null;
  for (let i = 0; i < w.value.length; i++) {
    const src = toSourceOffset(o.m, o.offs[i]!);
    if (cur !== null && cur.src + cur.length === src) cur.length++;
    else {
      if (cur !== null) segs.push(cur);
      cur = { at: i, src, length: 1 };
    }
  }
  if (cur !== null) segs.push(cur);
  if (segs.length === 0) segs.push({ at: 0, src: w.range.start, length: 0 });
  return { text: w.value, segments: segs.slice() }; // exact size: kept with the nested script
}

// The three functions below push text in runs between escapes rather than one character at a time: a Builder run
// per character (plus a string concatenation) was the largest allocation of the shell layer. The per-character
// offsets that `MappedWord` expands are the same either way.

/** Removes backslash escapes of unquoted text; `\<newline>` disappears. */
function pushUnquoted(b: Builder, text: string, off: number): void {
  let from = 0;
  for (let i = text.indexOf('\\'); i >= 0 && i + 1 < text.length; i = text.indexOf('\\', from)) {
    if (i > from) b.push(text.slice(from, i), off + from);
    const n = text[i + 1]!;
    if (n !== '\n') b.push(n, off + i + 1);
    from = i + 2;
  }
  if (from < text.length) b.push(from === 0 ? text : text.slice(from), off + from);
}

/** Inside double quotes a backslash escapes only `$`, backquote, `"`, `\` and newline. */
function pushDoubleQuoted(b: Builder, text: string, off: number): void {
  let from = 0;
  for (let i = text.indexOf('\\'); i >= 0 && i + 1 < text.length; i = text.indexOf('\\', i + 1)) {
    const n = text[i + 1]!;
    if (n !== '$' && n !== '`' && n !== '"' && n !== '\\' && n !== '\n') continue; // the backslash stays
    if (i > from) b.push(text.slice(from, i), off + from);
    if (n !== '\n') b.push(n, off + i + 1);
    from = i + 2;
    i++; // the escaped character is not an escape itself
  }
  if (from < text.length) b.push(from === 0 ? text : text.slice(from), off + from);
}

const ANSI: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function pushAnsi(b: Builder, text: string, off: number): void {
  let from = 0;
  for (let i = text.indexOf('\\'); i >= 0 && i + 1 < text.length; i = text.indexOf('\\', from)) {
    if (i > from) b.push(text.slice(from, i), off + from);
    const r = ANSI[text[i + 1]!];
    // numeric escapes (\x41, \0101, \u…): not needed for the commands rules read; treat as dynamic
    if (r === undefined) {
      b.dyn();
      return;
    }
    b.push(r, off + i, false);
    from = i + 2;
  }
  if (from < text.length) b.push(from === 0 ? text : text.slice(from), off + from);
}

function lookupInto(b: Builder, name: string, lookup: Lookup, off: number): void {
  if (SPECIAL_PARAM.test(name)) {
    b.dyn();
    return;
  }
  const v = lookup(name);
  if (v === UNKNOWN) b.dyn();
  else if (v !== undefined) b.push(v, off, false);
}

function evalNode(t: SyntaxTree, node: NodeId, lookup: Lookup, b: Builder, inDouble: boolean): void {
  if (b.dynamic) return;
  const text = t.text;
  const s = t.start(node);
  const e = t.end(node);
  const type = t.type(node);
  switch (type) {
    case 'word':
    case 'number':
    case 'test_operator':
    case 'extglob_pattern':
    case 'regex':
    case 'special_variable_name':
    case 'variable_name': {
      const v = text.slice(s, e);
      if (!inDouble && v.startsWith('~')) {
        const slash = v.indexOf('/');
        const user = slash < 0 ? v.slice(1) : v.slice(1, slash);
        if (user !== '') {
          b.dyn();
          return;
        }
        const home = lookup('HOME');
        if (home === UNKNOWN || home === undefined) {
          b.dyn();
          return;
        }
        b.push(home, s, false);
        pushUnquoted(b, v.slice(1), s + 1);
        return;
      }
      if (inDouble) pushDoubleQuoted(b, v, s);
      else pushUnquoted(b, v, s);
      return;
    }
    case 'raw_string':
      b.quoted = true;
      b.push(text.slice(s + 1, e - 1), s + 1);
      return;
    case 'ansi_c_string':
      b.quoted = true;
      pushAnsi(b, text.slice(s + 2, e - 1), s + 2);
      return;
    case 'string':
    case 'translated_string': {
      b.quoted = true;
      const open = type === 'string' ? s + 1 : s + 2;
      const close = text[e - 1] === '"' ? e - 1 : e;
      gaps(t, node, open, close, lookup, b, true);
      return;
    }
    case 'string_content':
      pushDoubleQuoted(b, text.slice(s, e), s);
      return;
    case 'concatenation':
      gaps(t, node, s, e, lookup, b, inDouble);
      return;
    case 'simple_expansion': {
      const n = t.firstNamedChild(node);
      if (n === NONE) {
        b.push(text.slice(s, e), s);
        return;
      }
      lookupInto(b, t.textOf(n), lookup, s);
      return;
    }
    case 'expansion': {
      // ${NAME}, ${NAME:-default}, ${NAME-default}: the children between `${` and `}` are kids[1 .. n-1)
      const kids = t.children(node);
      const n = kids.length - 1;
      const first = kids[1];
      if (n > 1 && first !== undefined && (t.type(first) === 'variable_name' || t.type(first) === 'special_variable_name')) {
        const name = t.textOf(first);
        if (n === 2) {
          lookupInto(b, name, lookup, s);
          return;
        }
        const opType = t.type(kids[2]!);
        if ((opType === ':-' || opType === '-') && !SPECIAL_PARAM.test(name)) {
          const v = lookup(name);
          if (v === UNKNOWN) {
            b.dyn();
            return;
          }
          const useDefault = v === undefined || (opType === ':-' && v === '');
          if (!useDefault) {
            b.push(v, s, false);
            return;
          }
          // the default: kids[3 .. n)
          if (n <= 3) return;
          let pos = t.start(kids[3]!);
          const to = t.end(kids[n - 1]!);
          for (let i = 3; i < n; i++) pos = piece(t, kids[i]!, pos, to, lookup, b, inDouble);
          literal(t.text, pos, to, b, inDouble);
          return;
        }
      }
      b.dyn();
      return;
    }
    case 'command_substitution':
    case 'process_substitution':
    case 'arithmetic_expansion':
    case 'brace_expression':
      b.dyn();
      return;
    default:
      if (!t.hasNamedChild(node)) {
        const v = text.slice(s, e);
        if (inDouble) pushDoubleQuoted(b, v, s);
        else pushUnquoted(b, v, s);
      } else gaps(t, node, s, e, lookup, b, inDouble);
  }
}

/** Evaluates the named children of `node` in order between offsets `s` and `e`; text between them is literal. */
function gaps(t: SyntaxTree, node: NodeId, s: number, e: number, lookup: Lookup, b: Builder, inDouble: boolean): void {
  let pos = s;
  for (let k = t.firstChild(node); k !== NONE; k = t.nextSibling(k)) if (t.isNamed(k)) pos = piece(t, k, pos, e, lookup, b, inDouble);
  literal(t.text, pos, e, b, inDouble);
}

/** One child of a `gaps` walk: the literal text from `pos` up to it, then the child; returns the new position. */
function piece(t: SyntaxTree, k: NodeId, pos: number, e: number, lookup: Lookup, b: Builder, inDouble: boolean): number {
  const ks = t.start(k);
  const ke = t.end(k);
  if (ks < pos || ke > e) return pos;
  literal(t.text, pos, ks, b, inDouble);
  evalNode(t, k, lookup, b, inDouble);
  return ke;
}

/** Literal script text in [from, to), if any, with the escapes of its quoting. */
function literal(text: string, from: number, to: number, b: Builder, inDouble: boolean): void {
  if (from >= to) return;
  const v = text.slice(from, to);
  if (inDouble) pushDoubleQuoted(b, v, from);
  else pushUnquoted(b, v, from);
}

/** Wraps a caller env lookup (absent → everything unknown). */
export function envLookup(env: EnvLookup | undefined): Lookup {
  return env ?? (() => UNKNOWN);
}
