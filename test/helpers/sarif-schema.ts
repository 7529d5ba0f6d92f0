// Validates a SARIF log against the official SARIF 2.1.0 schema (draft-04, hence ajv-draft-04).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sharedDir } from './paths.js';

const require = createRequire(import.meta.url);
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

let cached: Validate | undefined;
export function sarifValidator(): Validate {
  if (cached) return cached;
  const AjvDraft4 = require('ajv-draft-04') as { default: new (o: object) => { compile(s: object): Validate } };
  const addFormats = require('ajv-formats') as { default: (a: object) => void };
  const ajv = new AjvDraft4.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const schema = JSON.parse(readFileSync(join(sharedDir, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
  cached = ajv.compile(schema);
  return cached;
}
