/**
 * The `dockaudit` bin (`dist/cli.mjs`): starts the CLI from a V8 code cache made at build time.
 *
 * Compiling the bundled CLI (~0.5 MB of JavaScript) and then the functions a first audit runs took ~30 ms of a cold
 * start of ~140 ms CPU. `npm run build` (scripts/bundle.mjs) also bundles the CLI as one CommonJS script
 * (`dist/cli.cjs`), runs it once on an example Dockerfile, and saves V8's code cache of it after that run
 * (`dist/cli.cjs.cache`), so the cache holds the functions compiled lazily during an audit too. Here the script is
 * compiled with that cache. V8 checks the cache (its version, the flags, the source) and rejects a stale one: the
 * script is then compiled as usual. The script holds no dynamic `import()` (scripts/bundle.mjs makes sure: it fails
 * in a script compiled from a cache on Node 20). Without the script, the ES module bundle `dist/cli-esm.mjs` runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { CLI_V8_FLAGS } from './v8-flags.js';

/** Set by scripts/bundle.mjs for the one run that writes the cache. */
const WRITE_CACHE = 'DOCKAUDIT_WRITE_CODE_CACHE';

async function launch(): Promise<void> {
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
  const script = fileURLToPath(new URL('cli.cjs', import.meta.url));
  const cacheFile = script + '.cache';
  const writeCache = process.env[WRITE_CACHE] === '1';
  if (!existsSync(script)) {
    await import(new URL('cli-esm.mjs', import.meta.url).href);
    return;
  }
  const cachedData = !writeCache && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const compiled = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(script, 'utf8')}\n})`, {
    filename: script,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  if (process.env['DOCKAUDIT_DEBUG'] && cachedData !== undefined && compiled.cachedDataRejected) {
    process.stderr.write('dockaudit: the code cache was rejected (stale); compiled without it\n');
  }
  const run = compiled.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  const module = { exports: {} };
  run(module.exports, createRequire(script), module, script, dirname(script));
  if (writeCache) {
    // after the run, so that the functions compiled lazily by the audit are in the cache too
    process.once('beforeExit', () => writeFileSync(cacheFile, compiled.createCachedData()));
  }
}

void launch();
