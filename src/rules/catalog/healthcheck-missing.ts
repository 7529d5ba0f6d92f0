import { effectiveInstruction, rootImageOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA816',
    name: 'healthcheck-missing',
    category: 'runtime',
    severity: 'info',
    description: 'The final image defines no HEALTHCHECK, so Docker cannot tell a hung service from a healthy one.',
    messages: {
      missing: () => 'The final image has no HEALTHCHECK: add one that probes the service (or HEALTHCHECK NONE to state that none applies).',
    },
    aliases: ['DL3057', 'DS-0026', 'CKV_DOCKER_2'],
    disabledByDefault: true,
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (!stage) return;
    if (effectiveInstruction(model, stage, 'HEALTHCHECK')) return;
    const root = rootImageOf(model, stage);
    if (root === null && stage.base.kind === 'stage') return; // a cycle or odd chain: nothing to say
    ctx.report({ messageId: 'missing', range: stage.from.range });
  },
  docs: {
    why:
      'Without a health check the container counts as healthy as long as its process runs: a deadlocked or ' +
      'misconfigured service keeps receiving traffic and is never restarted by Docker or Swarm. (Kubernetes uses its ' +
      'own probes, which is why this rule is off by default.)',
    bad: 'FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n',
    good: 'FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1\n',
    fix: 'Add `HEALTHCHECK CMD <probe>` to the final stage, or `HEALTHCHECK NONE` when the orchestrator probes instead.',
    references: ['https://docs.docker.com/reference/dockerfile/#healthcheck'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nHEALTHCHECK NONE\n',
      { name: 'inherited from the parent stage', code: 'FROM alpine:3.20 AS base\nHEALTHCHECK CMD true\nFROM base\n' },
      { name: 'HEALTHCHECK in the final stage only', code: 'FROM alpine:3.20 AS b\nRUN true\nFROM alpine:3.20\nHEALTHCHECK CMD ["/bin/true"]\n' },
    ],
    invalid: [
      { name: 'only a builder stage has one; a comment does not count', code: 'FROM alpine:3.20 AS b\nHEALTHCHECK CMD true\nFROM alpine:3.20\n# HEALTHCHECK CMD true\n', errors: [{ line: 3, column: 1, endLine: 3, endColumn: 17 }] },
    ],
  },
});
