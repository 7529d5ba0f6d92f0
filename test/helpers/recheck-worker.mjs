// A worker thread of test/regex-safety.test.ts: checks the regexes it is sent with recheck's pure-JavaScript
// backend (its Scala.js build, run in this thread: no native binary, no Java, no further worker, no download; any
// attempt to start a process throws).
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
process.env.RECHECK_SYNC_BACKEND = 'pure';
process.env.RECHECK_BACKEND = 'pure';
const childProcess = require('node:child_process');
for (const k of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  childProcess[k] = () => {
    throw new Error(`regex-safety: recheck tried child_process.${k}`);
  };
}
const recheck = require('recheck');

parentPort.on('message', ({ id, source, flags, timeout }) => {
  const started = Date.now();
  let out;
  try {
    const d = recheck.checkSync(source, flags, { timeout, randomSeed: 1 });
    if (d.status === 'safe') out = { status: 'safe' };
    else if (d.status === 'vulnerable')
      out = { status: 'vulnerable', summary: d.complexity.summary, type: d.complexity.type, pattern: d.attack.pattern, attack: d.attack.string };
    else out = { status: 'unknown', error: d.error.kind + ('message' in d.error ? ': ' + d.error.message : '') };
  } catch (e) {
    out = { status: 'unknown', error: 'exception: ' + String(e) };
  }
  parentPort.postMessage({ id, ms: Date.now() - started, ...out });
});
