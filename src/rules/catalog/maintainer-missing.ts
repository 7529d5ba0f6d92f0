import { fromHeadRange, hasMaintainerInstruction } from '../helpers/labels.js';
import { defineRule } from '../types.js';

/** Label keys that name who maintains the image. */
function isAuthorKey(key: string): boolean {
  const k = key.toLowerCase();
  return (
    k === 'maintainer' ||
    k === 'maintainers' ||
    k === 'author' ||
    k === 'authors' ||
    k.endsWith('.maintainer') ||
    k.endsWith('.authors') ||
    k.endsWith('.author')
  );
}

export default defineRule({
  meta: {
    id: 'DA902',
    name: 'maintainer-missing',
    category: 'metadata',
    severity: 'info',
    description: 'The final image does not say who maintains it (`org.opencontainers.image.authors` or `maintainer` label).',
    messages: {
      missing: () =>
        'The final image names no maintainer: add LABEL org.opencontainers.image.authors="team <team@example.com>" so users know whom to report problems to.',
    },
    // 1,228 of the 1,475 corpus files name no maintainer: on by default it would be noise; projects opt in
    disabledByDefault: true,
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (!stage) return;
    for (const key of stage.labels.keys()) if (isAuthorKey(key)) return;
    if (hasMaintainerInstruction(model, stage)) return; // deprecated, but it names someone (DA901 reports it)
    ctx.report({ messageId: 'missing', range: fromHeadRange(stage) });
  },
  docs: {
    why:
      'When a vulnerability is found in an image, scanners, registries and incident responders look for an owner ' +
      'in its labels. The OCI annotation `org.opencontainers.image.authors` is where tooling reads it; without it, ' +
      'reports go nowhere.',
    bad: 'FROM alpine:3.20\nCMD ["sh"]\n',
    good: 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Platform team <platform@example.com>"\nCMD ["sh"]\n',
    fix: 'Enable the rule in the configuration when your images must name an owner. Add `LABEL org.opencontainers.image.authors="…"` to the final stage (or to a stage it is built FROM).',
    references: ['https://github.com/opencontainers/image-spec/blob/main/annotations.md'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nLABEL maintainer="a@example.com"\n',
      { name: 'inherited from a parent stage', code: 'FROM alpine:3.20 AS base\nLABEL org.opencontainers.image.authors=me\nFROM base\n' },
      { name: 'MAINTAINER instruction counts (another rule reports it)', code: 'FROM alpine:3.20\nMAINTAINER me\n' },
      { name: 'vendor-prefixed key', code: 'FROM alpine:3.20\nLABEL com.example.maintainer=me\n' },
      { name: 'no FROM at all', code: 'ARG X=1\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nCMD ["sh"]\n', errors: [{ line: 1, column: 1, endLine: 1, endColumn: 17, messageId: 'missing' }] },
      {
        name: 'the label is on a builder stage only; comments do not count',
        code: 'FROM golang:1.22 AS build\nLABEL maintainer=me\nFROM alpine:3.20 AS final\n# maintainer: me\n',
        errors: [{ line: 3, column: 1, endColumn: 26 }],
      },
    ],
  },
});
