/**
 * The tree copy of `tree.ts`, read straight from WebAssembly memory instead of through a tree cursor.
 *
 * Why: the cursor copy makes five or six calls into WebAssembly per node (type, field, start, end, first child, next
 * sibling), and each call rebuilds the cursor's current node from its stack; over the corpus's 2,286 distinct scripts
 * (133,000 nodes) that was ~44 ms of a warm pass. Reading tree-sitter's subtree records from the module's memory
 * views walks the same tree for a fraction of that (see docs/shell.md, "How the tree is read").
 *
 * This mirrors tree-sitter's `TreeCursor` (tree_cursor.c of the pinned web-tree-sitter 0.27.2: hidden nodes are
 * looked through, aliases and field maps come from the language's tables) over its internal memory layout
 * (subtree.h, parser.h; wasm32, little endian). That layout is not a public API, so the reader is used only after it
 * proved itself: `MemoryReader.from` returns null unless the language's ABI version is a known one and a sample
 * script read both ways gives the same records, and `read` returns null (the caller falls back to the cursor) for a
 * tree of another language. `test/shell/tree.test.ts` compares it with web-tree-sitter's `Node` API on every corpus
 * script.
 */
import type { Language, Tree } from 'web-tree-sitter';
import { END, F_MISSING, F_NAMED, F_PARENT, INFO, NEXT, NONE, START, STRIDE, SyntaxTree, TYPE } from './tree.js';
import type { LanguageTables, NodeId } from './tree.js';

/** The module's memory views (Emscripten replaces them when the memory grows: read them anew for every tree). */
interface Heaps {
  readonly HEAPU8: Uint8Array;
  readonly HEAPU16: Uint16Array;
  readonly HEAPU32: Uint32Array;
}

function heapsOf(module: object): Heaps | null {
  const m = module as Partial<Heaps>;
  return m.HEAPU8 instanceof Uint8Array && m.HEAPU16 instanceof Uint16Array && m.HEAPU32 instanceof Uint32Array ? (module as Heaps) : null;
}

// TSLanguage (tree_sitter/parser.h, ABI 14 and 15 share these leading fields): byte offsets on wasm32
const L_ABI = 0;
const L_SYMBOL_COUNT = 4;
const L_PRODUCTION_ID_COUNT = 28;
const L_FIELD_COUNT = 32;
const L_MAX_ALIAS_SEQUENCE_LENGTH = 36; // uint16
const L_FIELD_MAP_SLICES = 64; // { uint16 index, uint16 length }[production_id_count]
const L_FIELD_MAP_ENTRIES = 68; // { uint16 field_id, uint8 child_index, bool inherited }
const L_PUBLIC_SYMBOL_MAP = 76; // uint16[symbol_count]
const L_ALIAS_SEQUENCES = 84; // uint16[production_id_count * max_alias_sequence_length]

// TSTree (tree.h): the root Subtree (8 bytes), then the language pointer
const T_LANGUAGE = 8;

// SubtreeHeapData (subtree.h) byte offsets on wasm32
const H_PADDING_BYTES = 4;
const H_SIZE_BYTES = 16;
const H_CHILD_COUNT = 36;
const H_SYMBOL = 40; // uint16
const H_FLAGS = 44; // uint16 of bool bit-fields: visible 0, named 1, extra 2, …, is_missing 9
const H_VISIBLE_CHILD_COUNT = 48;
const H_PRODUCTION_ID = 66; // uint16
// SubtreeInlineData: byte 0 is_inline 0, visible 1, named 2, extra 3, has_changes 4, is_missing 5; byte 1 symbol;
// byte 6 padding_bytes; byte 7 size_bytes. A heap Subtree is an aligned pointer (bit 0 clear) in the same 8 bytes.
const SUBTREE = 8;

const SYM_ERROR = 65535; // ts_builtin_sym_error: its own public symbol

/** Per-walk stack of saved frames: the child iterations of enclosing subtrees (visible or hidden). Kept across walks
 * (addresses are unsigned 32-bit). */
