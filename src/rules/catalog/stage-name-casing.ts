import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA212',
    name: 'stage-name-casing',
    category: 'base-image',
    severity: 'info',
    description: 'A stage name has upper-case letters although stage names are case-insensitive.',
    messages: {
      casing: (d: { name: string; lower: string }) => `Stage name "${d.name}" should be lower case ("${d.lower}"): stage names are case-insensitive.`,
    },
    aliases: ['StageNameCasing'],
    fix: 'unsafe',
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const arg = stage.from.stageName;
      if (!arg || arg.value === arg.value.toLowerCase()) continue;
      const lower = arg.value.toLowerCase();
      ctx.report({ messageId: 'casing', data: { name: arg.value, lower }, range: arg.range, fix: [{ range: arg.range, text: lower }] });
    }
  },
  docs: {
    why:
      'BuildKit lower-cases stage names when it defines them, but `FROM <name>` compares the name as written: ' +
      '`FROM Builder` does not find the stage `AS Builder` and pulls an image called `Builder` instead. Lower-case ' +
      'names avoid the trap.',
    bad: 'FROM golang:1.22 AS Builder\nFROM alpine:3.20\nCOPY --from=Builder /app /app\n',
    good: 'FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=builder /app /app\n',
    fix: 'Write the name in lower case (and its references). The automatic fix renames the definition only.',
    references: ['https://docs.docker.com/reference/build-checks/stage-name-casing/'],
  },
  tests: {
    valid: ['FROM alpine:3 AS build\n', { name: 'image name with upper-case registry', code: 'FROM Registry.Example.com/app:1 AS app\n' }],
    invalid: [
      {
        code: 'FROM golang:1.22 AS Builder\n',
        errors: [{ line: 1, column: 21, endLine: 1, endColumn: 28, messageId: 'casing' }],
        output: 'FROM golang:1.22 AS builder\n',
      },
    ],
  },
});
