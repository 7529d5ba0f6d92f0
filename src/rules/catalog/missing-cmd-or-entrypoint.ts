import { effectiveInstruction, rootImageOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA824',
    name: 'missing-cmd-or-entrypoint',
    category: 'runtime',
    severity: 'info',
    description: 'The final image is built on scratch and sets neither CMD nor ENTRYPOINT, so it cannot run without a command line.',
    messages: {
      missing: () => 'The final image starts from scratch and has no CMD or ENTRYPOINT: add ENTRYPOINT ["/your-binary"].',
    },
    disabledByDefault: true,
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (!stage) return;
    const root = rootImageOf(model, stage);
    if (!root || root.kind !== 'scratch') return;
    if (effectiveInstruction(model, stage, 'CMD') || effectiveInstruction(model, stage, 'ENTRYPOINT')) return;
    ctx.report({ messageId: 'missing', range: stage.from.range });
  },
  docs: {
    why:
      'An image built on `scratch` inherits no command. Without CMD or ENTRYPOINT, `docker run image` fails with ' +
      '"no command specified" and every user must know the binary path. (Images used only as a data layer for ' +
      '`COPY --from` have no command on purpose, which is why this rule is off by default.)',
    bad: 'FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n',
    good: 'FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n',
    fix: 'Add `ENTRYPOINT ["/path/to/binary"]` (and `CMD` for default arguments).',
    references: ['https://docs.docker.com/reference/dockerfile/#entrypoint'],
  },
  tests: {
    valid: [
      { name: 'external base image may set a command', code: 'FROM alpine:3.20\nRUN true\n' },
      { name: 'CMD in a parent stage', code: 'FROM scratch AS base\nCMD ["/app"]\nFROM base\nCOPY a /a\n' },
      { name: 'builder on scratch without CMD', code: 'FROM scratch AS data\nCOPY a /a\nFROM alpine:3.20\nCOPY --from=data /a /a\n' },
    ],
    invalid: [{ name: 'a comment does not count', code: 'FROM scratch\n# ENTRYPOINT ["/app"]\nCOPY app /app\n', errors: [{ line: 1, column: 1, endLine: 1, endColumn: 13 }] }],
  },
});
