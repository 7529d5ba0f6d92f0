import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySuppressions, parsePragmaComment, parseSuppressions } from '../../src/engine/suppressions.js';
import type { Finding } from '../../src/rules/types.js';
import type { Dockerfile } from '../../src/parser/ast.js';
import { parse } from '../../src/parser/index.js';
import { SourceFile } from '../../src/source.js';
import { testRules } from './helpers.js';

const realParse = (text: string): Dockerfile => parse(new SourceFile('Dockerfile', text));

/** A finding of `ruleId` on the line that contains `needle`. */
function finding(df: Dockerfile, ruleId: string, needle: string): Finding {
  const at = df.source.text.indexOf(needle);
  assert.ok(at >= 0, `needle ${needle}`);
  const rule = testRules.find((r) => r.meta.id === ruleId)!;
  return {
    ruleId,
    ruleName: rule.meta.name,
    severity: rule.meta.severity,
    category: rule.meta.category,
    message: 'm',
    messageId: 'm',
    range: { start: at, end: at + needle.length },
  };
}

function run(text: string, ids: [string, string][], opts = {}) {
  const df = realParse(text);
  const fs = ids.map(([id, n]) => finding(df, id, n));
  return { df, ...applySuppressions(fs, df, undefined, testRules, opts) };
}

const suppressedIds = (fs: readonly Finding[]) => fs.filter((f) => f.suppressed).map((f) => f.ruleId);

test('dockaudit ignore= applies to the next instruction only, by ID and by name, with reason', () => {
  const r = run(
    'FROM alpine\n# dockaudit ignore=DA501,apt-pin-versions -- vendor script\nRUN curl x | sh\nRUN curl y | sh\n',
    [
      ['DA501', 'curl x'],
      ['DA601', 'curl x'],
      ['DA501', 'curl y'],
    ],
  );
  assert.deepEqual(
    r.findings.map((f) => f.suppressed),
    [{ kind: 'inSource', justification: 'vendor script' }, { kind: 'inSource', justification: 'vendor script' }, undefined],
  );
  assert.deepEqual(r.unused, []);
  assert.deepEqual(r.problems, []);
});

