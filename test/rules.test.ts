// The rule harness: every rule of the generated registry is checked against its own metadata, test cases and docs.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { initShell } from '../src/shell/index.js';
import { applyFixes } from '../src/engine/fix.js';
import { parse } from '../src/parser/parse.js';
import { SourceFile } from '../src/source.js';
import { INTERNAL_ERROR } from '../src/engine/run.js';
import { ruleList } from '../src/rules/registry.generated.js';
import type { Category, Finding } from '../src/rules/types.js';
import { CATEGORIES, SEVERITIES } from '../src/rules/types.js';
import { repoRoot } from './helpers/paths.js';
import { runOne } from './helpers/rule-run.js';

/** The ID family (hundreds digit) of each category. */
const FAMILY: Readonly<Record<Category, number>> = {
  syntax: 1,
  'base-image': 2,
  privileges: 3,
  secrets: 4,
  'supply-chain': 5,
  'package-manager': 6,
  shell: 7,
  runtime: 8,
  metadata: 9,
};

function describeFinding(f: Finding, r: { source: { positionAt(o: number): { line: number; column: number } } }): string {
  const s = r.source.positionAt(f.range.start);
  const e = r.source.positionAt(f.range.end);
  return `${f.ruleId}/${f.messageId} ${s.line}:${s.column}-${e.line}:${e.column} ${f.message}`;
}

// rules read shell facts, which the model attaches only once the bash parser is loaded (as `audit` does)
before(async () => {
  await initShell();
});

test('the registry holds every catalog file, and every rule is the default export of <name>.ts', async () => {
  const files = readdirSync(join(repoRoot, 'src/rules/catalog')).filter((f) => f.endsWith('.ts'));
  assert.equal(ruleList.length, files.length);
  assert.ok(ruleList.length >= 2);
  for (const rule of ruleList) {
    const file = join(repoRoot, 'src/rules/catalog', `${rule.meta.name}.ts`);
    assert.ok(existsSync(file), `${rule.meta.id}: file name must equal the rule name ${rule.meta.name}`);
    const mod = (await import(`../src/rules/catalog/${rule.meta.name}.js`)) as { default: unknown };
    assert.equal(mod.default, rule, `${rule.meta.name}.ts must default-export the rule`);
  }
});

test('IDs, names and aliases are unique across rules (case-insensitive)', () => {
  const owner = new Map<string, string>();
  for (const r of ruleList) {
    for (const key of [r.meta.id, r.meta.name, ...(r.meta.aliases ?? [])]) {
      const k = key.toLowerCase();
      assert.ok(!owner.has(k), `"${key}" of ${r.meta.id} is already used by ${owner.get(k)}`);
      owner.set(k, r.meta.id);
    }
  }
});

for (const rule of ruleList) {
  const m = rule.meta;
  describe(`${m.id} ${m.name}`, () => {
    test('metadata', () => {
      assert.match(m.id, /^DA\d{3}$/);
      assert.ok((CATEGORIES as readonly string[]).includes(m.category), `unknown category ${m.category}`);
      assert.equal(Number(m.id[2]), FAMILY[m.category], `${m.id} is not in the ${FAMILY[m.category]}xx family of ${m.category}`);
      assert.ok((SEVERITIES as readonly string[]).includes(m.severity));
      assert.match(m.name, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.match(m.description, /^[A-Z`].*\.$/, 'description: one sentence, capitalised, ending with a period');
      assert.doesNotMatch(m.description.slice(0, -1), /[.!?]\s+[A-Z]/, 'description must be one sentence');
      assert.ok(!m.description.includes('\n'));
      assert.ok(Object.keys(m.messages).length > 0, 'at least one message');
      for (const [id, fn] of Object.entries(m.messages)) assert.equal(typeof fn, 'function', `message ${id}`);
      for (const n of m.cwe ?? []) assert.ok(Number.isInteger(n) && n > 0, `CWE ${n}`);
      assert.equal(new Set(m.aliases ?? []).size, (m.aliases ?? []).length, 'duplicate alias');
      assert.equal(rule.docsPath, `docs/rules/${m.name}.md`);
      for (const field of ['why', 'bad', 'good', 'fix'] as const) assert.ok(rule.docs[field].trim() !== '', `docs.${field} is empty`);
      assert.ok(rule.tests.valid.length >= 1, 'needs at least one valid case');
      assert.ok(rule.tests.invalid.length >= 1, 'needs at least one invalid case');
    });

    rule.tests.valid.forEach((c, i) => {
      const tc = typeof c === 'string' ? { code: c } : c;
      test(`valid #${i + 1}${tc.name ? `: ${tc.name}` : ''}`, () => {
        const r = runOne(rule, tc.code, tc.options, tc.files, tc.gitTracked);
        assert.deepEqual(r.findings.map((f) => describeFinding(f, r)), []);
      });
    });

    rule.tests.invalid.forEach((c, i) => {
      test(`invalid #${i + 1}${c.name ? `: ${c.name}` : ''}`, () => {
        const r = runOne(rule, c.code, c.options, c.files, c.gitTracked);
        const shown = r.findings.map((f) => describeFinding(f, r)).join('\n');
        assert.ok(!r.findings.some((f) => f.messageId === INTERNAL_ERROR), shown);
        assert.equal(r.findings.length, c.errors.length, `expected ${c.errors.length} findings, got:\n${shown}`);
        c.errors.forEach((want, j) => {
          const f = r.findings[j]!;
          const s = r.source.positionAt(f.range.start);
          const e = r.source.positionAt(f.range.end);
          const got: Record<string, unknown> = { line: s.line, column: s.column };
          if (want.endLine !== undefined) got['endLine'] = e.line;
          if (want.endColumn !== undefined) got['endColumn'] = e.column;
          if (want.messageId !== undefined) got['messageId'] = f.messageId;
          assert.deepEqual(got, { ...want }, `finding ${j + 1}: ${describeFinding(f, r)}`);
          assert.ok(f.message.trim().length > 0, 'empty message');
        });
        if (m.fix && r.findings.some((f) => f.fix)) assert.ok(c.output !== undefined, 'the rule fixed the code: add `output`');
        if (c.output !== undefined) {
          assert.equal(applyFixes(c.code, r.findings, ['safe', 'unsafe']).output, c.output);
          const errorsOf = (t: string) => parse(new SourceFile('Dockerfile', t)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
          assert.deepEqual(errorsOf(c.output), errorsOf(c.code), 'the fix must not introduce a parse error');
        }
      });
    });

    test('docs.bad triggers the rule, docs.good does not', () => {
      const bad = runOne(rule, rule.docs.bad, rule.docs.options, rule.docs.files, rule.docs.env?.bad?.gitTracked);
      assert.ok(bad.findings.length > 0 && !bad.findings.some((f) => f.messageId === INTERNAL_ERROR), 'docs.bad must trigger the rule');
      const good = runOne(rule, rule.docs.good, rule.docs.options, rule.docs.files, rule.docs.env?.good?.gitTracked);
      assert.deepEqual(good.findings.map((f) => describeFinding(f, good)), []);
    });
  });
}

