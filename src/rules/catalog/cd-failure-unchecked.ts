import { isTopLevel, shellOptionsAt } from '../helpers/run-scripts.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

const CD: ReadonlySet<string> = new Set(['cd']);

export default defineRule({
  meta: {
    id: 'DA709',
    name: 'cd-failure-unchecked',
    category: 'shell',
    severity: 'low',
    description: 'A `cd` is followed by `;` or a new line without `set -e`, so the next commands run in the wrong directory when it fails.',
    needs: { commands: CD },
    messages: {
      unchecked: (d: { dir: string }) =>
        `If "cd ${d.dir}" fails, the following commands run in the previous directory: use \`cd ${d.dir} && …\` (or \`|| exit 1\`, or WORKDIR).`,
    },
    aliases: ['SC2164'],
  },
  check(model, ctx) {
    for (const { rs, cmd: c } of runScriptCommandsNamed(model, CD)) {
      if (!isTopLevel(c) || c.connectorAfter !== ';' || c.guarded || c.stdoutTo !== null) continue;
      const dir = c.operands[0];
      if (dir === undefined || dir.value === '-' || dir.value === '/') continue;
      if (shellOptionsAt(rs, c.range.start).errexit) continue;
      ctx.report({ messageId: 'unchecked', data: { dir: dir.raw }, range: c.range });
    }
  },
  docs: {
    why:
      'When `cd` fails (a typo, a directory an earlier step did not create), a following `;`-separated command ' +
      'runs in the previous directory: `cd /tmp/build; rm -rf *` then deletes the wrong files, and `cd src; make ' +
      'install` installs whatever is in the current directory. ShellCheck reports this as SC2164.',
    bad: 'FROM debian:12\nRUN cd /tmp/build; rm -rf ./*\n',
    good: 'FROM debian:12\nRUN cd /tmp/build && rm -rf ./*\nRUN set -e; cd /src; make\nRUN cd /x || exit 1; make\nRUN echo "cd /x; y"\n',
    fix: 'Chain with `&&`, add `|| exit 1`, start the script with `set -e`, or use WORKDIR.',
    references: ['https://www.shellcheck.net/wiki/SC2164'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN cd /src && make\n',
      { name: 'guarded, set -e, in a loop, last command, echoed', code: 'FROM debian:12\nRUN cd /a || exit 1; make && for d in a b; do cd $d; make; done; echo "cd x; y"; cd /b\n' },
      { name: 'SHELL with -e', code: 'FROM debian:12\nSHELL ["/bin/sh", "-ec"]\nRUN cd /a; make\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN cd /tmp/build; rm -rf ./*\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 18, messageId: 'unchecked' }],
      },
      {
        name: 'heredoc',
        code: 'FROM debian:12\nRUN <<EOF\ncd /src\nmake install\nEOF\n',
        errors: [{ line: 3, column: 1, endLine: 3, endColumn: 8 }],
      },
    ],
  },
});
