/**
 * The `yaml` library, loaded on first use: most runs have no YAML config file, and the library is the largest
 * module of the CLI (loading it costs start-up time on every run otherwise). A synchronous `require` keeps config
 * loading synchronous; in the bundled CLI it resolves `yaml` from node_modules at run time.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let mod: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  mod ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return mod;
}
