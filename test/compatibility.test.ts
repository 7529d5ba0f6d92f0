/**
 * docs/compatibility.md must name every hadolint rule (peers.md §1.1), every BuildKit check (§2.1), every Trivy
 * check (§3) and every Checkov check (§4): either as the alias of a dockaudit rule or as "not implemented" with a reason.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleList } from '../src/rules/registry.generated.js';
import { compatibilityPage } from '../src/docs/rule-docs.js';
import { NOT_IMPLEMENTED } from '../src/docs/not-implemented.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const peers = readFileSync(join(repoRoot, '..', 'shared', 'design', 'peers.md'), 'utf8');

/** The first-column IDs of the tables between two headings of peers.md. */
function idsBetween(start: string, end: string, id: RegExp): string[] {
  const a = peers.indexOf(start);
  const b = peers.indexOf(end, a + 1);
  assert.ok(a >= 0 && b > a, `section ${start} not found`);
  const out: string[] = [];
  for (const line of peers.slice(a, b).split('\n')) {
    const cell = line.startsWith('| ') ? line.slice(2, line.indexOf(' |', 2)).trim() : '';
    if (id.test(cell)) out.push(cell.split(' ')[0]!);
  }
  return out;
}

const page = compatibilityPage(ruleList);
const listed = (id: string) => page.includes('| `' + id + '` |');

const sections: [string, string, string, RegExp, number][] = [
  ['hadolint', '### 1.1 DL rules', '### 1.2', /^DL\d{4}$/, 70],
  ['BuildKit', '### 2.1 Checks', '### 2.2', /^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/, 20],
  ['Trivy', '## 3. Trivy', '## 4. Checkov', /^DS-\d{4}$/, 25],
  ['Checkov', '## 4. Checkov', '## 5. KICS', /^CKV2?_DOCKER_\d+$/, 25],
];

for (const [tool, start, end, re, atLeast] of sections) {
  test(`every ${tool} ID in peers.md is in the compatibility table`, () => {
    const ids = idsBetween(start, end, re);
    assert.ok(ids.length >= atLeast, `expected at least ${atLeast} ${tool} IDs, parsed ${ids.length}`);
    assert.deepEqual(ids.filter((id) => !listed(id)), []);
  });
}

test('a peer ID is either an alias or not implemented, never both, and every reason is given', () => {
  const aliases = new Set(ruleList.flatMap((r) => r.meta.aliases ?? []));
  for (const n of NOT_IMPLEMENTED) {
    assert.ok(!aliases.has(n.id), `${n.id} is both an alias and "not implemented"`);
    assert.ok(n.reason.length > 20, `${n.id} needs a reason`);
    assert.ok(page.includes('| `' + n.id + '` | not implemented: '), `${n.id} missing from the page`);
  }
});
