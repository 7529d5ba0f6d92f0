/**
 * A tree-sitter tree copied once into flat typed arrays, so the walker and word code read plain numbers instead of
 * web-tree-sitter `Node` wrappers.
 *
 * Why: every `Node` property (`type`, `endIndex`, `children`, `childForFieldName`, …) is a WebAssembly call with the
 * node marshalled through a transfer buffer, and `children`/`namedChildren` allocate a new wrapper object per child.
 * Over the corpus (5,398 scripts, 321,000 nodes) that walk cost more than the parse itself and produced most of the
 * shell layer's garbage. Copying the tree in one cursor pass costs about 4 small WebAssembly calls per node; after
 * that every question about a node is an array read. See docs/shell.md ("How the tree is read").
 */
import type { Language, Tree, TreeCursor } from 'web-tree-sitter';

/** A node: its index in pre-order (the root is 0). */
export type NodeId = number;
/** "No node" (like a null `Node`). */
export const NONE: NodeId = -1;

// per-node record in `SyntaxTree.data` (exported for the memory reader, tree-memory.ts)
export const STRIDE = 5;
export const TYPE = 0; // grammar symbol id (ts_node_symbol, aliases applied)
export const START = 1; // UTF-16 offset
export const END = 2;
export const NEXT = 3; // next sibling, or NONE
export const INFO = 4; // field id << 8 | flags
export const F_NAMED = 1;
export const F_MISSING = 2;
export const F_PARENT = 4; // has children (the first is the next record)

/** Per-language tables: type names, named flags and field ids by number. */
export class LanguageTables {
  /** Type name by symbol id (`language.types`, `ERROR` where it has none, as `Node.type` does). */
  readonly names: readonly string[];
  readonly named: Uint8Array;
  /** Field name → id (0 is "no field"). */
  readonly fieldIds: ReadonlyMap<string, number>;
  /** 1 for the types of `$( )`/backquote and `<( )`/`>( )` nodes (`SyntaxTree.hasSubstitutionIn`). */
  readonly substitution: Uint8Array;
  constructor(readonly language: Language) {
    const types = language.types;
    const names: string[] = [];
    const named = new Uint8Array(types.length);
    const substitution = new Uint8Array(types.length);
    for (let i = 0; i < types.length; i++) {
      names.push(internalized(types[i] || 'ERROR'));
      named[i] = language.nodeTypeIsNamed(i) ? 1 : 0;
      if (types[i] === 'command_substitution' || types[i] === 'process_substitution') substitution[i] = 1;
    }
    this.names = names;
    this.named = named;
    this.substitution = substitution;
    const ids = new Map<string, number>();
    language.fields.forEach((f, i) => {
      if (f !== null && i > 0 && !ids.has(f)) ids.set(f, i);
    });
    this.fieldIds = ids;
  }
  name(typeId: number): string {
    return this.names[typeId] ?? 'ERROR';
  }
  isNamed(typeId: number): boolean {
    // ids past the table: the builtin ERROR symbol (65535), which tree-sitter treats as named
    return typeId < this.named.length ? this.named[typeId] === 1 : true;
  }
}

/**
 * The same string as V8's internalized (unique) copy. The type names come out of WebAssembly memory as fresh strings;
 * the walker and the word code compare them with literals (`switch (type)`, `type === 'command'`) and use them as
 * keys, for every node. A comparison of two internalized strings is a pointer comparison, and a keyed lookup need not
 * look the string up in the string table first; with the fresh copies each comparison compared characters. Property
 * names are internalized, so a name read back from an object's keys is the internalized string.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/** A parsed script as flat arrays. Nodes are `NodeId`s; text comes from the script string. */
export class SyntaxTree {
  constructor(
    readonly text: string,
    private readonly data: Int32Array,
    /** Number of nodes. */
    readonly count: number,
    private readonly lang: LanguageTables,
  ) {}

  static readonly ROOT: NodeId = 0;

