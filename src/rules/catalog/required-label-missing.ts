import { fromHeadRange } from '../helpers/labels.js';
import { defineRule } from '../types.js';

interface Options {
  /** Label keys the final image must carry. */
  readonly requiredLabels: readonly string[];
}

export default defineRule<{ missing: (d: { label: string }) => string }, Options>({
  meta: {
    id: 'DA905',
    name: 'required-label-missing',
    category: 'metadata',
    severity: 'low',
    description: 'The final image lacks a label that the `requiredLabels` option demands.',
    messages: {
      missing: (d: { label: string }) => `The final image has no "${d.label}" label, which this project requires: add LABEL ${d.label}="…".`,
    },
    aliases: ['DL3049'],
    defaultOptions: { requiredLabels: [] },
  },
  check(model, ctx) {
    const stage = model.finalStage;
    const required = Array.isArray(ctx.options.requiredLabels) ? ctx.options.requiredLabels : [];
    if (!stage || required.length === 0) return;
    const range = fromHeadRange(stage);
    for (const label of required) {
      if (typeof label !== 'string' || label === '' || stage.labels.has(label)) continue;
      ctx.report({ messageId: 'missing', data: { label }, range });
    }
  },
  docs: {
    why:
      'Registries, SBOM tools and incident response rely on labels such as the source repository, the revision ' +
      'and the owner to trace an image back to its code. When a project decides which labels every image must ' +
      'carry, this rule enforces it (it does nothing until `requiredLabels` is configured).',
    bad: 'FROM alpine:3.20\nLABEL org.opencontainers.image.title=app\n',
    good: 'FROM alpine:3.20\nLABEL org.opencontainers.image.title=app \\\n      org.opencontainers.image.source=https://github.com/example/app\n',
    fix: 'Add the missing labels to the final stage (or a stage it is built FROM). Build arguments work: `LABEL org.opencontainers.image.revision=$GIT_SHA`.',
    options: { requiredLabels: ['org.opencontainers.image.source'] },
  },
  tests: {
    valid: [
      { name: 'not configured', code: 'FROM alpine:3.20\n' },
      { name: 'present, value from a build argument', code: 'FROM alpine:3.20\nARG SHA\nLABEL org.opencontainers.image.revision=$SHA\n', options: { requiredLabels: ['org.opencontainers.image.revision'] } },
      { name: 'inherited from a parent stage', code: 'FROM alpine:3.20 AS base\nLABEL team=core\nFROM base\n', options: { requiredLabels: ['team'] } },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nLABEL team=core\n',
        options: { requiredLabels: ['team', 'org.opencontainers.image.source'] },
        errors: [{ line: 1, column: 1, endLine: 1, endColumn: 17, messageId: 'missing' }],
      },
      {
        name: 'label on a builder stage only, mentioned in a comment and an echo',
        code: 'FROM alpine:3.20 AS b\nLABEL team=core\nFROM alpine:3.20\n# team=core\nRUN echo team=core\n',
        options: { requiredLabels: ['team'] },
        errors: [{ line: 3, column: 1, endColumn: 17 }],
      },
    ],
  },
});
