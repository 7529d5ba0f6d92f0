import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA101',
    name: 'empty-continuation-line',
    category: 'syntax',
    severity: 'low',
    description: 'An empty line inside a continued instruction, which BuildKit warns about and plans to reject.',
    messages: {
      empty: () => 'Empty line inside a continued instruction: remove it (or end the instruction before it); future BuildKit releases reject it.',
    },
    aliases: ['NoEmptyContinuation'],
  },
  check(model, ctx) {
    for (const d of model.dockerfile.diagnostics) {
      if (d.code === 'empty-continuation') ctx.report({ messageId: 'empty', range: d.range });
    }
  },
  docs: {
    why:
      'An empty line in the middle of a `\\`-continued instruction is silently skipped today, so it looks like the ' +
      'instruction ended there while it did not: the lines below it still belong to the same `RUN`. A reader (and a ' +
      'reviewer) then misreads what runs. BuildKit prints a deprecation warning and announces that such files will ' +
      'fail to build in a future release.',
    bad: 'FROM alpine:3.20\nRUN apk add --no-cache \\\n\n    curl\n',
    good: 'FROM alpine:3.20\nRUN apk add --no-cache \\\n    # comment lines are fine\n    curl\n',
    fix: 'Delete the empty line, or put a comment line there if you want visual separation.',
    references: ['https://docs.docker.com/reference/build-checks/no-empty-continuation/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN echo a \\\n    b\n\nRUN echo c\n',
      { name: 'comment line inside a continuation', code: 'FROM alpine:3.20\nRUN echo a \\\n# note\n    b\n' },
      { name: 'empty line inside a heredoc body', code: 'FROM alpine:3.20\nRUN <<EOF\necho a\n\necho b\nEOF\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN echo a \\\n\n    b\n',
        errors: [{ line: 3, column: 1, endLine: 3, endColumn: 1, messageId: 'empty' }],
      },
      {
        name: 'whitespace-only line',
        code: 'FROM alpine:3.20\nRUN echo a \\\n   \n    b\n',
        errors: [{ line: 3, column: 1, endLine: 3, endColumn: 4 }],
      },
    ],
  },
});
