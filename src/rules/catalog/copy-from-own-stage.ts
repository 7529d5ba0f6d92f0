import { expand, instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA213',
    name: 'copy-from-own-stage',
    category: 'base-image',
    severity: 'medium',
    description: '`COPY --from` names the stage it is in, a circular reference that fails the build.',
    needs: { instructions: ['COPY'] },
    messages: {
      ownStage: (d: { from: string }) => `COPY --from=${d.from} refers to the stage it is in: the build fails with a circular dependency; copy from another stage.`,
    },
    aliases: ['DL3023', 'DS-0006'],
  },
  check(model, ctx) {
    // the last stage of each name (computed once: a per-COPY scan of the later stages is quadratic)
    const lastByName = new Map<string, number>();
    for (const s of model.stages) if (s.name !== null) lastByName.set(s.name, s.index);
    for (const f of instructionsOf(model, 'COPY', { triggers: false })) {
      if (f.stage === null) continue;
      const stage = model.stages[f.stage];
      const flag = f.instruction.flags.find((x) => x.name.toLowerCase() === 'from');
      if (!stage || !flag || flag.value === null) continue;
      const e = expand(model, flag.value, f.instruction);
      if (!e.ok || e.unknown) continue;
      const v = e.value;
      const own = /^[0-9]+$/.test(v) ? Number(v) === stage.index : stage.name !== null && v.toLowerCase() === stage.name;
      // a later stage of the same name is the one BuildKit resolves to
      const shadowed = own && !/^[0-9]+$/.test(v) && (lastByName.get(v.toLowerCase()) ?? -1) > stage.index;
      if (own && !shadowed) ctx.report({ messageId: 'ownStage', data: { from: flag.value }, range: flag.valueRange ?? flag.range });
    }
  },
  docs: {
    why:
      'A stage cannot copy from itself: BuildKit reports a circular dependency and the build fails. It is usually ' +
      'a copy-paste slip where another stage was meant.',
    bad: 'FROM golang:1.22 AS build\nCOPY --from=build /go/bin/app /app\n',
    good: 'FROM golang:1.22 AS build\nRUN go build -o /go/bin/app .\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /app\n',
    fix: 'Copy from the stage that produces the files.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3023'],
  },
  tests: {
    valid: [
      'FROM golang:1.22 AS build\nFROM alpine:3\nCOPY --from=build /a /a\n',
      { name: 'ONBUILD trigger runs downstream', code: 'FROM alpine:3 AS base\nONBUILD COPY --from=base /a /a\n' },
      { name: 'echo in RUN', code: 'FROM alpine:3 AS build\nRUN echo --from=build\n' },
    ],
    invalid: [
      { code: 'FROM golang:1.22 AS build\nCOPY --from=build /a /a\n', errors: [{ line: 2, column: 13, endLine: 2, endColumn: 18, messageId: 'ownStage' }] },
      { name: 'by index', code: 'FROM alpine:3\nFROM alpine:3\nCOPY --from=1 /a /a\n', errors: [{ line: 3, column: 13, endColumn: 14 }] },
      { name: 'case and ARG', code: 'FROM alpine:3 AS web\nARG S=Web\nCOPY --from=$S /a /a\n', errors: [{ line: 3, column: 13, endColumn: 15 }] },
    ],
  },
});
