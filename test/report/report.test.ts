import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson } from '../../src/report/json.js';
import { formatText } from '../../src/report/text.js';
import { formatSarif, FINGERPRINT_KEY } from '../../src/report/sarif.js';
import type { FileResult } from '../../src/engine/result.js';
import { fileResult, finding, needleRule } from '../helpers/fake.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

const tool = { name: 'dockaudit', version: '1.2.3', informationUri: 'https://example.org/dockaudit' };
const text = 'FROM alpine\nRUN curl -fsSL https://x | sh\n\tRUN  curl  y\n';
const withFindings = (): FileResult =>
  fileResult('app/Dockerfile', text, (s) => [
    finding(s, 'curl', 0, { severity: 'critical', fix: { kind: 'safe', edits: [{ range: { start: s.text.indexOf('| sh'), end: s.text.indexOf('| sh') + 4 }, text: '' }] } }),
    finding(s, 'curl', 1, { severity: 'low', ruleId: 'DA702', ruleName: 'other' }),
    finding(s, 'FROM', 0, { severity: 'info', suppressed: { kind: 'inSource', justification: 'reviewed' } }),
  ]);
const clean = (): FileResult => fileResult('Dockerfile', 'FROM scratch\n', () => [], 100);

test('JSON: exact shape, 1-based positions, exclusive end column, suppressed left out but counted', () => {
  const doc = JSON.parse(formatJson([withFindings(), clean()], tool));
  assert.deepEqual(Object.keys(doc), ['tool', 'files', 'summary']);
  assert.deepEqual(doc.tool, { name: 'dockaudit', version: '1.2.3' });
  assert.deepEqual(doc.files[0].findings[0], {
    ruleId: 'DA701', ruleName: 'test-rule', severity: 'critical', category: 'shell', message: 'Found curl.',
    line: 2, column: 5, endLine: 2, endColumn: 9,
  });
  assert.deepEqual([doc.files[0].findings[1].line, doc.files[0].findings[1].column, doc.files[0].findings[1].endColumn], [3, 7, 11]);
  assert.equal(doc.files[0].findings.length, 2);
  assert.deepEqual(doc.files[0].errors, []);
  assert.equal(doc.files[0].score, 50);
  assert.equal(doc.files[1].path, 'Dockerfile');
  assert.equal(doc.summary.findings, 2);
  assert.equal(doc.summary.suppressed, 1);
  assert.equal(doc.summary.bySeverity.critical, 1);
  assert.equal(doc.summary.bySeverity.low, 1);
  assert.equal(doc.summary.minScore, 50);
  assert.equal(doc.summary.averageScore, 75);
});

test('JSON: file errors carry message, line, column', () => {
  const r = { ...clean(), errors: [{ code: 'read-error', message: 'cannot read', line: 1, column: 1 }], score: 0 };
  const doc = JSON.parse(formatJson([r], tool));
  assert.deepEqual(doc.files[0].errors, [{ message: 'cannot read', line: 1, column: 1 }]);
  assert.equal(doc.summary.errors, 1);
});

