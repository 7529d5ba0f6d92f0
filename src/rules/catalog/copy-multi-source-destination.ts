import { expand, instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA814',
    name: 'copy-multi-source-destination',
    category: 'runtime',
    severity: 'medium',
    description: 'COPY or ADD has several sources but a destination that does not end with `/`, which the classic builder rejects and BuildKit treats according to what exists at the destination.',
    needs: { instructions: ['COPY', 'ADD'] },
    messages: {
      needsSlash: (d: { kind: string; dest: string }) =>
        `${d.kind} with several sources needs a directory destination ending with "/": write ${d.dest}/.`,
    },
    aliases: ['DL3021', 'DS-0011'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, ['COPY', 'ADD'])) {
      const i = f.instruction;
      const dest = i.destination;
      if (!dest || i.sources.length < 2) continue;
      const e = dest.value.includes('$') ? expand(model, dest.value, i) : null;
      if (e && (!e.ok || e.unknown)) continue;
      const value = e && e.ok ? e.value : dest.value;
      if (value.endsWith('/') || value.endsWith('\\') || value === '.' || value === '..') continue;
      const srcText = model.source.text.slice(dest.range.start, dest.range.end);
      const plain = srcText === dest.value; // not JSON-quoted
      ctx.report({
        messageId: 'needsSlash',
        data: { kind: i.keyword, dest: dest.value },
        range: dest.range,
        ...(plain ? { fix: [{ range: { start: dest.range.end, end: dest.range.end }, text: '/' }] } : {}),
      });
    }
  },
  docs: {
    why:
      'With more than one source, COPY and ADD must copy into a directory. The classic Docker builder (and Podman ' +
      'or Kaniko in their compatible modes) refuses the instruction unless the destination ends with `/`; BuildKit ' +
      'accepts it, and the result then depends on whether the destination already exists as a directory in the ' +
      'base image. The trailing `/` makes the intent explicit and the build portable.',
    bad: 'FROM alpine:3.20\nCOPY package.json package-lock.json /app\n',
    good: 'FROM alpine:3.20\nCOPY package.json package-lock.json /app/\n',
    fix: 'End the destination with `/`. `dockaudit --fix` adds it.',
    references: ['https://docs.docker.com/reference/dockerfile/#destination'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nCOPY a b /dst/\nCOPY a /file\nCOPY a b .\n',
      { name: 'variable ending with a slash', code: 'FROM alpine:3.20\nARG D=/srv/\nCOPY a b $D\n' },
      { name: 'unknown variable', code: 'FROM alpine:3.20\nARG D\nCOPY a b $D\n' },
      { name: 'echoed in RUN', code: 'FROM alpine:3.20\nRUN echo "COPY a b /dst"\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nCOPY a.txt b.txt /dst\n',
        errors: [{ line: 2, column: 18, endLine: 2, endColumn: 22 }],
        output: 'FROM alpine:3.20\nCOPY a.txt b.txt /dst/\n',
      },
      { name: 'JSON form (no fix)', code: 'FROM alpine:3.20\nADD ["a", "b", "/dst"]\n', errors: [{ line: 2, column: 16, endColumn: 22 }] },
    ],
  },
});
