/**
 * Over every Dockerfile of the shared corpus: every command of every shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK
 * (and heredoc script) maps its name back to the Dockerfile text it was written as. Nothing throws.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { initShell, instructionScripts, shellKindOf } from '../../src/shell/index.js';
import type { ShellKind } from '../../src/shell/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, '..', 'shared', 'corpus', 'files');

before(async () => {
  await initShell();
});

describe('shell corpus', { skip: !existsSync(dir) && 'shared corpus not present' }, () => {
  it('maps every command name back to the text it was written as', () => {
    let scripts = 0;
    let commands = 0;
    let nested = 0;
    let words = 0;
    const bad: string[] = [];
    for (const f of readdirSync(dir).sort()) {
      const { source } = decodeBytes(readFileSync(join(dir, f)), f);
      const df = parse(source);
      let shell: ShellKind = 'sh';
      const continuation = df.escape === '`' ? /`[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*/g : /\\[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*/g;
      for (const instr of df.instructions) {
        if (instr.kind === 'FROM') shell = 'sh';
        if (instr.kind === 'SHELL' && instr.args[0] !== undefined) shell = shellKindOf(instr.args[0].value);
        for (const s of instructionScripts(source, instr, { shell })) {
          scripts++;
          for (const c of s.all) {
            commands++;
            if (c.parent !== null) nested++;
            const w = c.nameWord;
            if (w === null) continue;
            const written = source.slice(w.range);
            if (written !== w.raw && bad.length < 20) bad.push(`${f}:${source.positionAt(w.range.start).line}: ${JSON.stringify(written)} != ${JSON.stringify(w.raw)}`);
            if (w.value !== null && !/["'\\$`]/.test(w.raw) && s.parsed && w.value !== w.raw && bad.length < 20) {
              bad.push(`${f}: value ${JSON.stringify(w.value)} != raw ${JSON.stringify(w.raw)}`);
            }
            // every word of a top-level command: the source text minus line continuations is the word as written
            if (c.parent === null) {
              for (const x of [...c.words, ...c.redirects.map((r) => r.target)]) {
                if (x === null) continue;
                words++;
                const written = source.slice(x.range);
                // words spanning lines may also lose comment lines BuildKit drops; check the others exactly
                const text = written.replace(continuation, '');
                if (!text.includes('\n') && text !== x.raw && bad.length < 20) {
                  bad.push(`${f}:${source.positionAt(x.range.start).line}: word ${JSON.stringify(text.slice(0, 80))} != ${JSON.stringify(x.raw.slice(0, 80))}`);
                }
              }
            }
          }
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(scripts > 5000, `scripts: ${scripts}`);
    assert.ok(commands > scripts, `commands: ${commands}`);
    assert.ok(nested > 0, `nested: ${nested}`);
    assert.ok(words > commands, `words: ${words}`);
  });
});
