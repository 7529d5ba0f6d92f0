import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA105',
    name: 'from-as-casing',
    category: 'syntax',
    severity: 'info',
    description: 'The `AS` keyword of a FROM is not written in the same casing as `FROM`.',
    messages: {
      casing: (d: { as: string; from: string; want: string }) => `Write "${d.as}" as "${d.want}" to match the casing of "${d.from}".`,
    },
    aliases: ['FromAsCasing'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const from = stage.from;
      const as = from.asKeyword;
      if (as === null) continue;
      const kw = from.rawKeyword;
      const fromLower = kw === kw.toLowerCase();
      const fromUpper = kw === kw.toUpperCase();
      if (!fromLower && !fromUpper) continue; // mixed FROM casing is instruction-casing-inconsistent's business
      const want = fromLower ? 'as' : 'AS';
      if (as.value === want) continue;
      ctx.report({ messageId: 'casing', data: { as: as.value, from: kw, want }, range: as.range, fix: [{ range: as.range, text: want }] });
    }
  },
  docs: {
    why: 'Mixing `FROM` with `as` makes stage declarations harder to spot when scanning a multi-stage file; BuildKit warns about it.',
    bad: 'FROM golang:1.22 as build\nFROM alpine:3.20\n',
    good: 'FROM golang:1.22 AS build\nfrom alpine:3.20 as final\n',
    fix: 'Write `AS` in upper case after `FROM` and `as` in lower case after `from`. `dockaudit --fix` does it.',
    references: ['https://docs.docker.com/reference/build-checks/from-as-casing/'],
  },
  tests: {
    valid: [
      'FROM golang:1.22 AS build\nfrom alpine:3.20 as run\n',
      { name: 'stage named "as"', code: 'FROM alpine:3.20 AS as\n' },
    ],
    invalid: [
      {
        code: 'FROM golang:1.22 as build\n',
        errors: [{ line: 1, column: 18, endLine: 1, endColumn: 20, messageId: 'casing' }],
        output: 'FROM golang:1.22 AS build\n',
      },
      {
        name: 'lower-case from',
        code: 'from golang:1.22 As build\n',
        errors: [{ line: 1, column: 18, endColumn: 20 }],
        output: 'from golang:1.22 as build\n',
      },
    ],
  },
});