let frames = new Uint32Array(64 * 8); // 64 frames of FRAME fields
// frame fields
const FR_BASE = 0; // address of the first child slot
const FR_COUNT = 1; // child count
const FR_INDEX = 2; // next child to visit
const FR_SCI = 3; // structural child index of that child
const FR_POS = 4; // byte position of that child
const FR_PROD = 5; // production id of the subtree (alias and field maps)
const FR_FIELD = 6; // field inherited from hidden ancestors (0 for a visible subtree's children)
const FR_DEPTH = 7; // visible depth of the children
const FRAME = 8;

let scratch = new Int32Array(4096 * STRIDE);
const SCRATCH_KEEP = (1 << 16) * STRIDE;

export class MemoryReader {
  private constructor(
    private readonly heaps: Heaps,
    private readonly language: number,
    private readonly lang: LanguageTables,
    private readonly publicSymbols: Uint16Array,
    /** alias_sequences: `prod * aliasStride + sci`. */
    private readonly aliases: Uint16Array,
    private readonly aliasStride: number,
    /** First non-inherited field id per production and structural child index: `prod * fieldStride + sci`. */
    private readonly fields: Uint16Array,
    private readonly fieldStride: number,
  ) {}

  /**
   * A reader for trees of `language`, or null when the module does not expose its memory views or the language's
   * layout is not one this reader knows (the caller keeps the cursor copy). `check` reads a sample tree the
   * reference way; the reader is returned only when it reads the same.
   */
  static from(module: object, language: Language, lang: LanguageTables, check: (reader: MemoryReader) => boolean): MemoryReader | null {
    const heaps = heapsOf(module);
    const address = (language as unknown as { readonly 0: unknown })[0];
    if (heaps === null || typeof address !== 'number' || address <= 0) return null;
    try {
      const u32 = heaps.HEAPU32;
      const u16 = heaps.HEAPU16;
      const at = (offset: number): number => u32[(address + offset) >>> 2]!;
      const abi = at(L_ABI);
      if (abi !== 14 && abi !== 15) return null;
      const symbolCount = at(L_SYMBOL_COUNT);
      const productions = at(L_PRODUCTION_ID_COUNT);
      const fieldCount = at(L_FIELD_COUNT);
      const aliasStride = u16[(address + L_MAX_ALIAS_SEQUENCE_LENGTH) >>> 1]!;
      if (symbolCount !== language.types.length || symbolCount > 65535 || productions > 65535) return null;
      const publicSymbols = u16.slice(at(L_PUBLIC_SYMBOL_MAP) >>> 1, (at(L_PUBLIC_SYMBOL_MAP) >>> 1) + symbolCount);
      const aliasesAt = at(L_ALIAS_SEQUENCES) >>> 1;
      const aliases = aliasesAt === 0 ? new Uint16Array(0) : u16.slice(aliasesAt, aliasesAt + productions * aliasStride);
      // the field maps as one table (tree-sitter scans a production's entries for the first non-inherited one with the
      // child's structural index: the same answer, precomputed)
      let fieldStride = Math.max(1, aliasStride);
      const slices = at(L_FIELD_MAP_SLICES) >>> 1;
      const entries = at(L_FIELD_MAP_ENTRIES);
      const u8 = heaps.HEAPU8;
      if (fieldCount > 0) {
        for (let p = 0; p < productions; p++) {
          const index = u16[slices + 2 * p]!;
          const length = u16[slices + 2 * p + 1]!;
          for (let e = index; e < index + length; e++) fieldStride = Math.max(fieldStride, u8[entries + 4 * e + 2]! + 1);
        }
      }
      const fields = new Uint16Array(Math.max(1, productions) * fieldStride);
      if (fieldCount > 0) {
        for (let p = 0; p < productions; p++) {
          const index = u16[slices + 2 * p]!;
          const length = u16[slices + 2 * p + 1]!;
          for (let e = index + length - 1; e >= index; e--) {
            const entry = entries + 4 * e;
            if (u8[entry + 3] !== 0) continue; // inherited
            fields[p * fieldStride + u8[entry + 2]!] = u16[entry >>> 1]!;
          }
        }
      }
      const reader = new MemoryReader(heaps, address, lang, publicSymbols, aliases, aliasStride, fields, fieldStride);
      return check(reader) ? reader : null;
    } catch {
      // a layout that is not what this reader expects (an index out of range): use the cursor
      return null;
    }
  }

