/**
 * YAML/JSON text → a small positioned tree, safely: no tags (custom or explicit), no aliases/anchors (so no
 * alias bombs or cycles), duplicate keys rejected, mapping keys kept as strings in arrays (never object
 * properties), so `__proto__` is just a key.
 */
import type { Node as YamlNode } from 'yaml';
import { yaml } from './yaml-lazy.js';
import type { Range } from '../source.js';

export type PNode =
  | { readonly kind: 'map'; readonly entries: readonly PEntry[]; readonly range: Range }
  | { readonly kind: 'seq'; readonly items: readonly PNode[]; readonly range: Range }
  | { readonly kind: 'scalar'; readonly value: string | number | boolean | null; readonly range: Range };

export interface PEntry {
  readonly key: string;
  readonly keyRange: Range;
  readonly value: PNode;
}

export interface TreeProblem {
  readonly message: string;
  readonly range: Range;
}

function rangeOf(n: { range?: [number, number, number] | null } | null | undefined, fallback: Range): Range {
  const r = n?.range;
  return r ? { start: r[0], end: r[1] } : fallback;
}

export function parseTree(text: string): { tree: PNode | null; problems: TreeProblem[] } {
  const problems: TreeProblem[] = [];
  const { isAlias, isMap, isScalar, isSeq, parseDocument } = yaml();
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true });
  for (const e of doc.errors) {
    const msg = e.message.split('\n')[0] ?? e.message;
    problems.push({ message: `invalid YAML: ${msg.replace(/ at line \d+, column \d+:?$/, '')}`, range: { start: e.pos[0], end: e.pos[1] } });
  }
  if (doc.errors.length > 0) return { tree: null, problems };
  const whole: Range = { start: 0, end: text.length };
  const walk = (n: unknown, fallback: Range): PNode => {
    if (n === null || n === undefined) return { kind: 'scalar', value: null, range: fallback };
    const node = n as YamlNode;
    const r = rangeOf(node as { range?: [number, number, number] }, fallback);
    if (isAlias(n)) {
      problems.push({ message: 'YAML aliases (*name) are not supported in config files', range: r });
      return { kind: 'scalar', value: null, range: r };
    }
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined) problems.push({ message: `YAML tags (${tag.replace(/^tag:yaml\.org,2002:/, '!!')}) are not allowed in config files`, range: r });
    if (isMap(n)) {
      const entries: PEntry[] = [];
      for (const pair of n.items) {
        const k = pair.key as unknown;
        const kr = rangeOf(k as { range?: [number, number, number] }, r);
        if (!isScalar(k) || (k.value !== null && typeof k.value === 'object')) {
          problems.push({ message: 'mapping keys must be plain strings', range: kr });
          continue;
        }
        entries.push({ key: String(k.value), keyRange: kr, value: walk(pair.value, { start: kr.end, end: kr.end }) });
      }
      return { kind: 'map', entries, range: r };
    }
    if (isSeq(n)) return { kind: 'seq', items: n.items.map((it) => walk(it, r)), range: r };
    if (isScalar(n)) {
      const v = n.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        return { kind: 'scalar', value: v, range: r };
      }
      if (typeof v === 'bigint') return { kind: 'scalar', value: Number(v), range: r };
      problems.push({ message: 'unsupported YAML value', range: r });
      return { kind: 'scalar', value: null, range: r };
    }
    problems.push({ message: 'unsupported YAML node', range: r });
    return { kind: 'scalar', value: null, range: r };
  };
  const tree = doc.contents === null ? null : walk(doc.contents, whole);
  return { tree, problems };
}

/** Plain data from a tree: objects have a null prototype, so user keys never become structure. */
export function toPlain(n: PNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toPlain);
  const o = Object.create(null) as Record<string, unknown>;
  for (const e of n.entries) Object.defineProperty(o, e.key, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
  return o;
}

export function describeNode(n: PNode): string {
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'nothing (null)';
  if (typeof n.value === 'string') return `a string ("${n.value}")`;
  if (typeof n.value === 'number') return `a number (${n.value})`;
  return `a boolean (${n.value})`;
}
