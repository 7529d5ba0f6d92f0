// Bundles the CLI into one ES module, dist/cli.mjs (the `dockaudit` bin): one file to read and compile instead of
// ~60 modules to resolve, which is most of the CLI's start-up time. Dependencies are bundled too except the
// WebAssembly files, which the shell loader finds through node_modules at run time. tsc still builds dist/ (the
// library and its declarations).
import { build } from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const outfile = join(outdir, 'cli.mjs');
// chunk names carry a content hash: chunks of earlier builds would otherwise pile up in dist/ (and in the package)
for (const name of readdirSync(outdir)) if (/^cli-chunk-.*\.mjs(\.map)?$/.test(name)) rmSync(join(outdir, name));
await build({
  entryPoints: { cli: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  // modules the CLI imports dynamically (report formats, baselines, docs, the worker pool) become chunks beside
  // cli.mjs, loaded only by the runs that need them (with their Node built-ins, e.g. node:crypto)
  splitting: true,
  chunkNames: 'cli-chunk-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies bundled into an ES module may call require() for Node built-ins
  banner: { js: "import { createRequire as __dockauditCreateRequire } from 'node:module';\nconst require = __dockauditCreateRequire(import.meta.url);" },
  // smaller source parses faster; identifiers are kept so stack traces (DOCKAUDIT_DEBUG) stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
