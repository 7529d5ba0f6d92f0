// End-to-end: spawns the real CLI (through tsx) on fixture directories.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

// The fixture Dockerfiles are clean under every rule except the few each test is about (they end with a non-root
// USER, for instance), because the CLI always runs the whole registry. When a new rule fires on one, the failing
// assertion prints the report: make the fixture clean under it again (or fix the rule if it is a false positive).
const fixtures = join(repoRoot, 'test', 'fixtures', 'cli');
// tsx by absolute URL, so the CLI can run with any working directory
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const main = join(repoRoot, 'src', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'dockaudit-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  const r = spawnSync(process.execPath, ['--import', tsx, main, ...args], {
    cwd: opts.cwd ?? fixtures,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...env, ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('directory audit: text report, .gitignore and node_modules skipped, exit 1 on findings', () => {
  const r = cli(['findings']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.equal(r.stderr, '');
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not a terminal');
  assert.match(r.stdout, /^findings\/Dockerfile\n {2}2:1 {2}info {2}DA901 maintainer-deprecated/m);
  assert.match(r.stdout, /\n {2}3:1 {2}low {2}DA503 add-instead-of-copy {2}Use COPY instead of ADD/);
  assert.match(r.stdout, /findings\/svc\/api\.Dockerfile\n {2}2:2 {2}low {2}DA503/);
  assert.match(r.stdout, / {4}\| \t\^\^\^\n/);
  assert.ok(!r.stdout.includes('ignored/'), 'gitignored directory skipped');
  assert.ok(!r.stdout.includes('node_modules'), 'node_modules skipped');
  assert.match(r.stdout, /dockaudit: 3 findings \(2 low, 1 info\) in 2 files; score min \d+\/100, average \d+\/100\n$/);
});

test('fail level: info findings below --fail-level low do not fail; none never fails', () => {
  // findings/Dockerfile has one low and one info finding
  const medium = cli(['findings/Dockerfile', '--fail-level', 'medium']);
  assert.equal(medium.code, 0, medium.stdout);
  assert.match(medium.stdout, /dockaudit: 2 findings \(1 low, 1 info\) in 1 file;/);
  const none = cli(['findings', '--fail-level', 'none']);
  assert.equal(none.code, 0, none.stdout);
  assert.match(none.stdout, /dockaudit: 3 findings /, 'none still reports the findings');
  assert.equal(cli(['findings/Dockerfile', '--fail-level', 'info']).code, 1);
  assert.equal(cli(['findings/Dockerfile', '--fail-level', 'low']).code, 1);
  const clean = cli(['clean']);
  assert.equal(clean.code, 0, clean.stdout);
  assert.equal(clean.stdout, 'dockaudit: no findings in 1 file; score 100/100\n');
});

test('JSON to stdout; SARIF to --output validates against the schema', () => {
  const r = cli(['-f', 'json', 'findings/Dockerfile']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.tool.name, 'dockaudit');
  assert.deepEqual(
    doc.files[0].findings.map((f: { ruleId: string; line: number; column: number; endColumn: number }) => [f.ruleId, f.line, f.column, f.endColumn]),
    [['DA901', 2, 1, 11], ['DA503', 3, 1, 4]],
  );
  const out = join(tmp, 'out.sarif');
  const s = cli(['--format', 'sarif', '--output', out, 'findings']);
  assert.equal(s.code, 1);
  assert.equal(s.stdout, '');
  const log = JSON.parse(readFileSync(out, 'utf8'));
  assert.ok(sarifValidator()(log), JSON.stringify(sarifValidator().errors));
  const uris = log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri);
  assert.deepEqual(uris, ['findings/Dockerfile', 'findings/Dockerfile', 'findings/svc/api.Dockerfile']);
});

test('--output: the report file appears whole, no temporary file is left; an unwritable target changes nothing', () => {
  const dir = mkdtempSync(join(tmp, 'out-'));
  const out = join(dir, 'report.json');
  const r = cli(['-f', 'json', '--output', out, 'findings']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).files.length, 2);
  assert.deepEqual(readdirSync(dir), ['report.json']);
  // a folder where the report should go: an error, exit 2, the folder untouched and no stray file beside it
  mkdirSync(join(dir, 'taken'));
  const bad = cli(['-f', 'json', '--output', join(dir, 'taken'), 'findings']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /taken: cannot write the report: is a directory\n$/);
  assert.deepEqual(readdirSync(dir).sort(), ['report.json', 'taken']);
  assert.deepEqual(readdirSync(join(dir, 'taken')), []);
  const missing = cli(['-f', 'json', '--output', join(dir, 'no', 'such', 'dir.json'), 'findings']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /dir\.json: cannot write the report: no such file or directory\n$/);
});

