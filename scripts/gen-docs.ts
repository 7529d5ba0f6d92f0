// Writes the generated docs from rule metadata: docs/rules/<name>.md, docs/rules/README.md, docs/compatibility.md.
// Usage: npm run docs   (regenerates the registry first). Stale rule pages of removed rules are deleted.
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDocs } from '../src/docs/rule-docs.js';
import { ruleList } from '../src/rules/registry.generated.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = generateDocs(ruleList);
let changed = 0;
for (const [rel, content] of docs) {
  const target = join(root, rel);
  let old: string | undefined;
  try {
    old = readFileSync(target, 'utf8');
  } catch {
    old = undefined;
  }
  if (old !== content) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    changed++;
  }
}
for (const f of readdirSync(join(root, 'docs/rules'))) {
  if (f.endsWith('.md') && !docs.has(`docs/rules/${f}`)) {
    unlinkSync(join(root, 'docs/rules', f));
    changed++;
  }
}
console.log(`docs: ${docs.size} files, ${changed} written or removed`);
