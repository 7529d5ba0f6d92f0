// The worker pool gives the same results, in the same order, as auditing on one thread; the CLI's parallel path
// prints the same report as its sequential one.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { audit, unreadableFile } from '../../src/engine/audit.js';
import { auditInOrder, auditInWorkers, PARALLEL_MIN_BYTES, PARALLEL_MIN_FILES, shouldUseWorkers } from '../../src/engine/pool.js';
import type { FileResult } from '../../src/engine/result.js';
import { createTimings } from '../../src/engine/timing.js';
import { repoRoot, sharedDir } from '../helpers/paths.js';

const corpus = join(sharedDir, 'corpus', 'files');
const all = readdirSync(corpus).sort();
// every 12th file: ~120 files spread over the corpus
const sample = all.filter((_, i) => i % 12 === 0);

function plain(r: FileResult): unknown {
  return { ...r, source: { path: r.source.path, text: r.source.text, bom: r.source.bom, lineStarts: r.source.lineStarts } };
}

test('pool results equal single-thread results, in input order', async () => {
  assert.ok(sample.length > 100);
  const expected: FileResult[] = [];
  for (const n of sample) expected.push(await audit(readFileSync(join(corpus, n)), n));
  const inputs = sample.map((n) => ({ path: n, file: join(corpus, n), options: {} }));
  const timings = createTimings();
  const got = await auditInWorkers(inputs, {
    workers: 2,
    batchSize: 3,
    timings,
    onReadError: (i, f) => unreadableFile(i.path, f.message),
  });
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.deepEqual(plain(got[i]!), plain(expected[i]!), sample[i]);
  assert.ok(got.some((r) => r.findings.length > 0), 'the sample has findings');
  assert.equal(got[0]!.source.positionAt(0).line, 1, 'the source is a real SourceFile again');
  // the workers' timing hooks reached the caller
  assert.ok(timings.decodeParse > 0 && timings.shell > 0);
  assert.ok(timings.ruleMs.size > 0);
});

test('pool: bytes in, options (rules, severities) honoured, unreadable files become read errors at their index', async () => {
  const text = 'FROM alpine\nMAINTAINER me\nADD a.txt /x\n';
  const got = await auditInWorkers(
    [
      { path: 'one', bytes: new TextEncoder().encode(text), options: { ruleIds: ['DA503'], severityOverrides: { DA503: 'high' } } },
      { path: 'missing', file: join(repoRoot, 'no-such-file.Dockerfile'), options: {} },
      { path: 'two', bytes: new TextEncoder().encode(text), options: {} },
    ],
    { workers: 2, batchSize: 1, onReadError: (i, f) => unreadableFile(i.path, `cannot read: ${f.code ?? f.message}`) },
  );
  assert.deepEqual(
    got.map((r) => r.path),
    ['one', 'missing', 'two'],
  );
  assert.deepEqual(
    got[0]!.findings.map((f) => [f.ruleId, f.severity]),
    [['DA503', 'high']],
  );
  assert.equal(got[1]!.errors[0]!.message, 'cannot read: ENOENT');
  const single = await audit(text, 'two');
  assert.deepEqual(plain(got[2]!), plain(single));
});

test('pool: results handed over in input order as they finish, waiting for a slow consumer', async () => {
  const files = sample.slice(0, 40);
  const inputs = files.map((n) => ({ path: n, file: join(corpus, n), options: {} }));
  const seen: number[] = [];
  const paths: string[] = [];
  let busy = false;
  await auditInOrder(inputs, { workers: 2, batchSize: 2, onReadError: (i, f) => unreadableFile(i.path, f.message) }, (r, i) => {
    assert.equal(busy, false, 'never called while the previous result is still being consumed');
    seen.push(i);
    paths.push(r.path);
    if (i % 5 !== 0) return undefined;
    busy = true;
    return new Promise<void>((done) =>
      setTimeout(() => {
        busy = false;
        done();
      }, 5),
    );
  });
  assert.deepEqual(seen, files.map((_, i) => i));
  assert.deepEqual(paths, files);
});

test('pool: no inputs, no workers', async () => {
  assert.deepEqual(await auditInWorkers([], { onReadError: () => assert.fail('not called') }), []);
});

test('shouldUseWorkers: many files or many bytes on 3 or more cores, never for one file, never on 2 cores', () => {
  assert.equal(shouldUseWorkers(1, 100 * PARALLEL_MIN_BYTES, 8), false);
  assert.equal(shouldUseWorkers(PARALLEL_MIN_FILES, 1000, 8), false);
  assert.equal(shouldUseWorkers(PARALLEL_MIN_FILES + 1, 1000, 8), true);
  assert.equal(shouldUseWorkers(2, PARALLEL_MIN_BYTES + 1, 4), true);
  assert.equal(shouldUseWorkers(PARALLEL_MIN_FILES + 1, 1000, 2), false);
  assert.equal(shouldUseWorkers(10000, 100 * PARALLEL_MIN_BYTES, 1), false);
});

test('CLI: parallel and sequential runs print the same JSON report and exit code', () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const main = join(repoRoot, 'src', 'cli', 'main.ts');
  const files = all.filter((_, i) => i % 20 === 0);
  assert.ok(files.length > PARALLEL_MIN_FILES, 'enough files for the pool');
  const run = (workers: string) =>
    spawnSync(process.execPath, ['--import', tsx, main, '--no-config', '--format', 'json', ...files], {
      cwd: corpus,
      encoding: 'utf8',
      env: { ...process.env, DOCKAUDIT_WORKERS: workers, DOCKAUDIT_DEBUG: '1' },
      maxBuffer: 1 << 28,
    });
  const seq = run('0');
  const par = run('2');
  assert.equal(par.stderr.includes('worker pool failed'), false, par.stderr);
  assert.equal(par.status, seq.status);
  assert.equal(par.stdout, seq.stdout);
  const report = JSON.parse(par.stdout) as { files?: unknown[] } | unknown[];
  assert.ok(par.stdout.length > 1000 && report !== null);
  assert.equal(par.stderr, seq.stderr);
});
