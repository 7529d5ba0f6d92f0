/**
 * The CLI on a hostile file system, run as a real process: symlink loops, entries it cannot read, 50,000 files,
 * symlinks out of the scanned tree; and it never executes or downloads anything.
 *
 * Unreadable entries: the tests run as root in CI, where `chmod 000` does not stop reading. So the entries used are
 * ones root cannot read as Dockerfiles either: a dangling symlink, a FIFO (reading it would block forever: the scan
 * must not open it), and a directory carrying a Dockerfile name. `chmod 000` is added when not running as root.
 *
 * "Never executes or downloads": PATH is an empty temp dir holding fake `git`, `curl`, `wget`, `sh`, `bash` and
 * `docker` that record any invocation; a preloaded module also records any child process started by absolute path.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from './inputs.js';

const cliMain = join(repoRoot, 'src', 'cli', 'main.ts');
const landed = existsSync(cliMain);
const recorder = join(repoRoot, 'test', 'robustness', 'fixtures', 'spawn-recorder.mjs');
const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');

let work = '';
let fakeBin = '';
let spawnLog = '';

/** A Dockerfile with a finding any security auditor makes: runs as root, pipes curl to sh. */
const BAD = 'FROM ubuntu:latest\nRUN curl -fsSL https://example.com/install.sh | sh\nUSER root\n';

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly signal: NodeJS.Signals | null;
}

function runCli(args: readonly string[], cwd: string, timeoutMs = 30_000): CliRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', recorder, '--import', tsxLoader, cliMain, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: fakeBin,
      HOME: join(work, 'home'),
      NO_COLOR: '1',
      DOCKAUDIT_TEST_SPAWN_LOG: spawnLog,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0, signal: r.signal };
}

interface JsonReport {
  files: { path: string; findings: unknown[]; errors: unknown[] }[];
}

function jsonFiles(r: CliRun): string[] {
  assert.notEqual(r.signal, 'SIGTERM', `CLI timed out; stderr: ${r.stderr.slice(0, 500)}`);
  let doc: JsonReport;
  try {
    doc = JSON.parse(r.stdout) as JsonReport;
  } catch {
    assert.fail(`not JSON (exit ${r.status}): ${r.stdout.slice(0, 300)} / ${r.stderr.slice(0, 300)}`);
  }
  return doc.files.map((f) => f.path.split('\\').join('/')).sort();
}

function spawned(): string {
  return existsSync(spawnLog) ? readFileSync(spawnLog, 'utf8') : '';
}

function setUp(): void {
  work = mkdtempSync(join(tmpdir(), 'dockaudit-fs-'));
  fakeBin = join(work, 'bin');
  spawnLog = join(work, 'spawned.log');
  mkdirSync(fakeBin);
  mkdirSync(join(work, 'home'));
  for (const tool of ['git', 'curl', 'wget', 'sh', 'bash', 'docker', 'node', 'npm', 'java']) {
    const p = join(fakeBin, tool);
    writeFileSync(p, `#!/bin/sh\necho "${tool} $*" >> '${spawnLog}'\nexit 1\n`);
    chmodSync(p, 0o755);
  }
}

describe('spawn traps', () => {
  before(setUp);
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  it('catch a process started through PATH and one started by absolute path, from CommonJS and ESM', () => {
    const script = [
      "import { execFileSync } from 'node:child_process';",
      "import { createRequire } from 'node:module';",
      "try { execFileSync('git', ['status']); } catch {}",
      "try { createRequire(import.meta.url)('node:child_process').spawnSync('/bin/true'); } catch {}",
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', recorder, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: fakeBin, DOCKAUDIT_TEST_SPAWN_LOG: spawnLog },
    });
    assert.equal(r.status, 0, r.stderr);
    const log = spawned();
    assert.match(log, /^execFileSync git$/m); // the recorder (ESM named import)
    assert.match(log, /^git status$/m); // the fake git on PATH
    assert.match(log, /^spawnSync \/bin\/true$/m); // absolute path, CommonJS
  });
});