test('stacked pragma lines all apply; a blank line detaches a pragma (reported as misplaced)', () => {
  const r = run('FROM a\n# dockaudit ignore=DA501\n# hadolint ignore=DL3008\nRUN x\n# dockaudit ignore=DA301\n\nRUN y\n', [
    ['DA501', 'RUN x'],
    ['DA601', 'RUN x'],
    ['DA301', 'RUN y'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA501', 'DA601']);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.code, 'misplaced-pragma');
  assert.match(r.problems[0]!.message, /directly above an instruction/);
});

test('ignore-stage covers the stage up to the next FROM; misplaced before a non-FROM', () => {
  const text = '# dockaudit ignore-stage=DA301 -- builder runs as root\nFROM a AS build\nRUN one\nFROM b\nRUN two\n# dockaudit ignore-stage=DA501\nRUN three\n';
  const r = run(text, [
    ['DA301', 'RUN one'],
    ['DA301', 'RUN two'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA301']);
  assert.equal(r.findings[0]!.suppressed?.justification, 'builder runs as root');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /directly above a FROM instruction, not RUN/);
});

test('ignore-file, hadolint global ignore, checkov skip and # check=skip apply to the whole file via aliases', () => {
  const text =
    '# check=skip=JSONArgsRecommended\nFROM a\n# dockaudit ignore-file=DA601\nRUN one\n# hadolint global ignore=SC2086\nRUN two\n# checkov:skip=CKV_DOCKER_3:runs as root on purpose\nCMD x\n';
  const r = run(text, [
    ['DA801', 'CMD x'],
    ['DA601', 'FROM a'],
    ['DA501', 'RUN one'],
    ['DA301', 'RUN two'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA801', 'DA601', 'DA501', 'DA301']);
  assert.equal(r.findings[3]!.suppressed?.justification, 'runs as root on purpose');
  assert.deepEqual(r.problems, []);
});

test('check=skip=all covers every rule with a BuildKit alias, nothing else', () => {
  const r = run('# check=skip=all;error=true\nFROM a\nRUN x\n', [
    ['DA801', 'RUN x'],
    ['DA501', 'RUN x'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA801']);
});

test('hadolint ignore with a trailing # reason; hadolint stage ignore', () => {
  const r = run('# hadolint stage ignore=DL3002\nFROM a\n# hadolint ignore=DL3008, DL4006 # pinned upstream\nRUN x\nRUN y\n', [
    ['DA601', 'RUN x'],
    ['DA501', 'RUN x'],
    ['DA301', 'RUN y'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA601', 'DA501', 'DA301']);
  assert.equal(r.findings[0]!.suppressed?.justification, 'pinned upstream');
});

test('unused dockaudit suppressions become DA102 findings with a safe fix; peers\u2019 pragmas are never called unused', () => {
  const text = 'FROM a\n# dockaudit ignore=DA501,DA601 -- x\n# hadolint ignore=DL3002\nRUN x\n';
  const r = run(text, [['DA501', 'RUN x']]);
  assert.equal(r.unused.length, 1);
  const u = r.unused[0]!;
  assert.equal(u.ruleId, 'DA102');
  assert.equal(u.ruleName, 'unused-suppression');
  assert.equal(u.severity, 'low');
  assert.equal(r.df.source.slice(u.range), 'DA601');
  assert.equal(u.message, 'Unused suppression: "DA601" reports nothing on the next instruction; remove it');
  const edit = u.fix!.edits[0]!;
  const fixed = text.slice(0, edit.range.start) + edit.text + text.slice(edit.range.end);
  assert.equal(fixed, 'FROM a\n# dockaudit ignore=DA501 -- x\n# hadolint ignore=DL3002\nRUN x\n');
});

test('an unused single-rule pragma: the fix deletes the line; disabled rules and ignore-file=DA102 silence it', () => {
  const text = 'FROM a\n# dockaudit ignore=DA601\nRUN x\n';
  const r = run(text, []);
  assert.equal(r.unused.length, 1);
  const e = r.unused[0]!.fix!.edits[0]!;
  assert.equal(text.slice(0, e.range.start) + text.slice(e.range.end), 'FROM a\nRUN x\n');
  const off = run(text, [], { enabledRuleIds: new Set(['DA102', 'DA501']) });
  assert.equal(off.unused.length, 0);
  const silenced = run('# dockaudit ignore-file=DA102\nFROM a\n# dockaudit ignore=DA601\nRUN x\n', []);
  assert.equal(silenced.unused.length, 0);
});

test('malformed pragmas produce problems with clear messages, and suppress nothing', () => {
  const cases: [string, string][] = [
    ['# dockaudit ignor=DA501', 'unknown dockaudit pragma "ignor" (did you mean "ignore"?) (expected ignore=, ignore-stage= or ignore-file=)'],
    ['# dockaudit ignore DA501', 'malformed dockaudit pragma: expected "=" after "ignore" (e.g. # dockaudit ignore=DA501 -- reason)'],
    ['# dockaudit ignore=', 'malformed dockaudit pragma: expected a rule ID or name after "="'],
    ['# dockaudit ignore=DA501, -- x', 'malformed dockaudit pragma: expected a rule ID or name after ","'],
    ['# dockaudit ignore=DA501 because', 'malformed dockaudit pragma: unexpected "because" after the rule list (write the reason after " -- ")'],
    ['# dockaudit ignore-stag=DA501', 'unknown dockaudit pragma "ignore-stag" (did you mean "ignore-stage"?) (expected ignore=, ignore-stage= or ignore-file=)'],
    ['# hadolint ignore=DL3008 pinned', 'malformed hadolint pragma: unexpected "pinned" after the rule list (hadolint ignores the whole pragma; put a reason after "#")'],
    ['# hadolint ignroe=DL3008', 'unknown hadolint pragma "ignroe" (did you mean "ignore"?) (expected ignore=, global ignore=, stage ignore= or shell=)'],
    ['# hadolint global DL3008', 'malformed hadolint pragma: expected "ignore=" after "global"'],
    ['# hadolint shell=', 'malformed hadolint pragma: expected a shell name after "shell="'],
    ['# checkov:skip CKV_DOCKER_3', 'malformed checkov pragma: expected "checkov:skip=CKV_ID[:reason]"'],
    ['# dockaudit ignore=DA5O1', 'unknown rule "DA5O1" in suppression (did you mean "DA501"?)'],
  ];
  for (const [line, msg] of cases) {
    const r = run(`FROM a\n${line}\nRUN x\n`, [['DA501', 'RUN x']]);
    assert.deepEqual(
      r.problems.map((p) => p.message),
      [msg],
      line,
    );
    assert.equal(r.findings[0]!.suppressed, undefined, line);
  }
});

test('prose comments mentioning the tools are not pragmas', () => {
  const r = run('FROM a\n# dockaudit is run in CI\n# hadolint complains here too\n# check the logs\nRUN x\n', [['DA501', 'RUN x']]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.findings[0]!.suppressed, undefined);
});

test('a # check= comment after the directive block is reported as having no effect', () => {
  const r = run('FROM a\n# check=skip=JSONArgsRecommended\nCMD x\n', [['DA801', 'CMD x']]);
  assert.equal(r.findings[0]!.suppressed, undefined);
  assert.equal(r.problems[0]!.code, 'ignored-directive');
});

test('malformed check directive key', () => {
  const r = run('# check=skp=JSONArgsRecommended\nFROM a\n', []);
  assert.deepEqual(r.problems.map((p) => p.message), ['malformed check directive: unknown key "skp" (did you mean "skip"?)']);
});

test('requireIgnoreReason: pragmas without reasons are not applied and are reported', () => {
  const text = '# check=skip=JSONArgsRecommended\nFROM a\n# dockaudit ignore=DA501\n# hadolint ignore=DL3008 # ok upstream\nRUN x\nCMD y\n';
  const r = run(
    text,
    [
      ['DA501', 'RUN x'],
      ['DA601', 'RUN x'],
      ['DA801', 'CMD y'],
    ],
    { requireIgnoreReason: true },
  );
  assert.deepEqual(suppressedIds(r.findings), ['DA601']);
  assert.deepEqual(r.problems.map((p) => p.code).sort(), ['missing-reason', 'missing-reason']);
  assert.ok(r.problems.some((p) => p.message === 'suppression not applied: requireIgnoreReason is on; add a reason ("-- reason")'));
});

test('disableInlineIgnores: nothing suppressed, nothing unused; hadolint shell= is still read', () => {
  const r = run('# hadolint shell=powershell\nFROM a\n# dockaudit ignore=DA501,DA601\nRUN x\n', [['DA501', 'RUN x']], { disableInlineIgnores: true });
  assert.equal(r.findings[0]!.suppressed, undefined);
  assert.deepEqual(r.unused, []);
  assert.equal(r.shell, 'powershell');
});

test('parseSuppressions exposes scopes and resolved rule IDs', () => {
  const df = realParse('FROM a\n# dockaudit ignore=no-root-user,DL4006 -- r\nRUN x\n');
  const p = parseSuppressions(df, testRules);
  assert.equal(p.suppressions.length, 1);
  const s = p.suppressions[0]!;
  assert.equal(s.scope, 'instruction');
  assert.deepEqual(s.refs.map((r) => [r.text, r.ruleIds]), [
    ['no-root-user', ['DA301']],
    ['DL4006', ['DA501']],
  ]);
  assert.equal(df.source.slice(s.target), 'RUN x');
});

test('real Dockerfiles (../shared/corpus): pragmas parse without problems; prose comments are not pragmas', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(root, '..', 'shared', 'corpus', 'files');
  const files = readdirSync(dir);
  assert.ok(files.length > 100);
  let pragmas = 0;
  const problems: string[] = [];
  for (const f of files) {
    const df = parse(new SourceFile(f, readFileSync(join(dir, f), 'utf8')));
    const r = applySuppressions([], df, undefined, testRules);
    pragmas += r.suppressions.length;
    for (const p of r.problems) problems.push(`${f}: ${p.message}`);
    // every suppression targets a span inside the file
    for (const s of r.suppressions) assert.ok(s.target.start >= 0 && s.target.end <= df.source.text.length && s.target.start <= s.target.end);
  }
  assert.ok(pragmas > 0, 'the corpus holds hadolint pragmas');
  assert.deepEqual(problems, []);
});

test('real parses: continuation lines, heredocs, CRLF and indented comments', () => {
  const text =
    'FROM alpine\r\n  # dockaudit ignore=DA501 -- reviewed\r\nRUN apk add curl && \\\r\n    curl https://x | sh\r\n# dockaudit ignore=DA601\r\nRUN <<EOF\r\napt-get install -y foo\r\nEOF\r\n    # dockaudit ignore=DA5O1\r\nCMD ["x"]\r\n';
  const r = run(text, [
    ['DA501', 'curl https://x | sh'],
    ['DA601', 'apt-get install -y foo'],
    ['DA501', 'CMD'],
  ]);
  assert.deepEqual(suppressedIds(r.findings), ['DA501', 'DA601']);
  assert.equal(r.findings[0]!.suppressed?.justification, 'reviewed');
  assert.equal(r.problems.length, 1);
  assert.equal(r.df.source.slice(r.problems[0]!.range), 'DA5O1');
});

test('comments skipped without parsing are exactly ones that are not pragmas', () => {
  // every comment that parsePragmaComment reads as a pragma (or a malformed one) is seen by parseSuppressions
  const lines = [
    'dockaudit ignore=DA501', '\t dockaudit  ignore-file=DA501 -- ok', 'dockaudit is great', 'dockauditignore=x', 'dockaudit ignor=DA501',
    'hadolint ignore=DL3008', ' hadolint global ignore=DL3008', 'hadolint shell=pwsh', 'hadolint rules', 'hadolint ignor=DL3008',
    'checkov:skip=CKV_DOCKER_3:reason', 'checkov:skip', 'checkov is a tool', 'check=skip=all', ' CHECK = skip=x', 'Check=skip=y', 'checking things',
    'download it', 'Dockaudit ignore=DA501', 'HADOLINT ignore=DL3008', 'cHeCk=error=true', 'c', 'd', 'h', '', '   ',
  ];
  const text = 'FROM scratch\n' + lines.map((l) => `#${l}\nRUN true\n`).join('');
  const df = realParse(text);
  assert.equal(df.comments.length, lines.length);
  const p = parseSuppressions(df, testRules);
  const lineOf = (r: { range: { start: number } }): number => df.source.positionAt(r.range.start).line;
  const seen = new Set([...p.suppressions.map(lineOf), ...p.problems.map(lineOf)]);
  let pragmas = 0;
  for (const c of df.comments) {
    const parsed = parsePragmaComment(c, df.source);
    if (parsed === null || 'shell' in parsed) continue;
    pragmas++;
    assert.ok(seen.has(lineOf(c)), `#${c.text} was skipped`);
  }
  assert.equal(p.shell, 'pwsh');
  assert.ok(pragmas >= 12, `${pragmas} pragmas`);
});
