import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dockerfile } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { SourceFile } from '../../src/source.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Third-party test data beside the repository (never copied into the project). */
export const sharedDir = join(repoRoot, '..', 'shared');

export function parseFile(path: string): Dockerfile & { allErrors: string[] } {
  const { source, diagnostics } = decodeBytes(readFileSync(path), path);
  const df = parse(source);
  const allErrors = [...diagnostics, ...df.diagnostics].filter((d) => d.severity === 'error').map((d) => d.code + ': ' + d.message);
  return { ...df, allErrors };
}

export function parseText(text: string): Dockerfile {
  return parse(new SourceFile('Dockerfile', text));
}
