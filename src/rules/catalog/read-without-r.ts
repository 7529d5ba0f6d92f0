import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

const READ: ReadonlySet<string> = new Set(['read']);

export default defineRule({
  meta: {
    id: 'DA714',
    name: 'read-without-r',
    category: 'shell',
    severity: 'info',
    description: 'A RUN uses `read` without `-r`, so backslashes in the input are eaten.',
    needs: { commands: READ },
    messages: {
      noR: () => '`read` without -r treats backslashes as escapes and joins lines ending in one: use `read -r`.',
    },
    aliases: ['SC2162'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, READ)) {
      if (c.argv.slice(1).some((w) => w.value !== null && /^-[a-zA-Z]*r/.test(w.value))) continue;
      ctx.report({ messageId: 'noR', range: c.nameWord?.range ?? c.range });
    }
  },
  docs: {
    why:
      'Without `-r`, `read` interprets backslashes: `C:\\temp` becomes `C:temp` and a line ending in `\\` is joined ' +
      'with the next one, so loops over files or checksum lists silently process altered values. ShellCheck SC2162.',
    bad: 'FROM debian:12\nRUN find /opt -name "*.sh" | while read f; do chmod +x "$f"; done\n',
    good: 'FROM debian:12\nRUN find /opt -name "*.sh" | while read -r f; do chmod +x "$f"; done && echo "read x"\n',
    fix: 'Add `-r`: `while read -r line; do …; done`.',
    references: ['https://www.shellcheck.net/wiki/SC2162'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN while IFS= read -r l; do echo "$l"; done < /etc/hosts && read -rs x < /dev/null\n',
      { name: 'echoed', code: 'FROM debian:12\nRUN echo read line\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN ls | while read f; do echo "$f"; done\n',
        errors: [{ line: 2, column: 16, endLine: 2, endColumn: 20, messageId: 'noR' }],
      },
    ],
  },
});
