// Shared predicates of the RUN/shell and syntax rules (src/rules/helpers).
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildModel } from '../../src/model/build.js';
import { parse } from '../../src/parser/parse.js';
import { initShell } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';
import { shIsLikelyDash } from '../../src/rules/helpers/distro.js';
import { expandedSites, referencedNames, referenceRange } from '../../src/rules/helpers/expansions.js';
import { applySetWords, runScripts, shellOptionsAt } from '../../src/rules/helpers/run-scripts.js';
import type { ShellOptionState } from '../../src/rules/helpers/run-scripts.js';
import { closestWord, nearMiss } from '../../src/rules/helpers/suggest.js';

before(async () => {
  await initShell();
});

function model(code: string) {
  return buildModel(parse(new SourceFile('Dockerfile', code)));
}

test('applySetWords reads bundles, -o names and + to switch off', () => {
  const s: ShellOptionState = { errexit: false, pipefail: false };
  applySetWords(['-euxo', 'pipefail'], s);
  assert.deepEqual(s, { errexit: true, pipefail: true });
  applySetWords(['+e', '+o', 'pipefail'], s);
  assert.deepEqual(s, { errexit: false, pipefail: false });
  applySetWords(['-o', 'errexit', '--', '-e'], s);
  assert.equal(s.errexit, true);
});

test('shellOptionsAt combines SHELL argv and earlier top-level set commands only', () => {
  const m = model('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a; (set -e); b; set -e; c\n');
  const [rs] = runScripts(m);
  assert.ok(rs);
  const at = (name: string) => shellOptionsAt(rs, rs.script.all.find((c) => c.name === name)!.range.start);
  assert.deepEqual(at('b'), { errexit: false, pipefail: true });
  assert.deepEqual(at('c'), { errexit: true, pipefail: true });
});

test('runScripts leaves out Windows-looking scripts, escape=` files and scripts with parse errors', () => {
  assert.equal(runScripts(model('FROM x/tools\nRUN Remove-Item -Force C:/a ; b\n')).length, 0);
  assert.equal(runScripts(model('# escape=`\nFROM x/tools\nRUN a ; b\n')).length, 0);
  assert.equal(runScripts(model('FROM debian:12\nRUN a ; b\n')).length, 1);
});

test('shIsLikelyDash: Debian-family images with the default shell only', () => {
  const dash = (code: string) => {
    const m = model(code);
    const f = m.instructions.find((x) => x.instruction.kind === 'RUN')!;
    return shIsLikelyDash(m, f);
  };
  assert.equal(dash('FROM python:3.12-slim\nRUN x\n'), true);
  assert.equal(dash('FROM ubuntu:24.04 AS a\nFROM a\nRUN x\n'), true);
  assert.equal(dash('FROM python:3.12-alpine\nRUN x\n'), false);
  assert.equal(dash('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN x\n'), false);
  assert.equal(dash('FROM rockylinux:9\nRUN x\n'), false);
  assert.equal(dash('ARG IMG\nFROM $IMG\nRUN x\n'), false);
});

test('closestWord and nearMiss', () => {
  assert.equal(closestWord('RUNN', ['RUN', 'COPY']), 'RUN');
  assert.equal(closestWord('XYZZY', ['RUN', 'COPY']), undefined);
  assert.equal(nearMiss('APP_HOEM', ['APP_HOME', 'APP']), 'APP_HOME');
  assert.equal(nearMiss('START_FILE', ['STARTUP_FILE']), undefined);
  assert.equal(nearMiss('ABC', ['ABD']), undefined);
});

test('referencedNames honours quotes and escapes; referenceRange finds the exact reference', () => {
  assert.deepEqual(referencedNames('$A/${B}-\\$C-\'$D\'', '\\'), ['A', 'B']);
  const text = 'ENV X=$AB/$A';
  assert.deepEqual(referenceRange(text, { start: 6, end: text.length }, 'A'), { start: 10, end: 12 });
});

test('expandedSites lists expanded words of non-RUN instructions with their results', () => {
  const m = model('FROM alpine:3.20\nARG V=1\nENV A=$V\nCOPY x-$V /d/\nRUN echo $V\nLABEL l=${V:0:1}\n');
  const sites = expandedSites(m);
  assert.deepEqual(sites.map((s) => s.text), ['$V', 'x-$V', '${V:0:1}']);
  assert.equal(sites[1]!.result.ok && sites[1]!.result.value, 'x-1');
  assert.equal(sites[2]!.result.ok, false);
});
