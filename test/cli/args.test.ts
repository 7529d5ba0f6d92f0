import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.js';
import { useColor } from '../../src/cli/color.js';
import { closestWord } from '../../src/rules/helpers/suggest.js';

const closest = (w: string, c: readonly string[]) => closestWord(w, c, 2);

test('audit command defaults and options', () => {
  assert.deepEqual(parseCommandLine([]), {
    ok: true,
    command: { kind: 'audit', paths: ['.'], noConfig: false, quiet: false, stdinFilename: 'Dockerfile', showSuppressed: false },
  });
  const r = parseCommandLine(['-f', 'sarif', '-o', 'x.sarif', '--fail-level', 'high', '--no-color', '-q', '-', '--stdin-filename', 'a/Dockerfile', 'dir']);
  assert.deepEqual(r, {
    ok: true,
    command: { kind: 'audit', paths: ['-', 'dir'], format: 'sarif', output: 'x.sarif', failLevel: 'high', noConfig: false, color: false, quiet: true, stdinFilename: 'a/Dockerfile', showSuppressed: false },
  });
  const fx = parseCommandLine(['--fix', '--show-suppressed', 'Dockerfile']);
  assert.deepEqual(fx.ok && fx.command.kind === 'audit' && [fx.command.fix, fx.command.showSuppressed], ['safe', true]);
  const fu = parseCommandLine(['--fix-unsafe', 'Dockerfile']);
  assert.equal(fu.ok && fu.command.kind === 'audit' && fu.command.fix, 'unsafe');
  assert.deepEqual(parseCommandLine(['migrate-config', 'h.yaml']), { ok: true, command: { kind: 'migrate-config', force: false, file: 'h.yaml' } });
  const c = parseCommandLine(['-c', 'cfg.yaml', '--baseline', 'b.json', '--write-baseline', 'n.json']);
  assert.deepEqual(c.ok && c.command.kind === 'audit' && [c.command.configPath, c.command.baseline, c.command.writeBaseline], ['cfg.yaml', 'b.json', 'n.json']);
  assert.deepEqual(parseCommandLine(['init', '--force']), { ok: true, command: { kind: 'init', force: true } });
  assert.deepEqual(parseCommandLine(['print-config', 'a/Dockerfile', '--no-config']), { ok: true, command: { kind: 'print-config', file: 'a/Dockerfile', noConfig: true } });
  const bad = parseCommandLine(['rules', '--baseline', 'x']);
  assert.ok(!bad.ok && /--baseline is not valid for "rules"/.test(bad.message));
});

test('usage errors are values with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['--format', 'xml'], /invalid format "xml" \(expected text, json, sarif\)/],
    [['--fail-level', 'hgh'], /invalid fail level "hgh"/],
    [['--frmat', 'json'], /Unknown option '--frmat'/],
    [['rules', 'x'], /unexpected argument "x" for "rules"/],
    [['rules', '--format', 'sarif'], /invalid format "sarif"/],
    [['explain'], /exactly one rule/],
    [['parse', 'Dockerfile'], /exactly one of --dump, --json or --commands/],
    [['parse', '--dump', '--json', 'F'], /exactly one of/],
    [['parse', '--dump'], /exactly one file/],
    [['-', '-'], /only once/],
    [['--aliases'], /--aliases is not valid here/],
    [['explain', 'DA1', '--fail-level', 'low'], /--fail-level is not valid for "explain"/],
  ];
  for (const [argv, re] of cases) {
    const r = parseCommandLine(argv);
    assert.equal(r.ok, false, argv.join(' '));
    if (!r.ok) assert.match(r.message, re, argv.join(' '));
  }
});

test('subcommands', () => {
  assert.deepEqual(parseCommandLine(['rules', '--format', 'json', '--aliases']), { ok: true, command: { kind: 'rules', format: 'json', aliases: true } });
  assert.deepEqual(parseCommandLine(['explain', 'DL3020']), { ok: true, command: { kind: 'explain', rule: 'DL3020' } });
  assert.deepEqual(parseCommandLine(['parse', '--json', 'F']), { ok: true, command: { kind: 'parse', mode: 'json', file: 'F', stdinFilename: 'Dockerfile' } });
  assert.deepEqual(parseCommandLine(['--version']), { ok: true, command: { kind: 'version' } });
  assert.deepEqual(parseCommandLine(['rules', '-h']), { ok: true, command: { kind: 'help' } });
});

test('colour: flag > NO_COLOR > FORCE_COLOR > TTY', () => {
  assert.equal(useColor({ env: {}, isTTY: true }), true);
  assert.equal(useColor({ env: {}, isTTY: false }), false);
  assert.equal(useColor({ env: { NO_COLOR: '1' }, isTTY: true }), false);
  assert.equal(useColor({ env: { NO_COLOR: '' }, isTTY: true }), true);
  assert.equal(useColor({ env: { FORCE_COLOR: '1' }, isTTY: false }), true);
  assert.equal(useColor({ env: { FORCE_COLOR: '0' }, isTTY: true }), false);
  assert.equal(useColor({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true }), false);
  assert.equal(useColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: false }), true);
  assert.equal(useColor({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }), false);
});

test('did-you-mean', () => {
  assert.equal(closest('add-instead-of-cpy', ['add-instead-of-copy', 'maintainer-deprecated']), 'add-instead-of-copy');
  assert.equal(closest('dl3002', ['DL3020', 'DA901']), 'DL3020');
  assert.equal(closest('something-else', ['DL3020']), undefined);
});
