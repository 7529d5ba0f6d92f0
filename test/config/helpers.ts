import { defineRule, type Rule } from '../../src/rules/types.js';

function rule(id: string, name: string, aliases: string[], extra: Record<string, unknown> = {}): Rule {
  return defineRule({
    meta: {
      id,
      name,
      category: 'supply-chain',
      severity: 'medium',
      description: `test rule ${name}`,
      messages: { m: () => `${name} message` },
      aliases,
      ...extra,
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
    check() {},
  }) as unknown as Rule;
}

/** Small inline rules for config/suppression tests. */
export const testRules: readonly Rule[] = [
  rule('DA501', 'no-curl-pipe-shell', ['DL4006', 'SC2086']),
  rule('DA601', 'apt-pin-versions', ['DL3008', 'CKV_DOCKER_9']),
  rule('DA301', 'no-root-user', ['DL3002', 'CKV_DOCKER_3']),
  rule('DA801', 'json-args', ['JSONArgsRecommended']),
  rule('DA802', 'debug-ports', [], { defaultOptions: { ports: [5005, 9229], allowPrivileged: false } }),
  rule('DA901', 'stage-name-casing', ['StageNameCasing'], { disabledByDefault: true }),
];