  /** Start offsets of the command and process substitution nodes, ascending (made when first asked for). */
  #substitutions: Int32Array | null = null;

  /**
   * Whether a command or process substitution node starts in [from, to]: false means no node between those offsets
   * holds one. The walker asks this for every word; scanning each word's text for `$(` cost more (a tree is read for
   * thousands of scripts that repeat it, and most trees have no substitution at all).
   */
  hasSubstitutionIn(from: number, to: number): boolean {
    let starts = this.#substitutions;
    if (starts === null) {
      // pre-order: start offsets never decrease, so the list comes out sorted
      const data = this.data;
      const flags = this.lang.substitution;
      let k = 0;
      for (let n = 0; n < this.count; n++) if (flags[data[n * STRIDE + TYPE]!] === 1) k++;
      starts = new Int32Array(k);
      k = 0;
      for (let n = 0; n < this.count; n++) if (flags[data[n * STRIDE + TYPE]!] === 1) starts[k++] = data[n * STRIDE + START]!;
      this.#substitutions = starts;
    }
    if (starts.length === 0) return false;
    // the first start at or after `from`
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! <= to;
  }

  typeId(n: NodeId): number {
    return this.data[n * STRIDE + TYPE]!;
  }
  type(n: NodeId): string {
    // the table read of `LanguageTables.name`, without the second call (422,000 calls per corpus pass, most of them
    // in code not yet optimised)
    return this.lang.names[this.data[n * STRIDE + TYPE]!] ?? 'ERROR';
  }
  start(n: NodeId): number {
    return this.data[n * STRIDE + START]!;
  }
  end(n: NodeId): number {
    return this.data[n * STRIDE + END]!;
  }
  /** The node's text (a slice of the script). */
  textOf(n: NodeId): string {
    return this.text.slice(this.data[n * STRIDE + START]!, this.data[n * STRIDE + END]!);
  }
  isNamed(n: NodeId): boolean {
    return (this.data[n * STRIDE + INFO]! & F_NAMED) !== 0;
  }
  isMissing(n: NodeId): boolean {
    return (this.data[n * STRIDE + INFO]! & F_MISSING) !== 0;
  }
  /** The field id under which the node is its parent's child (0: none). */
  fieldId(n: NodeId): number {
    return this.data[n * STRIDE + INFO]! >>> 8;
  }
  firstChild(n: NodeId): NodeId {
    return (this.data[n * STRIDE + INFO]! & F_PARENT) !== 0 ? n + 1 : NONE;
  }
  nextSibling(n: NodeId): NodeId {
    return this.data[n * STRIDE + NEXT]!;
  }
  /** The first child with this field name (`Node.childForFieldName`), or NONE. */
  childForField(n: NodeId, field: string): NodeId {
    const id = this.lang.fieldIds.get(field);
    if (id === undefined) return NONE;
    for (let c = this.firstChild(n); c !== NONE; c = this.nextSibling(c)) if (this.fieldId(c) === id) return c;
    return NONE;
  }
  /** The i-th child (named or not), or NONE. */
  child(n: NodeId, i: number): NodeId {
    let c = this.firstChild(n);
    for (let k = 0; k < i && c !== NONE; k++) c = this.nextSibling(c);
    return c;
  }
  /** Every child in order (a new array). */
  children(n: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (let c = this.firstChild(n); c !== NONE; c = this.nextSibling(c)) out.push(c);
    return out;
  }
  /** The named children in order (a new array). */
  namedChildren(n: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (let c = this.firstChild(n); c !== NONE; c = this.nextSibling(c)) if (this.isNamed(c)) out.push(c);
    return out;
  }
  firstNamedChild(n: NodeId): NodeId {
    for (let c = this.firstChild(n); c !== NONE; c = this.nextSibling(c)) if (this.isNamed(c)) return c;
    return NONE;
  }
  hasNamedChild(n: NodeId): boolean {
    return this.firstNamedChild(n) !== NONE;
  }
}

