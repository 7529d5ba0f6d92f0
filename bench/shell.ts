/**
 * Shell benchmark over ../shared/corpus: scripts/s for the tree-sitter parse alone, for the parse plus the copy into
 * the flat tree the walker reads, for the full command model (words, wrappers, connectors, nested scripts) with the
 * tree cache emptied before each pass (one run over the corpus, where scripts repeat) and with every tree cached, for
 * option parsing of every command, and for the dataflow. Best of 3 passes each.
 * Run: node --import tsx bench/shell.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBytes } from '../src/parser/decode.js';
import { parse } from '../src/parser/parse.js';
import type { MappedText } from '../src/source.js';
import { analyzeDataflow, initShell, parseArgs, instructionScripts, parseScript, shellKindOf } from '../src/shell/index.js';
import type { ShellKind, ShellScript, StageStep } from '../src/shell/index.js';
import { bashParser, bashTables, cursorBinding } from '../src/shell/loader.js';
import { clearTreeCache } from '../src/shell/parse.js';
import { readTree } from '../src/shell/tree.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '..', 'shared', 'corpus', 'files');
await initShell();

// collect every script text once (the parser's cost is not measured here)
const inputs: { text: MappedText; shell: ShellKind }[] = [];
const stages: StageStep[][] = [];
for (const f of readdirSync(dir).sort()) {
  const { source } = decodeBytes(readFileSync(join(dir, f)), f);
  let shell: ShellKind = 'sh';
  for (const instr of parse(source).instructions) {
    if (instr.kind === 'FROM') shell = 'sh';
    if (instr.kind === 'SHELL' && instr.args[0] !== undefined) shell = shellKindOf(instr.args[0].value);
    if ((instr.kind === 'RUN' || instr.kind === 'CMD' || instr.kind === 'ENTRYPOINT') && instr.command.form === 'shell') {
      inputs.push({ text: instr.command.script, shell });
    }
  }
}
const bytes = inputs.reduce((n, i) => n + i.text.text.length, 0);

function best(fn: () => void): number {
  let b = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000))}/s`;

const posix = inputs.filter((i) => i.shell !== 'powershell' && i.shell !== 'cmd');
const tsMs = best(() => {
  for (const i of posix) bashParser().parse(i.text.text)?.delete();
});
const copyMs = best(() => {
  for (const i of posix) {
    const tree = bashParser().parse(i.text.text)!;
    readTree(tree, i.text.text, bashTables(), cursorBinding());
    tree.delete();
  }
});
let scripts: ShellScript[] = [];
const modelMs = best(() => {
  clearTreeCache();
  scripts = inputs.map((i) => parseScript(i.text, { shell: i.shell }));
});
const cachedMs = best(() => {
  scripts = inputs.map((i) => parseScript(i.text, { shell: i.shell }));
});
const distinct = new Set(posix.map((i) => i.text.text)).size;
const commands = scripts.reduce((n, s) => n + s.all.length, 0);
const optMs = best(() => {
  for (const s of scripts) for (const c of s.all) parseArgs(c.spec, c.args);
});
// dataflow per file-stage: rebuild steps per file
for (const f of readdirSync(dir).sort()) {
  const { source } = decodeBytes(readFileSync(join(dir, f)), f);
  let steps: StageStep[] = [];
  for (const instr of parse(source).instructions) {
    if (instr.kind === 'FROM') {
      if (steps.length) stages.push(steps);
      steps = [];
    }
    if (instr.kind === 'RUN') for (const s of instructionScripts(source, instr, { shell: 'sh' })) steps.push({ kind: 'run', script: s });
  }
  if (steps.length) stages.push(steps);
}
let uses = 0;
const flowMs = best(() => {
  uses = 0;
  for (const st of stages) uses += analyzeDataflow(st).uses.length;
});

console.log(`corpus: ${inputs.length} shell-form scripts (${posix.length} POSIX), ${(bytes / 1e6).toFixed(2)} MB, ${commands} commands`);
console.log(`tree-sitter parse only:   ${tsMs.toFixed(0)} ms = ${rate(posix.length, tsMs)} scripts`);
console.log(`parse + flat tree copy:   ${copyMs.toFixed(0)} ms = ${rate(posix.length, copyMs)} scripts`);
console.log(`parseScript (full model): ${modelMs.toFixed(0)} ms = ${rate(inputs.length, modelMs)} scripts (tree cache emptied per pass; ${distinct} distinct POSIX scripts); ${(modelMs / tsMs).toFixed(2)}× the bare parse of every script`);
console.log(`parseScript, all trees cached: ${cachedMs.toFixed(0)} ms = ${rate(inputs.length, cachedMs)} scripts`);
console.log(`option parsing, all commands: ${optMs.toFixed(1)} ms = ${rate(commands, optMs)} commands`);
console.log(`dataflow: ${stages.length} stages in ${flowMs.toFixed(1)} ms, ${uses} uses`);
