/**
 * The flat syntax tree (src/shell/tree.ts) against web-tree-sitter's own API: the fast copy (cursor kept in the
 * module's transfer buffer), the public TreeCursor fallback and the `Node` objects must describe the same tree, over
 * hand-written scripts (syntax errors and MISSING nodes included) and every script of the shared corpus. Also the
 * tree cache and the path normalisation shortcut of the dataflow.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { before, describe, it } from 'node:test';
import type { Node, Tree } from 'web-tree-sitter';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { initShell, parseScript, resolvePath } from '../../src/shell/index.js';
import { bashParser, bashTables, cursorBinding, memoryReader, useFastTreeCopy } from '../../src/shell/loader.js';
import { clearTreeCache } from '../../src/shell/parse.js';
import { NONE, readTree, sameTree, SyntaxTree, TreeCache } from '../../src/shell/tree.js';
import type { MemoryReader } from '../../src/shell/tree-memory.js';
import type { NodeId } from '../../src/shell/tree.js';
import { sharedDir } from '../helpers/paths.js';
import { mt } from './helpers.js';

const corpusDir = join(sharedDir, 'corpus', 'files');

const SCRIPTS = [
  'apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*',
  'for i in 1 2; do echo "$i ${X:-d}" > /tmp/$i; done; while true; do break; done; until false; do :; done',
  "case $x in a) echo a;; *) echo b;; esac; f() { echo f; }; ! true; { echo g; } > /dev/null 2>&1",
  'cat <(ls) >(wc) <<< "here $K"; [ -f /x ] && [[ "$a" == b* ]] && (( x++ ))',
  'export A=1 B=$(echo x) C+=y; declare -r D=2; unset A; local x; readonly Y=K; A+=b',
  'cat <<EOF | sh\necho $HOME `date`\nEOF\necho after',
  "echo 'unterminated",
  'echo $(ls',
  'a &&',
  '[ -f x',
  'if then fi; echo )));',
  'echo "a $(b "c $(d)")" $((1 + 2)) ${#x} ${x/a/b} $\'ansi\\n\' $"tr"',
  'a | b | c && d || e; f |& g & h',
  '',
  '# only a comment',
  'echo é 😀 "ü" $x',
];

/** Every node of the flat tree in pre-order: type, offsets, flags, field. */
function flatDump(t: SyntaxTree): string[] {
  const out: string[] = [];
  const walk = (n: NodeId, depth: number): void => {
    out.push(`${depth} ${t.type(n)} ${t.start(n)}-${t.end(n)} named=${t.isNamed(n)} missing=${t.isMissing(n)} field=${t.fieldId(n)}`);
    for (let c = t.firstChild(n); c !== NONE; c = t.nextSibling(c)) walk(c, depth + 1);
  };
  walk(SyntaxTree.ROOT, 0);
  return out;
}

/** The same from web-tree-sitter's Node objects (fields from `childForFieldName` of the parent). */
function nodeDump(tree: Tree): string[] {
  const tables = bashTables();
  const out: string[] = [];
  const walk = (n: Node, depth: number, field: number): void => {
    out.push(`${depth} ${n.type} ${n.startIndex}-${n.endIndex} named=${n.isNamed} missing=${n.isMissing} field=${field}`);
    n.children.forEach((c, i) => {
      if (c === null) return;
      const name = n.fieldNameForChild(i);
      walk(c, depth + 1, name === null ? 0 : (tables.fieldIds.get(name) ?? -1));
    });
  };
  walk(tree.rootNode, 0, 0);
  return out;
}

before(async () => {
  await initShell();
});