/** True when two trees have the same nodes (type, offsets, flags, field, links): checks one tree reader against another. */
export function sameTree(a: SyntaxTree, b: SyntaxTree): boolean {
  if (a.count !== b.count || a.text !== b.text) return false;
  for (let n = 0; n < a.count; n++) {
    if (a.typeId(n) !== b.typeId(n) || a.start(n) !== b.start(n) || a.end(n) !== b.end(n)) return false;
    if (a.nextSibling(n) !== b.nextSibling(n) || a.firstChild(n) !== b.firstChild(n) || a.fieldId(n) !== b.fieldId(n)) return false;
    if (a.isNamed(n) !== b.isNamed(n) || a.isMissing(n) !== b.isMissing(n)) return false;
  }
  return true;
}

/**
 * The few exports of web-tree-sitter's WebAssembly module that walk a tree cursor kept in the module's transfer
 * buffer. web-tree-sitter's own `TreeCursor` copies the cursor in and out of that buffer around every call (eight
 * memory accesses through a generic `setValue`/`getValue`); keeping it in the buffer for a whole walk is what makes
 * the copy cheap. These functions are internal to the pinned web-tree-sitter version: `bindingFrom` checks that each
 * exists, and without them the public `TreeCursor` API is used (same result, about 3× slower).
 */
