import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA904',
    name: 'not-version-controlled',
    category: 'metadata',
    severity: 'low',
    description: 'The Dockerfile sits in a git work tree but is not tracked by git.',
    messages: {
      untracked: () => 'This Dockerfile is in a git work tree but not tracked: commit it so image builds can be reviewed and reproduced.',
    },
  },
  check(model, ctx) {
    if (ctx.env.gitTracked !== false) return;
    const firstLine = model.source.lineText(1);
    ctx.report({ messageId: 'untracked', range: { start: 0, end: firstLine.length } });
  },
  docs: {
    why:
      'A Dockerfile that is not under version control cannot be reviewed, audited or rebuilt: nobody can tell which ' +
      'instructions produced an image that runs in production. Untracked Dockerfiles are often local experiments ' +
      'that end up building release images by accident.',
    bad: 'FROM alpine:3.20\n',
    good: 'FROM alpine:3.20\n',
    fix:
      '`git add` and commit the Dockerfile (or delete it if it is a leftover). The rule reads the git index of the ' +
      'enclosing work tree and says nothing when the file is not in a work tree or the index cannot be read.',
    env: { bad: { gitTracked: false }, good: { gitTracked: true } },
  },
  tests: {
    valid: [
      { name: 'tracked', code: 'FROM alpine:3.20\n', gitTracked: true },
      { name: 'unknown (stdin, no work tree)', code: 'FROM alpine:3.20\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nRUN true\n', gitTracked: false, errors: [{ line: 1, column: 1, endLine: 1, endColumn: 17, messageId: 'untracked' }] },
      { name: 'empty file', code: '', gitTracked: false, errors: [{ line: 1, column: 1, endLine: 1, endColumn: 1 }] },
    ],
  },
});
