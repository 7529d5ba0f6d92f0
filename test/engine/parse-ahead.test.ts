// Parse-ahead (src/engine/parse-ahead.ts): a worker thread parses the files' scripts ahead of the main thread and
// hands their trees to the tree cache. It must predict the scripts' texts exactly, be used, change no result, stay
// bounded, stop, and fail silently.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { audit, auditDetailed } from '../../src/engine/audit.js';
import type { FileResult } from '../../src/engine/result.js';
import { PARSE_AHEAD_MIN_FILES, shouldParseAhead, startParseAhead } from '../../src/engine/parse-ahead.js';
import type { ParseAhead } from '../../src/engine/parse-ahead.js';
import { scriptTexts } from '../../src/engine/parse-ahead-worker.js';
import { parse } from '../../src/parser/parse.js';
import { bashParser, bashTables, cursorBinding, initShell } from '../../src/shell/loader.js';
import { clearTreeCache, parseScript, primeTree } from '../../src/shell/parse.js';
import { readTree, SyntaxTree } from '../../src/shell/tree.js';
import { decodeBytes } from '../../src/parser/decode.js';
import type { MappedText } from '../../src/source.js';
import { repoRoot, sharedDir } from '../helpers/paths.js';

const corpus = join(sharedDir, 'corpus', 'files');
const all = readdirSync(corpus).sort();

function plain(r: FileResult): unknown {
  return { ...r, source: { path: r.source.path, text: r.source.text, bom: r.source.bom } };
}

function mapped(text: string): MappedText {
  return { text, segments: [{ at: 0, src: 0, length: text.length }] };
}

/** A tree copied from a fresh parse of `text`. */
async function treeOf(text: string): Promise<SyntaxTree> {
  await initShell();
  const t = bashParser().parse(text)!;
  try {
    return readTree(t, text, bashTables(), cursorBinding());
  } finally {
    t.delete();
  }
}


/** The texts of the top-level scripts the model gave to the bash parser. */
async function parsedScripts(text: string, path: string): Promise<{ predicted: string[]; parsed: string[] }> {
  const d = await auditDetailed(text, path, { rules: [] });
  assert.ok(d.dockerfile && d.model, path);
  const parsed: string[] = [];
  for (const f of d.model.facts.values()) for (const s of f.shell ?? []) if (s.parsed) parsed.push(s.source.text);
  return { predicted: scriptTexts(d.dockerfile), parsed };
}

test('scriptTexts: exactly the top-level scripts the model parses with bash', async () => {
  const text = [
    'FROM alpine AS base',
    'SHELL ["/bin/bash", "-c"]',
    'RUN echo one && \\',
    '    echo two',
    'FROM base',
    'RUN echo inherits bash',
    'CMD ["sh", "-c", "echo exec form"]',
    'ENTRYPOINT ["/bin/sh", "-ec", "echo \\u0041"]',
    'ONBUILD RUN echo later',
    'HEALTHCHECK CMD wget -q localhost || exit 1',
    'RUN <<EOF',
    'echo bare heredoc',
    'EOF',
    'RUN <<EOF',
    '#!/usr/bin/env python3',
    'print(1)',
    'EOF',
    'RUN cat <<EOF > /etc/motd',
    'hello',
    'EOF',
    'FROM mcr.microsoft.com/windows/servercore AS win',
    'SHELL ["powershell", "-Command"]',
    'RUN Write-Host hi',
    'RUN <<EOF',
    '#!/bin/sh',
    'echo shebang wins',
    'EOF',
    'FROM win',
    'RUN Write-Host inherited',
    '',
  ].join('\n');
  const { predicted, parsed } = await parsedScripts(text, 'Dockerfile');
  // as sets: a text parsed twice (an ONBUILD trigger is also parsed where it is inherited) hits the cache
  assert.deepEqual(new Set(predicted), new Set(parsed));
  assert.ok(predicted.includes('echo exec form'));
  assert.ok(!predicted.includes('echo A') && !predicted.includes('echo \\u0041'), 'an exec-form script with escapes is not parsed');
  assert.ok(predicted.includes('echo bare heredoc\n'));
  assert.ok(!predicted.some((t) => t.includes('Write-Host')));
});

test('scriptTexts covers every bash-parsed top-level script of the corpus (every 3rd file)', async () => {
  let scripts = 0;
  let extra = 0;
  for (const n of all.filter((_, i) => i % 3 === 0)) {
    const { predicted, parsed } = await parsedScripts(readFileSync(join(corpus, n), 'utf8'), n);
    const p = new Set(predicted);
    const used = new Set(parsed);
    for (const t of used) assert.ok(p.has(t), `${n}: not predicted: ${JSON.stringify(t.slice(0, 80))}`);
    scripts += used.size;
    for (const t of p) if (!used.has(t)) extra++;
  }
  assert.ok(scripts > 1000, `${scripts} scripts`);
  // wasted parses: scripts of Windows images, whose default shell (cmd) the worker does not guess
  assert.ok(extra < scripts / 20, `${extra} predicted scripts the model does not parse`);
});