test('stdin with --stdin-filename', () => {
  const r = cli(['-', '--stdin-filename', 'web/Dockerfile', '-f', 'json'], { input: 'FROM alpine:3.20\nADD x /x\nUSER 10001\n' });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.files.length, 1);
  assert.equal(doc.files[0].path, 'web/Dockerfile');
  assert.deepEqual(doc.files[0].findings.map((f: { ruleId: string; line: number }) => [f.ruleId, f.line]), [['DA503', 2]], r.stdout);
});

test('bad input: file:line:column: message on stderr, exit 2, no stack trace', () => {
  const r = cli(['-f', 'json', 'broken/Dockerfile']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'broken/Dockerfile:3:5: ENV must have two arguments\n');
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(JSON.parse(r.stdout).files[0].score, 0);
  const missing = cli(['nope/Dockerfile']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^nope\/Dockerfile: no such file or directory\n/);
});

test('usage errors exit 2 with a hint', () => {
  const r = cli(['--format', 'xml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid format "xml"[\s\S]*dockaudit --help/);
  assert.equal(r.stdout, '');
});

test('--help, --version, rules, explain, parse', () => {
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  const version = cli(['--version']);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  const rules = cli(['rules', '--aliases']);
  assert.equal(rules.code, 0);
  assert.match(rules.stdout, /^ID +NAME +SEVERITY +CATEGORY +ALIASES +DESCRIPTION\n/);
  assert.match(rules.stdout, /DA503 +add-instead-of-copy +low +supply-chain +DL3020, DS-0005, CKV_DOCKER_4 /);
  const json = JSON.parse(cli(['rules', '--format', 'json']).stdout);
  const da901 = json.find((r: { id: string }) => r.id === 'DA901');
  assert.deepEqual(Object.keys(da901), ['id', 'name', 'severity', 'category', 'cwe', 'aliases', 'description', 'docs']);
  assert.deepEqual(da901.aliases, ['DL4000', 'MaintainerDeprecated', 'DS-0022', 'CKV_DOCKER_6']);
  const explain = cli(['explain', 'dl3020']);
  assert.equal(explain.code, 0);
  assert.match(explain.stdout, /^# add-instead-of-copy \(DA503\)\n/);
  assert.match(explain.stdout, /## How to fix/);
  const unknown = cli(['explain', 'add-instead-of-cpy']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown rule "add-instead-of-cpy" \(did you mean "add-instead-of-copy"\?\)/);
  const dump = cli(['parse', '--dump', 'clean/Dockerfile']);
  assert.equal(dump.code, 0);
  assert.match(dump.stdout, /\(from "alpine:3\.20"\)\n\(copy "app\.py" "\/srv\/app\.py"\)\n/);
  const cmds = cli(['parse', '--commands', 'commands.Dockerfile']);
  assert.equal(cmds.code, 0, cmds.stderr);
  assert.match(cmds.stdout, /#0 2:5 curl {2}argv=\["curl", "-fsSL"/);
  assert.match(cmds.stdout, /use 2:57 interpret A0 \(https:\/\/example\.com\) UNVERIFIED/);
  const tree = JSON.parse(cli(['parse', '--json', 'clean/Dockerfile']).stdout);
  assert.deepEqual(tree.instructions.map((i: { keyword: string }) => i.keyword), ['FROM', 'COPY', 'USER']);
});

test('colour on request, and NO_COLOR', () => {
  assert.match(cli(['findings/Dockerfile', '--color']).stdout, /\u001b\[/);
  assert.match(cli(['findings/Dockerfile'], { env: { FORCE_COLOR: '1' } }).stdout, /\u001b\[/);
  assert.doesNotMatch(cli(['findings/Dockerfile'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout, /\u001b\[/);
});

test('config file found upward: rules off/severity, failLevel; inline suppression; --no-config; bad config → exit 2', () => {
  const r = cli(['-f', 'json', 'configured'], { cwd: fixtures });
  const doc = JSON.parse(r.stdout);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    doc.files.map((f: { path: string; findings: { ruleId: string; severity: string }[] }) => [f.path, f.findings.map((x) => `${x.ruleId}:${x.severity}`)]),
    [['configured/Dockerfile', ['DA901:high']], ['configured/legacy/Dockerfile', []]],
    r.stdout,
  );
  assert.equal(doc.summary.suppressed, 1);
  const none = JSON.parse(cli(['-f', 'json', '--no-config', 'configured/Dockerfile']).stdout);
  assert.deepEqual(none.files[0].findings.map((x: { ruleId: string; severity: string }) => `${x.ruleId}:${x.severity}`), ['DA901:info', 'DA503:low']);
  const medium = cli(['--no-config', 'configured/Dockerfile', '--fail-level', 'medium']);
  assert.equal(medium.code, 0, medium.stdout);
  const bad = cli(['-c', 'bad-config.yaml', 'clean']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^bad-config\.yaml:2:3: rules\.DA503: unknown severity "hgh"/);
});

test('baseline: write, then only new findings are reported', () => {
  const baseline = join(tmp, 'baseline.json');
  const w = cli(['--no-config', '--write-baseline', baseline, 'findings/Dockerfile']);
  assert.equal(w.code, 1);
  const again = cli(['--no-config', '--baseline', baseline, '-f', 'json', 'findings/Dockerfile']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).files[0].findings, []);
  const more = cli(['--no-config', '--baseline', baseline, '-f', 'json', '-', '--stdin-filename', 'findings/Dockerfile'], {
    input: 'FROM alpine:3.20\n# new line above\nMAINTAINER Jane <jane@example.com>\nADD app.py /srv/app.py\nADD new.txt /n\nUSER 10001\n',
  });
  assert.equal(more.code, 1);
  assert.deepEqual(JSON.parse(more.stdout).files[0].findings.map((f: { line: number }) => f.line), [5]);
});

test('init writes a starter config once; print-config shows the effective config', () => {
  const first = cli(['init'], { cwd: tmp });
  assert.equal(first.code, 0);
  assert.match(readFileSync(join(tmp, '.dockaudit.yaml'), 'utf8'), /^# dockaudit configuration/);
  const second = cli(['init'], { cwd: tmp });
  assert.equal(second.code, 2);
  assert.match(second.stderr, /already exists/);
  const p = cli(['print-config', 'configured/Dockerfile']);
  assert.equal(p.code, 0);
  assert.match(p.stdout, /configured\/\.dockaudit\.yaml/);
  assert.match(p.stdout, /failLevel: high/);
});

test('ignorePaths skip files found in folders, not files named as arguments', () => {
  const dir = join(tmp, 'ignore-paths');
  mkdirSync(join(dir, 'ignored'), { recursive: true });
  mkdirSync(join(dir, 'ok'), { recursive: true });
  writeFileSync(join(dir, 'ignored', 'Dockerfile'), 'FROM alpine\n');
  writeFileSync(join(dir, 'ok', 'Dockerfile'), 'FROM alpine\n');
  writeFileSync(join(dir, '.dockaudit.yaml'), 'ignorePaths:\n  - "ignored/**"\n');
  const paths = (args: string[]) => (JSON.parse(cli(['-f', 'json', ...args], { cwd: dir }).stdout) as { files: { path: string }[] }).files.map((f) => f.path);
  assert.deepEqual(paths(['.']), ['ok/Dockerfile']);
  assert.deepEqual(paths(['ignored/Dockerfile', '.']), ['ignored/Dockerfile', 'ok/Dockerfile']);
  // named after its folder: listed where the folder's walk found it, under that spelling, and still audited
  assert.deepEqual(paths(['.', './ignored/Dockerfile']), ['ignored/Dockerfile', 'ok/Dockerfile']);
});