test('text: grouped by file, caret under the exact range (tabs kept), summary; no colour unless asked', () => {
  const out = formatText([withFindings(), clean()], tool);
  assert.doesNotMatch(out, /\u001b\[/);
  const lines = out.split('\n');
  assert.equal(lines[0], 'app/Dockerfile');
  assert.match(lines[1]!, /^ {2}2:5 {2}critical {2}DA701 test-rule {2}Found curl\.$/);
  assert.equal(lines[2], '  2 | RUN curl -fsSL https://x | sh');
  assert.equal(lines[3], '    |     ^^^^');
  assert.match(lines[4]!, /3:7 {2}low {2}DA702 other/);
  assert.equal(lines[5], '  3 | \tRUN  curl  y');
  assert.equal(lines[6], '    | \t     ^^^^');
  assert.ok(!out.includes('FROM alpine'), 'suppressed finding not shown');
  assert.ok(!out.includes('\nDockerfile\n'), 'a clean file is not listed');
  assert.equal(lines.at(-2), 'dockaudit: 2 findings (1 critical, 1 low) in 2 files, 1 suppressed; score min 50/100, average 75/100');
  const colored = formatText([withFindings()], tool, { color: true });
  assert.match(colored, /\u001b\[35mcritical\u001b\[0m/);
});

test('text: multi-line ranges underline each line; control characters are escaped', () => {
  const t = 'RUN a \\\n  b\x1b[2J\n';
  const r = fileResult('D', t, (s) => [{ ...finding(s, 'RUN', 0), range: { start: 0, end: t.indexOf('b') + 1 } }]);
  const lines = formatText([r], tool).split('\n');
  assert.equal(lines[2], '  1 | RUN a \\');
  assert.equal(lines[3], '    | ^^^^^^^');
  assert.equal(lines[4], '  2 |   b\\x1b[2J');
  assert.ok(!formatText([r], tool).includes('\x1b'));
});

test('text: file errors and warnings are listed in their file group', () => {
  const r = { ...clean(), errors: [{ code: 'read-error', message: 'cannot read', line: 1, column: 1 }], warnings: [{ code: 'malformed-pragma', message: 'bad pragma', line: 2, column: 3 }] };
  const lines = formatText([r], tool).split('\n');
  assert.deepEqual(lines.slice(0, 3), ['Dockerfile', '  1:1  error  cannot read  read-error', '  2:3  warning  bad pragma  malformed-pragma']);
});

test('text: quiet and clean summaries', () => {
  assert.equal(formatText([clean()], tool), 'dockaudit: no findings in 1 file; score 100/100\n');
  const q = formatText([withFindings()], tool, { quiet: true });
  assert.ok(!q.includes('DA701'));
  assert.match(q, /2 findings/);
});

const rules = [
  needleRule('DA701', 'test-rule', 'curl', 'critical', { cwe: [494, 829] }),
  needleRule('DA702', 'other', 'curl', 'info'),
];

test('SARIF: valid against the 2.1.0 schema, rules with metadata, real columns, relative URIs, suppressions', () => {
  const errored = { ...clean(), path: 'bad/Dockerfile', errors: [{ code: 'unterminated-heredoc', message: 'x', line: 2, column: 3 }], score: 0 };
  const log = formatSarif([withFindings(), clean(), errored], tool, { rules, srcRoot: '/repo' });
  const doc = JSON.parse(log);
  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false, 'the validator rejects a run without tool');
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
  const run = doc.runs[0];
  assert.equal(doc.version, '2.1.0');
  const r0 = run.tool.driver.rules[0];
  assert.equal(r0.id, 'DA701');
  assert.equal(r0.name, 'test-rule');
  assert.equal(r0.defaultConfiguration.level, 'error');
  assert.equal(r0.properties['security-severity'], '9.5');
  assert.ok(r0.properties.tags.includes('security'));
  assert.ok(r0.properties.tags.includes('external/cwe/cwe-494'));
  assert.match(r0.helpUri, /docs\/rules\/test-rule\.md$/);
  assert.match(r0.help.markdown, /## Why/);
  assert.deepEqual(r0.relationships.map((x: { target: { id: string } }) => x.target.id), ['494', '829']);
  assert.deepEqual(run.taxonomies[0].taxa.map((t: { id: string }) => t.id), ['494', '829']);
  assert.equal(run.tool.driver.rules[1].properties['security-severity'], undefined);
  assert.equal(run.tool.driver.rules[1].defaultConfiguration.level, 'note');
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///repo/');
  const [a, b, c] = run.results;
  assert.equal(a.ruleIndex, 0);
  assert.deepEqual(a.locations[0].physicalLocation.artifactLocation, { uri: 'app/Dockerfile', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(a.locations[0].physicalLocation.region, { startLine: 2, startColumn: 5, endLine: 2, endColumn: 9, snippet: { text: 'curl' } });
  assert.equal(a.level, 'error');
  assert.deepEqual(a.fixes[0].artifactChanges[0].replacements, [
    { deletedRegion: { startLine: 2, startColumn: 26, endLine: 2, endColumn: 30 }, insertedContent: { text: '' } },
  ]);
  assert.equal(b.fixes, undefined);
  assert.equal(b.level, 'note');
  assert.deepEqual(c.suppressions, [{ kind: 'inSource', justification: 'reviewed' }]);
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.equal(run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.region.startLine, 2);
});

test('SARIF fingerprints survive unrelated lines added above and differ per occurrence', () => {
  const make = (prefix: string) =>
    fileResult('Dockerfile', prefix + 'RUN curl a\nRUN  curl   a\n', (s) => [finding(s, 'curl', 0), finding(s, 'curl', 1)]);
  const prints = (r: FileResult) =>
    JSON.parse(formatSarif([r], tool, { rules })).runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints[FINGERPRINT_KEY]);
  const before = prints(make(''));
  const after = prints(make('FROM alpine\n# comment\n\n'));
  assert.deepEqual(after, before);
  assert.notEqual(before[0], before[1]);
  assert.match(before[0], /^[0-9a-f]{64}$/);
  const noRoot = JSON.parse(formatSarif([make('')], tool, { rules }));
  assert.equal(noRoot.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'Dockerfile');
  assert.ok(sarifValidator()(noRoot));
});

test('streamed reports: the pieces of each writer add up to the whole-run report, which is canonical JSON.stringify output', async () => {
  const { jsonReportWriter } = await import('../../src/report/json.js');
  const { sarifReportWriter } = await import('../../src/report/sarif.js');
  const { textReportWriter } = await import('../../src/report/text.js');
  const errored = { ...clean(), path: 'bad/Dockerfile', errors: [{ code: 'unterminated-heredoc', message: 'x "quoted"\nline', line: 2, column: 3 }], score: 0 };
  const sets: FileResult[][] = [[], [clean()], [withFindings()], [withFindings(), clean(), errored, withFindings()]];
  for (const results of sets) {
    const cases = [
      [jsonReportWriter(tool, { showSuppressed: true }), formatJson(results, tool, { showSuppressed: true })],
      [sarifReportWriter(tool, { rules, srcRoot: '/repo' }), formatSarif(results, tool, { rules, srcRoot: '/repo' })],
      [textReportWriter(tool, { color: true }), formatText(results, tool, { color: true })],
    ] as const;
    for (const [w, whole] of cases) {
      const pieces = [w.start(), ...results.map((r) => w.file(r)), w.end()];
      assert.equal(pieces.join(''), whole);
    }
    // the JSON documents written piece by piece are exactly what JSON.stringify(doc, null, 2) gives for them
    for (const doc of [formatJson(results, tool), formatSarif(results, tool, { rules, srcRoot: '/repo' })]) {
      assert.equal(doc, JSON.stringify(JSON.parse(doc), null, 2) + '\n');
    }
    assert.equal(JSON.parse(formatJson(results, tool)).files.length, results.length);
  }
  // every format writes each file's part when it comes (SARIF's invocations, listing the errors, come last)
  const w = jsonReportWriter(tool);
  w.start();
  assert.match(w.file(withFindings()), /"path": "app\/Dockerfile"/);
  const t = textReportWriter(tool);
  assert.match(t.file(withFindings()), /^app\/Dockerfile\n/);
  assert.equal(t.file(clean()), '', 'a clean file has no section');
  const sw = sarifReportWriter(tool, { rules, srcRoot: '/repo' });
  assert.match(sw.start(), /"results": $/);
  assert.match(sw.file(withFindings()), /^\[\n {8}\{\n {10}"ruleId": /);
  assert.equal(sw.file(clean()), '', 'a clean file adds no results');
  assert.match(sw.end(), /^\n {6}\],\n {6}"invocations": \[/);
});

test('summary counter: same figures as summarize, incrementally', async () => {
  const { SummaryCounter, summarize } = await import('../../src/report/types.js');
  const results = [withFindings(), clean(), { ...clean(), score: 41 }];
  const c = new SummaryCounter();
  assert.deepEqual(c.summary(), summarize([]));
  assert.equal(c.summary().minScore, 100);
  for (const r of results) c.add(r);
  assert.deepEqual(c.summary(), summarize(results));
  assert.equal(c.summary().minScore, 41);
  assert.equal(c.summary().suppressed, 1);
});