  /** `tree` (parsed from `text`) as a `SyntaxTree`, or null when it is not a tree of this reader's language. */
  read(tree: Tree, text: string): SyntaxTree | null {
    const address = (tree as unknown as { readonly 0: unknown })[0];
    if (typeof address !== 'number' || address <= 0) return null;
    const { HEAPU8: u8, HEAPU16: u16, HEAPU32: u32 } = this.heaps;
    if (u32[(address + T_LANGUAGE) >>> 2] !== this.language) return null;
    const named = this.lang.named;
    const publicSymbols = this.publicSymbols;
    const aliases = this.aliases;
    const aliasStride = this.aliasStride;
    const fields = this.fields;
    const fieldStride = this.fieldStride;
    let d = scratch;
    let fr = frames;
    let top = -FRAME; // the last saved frame (an index into `fr`), negative when none
    let n = 0;
    // last node added at each visible depth (to link it to its next sibling), and the node at each depth whose
    // children are being read (marked as a parent when its first child is added)
    const last: NodeId[] = [NONE];
    const owner: NodeId[] = [];
    // The innermost frame (the child iteration in progress) lives in local variables; the frames around it are
    // saved in `fr` (FRAME fields each, `top` the last saved one). Reading and writing the frame through the typed
    // array for every child took a third of the walk.
    let active = false; // false while at the root: no frame yet
    let fBase = 0; // address of the first child slot
    let fCount = 0; // child count
    let fIndex = 0; // next child to visit
    let fSci = 0; // structural child index of that child
    let fPos = 0; // byte position of that child
    let fProd = 0; // production id of the subtree (alias and field maps)
    let fField = 0; // field inherited from hidden ancestors (0 for a visible subtree's children)
    let fDepth = 0; // visible depth of the children
    let slot = address; // the subtree to visit (its 8-byte slot)
    for (;;) {
      let visible: boolean;
      let extra: boolean;
      let missing: boolean;
      let symbol: number;
      let size: number;
      let childCount = 0;
      let heap = 0;
      if ((u8[slot]! & 1) === 1) {
        const flags = u8[slot]!;
        visible = (flags & 2) !== 0;
        extra = (flags & 8) !== 0;
        missing = (flags & 32) !== 0;
        symbol = u8[slot + 1]!;
        size = u8[slot + 7]!;
      } else {
        heap = u32[slot >>> 2]!;
        const flags = u16[(heap + H_FLAGS) >>> 1]!;
        visible = (flags & 1) !== 0;
        extra = (flags & 4) !== 0;
        missing = (flags & 512) !== 0;
        symbol = u16[(heap + H_SYMBOL) >>> 1]!;
        size = u32[(heap + H_SIZE_BYTES) >>> 2]!;
        childCount = u32[(heap + H_CHILD_COUNT) >>> 2]!;
      }
      let pos: number;
      let alias = 0;
      let field = 0;
      let depth = 0;
      if (!active) {
        // the root: visible, starting after its padding
        pos = heap === 0 ? u8[slot + 6]! : u32[(heap + H_PADDING_BYTES) >>> 2]!;
        visible = true;
      } else {
        pos = fPos;
        if (!extra) {
          // aliases only in productions other than 0, fields from every production's map (ts_language_alias_at,
          // ts_language_field_map); a field of a hidden ancestor applies when the child has none of its own
          // (an index past a production's sequence reads on into the next one, as tree-sitter's C does)
          if (fProd !== 0) alias = aliases[fProd * aliasStride + fSci] ?? 0;
          field = (fSci < fieldStride ? fields[fProd * fieldStride + fSci]! : 0) || fField;
          fSci++;
          if (alias !== 0) visible = true;
        }
        depth = fDepth;
        // the frame moves past this child: its size, then the next child's padding
        fIndex++;
        fPos = pos + size;
        if (fIndex < fCount) {
          const nslot = slot + SUBTREE;
          fPos += (u8[nslot]! & 1) === 1 ? u8[nslot + 6]! : u32[(u32[nslot >>> 2]! + H_PADDING_BYTES) >>> 2]!;
        }
      }
      if (visible) {
        const at = n * STRIDE;
        if (at + STRIDE > d.length) {
          const bigger = new Int32Array(d.length * 2);
          bigger.set(d);
          scratch = d = bigger;
        }
        const sym = alias === 0 ? symbol : alias;
        // the builtin ERROR symbol is its own public symbol (and named)
        const type = sym === SYM_ERROR ? SYM_ERROR : publicSymbols[sym]!;
        d[at + TYPE] = type;
        d[at + START] = pos >>> 1; // UTF-16: two bytes per code unit
        d[at + END] = (pos + size) >>> 1;
        d[at + NEXT] = NONE;
        d[at + INFO] = (field << 8) | (type >= named.length || named[type] === 1 ? F_NAMED : 0) | (missing ? F_MISSING : 0);
        if (depth > 0) {
          const prev = last[depth]!;
          if (prev !== NONE) d[prev * STRIDE + NEXT] = n;
          else d[owner[depth - 1]! * STRIDE + INFO]! |= F_PARENT;
        }
        last[depth] = n;
        if (childCount > 0) {
          owner[depth] = n;
          last[depth + 1] = NONE;
        }
        n++;
      }
      // a subtree with children: a frame to read them (a visible node's at the next depth; a hidden node's in its
      // parent's place, only when it has visible children, as the cursor does)
      if (childCount > 0 && (visible || u32[(heap + H_VISIBLE_CHILD_COUNT) >>> 2]! > 0)) {
        if (active) {
          top += FRAME;
          if (top + FRAME > fr.length) {
            const bigger = new Uint32Array(fr.length * 2);
            bigger.set(fr);
            frames = fr = bigger;
          }
          fr[top + FR_BASE] = fBase;
          fr[top + FR_COUNT] = fCount;
          fr[top + FR_INDEX] = fIndex;
          fr[top + FR_SCI] = fSci;
          fr[top + FR_POS] = fPos;
          fr[top + FR_PROD] = fProd;
          fr[top + FR_FIELD] = fField;
          fr[top + FR_DEPTH] = fDepth;
        }
        active = true;
        fBase = heap - SUBTREE * childCount;
        fCount = childCount;
        fIndex = 0;
        fSci = 0;
        fPos = pos;
        fProd = u16[(heap + H_PRODUCTION_ID) >>> 1]!;
        fField = visible || extra ? 0 : field;
        fDepth = visible ? depth + 1 : depth;
      }
      // the next subtree: the next child of the innermost frame that has one left
      if (!active) break;
      while (fIndex >= fCount && top >= 0) {
        fBase = fr[top + FR_BASE]!;
        fCount = fr[top + FR_COUNT]!;
        fIndex = fr[top + FR_INDEX]!;
        fSci = fr[top + FR_SCI]!;
        fPos = fr[top + FR_POS]!;
        fProd = fr[top + FR_PROD]!;
        fField = fr[top + FR_FIELD]!;
        fDepth = fr[top + FR_DEPTH]!;
        top -= FRAME;
      }
      if (fIndex >= fCount) break;
      slot = fBase + SUBTREE * fIndex;
    }
    const data = d.slice(0, n * STRIDE);
    // a huge script should not keep its scratch space for the rest of the process
    if (d.length > SCRATCH_KEEP) scratch = new Int32Array(4096 * STRIDE);
    if (fr.length > 4096 * FRAME) frames = new Uint32Array(64 * FRAME);
    return new SyntaxTree(text, data, n, this.lang);
  }
}
