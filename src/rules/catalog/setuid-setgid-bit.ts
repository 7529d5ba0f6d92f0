import { defineRule } from '../types.js';
import { modeSites } from '../helpers/modes.js';
import type { ModeSite } from '../helpers/modes.js';

/** setgid on a directory only makes new files inherit its group: not a privilege. */
function looksLikeDirectory(s: ModeSite): boolean {
  return s.directory || s.effect.sticky || (s.recursive && s.tool === 'chmod');
}

export default defineRule({
  meta: {
    id: 'DA305',
    name: 'setuid-setgid-bit',
    category: 'privileges',
    severity: 'medium',
    cwe: [250],
    description: 'A build step sets the setuid or setgid bit, letting any user run the program with its owner\'s or group\'s rights.',
    messages: {
      setuid: (d: { mode: string }) =>
        `Mode \`${d.mode}\` sets the setuid bit: the program runs with its owner's rights (root, usually) whoever starts it; remove the bit and grant the specific capability the program needs instead.`,
      setgid: (d: { mode: string }) =>
        `Mode \`${d.mode}\` sets the setgid bit on a file: it runs with its group's rights whoever starts it; remove the bit unless the program was designed for it.`,
    },
  },
  check(model, ctx) {
    for (const s of modeSites(model)) {
      if (s.effect.setuid) ctx.report({ messageId: 'setuid', data: { mode: s.mode }, range: s.range });
      else if (s.effect.setgid && !looksLikeDirectory(s)) ctx.report({ messageId: 'setgid', data: { mode: s.mode }, range: s.range });
    }
  },
  docs: {
    why:
      'A setuid-root binary is the classic privilege escalation path: any flaw in it (or in how it handles its ' +
      'environment) gives a local user root. Containers that run as a non-root user are protected only as long as ' +
      'no such binary exists; adding one undoes the protection. setgid on a directory only makes new files ' +
      'inherit the directory\'s group and is not reported.',
    bad: 'FROM debian:12\nCOPY tool /usr/local/bin/tool\nRUN chmod u+s /usr/local/bin/tool\n',
    good: 'FROM debian:12\nCOPY tool /usr/local/bin/tool\nRUN chmod 0755 /usr/local/bin/tool && mkdir -m 2775 /shared\n',
    fix:
      'Remove the bit (`chmod u-s,g-s`). If the program needs one privilege (binding a low port, say), grant that ' +
      'capability with `setcap` or at run time (`--cap-add`) instead. Hardened images strip the bits: `find / -xdev ' +
      '-perm /6000 -type f -exec chmod a-s {} +`.',
    references: ['https://cwe.mitre.org/data/definitions/250.html'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN chmod 0755 /usr/bin/x\n',
      { name: 'stripping setuid bits', code: 'FROM debian:12\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +\n' },
      { name: 'setgid directories', code: 'FROM debian:12\nRUN mkdir -m 2775 /data && chmod -R g+s /srv && chmod 2770 /var/lib/app/\n' },
      {
        name: 'setgid on directories made earlier, install -d, find -type d, sticky',
        code:
          'FROM debian:12\nARG D=/opt/npm\nRUN mkdir -p ${D} && chmod g+s ${D} && install -d -m 2775 /run/x\n' +
          'RUN find /usr/local/rvm -type d | xargs -n 1 chmod g+s && chmod 3777 /var/run/pg\n',
      },
      { name: 'echoed', code: 'FROM debian:12\nRUN echo "chmod u+s /bin/x"\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN chmod u+s /usr/bin/tool\n',
        errors: [{ line: 2, column: 11, endLine: 2, endColumn: 14, messageId: 'setuid' }],
      },
      {
        name: 'octal setuid, setgid on a file, both',
        code: 'FROM debian:12\nRUN chmod 4755 /a && chmod 2755 /b && chmod +s /c\n',
        errors: [
          { line: 2, column: 11, endColumn: 15, messageId: 'setuid' },
          { line: 2, column: 28, endColumn: 32, messageId: 'setgid' },
          { line: 2, column: 45, endColumn: 47, messageId: 'setuid' },
        ],
      },
      {
        name: 'COPY --chmod and install -m',
        code: 'FROM debian:12\nCOPY --chmod=6755 t /t\nRUN install -m 4755 a /usr/bin/a\n',
        errors: [
          { line: 2, column: 14, endColumn: 18 },
          { line: 3, column: 16, endColumn: 20 },
        ],
      },
    ],
  },
});
