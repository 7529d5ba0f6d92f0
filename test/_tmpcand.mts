import { createRequire } from 'node:module';
process.env.RECHECK_SYNC_BACKEND = 'pure'; process.env.RECHECK_BACKEND = 'pure';
const require = createRequire(import.meta.url);
const recheck = require(process.cwd() + '/node_modules/recheck');
const [flags, ...pats] = process.argv.slice(2);
for (const p of pats) {
  const s = Date.now();
  const d = recheck.checkSync(p, flags, { timeout: 10_000, randomSeed: 1 });
  console.log(Date.now() - s, d.status, d.checker, d.status === 'vulnerable' ? d.complexity.summary : d.error?.kind ?? '', p);
}
