/**
 * Loads web-tree-sitter and the tree-sitter-bash grammar once. After `initShell()` resolves, parsing is synchronous.
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let ready: Promise<void> | null = null;
let parser: Parser | null = null;

/** Loads the bash grammar (once; later calls return the same promise). */
export function initShell(): Promise<void> {
  if (ready === null) {
    ready = (async () => {
      const require = createRequire(import.meta.url);
      const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
      const bashWasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
      await Parser.init({ locateFile: () => runtimeWasm });
      const bash = await Language.load(bashWasm);
      const p = new Parser();
      p.setLanguage(bash);
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
