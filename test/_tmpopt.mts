import { createRequire } from 'node:module';
process.env.RECHECK_SYNC_BACKEND = 'pure'; process.env.RECHECK_BACKEND = 'pure';
const require = createRequire(import.meta.url);
const recheck = require(process.cwd() + '/node_modules/recheck');
const pats: [string, string][] = [
 ['^[ \\t]*check_certificate[ \\t]*=[ \\t]*(?:off|no|0|false)[ \\t]*$', 'im'],
 ['\\b[sr]k_live_[0-9A-Za-z]{20,}', 'g'],
 ['Install-Recommends\\W+(?:0|false|no|off)\\b', ''],
];
for (const [p, f] of pats) for (const opts of [{}, { checker: 'automaton' }, { checker: 'fuzz' }, {accelerationMode: 'off'}]) {
  const s = Date.now();
  const d = recheck.checkSync(p, f, { timeout: 10_000, randomSeed: 1, ...opts });
  console.log(Date.now() - s, d.status, d.checker, JSON.stringify(opts), p.slice(0, 40));
}
