import { defineRule } from '../types.js';

const TARGET = /^\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})$/;

export default defineRule({
  meta: {
    id: 'DA206',
    name: 'redundant-target-platform',
    category: 'base-image',
    severity: 'info',
    description: 'FROM `--platform=$TARGETPLATFORM` repeats the default and can be removed.',
    messages: {
      redundant: () => 'FROM --platform=$TARGETPLATFORM is the default platform of a stage: remove the flag.',
    },
    aliases: ['DL3065', 'RedundantTargetPlatform'],
    fix: 'safe',
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const stage of model.stages) {
      for (const flag of stage.from.flags) {
        if (flag.name.toLowerCase() !== 'platform' || flag.value === null || !TARGET.test(flag.value)) continue;
        // remove the flag and the blanks after it, when it sits on one line
        let end = flag.range.end;
        while (text[end] === ' ' || text[end] === '\t') end++;
        const oneLine = !text.slice(flag.range.start, end).includes('\n');
        ctx.report({
          messageId: 'redundant',
          range: flag.range,
          ...(oneLine ? { fix: [{ range: { start: flag.range.start, end }, text: '' }] } : {}),
        });
      }
    }
  },
  docs: {
    why:
      'Every stage is built for the target platform unless told otherwise, so `--platform=$TARGETPLATFORM` does ' +
      'nothing. It makes readers think the stage is special and hides the stages where `--platform` really matters ' +
      '(`$BUILDPLATFORM` builder stages).',
    bad: 'FROM --platform=$TARGETPLATFORM alpine:3.20\n',
    good: 'FROM alpine:3.20\n',
    fix: 'Remove the flag. `dockaudit --fix` does it.',
    references: ['https://docs.docker.com/reference/build-checks/redundant-target-platform/'],
  },
  tests: {
    valid: [
      'FROM --platform=$BUILDPLATFORM alpine:3.20\n',
      { name: 'platform derived from the target', code: 'FROM --platform=linux/${TARGETARCH} alpine:3.20\n' },
      { name: 'echo in RUN', code: 'FROM alpine:3.20\nRUN echo --platform=$TARGETPLATFORM\n' },
    ],
    invalid: [
      {
        code: 'FROM --platform=$TARGETPLATFORM alpine:3.20\n',
        errors: [{ line: 1, column: 6, endLine: 1, endColumn: 32, messageId: 'redundant' }],
        output: 'FROM alpine:3.20\n',
      },
      {
        name: 'braces',
        code: 'FROM alpine:3.20 AS a\nFROM --platform=${TARGETPLATFORM} a AS b\n',
        errors: [{ line: 2, column: 6, endColumn: 34 }],
        output: 'FROM alpine:3.20 AS a\nFROM a AS b\n',
      },
    ],
  },
});
