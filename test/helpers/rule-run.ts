// Runs one rule over Dockerfile text through the real pipeline (parse → model → engine).
import type { DockerfileModel } from '../../src/model/types.js';
import { parse } from '../../src/parser/parse.js';
import { runRules } from '../../src/engine/run.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { SourceFile } from '../../src/source.js';

export function runOne(rule: Rule, code: string, options?: unknown, files?: Readonly<Record<string, string>>): { findings: Finding[]; source: SourceFile } {
  const source = new SourceFile('Dockerfile', code);
  // until src/model/build.ts lands, the model is exactly { source, dockerfile }
  const model: DockerfileModel = { source, dockerfile: parse(source) };
  const findings = runRules(model, {
    rules: [rule],
    ...(options !== undefined ? { ruleOptions: { [rule.meta.id]: options } } : {}),
    env: { readContextFile: (p: string) => files?.[p] },
  });
  return { findings, source };
}
