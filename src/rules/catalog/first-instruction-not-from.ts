import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA114',
    name: 'first-instruction-not-from',
    category: 'syntax',
    severity: 'medium',
    description: 'An instruction other than ARG comes before the first FROM, or the file has no FROM at all.',
    messages: {
      beforeFrom: (d: { keyword: string }) => `${d.keyword} before the first FROM: only ARG (and comments or parser directives) may come first; the build fails.`,
      noFrom: () => 'No FROM instruction: there is nothing to build. Start the file with FROM.',
    },
    aliases: ['DL3061'],
  },
  check(model, ctx) {
    for (const d of model.diagnostics) {
      if (d.code === 'instruction-before-from') {
        ctx.report({ messageId: 'beforeFrom', data: { keyword: model.source.text.slice(d.range.start, d.range.end).toUpperCase() }, range: d.range });
      } else if (d.code === 'no-from') ctx.report({ messageId: 'noFrom', range: d.range });
    }
  },
  docs: {
    why:
      'A build stage starts with `FROM`. BuildKit accepts only `ARG` before the first `FROM` (to parameterise the ' +
      'base images); any other instruction there fails the build, usually because lines were reordered by mistake.',
    bad: 'LABEL org.opencontainers.image.title=app\nFROM alpine:3.20\n',
    good: '# syntax=docker/dockerfile:1\nARG TAG=3.20\nFROM alpine:${TAG}\nLABEL org.opencontainers.image.title=app\n',
    fix: 'Move the instruction below `FROM`.',
    references: ['https://docs.docker.com/reference/dockerfile/#from'],
  },
  tests: {
    valid: ['# comment\nARG V=1\nFROM alpine:3.20\nRUN echo from\n'],
    invalid: [
      {
        code: 'ENV A=1\nFROM alpine:3.20\n',
        errors: [{ line: 1, column: 1, endLine: 1, endColumn: 4, messageId: 'beforeFrom' }],
      },
      { name: 'no FROM', code: 'ARG A=1\n', errors: [{ line: 1, column: 1, endColumn: 4, messageId: 'noFrom' }] },
    ],
  },
});
