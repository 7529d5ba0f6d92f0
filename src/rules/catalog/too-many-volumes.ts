import { defineRule } from '../types.js';

interface Options {
  readonly max: number;
}

export default defineRule<{ tooMany: (d: { count: number; max: number }) => string }, Options>({
  meta: {
    id: 'DA819',
    name: 'too-many-volumes',
    category: 'runtime',
    severity: 'low',
    description: 'A stage declares more VOLUME paths than the configured maximum.',
    needs: { instructions: ['VOLUME'] },
    messages: {
      tooMany: (d) => `This stage declares ${d.count} volumes (more than ${d.max}): declare only the directories that hold persistent data.`,
    },
    defaultOptions: { max: 5 },
  },
  check(model, ctx) {
    const max = ctx.options.max;
    for (const stage of model.stages) {
      let count = 0;
      for (const f of stage.instructions) {
        if (f.onbuild !== null || f.instruction.kind !== 'VOLUME') continue;
        for (const a of f.instruction.args) {
          count++;
          if (count === max + 1) ctx.report({ messageId: 'tooMany', data: { count, max }, range: a.range });
        }
      }
    }
  },
  docs: {
    why:
      'Every VOLUME creates an anonymous volume per container that outlives it, and changes made to the directory ' +
      'by later build steps are discarded. Many volumes usually mean directories declared "just in case", which ' +
      'leak disk space and hide build changes.',
    bad: 'FROM debian:12\nVOLUME /a /b /c /d /e /f\n',
    good: 'FROM debian:12\nVOLUME /var/lib/app\n',
    fix: 'Keep only directories that hold data that must persist; raise `max` in the configuration when needed.',
  },
  tests: {
    valid: [
      'FROM debian:12\nVOLUME /a /b /c\nVOLUME ["/d", "/e"]\n',
      { name: 'across stages', code: 'FROM debian:12 AS a\nVOLUME /a /b /c\nFROM debian:12\nVOLUME /a /b /c\n' },
      { name: 'option', code: 'FROM debian:12\nVOLUME /a /b /c /d /e /f\n', options: { max: 6 } },
    ],
    invalid: [{ code: 'FROM debian:12\nVOLUME /a /b /c\nVOLUME /d /e /f /g\n', errors: [{ line: 3, column: 14, endLine: 3, endColumn: 16 }] }],
  },
});
