// Runs one rule over Dockerfile text through the real pipeline (parse → model → rules → suppressions).
import { buildModel } from '../../src/model/build.js';
import { parse } from '../../src/parser/parse.js';
import { compareFindings, runRules } from '../../src/engine/run.js';
import { applySuppressions } from '../../src/engine/suppressions.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { SourceFile } from '../../src/source.js';

export function runOne(rule: Rule, code: string, options?: unknown, files?: Readonly<Record<string, string>>, gitTracked?: boolean): { findings: Finding[]; source: SourceFile } {
  const source = new SourceFile('Dockerfile', code);
  const dockerfile = parse(source);
  const model = buildModel(dockerfile);
  const raw = runRules(model, {
    rules: [rule],
    // the rule under test runs even when it is disabled by default
    severityOverrides: { [rule.meta.id]: 'on' },
    ...(options !== undefined ? { ruleOptions: { [rule.meta.id]: options } } : {}),
    env: { readContextFile: (p: string) => files?.[p], ...(gitTracked !== undefined ? { gitTracked } : {}) },
  });
  // the suppression pass runs as in `audit`: suppressed findings do not count, DA102 unused-suppression ones do
  const sup = applySuppressions(raw, dockerfile, model, [rule]);
  const findings = [...sup.findings.filter((f) => !f.suppressed), ...sup.unused].sort(compareFindings);
  return { findings, source };
}
