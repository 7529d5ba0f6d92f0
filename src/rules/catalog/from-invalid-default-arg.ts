import { parseImageRef } from '../../model/image-ref.js';
import { expandWithDefaults } from '../helpers/from-args.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA208',
    name: 'from-invalid-default-arg',
    category: 'base-image',
    severity: 'medium',
    description: 'With the default values of its build arguments, a FROM line names an empty or invalid image.',
    messages: {
      invalidDefault: (d: { value: string; reason: string }) =>
        `With the ARG defaults this FROM expands to "${d.value}" (${d.reason}): the build fails unless --build-arg is passed; give the ARG a valid default.`,
    },
    aliases: ['InvalidDefaultArgInFrom'],
  },
  check(model, ctx) {
    const stageNames = new Set<string>();
    // `stageNames` holds the names of the earlier stages while a stage is checked (its own name is added after)
    for (const stage of model.stages) {
      check(stage.from.image);
      if (stage.name !== null) stageNames.add(stage.name);
    }
    function check(img: (typeof model.stages)[number]['from']['image']): void {
      if (!img || !img.value.includes('$')) return;
      const e = expandWithDefaults(model, img.value);
      if (e === null) return;
      if (stageNames.has(e.value)) return; // an earlier stage
      const r = parseImageRef(e.value);
      if (r.ok) return;
      ctx.report({ messageId: 'invalidDefault', data: { value: e.value, reason: r.message }, range: img.range });
    }
  },
  docs: {
    why:
      'An ARG without a default is empty unless `--build-arg` sets it. A FROM that depends on it, such as ' +
      '`FROM alpine:${TAG}`, then names the invalid image `alpine:`: plain `docker build .` fails, CI jobs that ' +
      'forget the argument break, and linters and scanners cannot tell which image is used.',
    bad: 'ARG TAG\nFROM alpine:${TAG}\n',
    good: 'ARG TAG=3.20\nFROM alpine:${TAG}\n',
    fix: 'Give the ARG a default that makes a valid image reference, or use `${TAG:-3.20}` in the FROM line.',
    references: ['https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/'],
  },
  tests: {
    valid: [
      'ARG TAG=3.20\nFROM alpine:${TAG}\n',
      { name: 'fallback in the expression', code: 'ARG TAG\nFROM alpine:${TAG:-3.20}\n' },
      { name: 'optional suffix', code: 'ARG SUFFIX\nFROM alpine:3.20${SUFFIX}\n' },
      { name: 'optional registry prefix with default', code: 'ARG REG=docker.io/\nFROM ${REG}library/alpine:3\n' },
      { name: 'stage name from an ARG', code: 'ARG B=build\nFROM alpine:3 AS build\nFROM ${B}\n' },
      { name: 'built-in platform variable', code: 'FROM --platform=$BUILDPLATFORM alpine:3\nFROM ${TARGETARCH}/alpine:3\n' },
      { name: 'no variable: another rule', code: 'FROM Alpine:3\n' },
    ],
    invalid: [
      {
        code: 'ARG TAG\nFROM alpine:${TAG}\n',
        errors: [{ line: 2, column: 6, endLine: 2, endColumn: 19, messageId: 'invalidDefault' }],
      },
      { name: 'empty image', code: 'ARG IMAGE\nFROM $IMAGE AS base\n', errors: [{ line: 2, column: 6, endColumn: 12 }] },
      { name: 'empty default', code: 'ARG IMAGE=""\nFROM ${IMAGE}\n', errors: [{ line: 2, column: 6, endColumn: 14 }] },
    ],
  },
});
