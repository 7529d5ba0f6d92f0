import { closestWord, INSTRUCTION_KEYWORDS } from '../helpers/suggest.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA103',
    name: 'unknown-instruction',
    category: 'syntax',
    severity: 'high',
    description: 'A line starts with a word that is not a Dockerfile instruction, so the build fails.',
    messages: {
      unknown: (d: { word: string; suggestion: string | undefined }) =>
        `Unknown instruction "${d.word}": the build fails here.` +
        (d.suggestion ? ` Did you mean ${d.suggestion}?` : ' Check for a missing line continuation (`\\`) on the line above.'),
      empty: () => 'Empty instruction: the build fails here.',
    },
    aliases: ['DL1000'],
  },
  check(model, ctx) {
    for (const d of model.dockerfile.diagnostics) {
      if (d.code !== 'unknown-instruction') continue;
      const word = model.source.text.slice(d.range.start, d.range.end);
      if (word === '') ctx.report({ messageId: 'empty', range: d.range });
      else ctx.report({ messageId: 'unknown', data: { word, suggestion: closestWord(word, INSTRUCTION_KEYWORDS) }, range: d.range });
    }
  },
  docs: {
    why:
      'BuildKit rejects an instruction it does not know with `unknown instruction`, so the image is not built. ' +
      'Most often the cause is a typo (`RUNN`) or a forgotten `\\` at the end of the previous line, which turns the ' +
      'next line of a shell command into an instruction of its own.',
    bad: 'FROM alpine:3.20\nRUN apk add --no-cache curl &&\n    curl --version\n',
    good: 'FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n    curl --version\n',
    fix: 'Correct the keyword, or add the missing `\\` so the line continues the previous instruction.',
    references: ['https://docs.docker.com/reference/dockerfile/#overview'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN echo RUNN copy\n',
      { name: 'instruction-like line in a heredoc', code: 'FROM alpine:3.20\nRUN <<EOF\nINSTALL things\nEOF\n' },
      { name: 'continued line', code: 'FROM alpine:3.20\nRUN echo a && \\\n  INSTALL=1 env\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUNN echo hi\n',
        errors: [{ line: 2, column: 1, endLine: 2, endColumn: 5, messageId: 'unknown' }],
      },
      {
        name: 'missing continuation',
        code: 'FROM alpine:3.20\nRUN apk add curl &&\n    curl --version\n',
        errors: [{ line: 3, column: 5, endLine: 3, endColumn: 9, messageId: 'unknown' }],
      },
    ],
  },
});
