import type { Instruction } from '../../parser/ast.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

/** Instructions that need at least one argument (BuildKit refuses them bare). */
const NEEDS_ARGS: ReadonlySet<string> = new Set(['WORKDIR', 'USER', 'EXPOSE', 'ARG', 'ENV', 'LABEL', 'VOLUME', 'STOPSIGNAL', 'MAINTAINER', 'SHELL', 'FROM']);

export default defineRule({
  meta: {
    id: 'DA108',
    name: 'wrong-argument-count',
    category: 'syntax',
    severity: 'medium',
    description: 'An instruction has too few or too many arguments for BuildKit, so the build fails.',
    messages: {
      missing: (d: { keyword: string }) => `${d.keyword} needs an argument: the build fails here.`,
      copyNeedsTwo: (d: { keyword: string }) => `${d.keyword} needs at least a source and a destination: the build fails here.`,
      fromArgs: () => 'FROM takes an image and optionally `AS name`: remove the extra words (the build fails here).',
      fromAs: (d: { word: string }) => `Expected AS before the stage name, found "${d.word}": the build fails here.`,
      onbuildEmpty: () => 'ONBUILD needs an instruction to register: the build fails here.',
    },
  },
  check(model, ctx) {
    const df = model.dockerfile;
    const hasError = (i: Instruction) =>
      df.diagnostics.some((d) => d.severity === 'error' && d.range.start >= i.range.start && d.range.start <= i.range.end);
    for (const i of allInstructions(df)) {
      if (hasError(i)) continue; // the parser already refused it (reported as a file error)
      if (i.kind === 'ONBUILD') {
        if (i.trigger === null) ctx.report({ messageId: 'onbuildEmpty', range: i.keywordRange });
        continue;
      }
      if (NEEDS_ARGS.has(i.keyword) && i.args.length === 0) {
        ctx.report({ messageId: 'missing', data: { keyword: i.keyword }, range: i.keywordRange });
        continue;
      }
      if ((i.kind === 'COPY' || i.kind === 'ADD') && i.args.length < 2) {
        ctx.report({ messageId: 'copyNeedsTwo', data: { keyword: i.keyword }, range: i.args[0]?.range ?? i.keywordRange });
      } else if (i.kind === 'FROM') {
        const a = i.args;
        if (a.length === 2 || a.length > 3) {
          ctx.report({ messageId: 'fromArgs', range: { start: a[1]!.range.start, end: a[a.length - 1]!.range.end } });
        } else if (a.length === 3 && a[1]!.value.toLowerCase() !== 'as') {
          ctx.report({ messageId: 'fromAs', data: { word: a[1]!.value }, range: a[1]!.range });
        }
      }
    }
  },
  docs: {
    why:
      'BuildKit checks the number of arguments of each instruction before building: `COPY` needs a source and a ' +
      'destination, `FROM` takes an image and an optional `AS name`, `WORKDIR`, `USER`, `EXPOSE`, `ENV` and others ' +
      'need a value. A wrong count stops the build, often after a line continuation was lost or a variable was ' +
      'written with a space.',
    bad: 'FROM alpine:3.20 build\nCOPY app.py\n',
    good: 'FROM alpine:3.20 AS build\nCOPY app.py /srv/\nCOPY <<EOF /etc/motd\nCOPY a\nEOF\n',
    fix: 'Add the missing argument (destination, value) or remove the extra words; write `FROM image AS name`.',
    references: ['https://docs.docker.com/reference/dockerfile/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20 as base\nCOPY a b /dst/\nWORKDIR /a b\nUSER app\n',
      { name: 'text in RUN and heredoc', code: 'FROM alpine:3.20\nRUN echo COPY a && echo WORKDIR\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nCOPY app.py\nWORKDIR\n',
        errors: [
          { line: 2, column: 6, endLine: 2, endColumn: 12, messageId: 'copyNeedsTwo' },
          { line: 3, column: 1, endColumn: 8, messageId: 'missing' },
        ],
      },
      {
        name: 'FROM with a stage name but no AS, and extra words',
        code: 'FROM alpine:3.20 build\nFROM alpine:3.20 to build\nONBUILD\n',
        errors: [
          { line: 1, column: 18, endColumn: 23, messageId: 'fromArgs' },
          { line: 2, column: 18, endColumn: 20, messageId: 'fromAs' },
          { line: 3, column: 1, endColumn: 8, messageId: 'onbuildEmpty' },
        ],
      },
    ],
  },
});
