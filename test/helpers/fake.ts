// Hand-made models and findings for unit tests that must not depend on the parser.
import type { Dockerfile } from '../../src/parser/ast.js';
import type { DockerfileModel } from '../../src/model/types.js';
import type { FileResult } from '../../src/engine/result.js';
import type { Finding, Rule, Severity } from '../../src/rules/types.js';
import { defineRule } from '../../src/rules/types.js';
import { SourceFile } from '../../src/source.js';

export function fakeModel(text: string, path = 'Dockerfile'): DockerfileModel {
  const source = new SourceFile(path, text);
  const dockerfile: Dockerfile = { source, escape: '\\', directives: [], instructions: [], comments: [], diagnostics: [] };
  return { source, dockerfile } as unknown as DockerfileModel;
}

/** A rule that reports every occurrence of `needle` in the text. */
export function needleRule(id: string, name: string, needle: string, severity: Severity = 'medium', extra: Partial<Rule['meta']> = {}): Rule {
  return defineRule({
    meta: {
      id,
      name,
      category: 'shell',
      severity,
      description: `Finds ${needle}.`,
      messages: { found: (d: { what: string }) => `Found ${d.what}.` },
      ...extra,
    },
    check(model, ctx) {
      const t = model.source.text;
      for (let at = t.indexOf(needle); at >= 0; at = t.indexOf(needle, at + 1)) {
        ctx.report({ messageId: 'found', data: { what: needle }, range: { start: at, end: at + needle.length } });
      }
    },
    docs: { why: `Because ${needle}.`, bad: needle, good: 'x', fix: 'Remove it.' },
    tests: { valid: ['x'], invalid: [{ code: needle, errors: [{ line: 1, column: 1 }] }] },
  }) as unknown as Rule;
}

export function finding(source: SourceFile, text: string, nth: number, over: Partial<Finding> = {}): Finding {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = source.text.indexOf(text, at + 1);
  if (at < 0) throw new Error(`no ${text} in source`);
  return {
    ruleId: 'DA701',
    ruleName: 'test-rule',
    severity: 'high',
    category: 'shell',
    message: `Found ${text}.`,
    messageId: 'found',
    range: { start: at, end: at + text.length },
    ...over,
  };
}

export function fileResult(path: string, text: string, findings: (s: SourceFile) => Finding[], score = 50): FileResult {
  const source = new SourceFile(path, text);
  return { path, source, findings: findings(source), errors: [], score };
}
