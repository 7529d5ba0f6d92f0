import { referencedNames, referenceRange } from '../helpers/expansions.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA112',
    name: 'env-self-reference',
    category: 'syntax',
    severity: 'low',
    description: 'An ENV value uses a variable that the same ENV instruction defines, and so gets its previous value.',
    needs: { instructions: ['ENV'] },
    messages: {
      selfReference: (d: { name: string }) =>
        `$${d.name} is set by this same ENV instruction, but the value here is the one from before it: move ${d.name} to its own ENV above.`,
    },
    aliases: ['DL3044'],
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'ENV' || i.pairs.length < 2) continue;
      const earlier = new Set<string>();
      for (const p of i.pairs) {
        // a reference needs a `$`, and an earlier pair to refer to (most values have neither: no lexer run)
        if (earlier.size === 0 || !p.value.value.includes('$')) {
          earlier.add(p.key.value);
          continue;
        }
        for (const name of new Set(referencedNames(p.value.value, model.escape))) {
          if (earlier.has(name) && name !== p.key.value) ctx.report({ messageId: 'selfReference', data: { name }, range: referenceRange(text, p.value.range, name) });
        }
        earlier.add(p.key.value);
      }
    }
  },
  docs: {
    why:
      'All pairs of one ENV instruction are expanded with the variables as they were before the instruction. In ' +
      '`ENV APP=/srv/app PATH=$APP/bin:$PATH`, `$APP` is still empty (or its old value), so PATH gets `/bin` instead ' +
      'of `/srv/app/bin`.',
    bad: 'FROM alpine:3.20\nENV APP=/srv/app PATH=$APP/bin:$PATH\n',
    good: 'FROM alpine:3.20\nENV APP=/srv/app\nENV PATH=$APP/bin:$PATH LABEL_TEXT=\'$APP\'\n',
    fix: 'Define the variable in its own ENV instruction before the one that uses it.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3044', 'https://docs.docker.com/reference/dockerfile/#env'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENV PATH=/x:$PATH A=1\n',
      { name: 'single-quoted and escaped references', code: 'FROM alpine:3.20\nENV A=1 B=\'$A\' C=\\$A\n' },
      { name: 'reference to a later pair', code: 'FROM alpine:3.20\nENV B=$A A=1\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nENV APP=/srv/app PATH=$APP/bin:$PATH\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 27, messageId: 'selfReference' }],
      },
      {
        name: 'braces over a continuation',
        code: 'FROM alpine:3.20\nENV V=1.0 \\\n    URL=https://x/app-${V}.tgz\n',
        errors: [{ line: 3, column: 23, endColumn: 27 }],
      },
    ],
  },
});
