import { defineRule } from '../types.js';

/** Names BuildKit reserves: `scratch` is the empty image, `context` the build context. */
const RESERVED = new Set(['scratch', 'context']);

export default defineRule({
  meta: {
    id: 'DA211',
    name: 'reserved-stage-name',
    category: 'base-image',
    severity: 'medium',
    description: 'A stage is named `scratch` or `context`, names that BuildKit reserves for the empty image and the build context.',
    messages: {
      reserved: (d: { name: string }) =>
        `"${d.name}" is a reserved name (${d.name === 'scratch' ? 'the empty image' : 'the build context'}): references to it will not mean this stage; rename the stage.`,
    },
    aliases: ['DL3063', 'ReservedStageName'],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      if (stage.name === null || stage.nameRange === null || !RESERVED.has(stage.name)) continue;
      ctx.report({ messageId: 'reserved', data: { name: stage.name }, range: stage.nameRange });
    }
  },
  docs: {
    why:
      '`FROM scratch` always means the empty image and `--from=context`/named contexts the build context, so a ' +
      'stage called `scratch` or `context` can never be referenced as intended: a later `FROM scratch` gets an ' +
      'empty file system instead of the stage.',
    bad: 'FROM alpine:3.20 AS scratch\nRUN echo hi > /hi\nFROM scratch\n',
    good: 'FROM alpine:3.20 AS base\nRUN echo hi > /hi\nFROM base\n',
    fix: 'Rename the stage.',
    references: ['https://docs.docker.com/reference/build-checks/reserved-stage-name/'],
  },
  tests: {
    valid: [
      'FROM scratch\n',
      { name: 'names that contain a reserved word', code: 'FROM alpine:3 AS scratch-base\nFROM alpine:3 AS build-context\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3 AS scratch\n', errors: [{ line: 1, column: 18, endLine: 1, endColumn: 25, messageId: 'reserved' }] },
      { name: 'upper case', code: 'FROM alpine:3 AS Context\n', errors: [{ line: 1, column: 18, endColumn: 25 }] },
    ],
  },
});