describe('flat syntax tree', () => {
  it('the fast copy is available with the pinned web-tree-sitter (else every parse takes the slower public API)', () => {
    assert.notEqual(cursorBinding(), null, 'web-tree-sitter no longer exports the cursor functions tree.ts uses: review src/shell/tree.ts');
  });

  it('the memory reader is available with the pinned web-tree-sitter (else every tree is copied through the cursor)', () => {
    assert.notEqual(memoryReader(), null, "web-tree-sitter's memory layout no longer passes the reader's check: review src/shell/tree-memory.ts");
  });

  it('fast copy, memory reader, public TreeCursor and Node objects agree on hand-written scripts', () => {
    for (const text of SCRIPTS) {
      const tree = bashParser().parse(text)!;
      try {
        const fast = flatDump(readTree(tree, text, bashTables(), cursorBinding()));
        const slow = flatDump(readTree(tree, text, bashTables(), null));
        const memory = memoryReader()!.read(tree, text)!;
        assert.deepEqual(fast, slow, text);
        assert.deepEqual(fast, nodeDump(tree), text);
        assert.deepEqual(flatDump(memory), fast, text);
        assert.ok(sameTree(memory, readTree(tree, text, bashTables(), cursorBinding())), text);
      } finally {
        tree.delete();
      }
    }
  });

  it('finds MISSING nodes and fields', () => {
    const text = 'echo $(ls';
    const tree = bashParser().parse(text)!;
    try {
      const t = readTree(tree, text, bashTables(), cursorBinding());
      const dump = flatDump(t);
      assert.ok(dump.some((l) => / \) .*missing=true/.test(l)), dump.join('\n'));
    } finally {
      tree.delete();
    }
    const text2 = 'X=1 cmd 2>/dev/null';
    const tree2 = bashParser().parse(text2)!;
    try {
      const t = readTree(tree2, text2, bashTables(), cursorBinding());
      let assignment = NONE;
      let redirect = NONE;
      for (let n = 0; n < t.count; n++) {
        if (t.type(n) === 'variable_assignment') assignment = n;
        if (t.type(n) === 'file_redirect') redirect = n;
      }
      assert.equal(t.textOf(t.childForField(assignment, 'name')), 'X');
      assert.equal(t.textOf(t.childForField(assignment, 'value')), '1');
      assert.equal(t.textOf(t.childForField(redirect, 'descriptor')), '2');
      assert.equal(t.textOf(t.childForField(redirect, 'destination')), '/dev/null');
      assert.equal(t.childForField(redirect, 'body'), NONE);
      assert.equal(t.childForField(redirect, 'no such field'), NONE);
    } finally {
      tree2.delete();
    }
  });

  it('copies a tree nested 20,000 deep without recursion', () => {
    const text = '('.repeat(20_000) + 'echo x' + ')'.repeat(20_000);
    const tree = bashParser().parse(text)!;
    try {
      const t = readTree(tree, text, bashTables(), cursorBinding());
      assert.ok(t.count > 20_000);
      assert.equal(t.end(SyntaxTree.ROOT), text.length);
      const m = memoryReader()!.read(tree, text)!;
      assert.ok(sameTree(m, t));
    } finally {
      tree.delete();
    }
  });

  it('fast copy and Node objects agree on every script of the corpus', { skip: !existsSync(corpusDir) && 'shared corpus not present' }, () => {
    let scripts = 0;
    let nodes = 0;
    for (const f of readdirSync(corpusDir).sort()) {
      const { source } = decodeBytes(readFileSync(join(corpusDir, f)), f);
      for (const instr of parse(source).instructions) {
        if ((instr.kind !== 'RUN' && instr.kind !== 'CMD' && instr.kind !== 'ENTRYPOINT') || instr.command.form !== 'shell') continue;
        const text = instr.command.script.text;
        const tree = bashParser().parse(text)!;
        try {
          const fast = flatDump(readTree(tree, text, bashTables(), cursorBinding()));
          const ref = nodeDump(tree);
          if (fast.join('\n') !== ref.join('\n')) assert.deepEqual(fast, ref, `${f}: ${text.slice(0, 120)}`);
          const memory = flatDump(memoryReader()!.read(tree, text)!);
          if (memory.join('\n') !== ref.join('\n')) assert.deepEqual(memory, ref, `memory reader, ${f}: ${text.slice(0, 120)}`);
          scripts++;
          nodes += fast.length;
        } finally {
          tree.delete();
        }
      }
    }
    assert.ok(scripts > 5000 && nodes > 300_000, `${scripts} scripts, ${nodes} nodes`);
  });
});

describe('hasSubstitutionIn', () => {
  /** True when the subtree of `n` holds a command or process substitution node (what the walker looks for). */
  const holds = (t: SyntaxTree, n: NodeId): boolean => {
    const type = t.type(n);
    if (type === 'command_substitution' || type === 'process_substitution') return true;
    for (let c = t.firstChild(n); c !== NONE; c = t.nextSibling(c)) if (holds(t, c)) return true;
    return false;
  };
  const check = (text: string): void => {
    const tree = bashParser().parse(text)!;
    try {
      const t = memoryReader()!.read(tree, text)!;
      for (let n = 0; n < t.count; n++) if (holds(t, n)) assert.ok(t.hasSubstitutionIn(t.start(n), t.end(n)), `${JSON.stringify(text)} node ${n} ${t.type(n)}`);
    } finally {
      tree.delete();
    }
  };

  it('is true for every node whose subtree holds a substitution (random scripts)', () => {
    const pieces = ['$(', '`', '<(', '>(', ')', '"', "'", ' ', 'a', '$a', '\\', ';', '|', '&&', '${x:-', '}', 'echo ', '\n', '<<E\n', 'E\n'];
    const script = fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((a) => a.join(''));
    fc.assert(fc.property(script, (text) => check(text)), { numRuns: 1500, seed: 8 });
    for (const text of SCRIPTS) check(text);
  });

  it('answers from the offsets of substitutions only', () => {
    const text = 'echo a "$(b)" c `d` <(e)';
    const tree = bashParser().parse(text)!;
    try {
      const t = memoryReader()!.read(tree, text)!;
      assert.equal(t.hasSubstitutionIn(0, 6), false, 'echo a');
      assert.equal(t.hasSubstitutionIn(7, 13), true, '"$(b)"');
      assert.equal(t.hasSubstitutionIn(14, 15), false, 'c');
      assert.equal(t.hasSubstitutionIn(16, 19), true, '`d`');
      assert.equal(t.hasSubstitutionIn(20, 24), true, '<(e)');
    } finally {
      tree.delete();
    }
    const plain = 'apt-get install -y curl';
    const tree2 = bashParser().parse(plain)!;
    try {
      assert.equal(memoryReader()!.read(tree2, plain)!.hasSubstitutionIn(0, plain.length), false);
    } finally {
      tree2.delete();
    }
  });
});

