import { expand, instructionsOf } from '../../model/build.js';
import { suggestName } from '../helpers/from-args.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA214',
    name: 'copy-from-undefined-stage',
    category: 'base-image',
    severity: 'low',
    description: '`COPY --from` names no stage of the file and does not look like an image reference, so Docker pulls an image of that name.',
    needs: { instructions: ['COPY'] },
    messages: {
      undefinedStage: (d: { from: string; suggestion?: string }) =>
        `COPY --from=${d.from} names no stage of this Dockerfile, so Docker pulls the image "${d.from}:latest".` +
        (d.suggestion ? ` Did you mean the stage "${d.suggestion}"?` : ' Name a stage defined with FROM … AS, or write the image with its tag.'),
      badIndex: (d: { from: string; count: number }) => `COPY --from=${d.from}: there ${d.count === 1 ? 'is 1 stage' : `are ${d.count} stages`}, numbered from 0.`,
    },
    aliases: ['DL3022'],
  },
  check(model, ctx) {
    const names = model.stages.flatMap((s) => (s.name !== null ? [s.name] : []));
    const nameSet = new Set(names);
    for (const f of instructionsOf(model, 'COPY', { triggers: false })) {
      const flag = f.instruction.flags.find((x) => x.name.toLowerCase() === 'from');
      if (!flag || flag.value === null) continue;
      const e = expand(model, flag.value, f.instruction);
      if (!e.ok || e.unknown || e.value === '') continue;
      const v = e.value;
      const range = flag.valueRange ?? flag.range;
      if (/^[0-9]+$/.test(v)) {
        if (Number(v) >= model.stages.length) ctx.report({ messageId: 'badIndex', data: { from: v, count: model.stages.length }, range });
        continue;
      }
      if (nameSet.has(v.toLowerCase())) continue;
      // an explicit image reference (registry, namespace, tag or digest) is meant as an image
      if (/[/:.@]/.test(v)) continue;
      const suggestion = suggestName(v, names);
      ctx.report({ messageId: 'undefinedStage', data: suggestion ? { from: v, suggestion } : { from: v }, range });
    }
  },
  docs: {
    why:
      'When `--from` matches no stage name, Docker treats it as an image and pulls it, untagged (`latest`). A typo ' +
      'in a stage name therefore does not fail: it copies files from whatever public image happens to have that ' +
      'name, an easy supply-chain confusion.',
    bad: 'FROM golang:1.22 AS builder\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=buidler /app /app\n',
    good: 'FROM golang:1.22 AS builder\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=builder /app /app\nCOPY --from=busybox:1.36 /bin/busybox /bin/\n',
    fix: 'Fix the stage name, or write the image with its tag (`--from=nginx:1.27`) when an image is meant.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3022'],
  },
  tests: {
    valid: [
      'FROM alpine:3 AS a\nFROM alpine:3\nCOPY --from=a /x /x\n',
      { name: 'image references', code: 'FROM alpine:3\nCOPY --from=nginx:1.27 /a /a\nCOPY --from=ghcr.io/o/r /b /b\nCOPY --from=docker/buildx-bin /c /c\n' },
      { name: 'later stage (BuildKit resolves every stage)', code: 'FROM alpine:3\nCOPY --from=later /a /a\nFROM alpine:3 AS later\n' },
      { name: 'index', code: 'FROM alpine:3\nFROM alpine:3\nCOPY --from=0 /a /a\n' },
      { name: 'unknown ARG', code: 'FROM alpine:3\nARG SRC\nCOPY --from=${SRC} /a /a\n' },
      { name: 'RUN --mount from image-looking names is another instruction', code: 'FROM alpine:3\nRUN echo --from=nowhere\n' },
    ],
    invalid: [
      {
        code: 'FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=buidler /app /app\n',
        errors: [{ line: 3, column: 13, endLine: 3, endColumn: 20, messageId: 'undefinedStage' }],
      },
      { name: 'bare image name', code: 'FROM alpine:3\nCOPY --from=nginx /a /a\n', errors: [{ line: 2, column: 13, endColumn: 18 }] },
      { name: 'index out of range', code: 'FROM alpine:3\nCOPY --from=3 /a /a\n', errors: [{ line: 2, column: 13, endColumn: 14, messageId: 'badIndex' }] },
    ],
  },
});
