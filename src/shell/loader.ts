/**
 * Loads web-tree-sitter and the tree-sitter-bash grammar once. After `initShell()` resolves, parsing is synchronous.
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { bindingFrom, LanguageTables, readTree, sameTree } from './tree.js';
import type { CursorBinding } from './tree.js';
import { MemoryReader } from './tree-memory.js';

let ready: Promise<void> | null = null;
let parser: Parser | null = null;
let tables: LanguageTables | null = null;
let binding: CursorBinding | null = null;
let memory: MemoryReader | null = null;

/**
 * Scripts the memory reader must read exactly as the cursor does before it is used: hidden nodes, aliases, fields
 * (direct and inherited through hidden nodes), extras (comments, heredoc bodies), syntax errors and MISSING nodes,
 * non-ASCII text.
 */
const READER_CHECK = [
  'X=1 Y+=2 cmd -a "b $c ${d:-e}" 2>/dev/null <<EOF | sh -c \'f\' && ! g || h; # c\nbody $x\nEOF\n',
  'for i in 1 2; do case $i in a) [ -f x ] && [[ $i == b* ]];; esac; done; f() { local v=$((1 + 2)); }; (echo é 😀) &',
  'export A=$(echo `date`) B; cat <(ls) >(wc) <<< "s" $\'\\n\' $"t"; if then fi; echo $(ls',
];

/** Loads the bash grammar (once; later calls return the same promise). */
export function initShell(): Promise<void> {
  if (ready === null) {
    ready = (async () => {
      const require = createRequire(import.meta.url);
      const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
      const bashWasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
      // Emscripten makes this options object the module itself: its exports give the fast tree copy (tree.ts)
      const moduleOptions = { locateFile: () => runtimeWasm };
      await Parser.init(moduleOptions);
      const bash = await Language.load(bashWasm);
      const p = new Parser();
      p.setLanguage(bash);
      tables = new LanguageTables(bash);
      binding = bindingFrom(moduleOptions);
      const t = tables;
      memory = MemoryReader.from(moduleOptions, bash, t, (reader) =>
        READER_CHECK.every((text) => {
          const tree = p.parse(text);
          if (tree === null) return false;
          try {
            const fast = reader.read(tree, text);
            return fast !== null && sameTree(fast, readTree(tree, text, t, binding));
          } finally {
            tree.delete();
          }
        }),
      );
      parser = p;
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

/** True once `initShell()` has completed. */
export function shellReady(): boolean {
  return parser !== null;
}

/** The bash parser; throws (a programming error) when `initShell()` has not completed. */
export function bashParser(): Parser {
  if (parser === null) throw new Error('dockaudit shell: call `await initShell()` before parsing scripts');
  return parser;
}

/** Type names and field ids of the bash grammar (after `initShell()`). */
export function bashTables(): LanguageTables {
  if (tables === null) throw new Error('dockaudit shell: call `await initShell()` before parsing scripts');
  return tables;
}

/**
 * The web-tree-sitter functions that copy a tree fast (null when this web-tree-sitter build lacks them, or when
 * `useFastTreeCopy(false)` chose the public API).
 */
export function cursorBinding(): CursorBinding | null {
  return fast ? binding : null;
}

/**
 * The tree reader over WebAssembly memory (tree-memory.ts): null when this web-tree-sitter build's memory layout is
 * not the one it reads, or when `useFastTreeCopy(false)` chose the public API.
 */
export function memoryReader(): MemoryReader | null {
  return fast ? memory : null;
}

let fast = true;
/** Chooses between the fast tree copy and web-tree-sitter's public TreeCursor API (tests compare the two). */
export function useFastTreeCopy(on: boolean): void {
  fast = on;
}