describe('CLI on a hostile file system', { skip: landed ? false : 'src/cli/main.ts has not landed yet' }, () => {
  before(setUp);
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('symlink loops (directory and file) terminate; the real Dockerfile is audited once', () => {
    const d = join(work, 'loops');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'sub', 'Dockerfile'), BAD);
    symlinkSync('..', join(d, 'sub', 'up')); // directory loop
    symlinkSync(d, join(d, 'sub', 'root')); // absolute loop
    symlinkSync('Dockerfile.b', join(d, 'Dockerfile.a')); // file loop
    symlinkSync('Dockerfile.a', join(d, 'Dockerfile.b'));
    symlinkSync('sub/Dockerfile', join(d, 'Dockerfile.same')); // a link to a file inside: fine, same content
    const r = runCli(['--format', 'json', '.'], d);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
    const files = jsonFiles(r);
    assert.ok(files.includes('sub/Dockerfile'), files.join(', '));
    assert.equal(files.filter((f) => f.includes('up/') || f.includes('root/')).length, 0, files.join(', '));
  });

  it('entries root cannot read as files (dangling symlink, FIFO, directory named Dockerfile) do not hang or crash', (t) => {
    const d = join(work, 'unreadable');
    mkdirSync(join(d, 'Dockerfile.dir'), { recursive: true });
    writeFileSync(join(d, 'Dockerfile'), BAD);
    symlinkSync('does-not-exist', join(d, 'Dockerfile.dangling'));
    const fifo = spawnSync('/usr/bin/mkfifo', [join(d, 'Dockerfile.fifo')]);
    if (fifo.status !== 0) t.diagnostic('mkfifo unavailable: FIFO case skipped');
    if (process.getuid?.() !== 0) {
      writeFileSync(join(d, 'Dockerfile.locked'), BAD);
      chmodSync(join(d, 'Dockerfile.locked'), 0);
    }
    const r = runCli(['--format', 'json', '.'], d, 20_000);
    assert.notEqual(r.signal, 'SIGTERM', 'the CLI hung (FIFO opened?)');
    const files = jsonFiles(r);
    assert.ok(files.includes('Dockerfile'), files.join(', '));
    assert.ok(!files.includes('Dockerfile.fifo') && !files.includes('Dockerfile.dir'), files.join(', '));
    // 0/1 (findings or not) or 2 (an unreadable entry reported): never a crash
    assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `exit ${r.status}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace on stderr');
    t.diagnostic(`exit ${r.status}; stderr: ${r.stderr.trim().slice(0, 200)}`);
  });

  it('symlinks pointing out of the scanned tree are not followed', () => {
    const outside = join(work, 'outside');
    const tree = join(work, 'tree');
    mkdirSync(join(outside, 'deep'), { recursive: true });
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(outside, 'Dockerfile'), BAD);
    writeFileSync(join(outside, 'deep', 'Dockerfile'), BAD);
    writeFileSync(join(tree, 'Dockerfile'), 'FROM alpine:3.20\nUSER 1000\n');
    symlinkSync(outside, join(tree, 'linked-dir'));
    symlinkSync(join(outside, 'Dockerfile'), join(tree, 'Dockerfile.linked'));
    symlinkSync('../outside/deep/Dockerfile', join(tree, 'rel.Dockerfile'));
    const files = jsonFiles(runCli(['--format', 'json', '.'], tree));
    assert.deepEqual(files, ['Dockerfile']);
  });

  it('a directory of 50,000 files is scanned in bounded time', (t) => {
    const d = join(work, 'many');
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) {
      const sub = join(d, `dir${i}`);
      mkdirSync(sub, { recursive: true });
      for (let j = 0; j < 1000; j++) writeFileSync(join(sub, `file${j}.txt`), '');
    }
    for (let i = 0; i < 10; i++) writeFileSync(join(d, `dir${i * 5}`, 'Dockerfile'), BAD);
    t.diagnostic(`created 50,010 files in ${(performance.now() - t0).toFixed(0)} ms`);
    const r = runCli(['--format', 'json', '.'], d, 60_000);
    t.diagnostic(`CLI: ${r.ms.toFixed(0)} ms, exit ${r.status}`);
    assert.equal(jsonFiles(r).length, 10);
    assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  });

  it('never executes or downloads: no git, curl, sh … run, not even inside a git work tree', () => {
    const d = join(work, 'repo');
    mkdirSync(join(d, '.git'), { recursive: true });
    writeFileSync(join(d, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(d, 'Dockerfile'), BAD + 'ADD https://example.com/x.tgz /x\nRUN git clone https://github.com/a/b\n');
    writeFileSync(join(d, '.dockaudit.yml'), '');
    for (const format of ['text', 'json', 'sarif']) {
      const r = runCli(['--format', format, '.'], d);
      // 0 or 1 depending on the rules present; 2 would mean the run itself failed
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr.slice(0, 300)}`);
      if (format === 'json') assert.deepEqual(jsonFiles(r), ['Dockerfile']);
    }
    const stdin = spawnSync(process.execPath, ['--import', recorder, '--import', tsxLoader, cliMain, '-'], {
      cwd: d,
      input: BAD,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: fakeBin, HOME: join(work, 'home'), DOCKAUDIT_TEST_SPAWN_LOG: spawnLog },
    });
    assert.ok(stdin.status === 0 || stdin.status === 1, stdin.stderr);
    assert.equal(spawned(), '', 'the CLI started processes');
  });
});
