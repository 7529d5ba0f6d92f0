/**
 * Shell words: quote removal, escape processing and known-variable substitution over tree-sitter-bash word nodes,
 * keeping for every character of the result where it came from (so sub-words and nested scripts map back to the
 * Dockerfile).
 */
import type { Node } from 'web-tree-sitter';
import { toSourceOffset, toSourceRange } from '../source.js';
import type { MappedSegment, MappedText, Range } from '../source.js';
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
/** A Word that remembers where each character came from (private: rules see the plain `Word` fields). */
class MappedWord implements Word {
  readonly #origin: WordOrigin;
  constructor(
    readonly value: string | null,
    readonly dynamic: boolean,
    readonly prefix: string,
    readonly raw: string,
    readonly range: Range,
    readonly quoted: boolean,
    origin: WordOrigin,
  ) {
    this.#origin = origin;
  }
  static origin(w: Word): WordOrigin | undefined {
    return w instanceof MappedWord ? w.#origin : undefined;
  }
}
const origins = { get: (w: Word): WordOrigin | undefined => MappedWord.origin(w) };

/**
 * Where each character of a word came from, kept as runs (one per pushed piece) and expanded into one offset per
 * character only when asked (sub-words, nested scripts): most words never need it, and a per-character array for
 * every word was a large share of the shell layer's allocations.
 */
class RunOrigin implements WordOrigin {
  #offs: number[] | undefined;
  constructor(
    readonly m: MappedText,
    /** Triples: start index in the word, script offset, 1 when each character has its own offset (else all map to
     * the same offset). */
    private readonly runs: readonly number[],
    private readonly length: number,
    readonly end: number,
  ) {}
  get offs(): readonly number[] {
    if (this.#offs === undefined) {
      const o = new Array<number>(this.length);
      const r = this.runs;
      for (let j = 0; j < r.length; j += 3) {
        const at = r[j]!;
        const off = r[j + 1]!;
        const step = r[j + 2] === 1;
        const to = j + 3 < r.length ? r[j + 3]! : this.length;
        for (let i = at; i < to; i++) o[i] = step ? off + (i - at) : off;
      }
      this.#offs = o;
    }
    return this.#offs;
  }
}

class Builder {
  text = '';
  /** See `RunOrigin.runs`. */
  runs: number[] = [];
  dynamic = false;
  quoted = false;
  push(s: string, off: number, step = true): void {
    if (this.dynamic || s.length === 0) return;
    this.runs.push(this.text.length, off, step ? 1 : 0);
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
    const r = this.runs;
    const j = r.length - 3;
    const at = r[j]!;
    const index = this.text.length - 1;
    const off = r[j + 2] === 1 ? r[j + 1]! + (index - at) : r[j + 1]!;
    this.text = this.text.slice(0, -1);
    if (index === at) r.length = j;
    return off;
  }
}

const SPECIAL_PARAM = /^(?:[0-9]+|[@*#?$!_-])$/;

/** Builds a Word from a tree-sitter node of the script text `m.text`. */
export function makeWord(node: Node, m: MappedText, lookup: Lookup): Word {
  const b = new Builder();
  evalNode(node, m.text, lookup, b, false);
  return finish(b, m, node.startIndex, node.endIndex);
}

/**
 * One word from adjacent argument nodes that tree-sitter-bash 0.25 splits apart: in `a/$V/b-$V-c` it ends the first
 * node with a bare `$` and starts a new argument at the variable name. The `$` and the name are rejoined as the
 * expansion bash performs.
 */
export function makeJoinedWord(nodes: readonly Node[], m: MappedText, lookup: Lookup): Word {
  const b = new Builder();
  const text = m.text;
  nodes.forEach((n, i) => {
    if (i > 0 && !b.dynamic && b.last() === '$' && n.type === 'word') {
      const t = text.slice(n.startIndex, n.endIndex);
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t)?.[0];
      if (name !== undefined && !/[\\'"]/.test(t)) {
        const off = b.pop();
        lookupInto(b, name, lookup, off);
        b.push(t.slice(name.length), n.startIndex + name.length);
        return;
      }
    }
    evalNode(n, text, lookup, b, false);
  });
  return finish(b, m, nodes[0]!.startIndex, nodes[nodes.length - 1]!.endIndex);
}

/** A literal word for a range of the script (operators, test operands). */
export function literalWord(text: string, m: MappedText, start: number, end: number): Word {
  const b = new Builder();
  b.push(text, start);
  return finish(b, m, start, end);
}

function finish(b: Builder, m: MappedText, start: number, end: number): Word {
  const prefix = b.text;
  return new MappedWord(b.dynamic ? null : prefix, b.dynamic, prefix, m.text.slice(start, end), toSourceRange(m, start, end), b.quoted, new RunOrigin(m, b.runs, prefix.length, end));
}

/** The part of a word's value from character `k` on (for `-ofile`, `--out=file`), with its own range. */
export function subWord(w: Word, k: number): Word {
  const o = origins.get(w);
  const prefix = w.prefix.slice(k);
  if (o === undefined) return { ...w, value: w.value === null ? null : w.value.slice(k), prefix };
  const startOff = o.offs[k] ?? o.end;
  const range = toSourceRange(o.m, Math.min(startOff, o.end), o.end);
  return new MappedWord(w.value === null ? null : w.value.slice(k), w.dynamic, prefix, o.m.text.slice(Math.min(startOff, o.end), o.end), range, w.quoted, {
    m: o.m,
    offs: o.offs.slice(k),
    end: o.end,
  });
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
  return { text: w.value, segments: segs };
}

/** Removes backslash escapes of unquoted text; `\<newline>` disappears. */
function pushUnquoted(b: Builder, text: string, off: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      i++;
      if (n !== '\n') b.push(n, off + i);
      continue;
    }
    b.push(c, off + i);
  }
}

