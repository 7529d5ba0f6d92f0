import { defineRule } from '../types.js';
import { modeSites } from '../helpers/modes.js';

export default defineRule({
  meta: {
    id: 'DA304',
    name: 'world-writable-permissions',
    category: 'privileges',
    severity: 'high',
    cwe: [732],
    description: 'A build step makes files or directories writable by every user (mode 777, 666, `o+w`, `a+w`).',
    messages: {
      worldWritable: (d: { mode: string; tool: string }) =>
        `\`${d.tool}\` mode \`${d.mode}\` makes the files writable by every user: grant write access to the owner (and group) only, e.g. \`755\`/\`775\` for directories, \`644\`/\`664\` for files, or \`1777\` for a shared temp directory.`,
    },
  },
  check(model, ctx) {
    for (const s of modeSites(model)) {
      if (!s.effect.worldWritable || s.effect.sticky) continue;
      ctx.report({ messageId: 'worldWritable', data: { mode: s.mode, tool: s.tool }, range: s.range });
    }
  },
  docs: {
    why:
      'A world-writable file can be changed by any process in the container, whatever user it runs as: a ' +
      'compromised low-privilege service can rewrite the application code, a script that root later runs, or a ' +
      'configuration file, and turn a small foothold into code execution as another user. `chmod 777` is usually ' +
      'a shortcut around an ownership problem that `chown` or `COPY --chown` solves properly.',
    bad: 'FROM alpine:3.20\nCOPY app /app\nRUN chmod -R 777 /app\n',
    good: 'FROM alpine:3.20\nCOPY --chown=10001:10001 app /app\nRUN chmod 1777 /scratch-tmp\nUSER 10001\n',
    fix:
      'Give the files to the user that needs to write them (`COPY --chown=<uid>`, `chown`) and use `755`/`644` (or ' +
      '`775`/`664` with a shared group, the OpenShift arbitrary-uid pattern). Shared temp directories keep the ' +
      'sticky bit (`1777`), which is not reported.',
    references: ['https://cwe.mitre.org/data/definitions/732.html'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN chmod 755 /app && chmod -R g+rwX /app\n',
      { name: 'sticky temp directory', code: 'FROM alpine:3.20\nRUN mkdir -p /tmp/x && chmod 1777 /tmp/x && chmod a+rwxt /var/tmp\n' },
      { name: 'echoed, commented, removing write', code: 'FROM alpine:3.20\n# chmod 777 /app\nRUN echo "chmod 777 /app" && chmod o-w /app\n' },
      { name: 'umask-limited +w', code: 'FROM alpine:3.20\nRUN chmod +w /app/data\n' },
      { name: 'COPY --chmod 755', code: 'FROM alpine:3.20\nCOPY --chmod=755 run.sh /run.sh\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN chmod -R 777 /app\n',
        errors: [{ line: 2, column: 14, endLine: 2, endColumn: 17, messageId: 'worldWritable' }],
      },
      {
        name: 'octal with leading zero, 666 and symbolic modes',
        code: 'FROM alpine:3.20\nRUN chmod 0777 /a; chmod 666 /b.log && chmod a+w,u+x /c && chmod o=rw /d\n',
        errors: [
          { line: 2, column: 11, endColumn: 15 },
          { line: 2, column: 26, endColumn: 29 },
          { line: 2, column: 46, endColumn: 53 },
          { line: 2, column: 66, endColumn: 70 },
        ],
      },
      {
        name: 'COPY --chmod, install -m and mkdir -m',
        code: 'FROM alpine:3.20\nCOPY --chmod=777 a /a\nRUN install -m 0666 f /etc/f && mkdir -m 777 /data\n',
        errors: [
          { line: 2, column: 14, endColumn: 17 },
          { line: 3, column: 16, endColumn: 20 },
          { line: 3, column: 42, endColumn: 45 },
        ],
      },
    ],
  },
});
