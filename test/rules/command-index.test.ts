// The per-model command index (commandsNamed, runsRunning) against the plain filters it replaces in rules.
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildModel } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import { parse } from '../../src/parser/parse.js';
import { commandsNamed, runCommandsOfModel, runScriptCommandsNamed, runsRunning } from '../../src/rules/helpers/command-index.js';
import { hasInstruction } from '../../src/rules/helpers/instructions.js';
import { runScripts } from '../../src/rules/helpers/run-scripts.js';
import { MANAGER_TOOLS, managerOf, runCommands } from '../../src/rules/helpers/packages.js';
import { commandsOfModel } from '../../src/rules/helpers/shell.js';
import type { CommandAt } from '../../src/rules/helpers/shell.js';
import { initShell } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';

before(async () => {
  await initShell();
});

function model(text: string): DockerfileModel {
  return buildModel(parse(new SourceFile('Dockerfile', text)));
}

const FILE = [
  'FROM debian AS build',
  'RUN apt-get update && sudo apt-get install -y curl && curl -fsSL https://x.example/a | sh',
  'RUN python3 -m pip install flask; echo done; sh -c "apt-get -y purge curl"',
  'ONBUILD RUN apk add git',
  'FROM build',
  'RUN echo no managers here',
  'CMD curl -f http://localhost/ || exit 1',
  'HEALTHCHECK CMD wget -q http://localhost/',
  'RUN yum install -y make && apt-get clean',
  '',
].join('\n');

test('commandsNamed returns exactly the commands whose name or tool is asked for, in file order, each once', () => {
  const m = model(FILE);
  const names: ReadonlySet<string> = new Set(['apt-get', 'pip', 'curl', 'wget']);
  for (const kinds of ['all', 'RUN'] as const) {
    const expected = commandsOfModel(m, kinds === 'all' ? undefined : ['RUN']).filter(
      (x) => (x.cmd.name !== null && names.has(x.cmd.name)) || (x.cmd.tool !== null && names.has(x.cmd.tool)),
    );
    const got = commandsNamed(m, names, kinds);
    assert.deepEqual(got, expected);
    assert.equal(new Set(got).size, got.length);
    // asked again: the same (cached) answer
    assert.equal(commandsNamed(m, names, kinds), got);
  }
  // `python3 -m pip` is found under its tool key, `sudo apt-get` under the effective command
  const run = commandsNamed(m, names, 'RUN').map((x) => x.cmd.tool);
  assert.deepEqual(run, ['apt-get', 'apt-get', 'curl', 'pip', 'apt-get', 'apt-get']);
  // CMD and HEALTHCHECK scripts are only in the 'all' list
  assert.deepEqual(
    commandsNamed(m, names, 'all').map((x) => x.at.facts.instruction.kind),
    ['RUN', 'RUN', 'RUN', 'RUN', 'RUN', 'CMD', 'HEALTHCHECK', 'RUN'],
  );
});

test('commandsNamed finds nothing for names no command has', () => {
  const m = model(FILE);
  assert.deepEqual(commandsNamed(m, new Set(['gem', 'zypper']), 'all'), []);
});

test('runsRunning keeps the RUNs of runCommands that run one of the names (ONBUILD triggers included)', () => {
  const m = model(FILE);
  const expected = runCommands(m).filter((r) => r.commands.some((c) => managerOf(c) !== null));
  const got = runsRunning(m, MANAGER_TOOLS);
  assert.deepEqual(got, expected);
  assert.deepEqual(
    got.map((r) => r.facts.instruction.range.start),
    expected.map((r) => r.facts.instruction.range.start),
  );
  assert.equal(got.length, 4); // the RUN that only echoes is left out
});

test('runScriptCommandsNamed gives, script by script, what script.commands(...names) gives', () => {
  const m = model(FILE);
  const names = ['curl', 'apt-get', 'echo'];
  const expected = runScripts(m).flatMap((rs) => rs.script.commands(...names).map((cmd) => ({ rs, cmd })));
  const got = runScriptCommandsNamed(m, new Set(names));
  assert.deepEqual(got, expected);
  assert.ok(got.length >= 6);
  // the CMD and HEALTHCHECK scripts are no RUN scripts
  assert.ok(got.every((x) => x.rs.facts.instruction.kind === 'RUN'));
});

test('sets first asked for after a model was indexed, and more sets than mask bits, are answered exactly', () => {
  const exact = (m: DockerfileModel, names: ReadonlySet<string>, kinds: 'all' | 'RUN'): CommandAt[] =>
    commandsOfModel(m, kinds === 'all' ? undefined : ['RUN']).filter(
      (x) => x.cmd.name !== null && (names.has(x.cmd.name) || (x.cmd.tool !== null && names.has(x.cmd.tool))),
    );
  // indexed while asking for one new set, then asked for another new one (the index learns the new bit)
  const m = model(FILE);
  const echo: ReadonlySet<string> = new Set(['echo']);
  assert.deepEqual(commandsNamed(m, echo, 'RUN'), exact(m, echo, 'RUN'));
  assert.equal(commandsNamed(m, echo, 'RUN').length, 2);
  const late: ReadonlySet<string> = new Set(['yum', 'sh']);
  assert.deepEqual(commandsNamed(m, late, 'RUN'), exact(m, late, 'RUN'));
  assert.deepEqual(commandsNamed(m, late, 'RUN').map((x) => x.cmd.name), ['sh', 'sh', 'yum']);
  // fresh sets: each takes the next bit; past the 31st, a plain scan answers
  const tools = ['apt-get', 'curl', 'pip', 'echo', 'apk', 'wget', 'yum', 'sh', 'make', 'nope'];
  for (let k = 0; k < 40; k++) {
    const names: ReadonlySet<string> = new Set([tools[k % tools.length]!, tools[(k * 7 + 3) % tools.length]!]);
    for (const kinds of ['all', 'RUN'] as const) assert.deepEqual(commandsNamed(m, names, kinds), exact(m, names, kinds), [...names].join(','));
  }
});

test('runCommandsOfModel is every command of the RUN instructions, ONBUILD triggers included, in file order', () => {
  const m = model(FILE);
  const expected = commandsOfModel(m).filter((x) => x.at.facts.instruction.kind === 'RUN');
  assert.deepEqual(runCommandsOfModel(m), expected);
  assert.ok(runCommandsOfModel(m).some((x) => x.cmd.name === 'apk'), 'the ONBUILD RUN trigger');
  assert.ok(!runCommandsOfModel(m).some((x) => x.at.facts.instruction.kind === 'CMD'));
  assert.equal(runCommandsOfModel(model('FROM scratch\nCOPY a /a\n')).length, 0);
});

test('hasInstruction tells which instruction kinds a file has, ONBUILD triggers included', () => {
  const df = model('FROM debian\nONBUILD ADD a.tar /x\nEXPOSE 80\n').dockerfile;
  assert.equal(hasInstruction(df, 'ADD'), true);
  assert.equal(hasInstruction(df, 'ONBUILD'), true);
  assert.equal(hasInstruction(df, 'EXPOSE'), true);
  assert.equal(hasInstruction(df, 'VOLUME'), false);
  assert.equal(hasInstruction(df, 'COPY'), false);
});