/** Inside double quotes a backslash escapes only `$`, backquote, `"`, `\` and newline. */
function pushDoubleQuoted(b: Builder, text: string, off: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      if (n === '$' || n === '`' || n === '"' || n === '\\' || n === '\n') {
        i++;
        if (n !== '\n') b.push(n, off + i);
        continue;
      }
    }
    b.push(c, off + i);
  }
}

const ANSI: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function pushAnsi(b: Builder, text: string, off: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      const r = ANSI[n];
      if (r !== undefined) {
        b.push(r, off + i, false);
        i++;
        continue;
      }
      // numeric escapes (\x41, \0101, \u…): not needed for the commands rules read; treat as dynamic
      b.dyn();
      return;
    }
    b.push(c, off + i);
  }
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

function evalNode(node: Node, text: string, lookup: Lookup, b: Builder, inDouble: boolean): void {
  if (b.dynamic) return;
  const s = node.startIndex;
  const e = node.endIndex;
  switch (node.type) {
    case 'word':
    case 'number':
    case 'test_operator':
    case 'extglob_pattern':
    case 'regex':
    case 'special_variable_name':
    case 'variable_name': {
      const t = text.slice(s, e);
      if (!inDouble && t.startsWith('~')) {
        const slash = t.indexOf('/');
        const user = slash < 0 ? t.slice(1) : t.slice(1, slash);
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
        pushUnquoted(b, t.slice(1), s + 1);
        return;
      }
      if (inDouble) pushDoubleQuoted(b, t, s);
      else pushUnquoted(b, t, s);
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
      const open = node.type === 'string' ? s + 1 : s + 2;
      const close = text[e - 1] === '"' ? e - 1 : e;
      gaps(node, open, close, text, lookup, b, true);
      return;
    }
    case 'string_content':
      pushDoubleQuoted(b, text.slice(s, e), s);
      return;
    case 'concatenation':
      gaps(node, s, e, text, lookup, b, inDouble);
      return;
    case 'simple_expansion': {
      const n = node.namedChildren[0];
      if (n === undefined || n === null) {
        b.push(text.slice(s, e), s);
        return;
      }
      lookupInto(b, text.slice(n.startIndex, n.endIndex), lookup, s);
      return;
    }
    case 'expansion': {
      // ${NAME}, ${NAME:-default}, ${NAME-default}
      const kids = node.children.filter((c): c is Node => c !== null);
      const inner = kids.slice(1, -1);
      const first = inner[0];
      if (first !== undefined && (first.type === 'variable_name' || first.type === 'special_variable_name')) {
        const name = text.slice(first.startIndex, first.endIndex);
        if (inner.length === 1) {
          lookupInto(b, name, lookup, s);
          return;
        }
        const op = inner[1];
        if (op !== undefined && (op.type === ':-' || op.type === '-') && !SPECIAL_PARAM.test(name)) {
          const v = lookup(name);
          if (v === UNKNOWN) {
            b.dyn();
            return;
          }
          const useDefault = v === undefined || (op.type === ':-' && v === '');
          if (!useDefault) {
            b.push(v, s, false);
            return;
          }
          const rest = inner.slice(2);
          if (rest.length === 0) return;
          gapsRange(rest, rest[0]!.startIndex, rest[rest.length - 1]!.endIndex, text, lookup, b, inDouble);
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
      if (node.namedChildCount === 0) {
        const t = text.slice(s, e);
        if (inDouble) pushDoubleQuoted(b, t, s);
        else pushUnquoted(b, t, s);
      } else gaps(node, s, e, text, lookup, b, inDouble);
  }
}

function gaps(node: Node, s: number, e: number, text: string, lookup: Lookup, b: Builder, inDouble: boolean): void {
  gapsRange(node.namedChildren.filter((c): c is Node => c !== null), s, e, text, lookup, b, inDouble);
}

/** Evaluates children in order; text between them is literal. */
function gapsRange(kids: readonly Node[], s: number, e: number, text: string, lookup: Lookup, b: Builder, inDouble: boolean): void {
  let pos = s;
  for (const k of kids) {
    if (k.startIndex < pos || k.endIndex > e) continue;
    if (k.startIndex > pos) {
      const t = text.slice(pos, k.startIndex);
      if (inDouble) pushDoubleQuoted(b, t, pos);
      else pushUnquoted(b, t, pos);
    }
    evalNode(k, text, lookup, b, inDouble);
    pos = k.endIndex;
  }
  if (pos < e) {
    const t = text.slice(pos, e);
    if (inDouble) pushDoubleQuoted(b, t, pos);
    else pushUnquoted(b, t, pos);
  }
}

/** Wraps a caller env lookup (absent → everything unknown). */
export function envLookup(env: EnvLookup | undefined): Lookup {
  return env ?? (() => UNKNOWN);
}
