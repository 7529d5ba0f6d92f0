import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA210',
    name: 'duplicate-stage-name',
    category: 'base-image',
    severity: 'medium',
    description: 'Two stages have the same name, so references to it silently pick the later one.',
    messages: {
      duplicate: (d: { name: string; line: number }) =>
        `Stage name "${d.name}" is already used on line ${d.line}: references now mean this later stage; give each stage a unique name.`,
    },
    aliases: ['DL3024', 'DuplicateStageName', 'DS-0012', 'CKV_DOCKER_11'],
  },
  check(model, ctx) {
    const seen = new Map<string, number>();
    for (const stage of model.stages) {
      if (stage.name === null || stage.nameRange === null) continue;
      const first = seen.get(stage.name);
      if (first === undefined) {
        seen.set(stage.name, stage.from.startLine);
        continue;
      }
      ctx.report({ messageId: 'duplicate', data: { name: stage.name, line: first }, range: stage.nameRange });
    }
  },
  docs: {
    why:
      'Stage names are case-insensitive and a later stage with the same name replaces the earlier one for ' +
      '`COPY --from`, `FROM <name>` and `--target`. Artifacts then come from a different stage than the author ' +
      'expected, for example an unverified build of a tool instead of the pinned one.',
    bad: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM node:22 AS build\nRUN npm ci\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    good: 'FROM golang:1.22 AS build-go\nRUN go build -o /app .\nFROM node:22 AS build-web\nRUN npm ci\nFROM alpine:3.20\nCOPY --from=build-go /app /app\n',
    fix: 'Rename one of the stages and update the references.',
    references: ['https://docs.docker.com/reference/build-checks/duplicate-stage-name/'],
  },
  tests: {
    valid: [
      'FROM alpine:3 AS a\nFROM alpine:3 AS b\n',
      { name: 'name in a comment', code: '# FROM x AS a\nFROM alpine:3 AS a\n' },
      { name: 'FROM an earlier stage without a name', code: 'FROM alpine:3 AS a\nFROM a\nFROM a\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3 AS a\nFROM alpine:3 AS a\n',
        errors: [{ line: 2, column: 18, endLine: 2, endColumn: 19, messageId: 'duplicate' }],
      },
      { name: 'case-insensitive', code: 'FROM alpine:3 AS build\nFROM debian:12 AS Build\n', errors: [{ line: 2, column: 19, endColumn: 24 }] },
    ],
  },
});
