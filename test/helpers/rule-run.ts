// Runs one rule over Dockerfile text through the real pipeline (parse → model → engine).
import { buildModel } from '../../src/model/build.js';
import { parse } from '../../src/parser/parse.js';
import { runRules } from '../../src/engine/run.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { SourceFile } from '../../src/source.js';

export function runOne(rule: Rule, code: string, options?: unknown, files?: Readonly<Record<string, string>>): { findings: Finding[]; source: SourceFile } {
  const source = new SourceFile('Dockerfile', code);
  const model = buildModel(parse(source));
  const findings = runRules(model, {
    rules: [rule],
    ...(options !== undefined ? { ruleOptions: { [rule.meta.id]: options } } : {}),
    env: { readContextFile: (p: string) => files?.[p] },
  });
  return { findings, source };
}