describe('memory reader', () => {
  it('reads a tree of a script large enough to grow WebAssembly memory as the cursor does (views read anew per tree)', () => {
    const text = 'apt-get install -y "a $B" c${D:-e} > f 2>&1 && '.repeat(20_000) + 'true';
    const tree = bashParser().parse(text)!;
    try {
      const m = memoryReader()!.read(tree, text)!;
      assert.ok(m.count > 400_000, `${m.count} nodes`);
      assert.ok(sameTree(m, readTree(tree, text, bashTables(), cursorBinding())));
    } finally {
      tree.delete();
    }
  });

  it('reads nothing from a tree of another language (the caller then uses the cursor)', () => {
    const reader: MemoryReader = memoryReader()!;
    // a "tree" at an address whose language pointer is not the bash grammar's
    assert.equal(reader.read({ 0: 8 } as unknown as Tree, ''), null);
    assert.equal(reader.read({ 0: 0 } as unknown as Tree, ''), null);
  });

  it('sameTree tells different trees apart', () => {
    const read = (text: string): SyntaxTree => {
      const tree = bashParser().parse(text)!;
      try {
        return memoryReader()!.read(tree, text)!;
      } finally {
        tree.delete();
      }
    };
    assert.ok(sameTree(read('echo a && b'), read('echo a && b')));
    assert.ok(!sameTree(read('echo a && b'), read('echo a || b')));
    assert.ok(!sameTree(read('X=1 a'), read('X=1 b')));
  });
});

describe('tree cache', () => {
  it('keeps at most maxEntries trees and maxChars characters, least recently used out first', () => {
    const text = (k: number): string => `echo ${k}`;
    const tree = (s: string): SyntaxTree => {
      const t = bashParser().parse(s)!;
      try {
        return readTree(t, s, bashTables(), cursorBinding());
      } finally {
        t.delete();
      }
    };
    const cache = new TreeCache(3, 1000, 100);
    for (let k = 0; k < 3; k++) cache.set(text(k), tree(text(k)));
    assert.ok(cache.get(text(0)) !== undefined); // now the most recently used
    cache.set(text(3), tree(text(3)));
    assert.equal(cache.size, 3);
    assert.equal(cache.get(text(1)), undefined, 'the least recently used goes first');
    assert.ok(cache.get(text(0)) !== undefined && cache.get(text(3)) !== undefined);
    const long = `echo ${'x'.repeat(200)}`;
    cache.set(long, tree(long));
    assert.equal(cache.get(long), undefined, 'scripts over maxScript are not kept');
    const small = new TreeCache(100, 20, 100);
    for (let k = 10; k < 15; k++) small.set(text(k), tree(text(k))); // 7 characters each
    assert.equal(small.size, 2);
    assert.ok(small.get(text(14)) !== undefined && small.get(text(13)) !== undefined);
  });

  it('a script parsed from the cache, or copied through the public API, gives the same model', () => {
    const env = (name: string): string | undefined => (name === 'V' ? '1.2' : undefined);
    for (const text of SCRIPTS) {
      clearTreeCache();
      const first = JSON.stringify(parseScript(mt(text, 7), { shell: 'bash', env }));
      const cached = JSON.stringify(parseScript(mt(text, 7), { shell: 'bash', env }));
      clearTreeCache();
      useFastTreeCopy(false);
      let slow: string;
      try {
        slow = JSON.stringify(parseScript(mt(text, 7), { shell: 'bash', env }));
      } finally {
        useFastTreeCopy(true);
        clearTreeCache();
      }
      assert.equal(cached, first, text);
      assert.equal(slow, first, text);
    }
  });
});

describe('resolvePath', () => {
  it('normalises like path segments do, with and without the shortcut for normal paths', () => {
    const cases: [string | null, string, string][] = [
      [null, '/usr/local/bin/x', '/usr/local/bin/x'],
      [null, '/usr//local/./bin/../x/', '/usr/local/x'],
      [null, '/.hidden/x', '/.hidden/x'],
      [null, '/a/..', '/'],
      [null, '/', '/'],
      [null, 'rel/./x', 'rel/x'],
      ['/app/', 'x.tgz', '/app/x.tgz'],
      ['/app', '../x', '/x'],
      ['/app', '/abs', '/abs'],
      ['/app', '.', '/app'],
    ];
    for (const [cwd, p, want] of cases) assert.equal(resolvePath(cwd, p), want, `${cwd} + ${p}`);
  });
});
