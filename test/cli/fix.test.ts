// End-to-end: `--fix` rewrites files keeping every byte outside the edits (BOM, CRLF), and `migrate-config`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const main = join(repoRoot, 'src', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'dockaudit-fix-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const r = spawnSync(process.execPath, ['--import', tsx, main, ...args], { cwd, input: '', encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BOM = '\uFEFF';
const original = [
  'FROM alpine:3.20 as build',
  'MAINTAINER Jane <j@example.com>',
  'ADD app.sh /app.sh',
  'FROM alpine:3.20',
  '# untouched comment  with  spacing\t',
  'RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*',
  'USER app',
  '',
].join('\r\n');

test('--fix applies safe fixes, keeps the BOM, CRLF and untouched lines byte-identical, then reports what is left', () => {
  const dir = mkdtempSync(join(tmp, 'f-'));
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, BOM + original);
  const r = cli(['--no-config', '--fix', 'Dockerfile'], dir);
  assert.match(r.stderr, /Dockerfile: fixed 4 findings/);
  const after = readFileSync(file, 'utf8');
  assert.ok(after.startsWith(BOM), 'BOM kept');
  const lines = after.slice(1).split('\r\n');
  assert.equal(after.split('\n').length, original.split('\n').length, 'same number of lines');
  assert.ok(!/[^\r]\n/.test(after), 'every line still ends with CRLF');
  assert.equal(lines[0], 'FROM alpine:3.20 AS build');
  assert.equal(lines[1], 'LABEL org.opencontainers.image.authors="Jane <j@example.com>"');
  assert.equal(lines[2], 'COPY app.sh /app.sh');
  assert.equal(lines[4], '# untouched comment  with  spacing\t');
  assert.equal(lines[5], 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
  // the report shows the state after fixing: none of the fixed findings is left
  assert.doesNotMatch(r.stdout, /DA901|DA503|DA105|DA605/);
  // a second run has nothing left to fix
  const again = cli(['--no-config', '--fix', 'Dockerfile'], dir);
  assert.doesNotMatch(again.stderr, /fixed/);
  assert.equal(readFileSync(file, 'utf8'), after);
});

test('without --fix nothing is written; --fix refuses standard input', () => {
  const dir = mkdtempSync(join(tmp, 'n-'));
  writeFileSync(join(dir, 'Dockerfile'), original);
  cli(['--no-config', 'Dockerfile'], dir);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), original);
  const r = cli(['--fix', '-'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--fix cannot rewrite standard input/);
});

test('migrate-config writes the equivalent .dockaudit.yaml and will not overwrite one', () => {
  const dir = mkdtempSync(join(tmp, 'm-'));
  writeFileSync(join(dir, '.hadolint.yaml'), 'ignored:\n  - DL3059\noverride:\n  error:\n    - DL3020\ntrustedRegistries:\n  - docker.io\n');
  const r = cli(['migrate-config'], dir);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(join(dir, '.dockaudit.yaml'), 'utf8');
  assert.match(text, /DL3059: off/);
  assert.match(text, /DL3020: high/);
  assert.match(text, /trustedRegistries:\n\s+- docker\.io/);
  // the written config is valid and in effect
  const pc = cli(['print-config', 'Dockerfile'], dir);
  assert.equal(pc.code, 0, pc.stderr);
  assert.match(pc.stdout, /DL3059: off/);
  const again = cli(['migrate-config'], dir);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
  const none = mkdtempSync(join(tmp, 'e-'));
  const missing = cli(['migrate-config'], none);
  assert.equal(missing.code, 2);
  assert.ok(!existsSync(join(none, '.dockaudit.yaml')));
});

test('--show-suppressed lists suppressed findings, marked, in text and JSON; without it they are only counted', () => {
  const dir = mkdtempSync(join(tmp, 's-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20\n# dockaudit ignore=DA503 -- vendored file\nADD app.sh /app.sh\nUSER app\n');
  const plain = cli(['--no-config', 'Dockerfile'], dir);
  assert.doesNotMatch(plain.stdout, /DA503/);
  assert.match(plain.stdout, /1 suppressed/);
  const shown = cli(['--no-config', '--show-suppressed', 'Dockerfile'], dir);
  assert.match(shown.stdout, /DA503 add-instead-of-copy .*\[suppressed: vendored file\]/);
  const json = JSON.parse(cli(['--no-config', '--show-suppressed', '-f', 'json', 'Dockerfile'], dir).stdout);
  const f = json.files[0].findings.find((x: { ruleId: string }) => x.ruleId === 'DA503');
  assert.deepEqual(f.suppressed, { kind: 'inSource', justification: 'vendored file' });
  const hidden = JSON.parse(cli(['--no-config', '-f', 'json', 'Dockerfile'], dir).stdout);
  assert.equal(hidden.files[0].findings.some((x: { ruleId: string }) => x.ruleId === 'DA503'), false);
});
