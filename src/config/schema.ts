/**
 * Validation of a config tree against `schema/dockaudit.schema.json` (the one schema; shipped in the package, used
 * by editors too). This interprets the subset of JSON Schema the file uses: `$ref` (local), `type`, `enum`,
 * `oneOf`, `properties`, `additionalProperties`, `required`, `items`; `x-noun` names a value kind in messages.
 * Every problem is reported (not just the first), with the key path and a did-you-mean where one fits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { suggestion } from '../rules/rule-ref.js';
import { describeNode, type PNode } from './yaml-tree.js';
import type { Range } from '../source.js';

export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string;
  readonly enum?: readonly (string | number | boolean)[];
  readonly oneOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly 'x-noun'?: string;
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
}

/** src/config/ and dist/config/ are two levels below the package root, the bundled CLI (dist/cli.mjs) one. */
function schemaUrl(): URL {
  const nested = new URL('../../schema/dockaudit.schema.json', import.meta.url);
  return existsSync(nested) ? nested : new URL('../schema/dockaudit.schema.json', import.meta.url);
}

let cached: SchemaNode | undefined;
/** The shipped schema (read once). */
export function configSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(schemaUrl(), 'utf8')) as SchemaNode;
  return cached;
}

export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
  /** Where to point: the entry's key for a value inside a mapping, else the node. */
  readonly range: Range;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function deref(root: SchemaNode, s: SchemaNode): SchemaNode {
  let cur = s;
  for (let i = 0; i < 16 && cur.$ref !== undefined; i++) {
    const m = /^#\/\$defs\/([A-Za-z0-9_-]+)$/.exec(cur.$ref);
    const next = m ? root.$defs?.[m[1]!] : undefined;
    if (next === undefined) throw new Error(`schema: bad $ref ${cur.$ref}`);
    cur = { ...next, ...(cur['x-noun'] !== undefined ? { 'x-noun': cur['x-noun'] } : {}) };
  }
  return cur;
}

function typeOk(t: string, n: PNode): boolean {
  switch (t) {
    case 'object':
      return n.kind === 'map';
    case 'array':
      return n.kind === 'seq';
    case 'string':
      return n.kind === 'scalar' && typeof n.value === 'string';
    case 'boolean':
      return n.kind === 'scalar' && typeof n.value === 'boolean';
    case 'number':
      return n.kind === 'scalar' && typeof n.value === 'number';
    case 'integer':
      return n.kind === 'scalar' && typeof n.value === 'number' && Number.isInteger(n.value);
    default:
      return false;
  }
}

const TYPE_WORD: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'an integer',
};

/** Does `n` fit `s` at the top level (type/enum only), used to choose a `oneOf` branch for messages. */
function shallowFits(root: SchemaNode, s0: SchemaNode, n: PNode): boolean {
  const s = deref(root, s0);
  if (s.type !== undefined) return typeOk(s.type, n);
  if (s.enum !== undefined) return n.kind === 'scalar' && typeof n.value === 'string';
  if (s.oneOf !== undefined) return s.oneOf.some((b) => shallowFits(root, b, n));
  return true;
}

export function validate(root: SchemaNode, s0: SchemaNode, n: PNode, path: string, at: Range, out: SchemaProblem[]): void {
  const s = deref(root, s0);
  if (s.oneOf !== undefined) {
    const trial: SchemaProblem[][] = s.oneOf.map((b) => {
      const o: SchemaProblem[] = [];
      validate(root, b, n, path, at, o);
      return o;
    });
    if (trial.some((t) => t.length === 0)) return;
    // report the errors of the branch whose shape fits, else a type message listing the alternatives
    const idx = s.oneOf.findIndex((b) => shallowFits(root, b, n));
    if (idx >= 0) {
      out.push(...trial[idx]!);
      return;
    }
    const words = s.oneOf.map((b) => {
      const d = deref(root, b);
      if (d.enum !== undefined) return `one of ${d.enum.map((v) => JSON.stringify(v)).join(', ')}`;
      return TYPE_WORD[d.type ?? ''] ?? 'a value';
    });
    out.push({ path, message: `expected ${words.join(' or ')}, got ${describeNode(n)}`, range: at });
    return;
  }
  if (s.type !== undefined && !typeOk(s.type, n)) {
    out.push({ path, message: `expected ${TYPE_WORD[s.type] ?? s.type}, got ${describeNode(n)}`, range: at });
    return;
  }
  if (s.enum !== undefined) {
    const ok = n.kind === 'scalar' && s.enum.some((v) => v === n.value);
    if (!ok) {
      const noun = s['x-noun'] ?? 'value';
      const allowed = s.enum.map((v) => String(v));
      if (n.kind === 'scalar' && typeof n.value === 'string') {
        const hint = suggestion(n.value, allowed);
        out.push({
          path,
          message: `unknown ${noun} "${n.value}"${hint === '' ? ` (expected one of: ${allowed.join(', ')})` : hint}`,
          range: at,
        });
      } else {
        out.push({ path, message: `expected a ${noun} (one of: ${allowed.join(', ')}), got ${describeNode(n)}`, range: at });
      }
    }
    return;
  }
  if (n.kind === 'map' && (s.properties !== undefined || s.additionalProperties !== undefined)) {
    const props = s.properties ?? {};
    const seen = new Set<string>();
    for (const e of n.entries) {
      seen.add(e.key);
      const p = Object.prototype.hasOwnProperty.call(props, e.key) ? props[e.key] : undefined;
      const childPath = joinPath(path, e.key);
      if (p !== undefined) validate(root, p, e.value, childPath, e.keyRange, out);
      else if (s.additionalProperties === false) {
        out.push({ path: childPath, message: `unknown key "${e.key}"${suggestion(e.key, Object.keys(props))}`, range: e.keyRange });
      } else if (typeof s.additionalProperties === 'object') {
        validate(root, s.additionalProperties, e.value, childPath, e.keyRange, out);
      }
    }
    for (const r of s.required ?? []) {
      if (!seen.has(r)) out.push({ path, message: `missing required key "${r}"`, range: at });
    }
  }
  if (n.kind === 'seq' && s.items !== undefined) {
    n.items.forEach((it, i) => validate(root, s.items!, it, joinPath(path, i), it.range, out));
  }
}
