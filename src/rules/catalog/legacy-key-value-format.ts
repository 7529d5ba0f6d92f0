import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA110',
    name: 'legacy-key-value-format',
    category: 'syntax',
    severity: 'info',
    description: 'ENV or LABEL uses the legacy `KEY value` form instead of `KEY=value`.',
    needs: { instructions: ['ENV', 'LABEL'] },
    messages: {
      legacy: (d: { keyword: string; key: string }) =>
        `Legacy "${d.keyword} ${d.key} value" form: write ${d.keyword} ${d.key}=value (the legacy form takes the whole rest of the line as one value).`,
    },
    aliases: ['LegacyKeyValueFormat'],
    fix: 'safe',
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'ENV' && i.kind !== 'LABEL') continue;
      for (const p of i.pairs) {
        if (p.separator !== '') continue;
        const gap = { start: p.key.range.end, end: p.value.range.start };
        const between = text.slice(gap.start, gap.end);
        // rewrite only a one-word value on the same line: the meaning then stays the same
        const fixable = /^[ \t]+$/.test(between) && p.value.value !== '' && !/\s/.test(p.value.value);
        ctx.report({
          messageId: 'legacy',
          data: { keyword: i.keyword, key: p.key.value },
          range: p.range,
          ...(fixable ? { fix: [{ range: gap, text: '=' }] } : {}),
        });
      }
    }
  },
  docs: {
    why:
      'In the legacy form `ENV KEY value`, everything after the key up to the end of the line is one value, so ' +
      '`ENV A 1 B 2` sets `A` to `1 B 2`, not two variables. The `KEY=value` form is unambiguous and allows several ' +
      'pairs per instruction; BuildKit warns about the legacy form.',
    bad: 'FROM alpine:3.20\nENV APP_HOME /srv/app\n',
    good: 'FROM alpine:3.20\nENV APP_HOME=/srv/app\nLABEL description="ENV KEY value is legacy"\n',
    fix: 'Write `KEY=value` (quote values with spaces). `dockaudit --fix` rewrites one-word values.',
    references: ['https://docs.docker.com/reference/build-checks/legacy-key-value-format/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENV A=1 B="x y"\nLABEL a=b\n',
      { name: 'legacy text in a RUN', code: 'FROM alpine:3.20\nRUN echo ENV A 1\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nENV APP_HOME /srv/app\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 22, messageId: 'legacy' }],
        output: 'FROM alpine:3.20\nENV APP_HOME=/srv/app\n',
      },
      {
        name: 'value with spaces is reported, not rewritten',
        code: 'FROM alpine:3.20\nlabel maintainer Jane Doe\n',
        errors: [{ line: 2, column: 7, endColumn: 26 }],
        output: 'FROM alpine:3.20\nlabel maintainer Jane Doe\n',
      },
    ],
  },
});
