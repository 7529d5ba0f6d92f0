// The build-context reader the CLI gives to context-aware rules (DA820, DA821).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { contextReader, MAX_CONTEXT_FILE } from '../../src/cli/context.js';
import { repoRoot } from '../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockaudit-ctx-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('reads files of the Dockerfile directory, refuses to leave it', () => {
  const ctx = join(tmp, 'ctx');
  mkdirSync(join(ctx, 'sub'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM alpine:3.20\n');
  writeFileSync(join(ctx, '.dockerignore'), '.git\n');
  writeFileSync(join(ctx, 'sub', 'a.txt'), 'a');
  writeFileSync(join(tmp, 'outside.txt'), 'secret');
  writeFileSync(join(ctx, 'big'), Buffer.alloc(MAX_CONTEXT_FILE + 1));
  let linked = true;
  try {
    symlinkSync(join(tmp, 'outside.txt'), join(ctx, 'link'));
  } catch {
    linked = false; // no symlink permission: that case is not testable here
  }
  const read = contextReader(join(ctx, 'Dockerfile'));
  assert.equal(read('.dockerignore'), '.git\n');
  assert.equal(read('sub/a.txt'), 'a');
  assert.equal(read('sub/../sub/a.txt'), 'a');
  assert.equal(read('missing'), undefined);
  assert.equal(read('sub'), undefined, 'directories are not files');
  assert.equal(read('../outside.txt'), undefined);
  assert.equal(read(join(tmp, 'outside.txt')), undefined, 'absolute paths are refused');
  assert.equal(read('big'), undefined, 'too large');
  if (linked) assert.equal(read('link'), undefined, 'a symlink out of the context is refused');
});

test('CLI: DA821 uses the Dockerfile directory as context, and is silent for standard input', () => {
  const dir = join(tmp, 'proj');
  mkdirSync(dir, { recursive: true });
  const text = 'FROM alpine:3.20\nWORKDIR /app\nCOPY . .\n';
  writeFileSync(join(dir, 'Dockerfile'), text);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const main = join(repoRoot, 'src', 'cli', 'main.ts');
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, ['--import', tsx, main, '--no-config', '--format', 'json', ...args], { cwd: dir, input, encoding: 'utf8' });
  const ids = (out: string) => (JSON.parse(out) as { files: { findings: { ruleId: string }[] }[] }).files.flatMap((f) => f.findings.map((x) => x.ruleId));
  assert.ok(ids(run(['Dockerfile']).stdout).includes('DA821'));
  assert.ok(!ids(run(['-'], text).stdout).includes('DA821'), 'stdin: context unknown');
  writeFileSync(join(dir, '.dockerignore'), '.git\n');
  assert.ok(!ids(run(['Dockerfile']).stdout).includes('DA821'));
});

test('one reader per context folder; names missing from the folder are answered without touching them', () => {
  const ctx = join(tmp, 'shared-ctx');
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, '.dockerignore'), 'node_modules\n');
  writeFileSync(join(ctx, 'api.Dockerfile.dockerignore'), '*.md\n');
  const a = contextReader(join(ctx, 'api.Dockerfile'));
  assert.equal(contextReader(join(ctx, 'web.Dockerfile')), a, 'Dockerfiles of one folder share the reader');
  assert.equal(a('api.Dockerfile.dockerignore'), '*.md\n');
  assert.equal(a('web.Dockerfile.dockerignore'), undefined);
  assert.equal(a('.dockerignore'), 'node_modules\n');
  assert.equal(a('./.dockerignore'), 'node_modules\n');
  assert.notEqual(contextReader(join(tmp, 'ctx', 'Dockerfile')), a, 'another folder, another reader');
});
