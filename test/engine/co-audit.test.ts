// Co-audit (src/engine/co-audit.ts): a second thread audits files too. The results must be the same and in input
// order whichever thread audits a file, the main thread must never wait for the worker (a late, greedy, failing or
// stopped worker changes nothing but speed), and the worker must be stopped past its memory limit.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { audit } from '../../src/engine/audit.js';
import type { FileResult } from '../../src/engine/result.js';
import { CO_AUDIT_MAX_FILES, CO_AUDIT_MIN_FILES, shouldCoAudit, startCoAudit } from '../../src/engine/co-audit.js';
import type { CoAudit, CoAuditOptions } from '../../src/engine/co-audit.js';
import { SourceFile } from '../../src/source.js';
import { repoRoot, sharedDir } from '../helpers/paths.js';

const corpus = join(sharedDir, 'corpus', 'files');
const all = readdirSync(corpus).sort();

function plain(r: FileResult): unknown {
  return { ...r, source: { path: r.source.path, text: r.source.text, bom: r.source.bom } };
}

/** What both threads make of a file they cannot read (the CLI's `unreadableFile`, simplified). */
function unreadable(path: string, code: string | undefined): FileResult {
  return { path, source: new SourceFile(path, ''), findings: [], errors: [{ code: 'read-error', message: String(code), line: 1, column: 1 }], score: 0 };
}

