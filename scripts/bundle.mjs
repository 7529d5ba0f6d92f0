// Bundles the CLI (the `dockaudit` bin), after tsc has built dist/ (the library and its declarations):
//
// - dist/cli-esm.mjs: the CLI as one ES module: one file to read and compile instead of ~60 modules to resolve, which
//   was most of the CLI's start-up time. Modules only some runs need (report formats, baselines, docs, the worker
//   pool) become dist/cli-chunk-*.mjs chunks loaded by the runs that need them.
// - dist/cli.cjs: the same CLI as one CommonJS script, which a `vm.Script` can compile with a V8 code cache, and
//   dist/cli.cjs.cache, that cache, written after a run on examples/Dockerfile (so it holds the functions an audit
//   compiles lazily too).
// - dist/cli.mjs: the bin, a small launcher (src/cli/launch.ts): the script with its cache, else the ES module.
// The CLI's worker threads (the audit pool, the co-auditor) run the CLI itself: the bundles are their entries too.
//
// Dependencies are bundled too except the WebAssembly files, which the shell loader finds through node_modules at run
// time.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const main = join(root, 'src', 'cli', 'main.ts');
// chunk names carry a content hash: chunks of earlier builds would otherwise pile up in dist/ (and in the package)
for (const name of readdirSync(outdir)) if (/^cli-chunk-.*\.mjs(\.map)?$|^cli\.cjs\.cache$/.test(name)) rmSync(join(outdir, name));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // smaller source parses faster; identifiers are kept so stack traces (DOCKAUDIT_DEBUG) stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { 'cli-esm': main },
  outdir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'cli-chunk-[hash]',
  format: 'esm',
  // CommonJS dependencies bundled into an ES module may call require() for Node built-ins
  banner: { js: "import { createRequire as __dockauditCreateRequire } from 'node:module';\nconst require = __dockauditCreateRequire(import.meta.url);" },
});

const script = join(outdir, 'cli.cjs');
const cjs = await build({
  metafile: true,
  ...common,
  entryPoints: [main],
  outfile: script,
  format: 'cjs',
  // the sources use import.meta (module URL, resolve) where a CommonJS script has __filename and require.resolve
  define: { 'import.meta': '__dockauditImportMeta' },
  banner: {
    js:
      'const __dockauditRequire = require; ' +
      "const __dockauditImportMeta = { url: require('node:url').pathToFileURL(__filename).href, " +
      "resolve: (s) => require('node:url').pathToFileURL(require.resolve(s)).href };",
  },
});
// The launcher wraps the script in a function: no `#!` line inside it. A dynamic import() inside a vm.Script compiled
// from a code cache fails on Node 20 ("A dynamic import callback was not specified"): the bundled dependencies import
// only Node built-ins dynamically (web-tree-sitter: module, fs/promises), which become require() calls. If esbuild saw
// any other dynamic import, or one was not rewritten, the script is not used (the launcher runs the ES module bundle).
const dynamic = Object.values(cjs.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.kind === 'dynamic-import' && x.external));
let text = readFileSync(script, 'utf8');
if (text.startsWith('#!')) text = text.slice(text.indexOf('\n') + 1);
let rewritten = 0;
text = text.replace(/\bimport\((["'])([\w:/]+)\1\)/g, (call, _q, name) => {
  if (!isBuiltin(name)) return call;
  rewritten++;
  // the bundle's own require (web-tree-sitter declares a `var require` of its own where it imports "module")
  return `Promise.resolve(__dockauditRequire(${JSON.stringify(name)}))`;
});
if (dynamic.some((x) => !isBuiltin(x.path)) || rewritten < dynamic.length) {
  console.warn('bundle: the CommonJS script would keep a dynamic import(); the CLI runs as an ES module (no code cache)');
  rmSync(script);
} else writeFileSync(script, text);

const launcher = join(outdir, 'cli.mjs');
await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'launch.ts')],
  outfile: launcher,
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(launcher, 0o755);

// the code cache, from one audit of the example (its report is not needed)
const example = join(root, 'examples', 'Dockerfile');
if (existsSync(example) && existsSync(script)) {
  const r = spawnSync(process.execPath, [launcher, '--no-config', example], {
    cwd: root,
    env: { ...process.env, DOCKAUDIT_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
  if (!existsSync(script + '.cache')) console.warn(`bundle: no code cache written (exit ${r.status}); the CLI runs without it`);
}
