import { instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

const ROOT = new Set(['/', '/.', '/*', '.', './', '*']);

export default defineRule({
  meta: {
    id: 'DA215',
    name: 'copy-entire-filesystem-from-stage',
    category: 'base-image',
    severity: 'low',
    description: '`COPY --from` copies the whole root file system of another stage or image.',
    needs: { instructions: ['COPY'] },
    messages: {
      wholeFs: (d: { from: string }) =>
        `COPY --from=${d.from} copies the entire file system: compilers, caches and any secret left in that stage come along; copy only the paths the image needs.`,
    },
    aliases: ['DL3067'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'COPY')) {
      const i = f.instruction;
      const flag = i.flags.find((x) => x.name.toLowerCase() === 'from');
      if (!flag || flag.value === null) continue;
      for (const s of i.sources) {
        if (ROOT.has(s.value)) ctx.report({ messageId: 'wholeFs', data: { from: flag.value }, range: s.range });
      }
    }
  },
  docs: {
    why:
      'Multi-stage builds exist to leave build tools, source code, package caches and credentials behind. ' +
      '`COPY --from=build / /` undoes that: everything the builder stage contains, including files that held ' +
      'tokens during the build, lands in the final image and widens its attack surface.',
    bad: 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build / /\n',
    good: 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out/app /app\n',
    fix: 'Copy the specific files or folders the image needs (build output to a dedicated folder such as `/out`).',
  },
  tests: {
    valid: [
      'FROM alpine:3 AS b\nFROM alpine:3\nCOPY --from=b /out /out\n',
      { name: 'build context root is another rule', code: 'FROM alpine:3\nCOPY . /app\n' },
      { name: 'comment', code: 'FROM alpine:3 AS b\n# COPY --from=b / /\nFROM alpine:3\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3 AS b\nFROM scratch\nCOPY --from=b / /\n', errors: [{ line: 3, column: 15, endLine: 3, endColumn: 16, messageId: 'wholeFs' }] },
      { name: 'JSON form', code: 'FROM alpine:3 AS b\nFROM scratch\nCOPY --from=b ["/.", "/"]\n', errors: [{ line: 3, column: 16, endColumn: 20 }] },
    ],
  },
});