async function auditFile(path: string): Promise<FileResult> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return unreadable(path, (e as { code?: string }).code);
  }
  return audit(bytes, path);
}

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Runs a co-audit over `files`; `slow` ms of extra work per file on the main thread leave the worker files to take. */
async function coAudit(files: readonly string[], options: CoAuditOptions, slow = 0): Promise<{ results: FileResult[]; order: number[]; co: CoAudit }> {
  const co = startCoAudit(files.length, (i) => ({ path: files[i]!, file: files[i]!, options: {} }), { lowPriority: false, ...options });
  assert.ok(co !== null, 'starting never throws');
  const results: FileResult[] = [];
  const order: number[] = [];
  let first = true;
  try {
    await co.run(
      async (i) => {
        if (first) {
          first = false;
          // the worker starts through tsx here, which takes a while: let it load before the race begins
          const end = Date.now() + 60_000;
          while (!co.loaded && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        }
        busy(slow);
        return auditFile(files[i]!);
      },
      (i, failure) => unreadable(files[i]!, failure.code),
      (r, i) => {
        results.push(r);
        order.push(i);
      },
    );
  } finally {
    await co.stop();
  }
  return { results, order, co };
}

const sample = all.filter((_, i) => i % 37 === 0).map((n) => join(corpus, n));

test('co-audit: the worker audits files, and every result is handed on once, in input order, as the main thread would make it', async () => {
  const files = [...sample.slice(0, 20), join(corpus, 'no-such-file'), corpus, ...sample.slice(20)];
  const expected: FileResult[] = [];
  for (const f of files) expected.push(await auditFile(f));
  assert.equal(expected[20]!.errors[0]!.message, 'ENOENT');
  assert.equal(expected[21]!.errors[0]!.message, 'EISDIR');
  const { results, order, co } = await coAudit(files, { maxWaiting: 1000 }, 15);
  assert.deepEqual(order, files.map((_, i) => i));
  assert.deepEqual(results.map(plain), expected.map(plain));
  assert.ok(co.stats.used > 0, 'the worker delivered results');
  assert.ok(co.stats.used < files.length, 'the main thread audited files too');
  assert.equal(co.stats.failed, false);
  assert.equal(co.stats.stoppedForMemory, false);
});

test('co-audit: a worker that takes files and never delivers them holds nothing up', async () => {
  const files = sample.slice(0, 24);
  const expected: FileResult[] = [];
  for (const f of files) expected.push(await auditFile(f));
  const greedy = pathToFileURL(join(repoRoot, 'test', 'fixtures', 'engine', 'co-audit-greedy-worker.ts'));
  const { results, order, co } = await coAudit(files, { workerUrl: greedy, maxWaiting: 4 });
  assert.deepEqual(order, files.map((_, i) => i));
  assert.deepEqual(results.map(plain), expected.map(plain));
  assert.equal(co.stats.used, 0);
  assert.ok(co.stats.twice > 0, 'the main thread audited the files the worker had taken');
});

test('co-audit: a worker that cannot start changes nothing', async () => {
  const files = sample.slice(0, 6);
  const expected: FileResult[] = [];
  for (const f of files) expected.push(await auditFile(f));
  const { results, co } = await coAudit(files, { workerUrl: pathToFileURL(join(corpus, 'no-such-worker.js')) }, 5);
  assert.deepEqual(results.map(plain), expected.map(plain));
  assert.equal(co.stats.used, 0);
});

test('co-audit: past its memory limit the worker is stopped and the audit goes on without it', async () => {
  const files = all.filter((_, i) => i % 11 === 0).slice(0, 70).map((n) => join(corpus, n));
  const expected: FileResult[] = [];
  for (const f of files) expected.push(await auditFile(f));
  // a limit every process is above: the first check (after 32 files of the main thread's own) stops the worker
  const { results, co } = await coAudit(files, { rssLimitMb: 1 });
  assert.deepEqual(results.map(plain), expected.map(plain));
  assert.equal(co.stats.stoppedForMemory, true);
  const stopped = await Promise.race([co.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  assert.ok(stopped, 'the worker ended');
});

test('shouldCoAudit: enough files but not too many, two cores or more, unless DOCKAUDIT_CO_AUDIT says otherwise', () => {
  assert.equal(shouldCoAudit(CO_AUDIT_MIN_FILES, undefined, 2), true);
  assert.equal(shouldCoAudit(CO_AUDIT_MIN_FILES - 1, undefined, 2), false, 'too few files to pay for its start-up');
  assert.equal(shouldCoAudit(CO_AUDIT_MAX_FILES, undefined, 2), true);
  assert.equal(shouldCoAudit(CO_AUDIT_MAX_FILES + 1, undefined, 2), false, 'too many: it would only add to the peak');
  assert.equal(shouldCoAudit(CO_AUDIT_MAX_FILES + 1, '1', 2), true, '1 forces it');
  assert.equal(shouldCoAudit(CO_AUDIT_MIN_FILES, undefined, 1), false, 'one core: it would compete with the audit');
  assert.equal(shouldCoAudit(2, '1', 1), true, '1 forces it');
  assert.equal(shouldCoAudit(1, '1', 8), false, 'never for one file');
  assert.equal(shouldCoAudit(10 * CO_AUDIT_MIN_FILES, '0', 2), false, '0 turns it off');
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

test('CLI: co-audit gives the same report as one thread; DOCKAUDIT_CO_AUDIT=0 turns it off; not for a few files', () => {
  const files = [...all.filter((_, i) => i % 5 === 0).slice(0, 150).map((n) => join(corpus, n)), join(corpus, 'no-such-file')];
  for (const format of ['json', 'text']) {
    const args = ['-f', format, ...files];
    const off = cli(args, { DOCKAUDIT_CO_AUDIT: '0', DOCKAUDIT_DEBUG: '1' });
    const on = cli(args, { DOCKAUDIT_CO_AUDIT: '1', DOCKAUDIT_DEBUG: '1' });
    assert.equal(on.code, off.code);
    assert.equal(off.code, 2, 'the missing file is an error');
    assert.ok(on.stdout.length > 1000);
    assert.equal(on.stdout, off.stdout, format);
    // the missing file is reported by discovery, before the audit
    assert.match(on.stderr, new RegExp(`co-audit: \\d+ of ${files.length - 1} files audited by the worker`));
    assert.doesNotMatch(off.stderr, /co-audit/, 'off when asked');
  }
  const few = cli(['-f', 'json', ...files.slice(0, 12)], { DOCKAUDIT_DEBUG: '1' });
  assert.ok(few.stdout.length > 100, few.stderr);
  assert.doesNotMatch(few.stderr, /co-audit/);
});