test('a primed tree is the one the shell layer uses, for exactly its text', async () => {
  const text = 'pa_probe_x pa_probe_y';
  const other = 'pa_probe_x;pa_probe_y'; // same length, two commands
  try {
    clearTreeCache();
    assert.equal(parseScript(mapped(text), { shell: 'sh' }).all.length, 1);
    clearTreeCache();
    const records = (await treeOf(other)).records();
    const doctored = SyntaxTree.fromRecords(text, records, bashTables());
    assert.ok(doctored !== null);
    primeTree(text, doctored);
    const s = parseScript(mapped(text), { shell: 'sh' });
    assert.deepEqual(
      s.all.map((c) => c.name),
      ['pa_probe_x', 'pa_probe_y'],
      'the cache hit skipped the parse',
    );
    clearTreeCache();
    primeTree('pa_probe_z pa_probe_y', doctored);
    assert.equal(parseScript(mapped('pa_probe_z pa_probe_y'), { shell: 'sh' }).all.length, 1, 'a tree of another text is ignored');
  } finally {
    clearTreeCache();
  }
});

test('SyntaxTree.fromRecords rejects records that cannot be a tree of the text', async () => {
  const t = await treeOf('echo hi');
  const r = t.records();
  assert.ok(SyntaxTree.fromRecords('echo hi', r, bashTables()) !== null);
  assert.equal(SyntaxTree.fromRecords('echo hi', new Int32Array(0), bashTables()), null);
  assert.equal(SyntaxTree.fromRecords('echo hi', r.slice(0, r.length - 1), bashTables()), null);
  assert.equal(SyntaxTree.fromRecords('echo', r, bashTables()), null, 'the root ends past the text');
  const copy = SyntaxTree.fromRecords('echo hi', r.slice(), bashTables())!;
  assert.equal(copy.count, t.count);
  assert.equal(copy.type(SyntaxTree.ROOT), t.type(SyntaxTree.ROOT));
});

