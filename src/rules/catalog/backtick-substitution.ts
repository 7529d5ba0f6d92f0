import type { Range } from '../../source.js';
import { runScripts } from '../helpers/run-scripts.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA712',
    name: 'backtick-substitution',
    category: 'shell',
    severity: 'info',
    description: 'A RUN uses legacy backticks for command substitution instead of `$( )`.',
    needs: { instructions: ['RUN'] },
    messages: {
      backticks: () => 'Use $( … ) instead of legacy backticks: they nest without escaping and read unambiguously.',
    },
    aliases: ['SC2006'],
  },
  check(model, ctx) {
    const text = model.source.text;
    // a finding starts at a backquote of the file: most files have none
    if (!text.includes('`')) return;
    for (const rs of runScripts(model)) {
      const seen = new Set<string>();
      const found: Range[] = [];
      for (const c of rs.script.all) {
        for (const e of c.enclosing) {
          if (e.kind !== 'command-substitution' || text[e.range.start] !== '`') continue;
          const key = `${e.range.start}:${e.range.end}`;
          if (seen.has(key)) continue;
          seen.add(key);
          found.push(e.range);
        }
      }
      for (const r of found.sort((a, b) => a.start - b.start)) ctx.report({ messageId: 'backticks', range: r });
    }
  },
  docs: {
    why:
      'Backquotes are the legacy form of command substitution: nesting them needs escaped backquotes, backslashes ' +
      'inside them are treated specially, and they are easy to confuse with quotes in a long RUN. `$( … )` has none ' +
      'of these pitfalls. ShellCheck reports this as SC2006.',
    bad: 'FROM debian:12\nRUN echo "built on `uname -m`" > /etc/build-arch\n',
    good: 'FROM debian:12\nRUN echo "built on $(uname -m)" > /etc/build-arch && echo \'literal `backticks`\'\n',
    fix: 'Replace `` `cmd` `` by `$(cmd)`.',
    references: ['https://www.shellcheck.net/wiki/SC2006'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN x=$(uname -m) && echo "$x"\n',
      { name: 'backticks in single quotes and comments', code: 'FROM debian:12\n# `x`\nRUN echo \'`not run`\'\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN echo "built on `uname -m`"\n',
        errors: [{ line: 2, column: 20, endLine: 2, endColumn: 30, messageId: 'backticks' }],
      },
    ],
  },
});