export interface CursorBinding {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const BINDING_FUNCTIONS: readonly (keyof CursorBinding)[] = [
  '_ts_tree_root_node_wasm',
  '_ts_node_has_error_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
];

/** The cursor functions of an initialised web-tree-sitter module object, or null when any is missing. */
export function bindingFrom(module: object): CursorBinding | null {
  const m = module as Record<string, unknown>;
  for (const f of BINDING_FUNCTIONS) if (typeof m[f] !== 'function') return null;
  return module as CursorBinding;
}

/**
 * Scratch records of the tree being copied (one buffer reused for every copy; `readTree` does not reenter), copied
 * into an exactly sized array at the end.
 */
let scratch = new Int32Array(4096 * STRIDE);

/**
 * Copies `tree` (parsed from `text`) into a `SyntaxTree`, in one pre-order cursor pass. Iterative: trees nested
 * tens of thousands deep are copied without recursion. `binding` null uses web-tree-sitter's public TreeCursor.
 */
export function readTree(tree: Tree, text: string, lang: LanguageTables, binding: CursorBinding | null): SyntaxTree {
  // the tree's address in WebAssembly memory (web-tree-sitter keeps it at index 0 of the Tree object)
  const address = (tree as unknown as { readonly 0: unknown })[0];
  const t = typeof address === 'number' ? address : 0;
  const b = binding !== null && t !== 0 ? binding : publicCursor(tree);
  b._ts_tree_root_node_wasm(t);
  // a tree without errors has no MISSING nodes: skip that question per node
  const hasError = b._ts_node_has_error_wasm(t) === 1;
  b._ts_tree_cursor_new_wasm(t);
  let n = 0;
  try {
    // last node added at each depth, to link it to its next sibling
    const last: NodeId[] = [NONE];
    let depth = 0;
    let d = scratch;
    for (;;) {
      const at = n * STRIDE;
      if (at + STRIDE > d.length) {
        const bigger = new Int32Array(d.length * 2);
        bigger.set(d);
        scratch = d = bigger;
      }
      const type = b._ts_tree_cursor_current_node_type_id_wasm(t);
      let info = (b._ts_tree_cursor_current_field_id_wasm(t) << 8) | (lang.isNamed(type) ? F_NAMED : 0);
      if (hasError && b._ts_tree_cursor_current_node_is_missing_wasm(t) === 1) info |= F_MISSING;
      d[at + TYPE] = type;
      d[at + START] = b._ts_tree_cursor_start_index_wasm(t);
      d[at + END] = b._ts_tree_cursor_end_index_wasm(t);
      d[at + NEXT] = NONE;
      const prev = last[depth]!;
      if (prev !== NONE) d[prev * STRIDE + NEXT] = n;
      last[depth] = n;
      n++;
      if (b._ts_tree_cursor_goto_first_child_wasm(t) === 1) {
        d[at + INFO] = info | F_PARENT;
        last[++depth] = NONE;
        continue;
      }
      d[at + INFO] = info;
      let more = true;
      while (b._ts_tree_cursor_goto_next_sibling_wasm(t) !== 1) {
        if (depth === 0 || b._ts_tree_cursor_goto_parent_wasm(t) !== 1) {
          more = false;
          break;
        }
        depth--;
      }
      if (!more) break;
    }
  } finally {
    // the cursor is still in the transfer buffer (nothing else ran in between): free its stack
    b._ts_tree_cursor_delete_wasm(t);
  }
  const data = scratch.slice(0, n * STRIDE);
  // a huge script (a pathological 1 MB RUN) should not keep its scratch space for the rest of the process
  if (scratch.length > SCRATCH_KEEP) scratch = new Int32Array(4096 * STRIDE);
  return new SyntaxTree(text, data, n, lang);
}
const SCRATCH_KEEP = (1 << 16) * STRIDE;

/** The same operations over web-tree-sitter's public TreeCursor (the fallback, and the reference in tests). */
function publicCursor(tree: Tree): CursorBinding {
  let c: TreeCursor | null = null;
  const cur = (): TreeCursor => {
    c ??= tree.walk();
    return c;
  };
  return {
    _ts_tree_root_node_wasm: () => undefined,
    _ts_node_has_error_wasm: () => (tree.rootNode.hasError ? 1 : 0),
    _ts_tree_cursor_new_wasm: () => void cur(),
    _ts_tree_cursor_delete_wasm: () => c?.delete(),
    _ts_tree_cursor_goto_first_child_wasm: () => (cur().gotoFirstChild() ? 1 : 0),
    _ts_tree_cursor_goto_next_sibling_wasm: () => (cur().gotoNextSibling() ? 1 : 0),
    _ts_tree_cursor_goto_parent_wasm: () => (cur().gotoParent() ? 1 : 0),
    _ts_tree_cursor_current_node_type_id_wasm: () => cur().nodeTypeId,
    _ts_tree_cursor_current_node_is_missing_wasm: () => (cur().nodeIsMissing ? 1 : 0),
    _ts_tree_cursor_current_field_id_wasm: () => cur().currentFieldId,
    _ts_tree_cursor_start_index_wasm: () => cur().startIndex,
    _ts_tree_cursor_end_index_wasm: () => cur().endIndex,
  };
}

/**
 * Recently parsed trees by script text. Dockerfiles repeat scripts (`apt-get update && …`, `sh -c` bodies, the same
 * RUN across stages and files): over the corpus 2,475 of 5,398 scripts are distinct, so a run over many files
 * parses each distinct script once. A `SyntaxTree` is immutable and depends only on its text. Bounded in entries
 * and in total characters; least recently used trees go first.
 */
export class TreeCache {
  private readonly map = new Map<string, SyntaxTree>();
  private chars = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
    /** Longer scripts are not kept (rare, and each would crowd out many short ones). */
    private readonly maxScript: number,
  ) {}
  get(text: string): SyntaxTree | undefined {
    const t = this.map.get(text);
    if (t !== undefined) {
      // most recently used last
      this.map.delete(text);
      this.map.set(text, t);
    }
    return t;
  }
  set(text: string, tree: SyntaxTree): void {
    if (text.length > this.maxScript || this.map.has(text)) return;
    this.map.set(text, tree);
    this.chars += text.length;
    for (const k of this.map.keys()) {
      if (this.map.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length;
    }
  }
  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
  get size(): number {
    return this.map.size;
  }
}
