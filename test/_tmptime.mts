import { createRequire } from 'node:module';
process.env.RECHECK_SYNC_BACKEND = 'pure'; process.env.RECHECK_BACKEND = 'pure';
const require = createRequire(import.meta.url);
const { collectAll } = await import(process.cwd() + '/test/_tmpcoll.mts');
const recheck = require(process.cwd() + '/node_modules/recheck');
const { found } = collectAll(process.cwd() + '/src');
const uniq = new Map<string, any>();
for (const f of found) uniq.set(f.flags + '\0' + f.source, f);
console.log('found', found.length, 'unique', uniq.size);
const rows: any[] = [];
const t0 = Date.now();
for (const f of uniq.values()) {
  const s = Date.now();
  const d = recheck.checkSync(f.source, f.flags, { timeout: 10_000, randomSeed: 1 });
  rows.push([Date.now() - s, d.status, d.checker, f.file + ':' + f.line, f.source.slice(0, 80)]);
}
rows.sort((a, b) => b[0] - a[0]);
for (const r of rows.slice(0, 40)) console.log(r.join(' | '));
console.log('total', Date.now() - t0);
