import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA209',
    name: 'invalid-image-reference',
    category: 'base-image',
    severity: 'high',
    description: 'A FROM line names an image reference that Docker rejects, so the build fails.',
    messages: {
      invalid: (d: { reason: string }) => `Invalid image reference: ${d.reason}; the build fails. Write [registry/]name[:tag][@digest] in lower case.`,
    },
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const b = stage.base;
      if (b.kind !== 'invalid' || b.range === null || b.refError === null) continue;
      // expansion errors belong to the substitution rule; variables with defaults to from-invalid-default-arg
      if (b.refError.code === 'expansion' || b.refError.code === 'empty' || b.raw.includes('$')) continue;
      ctx.report({ messageId: 'invalid', data: { reason: b.refError.message }, range: b.range });
    }
  },
  docs: {
    why:
      'Docker refuses an image reference with upper-case letters in the repository, a bad tag or a malformed ' +
      'digest. The build stops at that FROM line; catching it before the build saves a CI round-trip.',
    bad: 'FROM Ubuntu:22.04\n',
    good: 'FROM ubuntu:22.04\n',
    fix: 'Write the repository in lower case, tags with letters, digits, `_`, `.` and `-` only (at most 128), digests as `sha256:` plus 64 hex digits.',
    references: ['https://docs.docker.com/reference/cli/docker/image/tag/#description'],
  },
  tests: {
    valid: [
      'FROM ubuntu:22.04\n',
      { name: 'registry host in upper case is allowed', code: 'FROM Registry.Example.com/app:1\n' },
      { name: 'stage name in lower case refers to the stage', code: 'FROM alpine:3 AS Base\nFROM base\n' },
      { name: 'comment', code: '# FROM Ubuntu\nFROM ubuntu:22.04\n' },
    ],
    invalid: [
      { code: 'FROM Ubuntu:22.04\n', errors: [{ line: 1, column: 6, endLine: 1, endColumn: 18, messageId: 'invalid' }] },
      {
        name: 'BuildKit matches FROM against stage names as written: `Base` is not the stage `base`',
        code: 'FROM alpine:3 AS base\nFROM Base\n',
        errors: [{ line: 2, column: 6, endColumn: 10 }],
      },
      { name: 'bad tag', code: 'FROM alpine:-3\n', errors: [{ line: 1, column: 6, endColumn: 15 }] },
      { name: 'short digest', code: 'FROM alpine@sha256:abc\n', errors: [{ line: 1, column: 6, endColumn: 23 }] },
    ],
  },
});
