import { expand, instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA815',
    name: 'copy-relative-destination-without-workdir',
    category: 'runtime',
    severity: 'low',
    description: 'COPY or ADD has a relative destination while the Dockerfile has not set WORKDIR, so the target depends on the base image.',
    needs: { instructions: ['COPY', 'ADD'] },
    messages: {
      relative: (d: { kind: string; dest: string }) =>
        `${d.kind} to the relative destination ${d.dest} lands in the base image's working directory: set WORKDIR first or use an absolute path.`,
    },
    aliases: ['DL3045'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, ['COPY', 'ADD'])) {
      const i = f.instruction;
      const dest = i.destination;
      if (!dest || !f.workdir.unknown || f.workdir.setBy !== null) continue;
      const stage = f.stage === null ? null : model.stages[f.stage];
      if (!stage || stage.os === 'windows') continue;
      const e = expand(model, dest.value, i);
      if (!e.ok) continue;
      const first = e.parts[0];
      if (e.unknown && (!first || first.unknown)) continue; // `$DIR/x`: may be absolute
      const known = e.unknown ? first!.text : e.value;
      if (known.startsWith('/') || known === '' || /^[A-Za-z]:[\\/]/.test(known)) continue;
      ctx.report({ messageId: 'relative', data: { kind: i.keyword, dest: dest.value }, range: dest.range });
    }
  },
  docs: {
    why:
      'A relative destination is resolved against the working directory. Without WORKDIR in the Dockerfile that is ' +
      'the base image\'s choice (often `/`), so files can land in the root directory or move when the base image changes.',
    bad: 'FROM node:22-slim\nCOPY package.json .\n',
    good: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json .\n',
    fix: 'Set `WORKDIR` before copying, or use an absolute destination.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3045'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nCOPY a /srv/a\nWORKDIR /app\nCOPY b .\n',
      { name: 'scratch starts in /', code: 'FROM scratch\nCOPY app .\n' },
      { name: 'WORKDIR in the parent stage', code: 'FROM alpine:3.20 AS base\nWORKDIR /app\nFROM base\nCOPY . .\n' },
      { name: 'variable destination', code: 'FROM alpine:3.20\nARG APP_HOME\nCOPY . $APP_HOME\n' },
      { name: 'Windows drive destination', code: 'FROM example.com/jenkins:lts\nCOPY plugins.txt C:/ProgramData/Jenkins/plugins.txt\n' },
      { name: 'copy in RUN', code: 'FROM alpine:3.20\nRUN cp a b/\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nCOPY . .\n', errors: [{ line: 2, column: 8, endLine: 2, endColumn: 9 }] },
      { name: 'ADD with --from-less relative dir', code: 'FROM alpine:3.20\nADD --chown=1 conf etc/app/\n', errors: [{ line: 2, column: 20, endColumn: 28 }] },
    ],
  },
});
