import { defineRule } from '../types.js';

const FORBIDDEN: ReadonlySet<string> = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

export default defineRule({
  meta: {
    id: 'DA109',
    name: 'onbuild-misuse',
    category: 'syntax',
    severity: 'medium',
    description: 'ONBUILD wraps ONBUILD, FROM or MAINTAINER, which BuildKit refuses as a trigger.',
    needs: { instructions: ['ONBUILD'] },
    messages: {
      forbidden: (d: { trigger: string }) =>
        d.trigger === 'ONBUILD'
          ? 'ONBUILD ONBUILD is not allowed: the build fails. Use a single ONBUILD.'
          : `${d.trigger} is not allowed as an ONBUILD trigger: the build fails. Remove it from the ONBUILD.`,
    },
    aliases: ['DL3043'],
  },
  check(model, ctx) {
    for (const i of model.dockerfile.instructions) {
      if (i.kind !== 'ONBUILD' || i.trigger === null) continue;
      const t = i.trigger;
      if (FORBIDDEN.has(t.keyword)) ctx.report({ messageId: 'forbidden', data: { trigger: t.keyword }, range: t.keywordRange });
    }
  },
  docs: {
    why:
      '`ONBUILD` registers an instruction that runs in images built FROM this one. BuildKit refuses `ONBUILD ONBUILD`, ' +
      '`ONBUILD FROM` and `ONBUILD MAINTAINER` with an error, so the image never builds.',
    bad: 'FROM alpine:3.20\nONBUILD FROM alpine:3.20\n',
    good: 'FROM alpine:3.20\nONBUILD COPY . /app\n',
    fix: 'Remove the forbidden trigger; put a FROM in the downstream Dockerfile itself.',
    references: ['https://docs.docker.com/reference/dockerfile/#onbuild'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nONBUILD RUN echo ONBUILD FROM x\n',
      { name: 'comment', code: '# ONBUILD FROM x\nFROM alpine:3.20\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nONBUILD ONBUILD RUN x\n',
        errors: [{ line: 2, column: 9, endLine: 2, endColumn: 16, messageId: 'forbidden' }],
      },
      {
        code: 'FROM alpine:3.20\nonbuild maintainer me\nONBUILD FROM alpine\n',
        errors: [{ line: 2, column: 9, endColumn: 19 }, { line: 3, column: 9, endColumn: 13 }],
      },
    ],
  },
});
