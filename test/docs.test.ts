import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateDocs, peerTool } from '../src/docs/rule-docs.js';
import { ruleList } from '../src/rules/registry.generated.js';
import { repoRoot } from './helpers/paths.js';

test('committed generated docs are up to date (run `npm run docs`)', () => {
  const docs = generateDocs(ruleList);
  for (const [rel, content] of docs) {
    let onDisk: string | undefined;
    try {
      onDisk = readFileSync(join(repoRoot, rel), 'utf8');
    } catch {
      onDisk = undefined;
    }
    assert.ok(onDisk === content, `${rel} is stale or missing: run \`npm run docs\``);
  }
  const pages = readdirSync(join(repoRoot, 'docs/rules')).filter((f) => f.endsWith('.md'));
  assert.deepEqual(pages.sort(), [...docs.keys()].filter((k) => k.startsWith('docs/rules/')).map((k) => k.slice('docs/rules/'.length)).sort());
});

test('every rule page has front matter and the sections; every alias is in the compatibility table', () => {
  const docs = generateDocs(ruleList);
  for (const r of ruleList) {
    const page = docs.get(`docs/rules/${r.meta.name}.md`)!;
    assert.ok(page.startsWith(`---\nid: ${r.meta.id}\nname: ${r.meta.name}\n`));
    for (const h of ['## Why', '## Bad', '## Good', '## How to fix']) assert.ok(page.includes(`\n${h}\n`), `${r.meta.name}: ${h}`);
    assert.ok(page.includes(r.docs.bad.trimEnd()));
  }
  const compat = docs.get('docs/compatibility.md')!;
  for (const r of ruleList) {
    for (const a of r.meta.aliases ?? []) {
      assert.ok(compat.includes(`| \`${a}\` | [${r.meta.id} ${r.meta.name}]`), a);
      assert.notEqual(peerTool(a), 'other', `unrecognised peer ID shape ${a}`);
    }
  }
  assert.equal(peerTool('DL3020'), 'hadolint');
  assert.equal(peerTool('CKV_DOCKER_4'), 'Checkov');
  assert.equal(peerTool('DS-0005'), 'Trivy');
  assert.equal(peerTool('MaintainerDeprecated'), 'BuildKit build checks');
});