/** Drains until `done()` or the timeout; the worker starts through tsx here, which takes a while. */
async function until(pa: ParseAhead, at: number, done: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) {
    pa.advance(at);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('parse-ahead: trees arrive, at most `ahead` files ahead; results are unchanged; stop ends the worker', async () => {
  const names = all.filter((_, i) => i % 25 === 0).slice(0, 40);
  const files = names.map((n) => join(corpus, n));
  clearTreeCache();
  const expected: FileResult[] = [];
  for (const f of files) expected.push(await audit(readFileSync(f), f));
  clearTreeCache();
  const ahead = 6;
  const pa = startParseAhead(files, { ahead, lowPriority: false });
  assert.ok(pa !== null);
  try {
    // before the main thread starts (at -1) the worker may do files 0..ahead-1, and no more
    await until(pa, -1, () => pa.stats.maxIndex >= ahead - 1);
    assert.ok(pa.stats.trees > 0, 'trees were delivered');
    await new Promise((r) => setTimeout(r, 300));
    pa.advance(-1);
    assert.equal(pa.stats.maxIndex, ahead - 1, 'the worker waits for the main thread');
    let taken = 0;
    for (let i = 0; i < files.length; i++) {
      pa.advance(i);
      const onDisk = readFileSync(files[i]!);
      const bytes = pa.take(i);
      if (bytes !== undefined) {
        taken++;
        assert.ok(Buffer.from(bytes).equals(onDisk), `the worker's bytes of ${names[i]} are the file's`);
        assert.equal(pa.take(i), undefined, 'bytes are taken once');
      }
      assert.deepEqual(plain(await audit(bytes ?? onDisk, files[i]!)), plain(expected[i]!), names[i]);
    }
    assert.ok(taken > 0, 'files were read by the worker');
    assert.equal(pa.stats.reads, taken);
    assert.ok(pa.stats.files > ahead, `trees for ${pa.stats.files} files`);
    assert.equal(pa.stats.failed, false);
  } finally {
    const stopped = await Promise.race([pa.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    assert.ok(stopped, 'the worker stopped');
    clearTreeCache();
  }
});

test('parse-ahead: a worker that fails, and files it cannot read, change nothing', async () => {
  const names = all.slice(0, 4);
  const files = [...names.map((n) => join(corpus, n)), join(corpus, 'no-such-file'), corpus];
  const expected: FileResult[] = [];
  for (const f of files.slice(0, 4)) expected.push(await audit(readFileSync(f), f));
  const broken = startParseAhead(files, { workerUrl: pathToFileURL(join(corpus, 'no-such-worker.js')) });
  assert.ok(broken !== null, 'starting never throws');
  try {
    await until(broken, -1, () => broken.stats.failed, 20_000);
    assert.equal(broken.stats.failed, true, 'the error is recorded, not thrown');
    for (let i = 0; i < 4; i++) {
      broken.advance(i);
      assert.equal(broken.take(i), undefined);
      assert.deepEqual(plain(await audit(readFileSync(files[i]!), files[i]!)), plain(expected[i]!));
    }
  } finally {
    await broken.stop();
  }
  // a real worker over a list with a missing file and a directory: it skips them
  clearTreeCache();
  const pa = startParseAhead(files, { ahead: files.length, lowPriority: false })!;
  try {
    await until(pa, -1, () => pa.stats.maxIndex >= files.length - 1);
    assert.equal(pa.stats.maxIndex, files.length - 1, 'the worker went past them');
    // no bytes for the missing file and the directory: the main thread reads them and reports the error itself
    pa.advance(4);
    assert.equal(pa.take(4), undefined);
    assert.equal(pa.take(5), undefined);
    assert.equal(pa.stats.files, files.length);
    assert.ok(pa.stats.trees > 0);
    assert.equal(pa.stats.failed, false);
  } finally {
    await pa.stop();
    clearTreeCache();
  }
});

test('the parsed Dockerfile a worker reads is the one the main thread audits (BOM, CRLF)', async () => {
  // the worker decodes bytes as the audit does: a BOM and CRLF line ends give the same script texts
  const text = '\uFEFFFROM alpine\r\nRUN echo crlf \\\r\n  && echo done\r\n';
  const { predicted, parsed } = await parsedScripts(text, 'Dockerfile');
  assert.deepEqual(predicted, parsed);
  assert.deepEqual(scriptTexts(parse(decodeBytes(Buffer.from(text, 'utf8'), 'Dockerfile').source)), parsed);
});

// the CLI through tsx, as test/cli/cli.test.ts runs it
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const main = join(repoRoot, 'src', 'cli', 'main.ts');

function cli(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', tsx, main, '--no-config', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, DOCKAUDIT_WORKERS: '0', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('shouldParseAhead: enough files, two cores or more, unless DOCKAUDIT_PARSE_AHEAD says otherwise', () => {
  assert.equal(shouldParseAhead(PARSE_AHEAD_MIN_FILES, undefined, 2), true);
  assert.equal(shouldParseAhead(PARSE_AHEAD_MIN_FILES - 1, undefined, 2), false, 'too few files to pay for its start-up');
  assert.equal(shouldParseAhead(PARSE_AHEAD_MIN_FILES, undefined, 1), false, 'one core: it would compete with the audit');
  assert.equal(shouldParseAhead(PARSE_AHEAD_MIN_FILES, '1', 1), true, '1 forces it');
  assert.equal(shouldParseAhead(PARSE_AHEAD_MIN_FILES - 1, '1', 8), false);
  assert.equal(shouldParseAhead(10 * PARSE_AHEAD_MIN_FILES, '0', 2), false, '0 turns it off');
});

test('CLI: parse-ahead gives the same report as without; DOCKAUDIT_PARSE_AHEAD=0 turns it off; never for a few files', () => {
  const args = ['-f', 'json', ...all.filter((_, i) => i % 2 === 0).slice(0, PARSE_AHEAD_MIN_FILES).map((n) => join(corpus, n))];
  assert.equal(args.length - 2, PARSE_AHEAD_MIN_FILES);
  const off = cli(args, { DOCKAUDIT_PARSE_AHEAD: '0', DOCKAUDIT_DEBUG: '1' });
  const on = cli(args, { DOCKAUDIT_PARSE_AHEAD: '1', DOCKAUDIT_DEBUG: '1' });
  assert.equal(on.code, off.code);
  assert.ok(on.stdout.length > 1000);
  assert.equal(on.stdout, off.stdout);
  assert.match(on.stderr, /parse-ahead: \d+ trees and \d+ reads for \d+ files/);
  assert.doesNotMatch(off.stderr, /parse-ahead/, 'off when asked');
  const few = cli(args.slice(0, 12), { DOCKAUDIT_PARSE_AHEAD: '1', DOCKAUDIT_DEBUG: '1' });
  assert.ok(few.stdout.length > 100, few.stderr);
  assert.doesNotMatch(few.stderr, /parse-ahead/);
});

test('parse-ahead: past its memory limit the worker is stopped and the audit goes on without it', async () => {
  const names = all.filter((_, i) => i % 11 === 0).slice(0, 70);
  const files = names.map((n) => join(corpus, n));
  clearTreeCache();
  // a limit every process is above: the first check (at file 64) stops the worker
  const pa = startParseAhead(files, { ahead: 8, lowPriority: false, rssLimitMb: 1 })!;
  try {
    for (let i = 0; i < files.length; i++) {
      pa.advance(i);
      const bytes = pa.take(i);
      if (i >= 64) assert.equal(bytes, undefined, 'no bytes once stopped');
    }
    assert.equal(pa.stats.stoppedForMemory, true);
    const stopped = await Promise.race([pa.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    assert.ok(stopped, 'the worker ended');
  } finally {
    await pa.stop();
    clearTreeCache();
  }
  // below its limit the worker goes on
  const keep = startParseAhead(files.slice(0, 66), { ahead: 8, lowPriority: false, rssLimitMb: 1 << 20 })!;
  try {
    for (let i = 0; i < 66; i++) keep.advance(i);
    assert.equal(keep.stats.stoppedForMemory, false);
  } finally {
    await keep.stop();
    clearTreeCache();
  }
});
