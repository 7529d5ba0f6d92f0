import type { ShellCommand } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { literalStdin, wordSubRange } from '../helpers/commands.js';
import { commandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** `useradd -p` values that lock the account instead of setting a password. */
const LOCKED = /^[*!x]*$/;

/** The range of the password text piped into `c`, when it is literal. */
function literalInput(c: ShellCommand, wantColon: boolean): Range | null {
  const lit = literalStdin(c);
  if (lit !== null) {
    const w = lit.words[lit.words.length - 1]!;
    const v = w.value!;
    const colon = v.indexOf(':');
    if (wantColon) {
      if (colon < 0 || v.slice(colon + 1).replace(/\\n$/, '').trim() === '') return null;
      const k = w.raw.indexOf(':');
      return k >= 0 ? wordSubRange(w, k + 1, w.raw.replace(/(?:\\n)?["']?$/, '').length) : w.range;
    }
    return v.trim() === '' ? null : w.range;
  }
  for (const r of c.redirects) {
    if (r.heredoc !== null && !r.heredoc.includes('$') && (wantColon ? /:[^\s]/.test(r.heredoc) : r.heredoc.trim() !== '')) return r.range;
  }
  return null;
}

/** The commands this rule judges (by name). */
const PASSWORD_TOOLS: ReadonlySet<string> = new Set(['chpasswd', 'passwd', 'useradd', 'usermod', 'x11vnc', 'vncpasswd', 'openssl']);

export default defineRule({
  meta: {
    id: 'DA404',
    name: 'password-set-in-build',
    category: 'secrets',
    severity: 'high',
    cwe: [259],
    description: 'A build step sets a user password from a literal (`chpasswd`, `passwd`, `useradd -p`, `openssl passwd`, `x11vnc -storepasswd`).',
    needs: { commands: PASSWORD_TOOLS },
    messages: {
      literal: (d: { tool: string }) =>
        `\`${d.tool}\` sets a password written in the Dockerfile: every copy of the image shares it and the image history shows it; do not give image users passwords (lock the account), or set them at deploy time.`,
      emptied: (d: { user: string }) =>
        `\`passwd -d ${d.user}\` removes the password, so the account can be entered without one: lock it with \`passwd -l\` instead.`,
    },
    aliases: ['CKV2_DOCKER_17'],
  },
  check(model, ctx) {
    for (const { cmd: c } of commandsNamed(model, PASSWORD_TOOLS, 'RUN')) {
      const tool = c.name;
      if (tool === 'chpasswd') {
        const r = literalInput(c, true);
        if (r !== null) ctx.report({ messageId: 'literal', data: { tool }, range: r });
      } else if (tool === 'passwd') {
        if (c.hasFlag('-d', '--delete')) {
          const user = c.operands[0]?.value ?? 'root';
          const flag = c.options.find((o) => o.canonical === '-d' || o.name === '--delete');
          ctx.report({ messageId: 'emptied', data: { user }, range: flag?.word.range ?? c.range });
          continue;
        }
        if (c.hasFlag('-l', '--lock', '-S', '--status', '-e', '--expire', '-u', '--unlock')) continue;
        const r = literalInput(c, false);
        if (r !== null) ctx.report({ messageId: 'literal', data: { tool }, range: r });
      } else if (tool === 'useradd' || tool === 'usermod') {
        const p = c.flagValue('-p');
        if (p !== null && p.value !== null && !p.dynamic && !LOCKED.test(p.value)) ctx.report({ messageId: 'literal', data: { tool: `${tool} -p` }, range: p.range });
      } else if (tool === 'x11vnc' || tool === 'vncpasswd') {
        // x11vnc -storepasswd <password> <file>; vncpasswd -f <<< password
        const k = c.args.findIndex((w) => w.value === '-storepasswd' || w.value === '--storepasswd');
        const pw = k >= 0 ? c.args[k + 1] : undefined;
        if (pw !== undefined && pw.value !== null && !pw.dynamic && c.args.length > k + 2) {
          ctx.report({ messageId: 'literal', data: { tool: `${tool} -storepasswd` }, range: pw.range });
        } else if (tool === 'vncpasswd') {
          const r = literalInput(c, false);
          if (r !== null) ctx.report({ messageId: 'literal', data: { tool }, range: r });
        }
      } else if (tool === 'openssl' && c.args[0]?.value === 'passwd') {
        const pw = c.args[c.args.length - 1];
        if (c.args.length >= 2 && pw !== undefined && pw.value !== null && !pw.dynamic && !pw.value.startsWith('-') && !c.args.some((w) => w.value === '-stdin' || w.value === '-in')) {
          ctx.report({ messageId: 'literal', data: { tool: 'openssl passwd' }, range: pw.range });
        }
      }
    }
  },
  docs: {
    why:
      'A password set during the build is the same in every container started from the image, is visible to ' +
      'anyone who reads the Dockerfile or `docker history`, and its hash sits in `/etc/shadow` of a public layer ' +
      'where it can be cracked offline. Containers rarely need passwords at all: nobody logs in to them.',
    bad: "FROM ubuntu:24.04\nRUN useradd -m app && echo 'app:Passw0rd!' | chpasswd\n",
    good: 'FROM ubuntu:24.04\nRUN useradd -m app && passwd -l app\nUSER app\n',
    fix:
      'Do not set passwords in images: lock accounts (`passwd -l`, `useradd` without `-p`) and use `USER` to run as ' +
      'them. If a service needs a password, have it read one from a secret at start-up. Passwords read from a secret ' +
      'mount (`chpasswd < /run/secrets/pw`) or a variable are not reported.',
    references: ['https://cwe.mitre.org/data/definitions/259.html'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN useradd -m app && passwd -l root\n',
      {
        name: 'secrets, variables, locked accounts and echoed text',
        code:
          'FROM debian:12\nARG PW\nRUN --mount=type=secret,id=pw chpasswd < /run/secrets/pw && echo "app:$PW" | chpasswd\n' +
          'RUN usermod -p \'*\' app && useradd -p "!" svc && echo "root:x | chpasswd"\n',
      },
    ],
    invalid: [
      {
        code: "FROM debian:12\nRUN echo 'root:toor' | chpasswd\n",
        errors: [{ line: 2, column: 16, endLine: 2, endColumn: 20, messageId: 'literal' }],
      },
      {
        name: 'passwd --stdin, useradd -p, openssl passwd, passwd -d',
        code:
          'FROM centos:7\nRUN echo s3cret | passwd --stdin app && useradd -p pw0 bob\n' +
          'RUN usermod -p "$(openssl passwd -1 pw1)" carl && passwd -d root\n',
        errors: [
          { line: 2, column: 10, endColumn: 16, messageId: 'literal' },
          { line: 2, column: 52, endColumn: 55, messageId: 'literal' },
          { line: 3, column: 37, endColumn: 40, messageId: 'literal' },
          { line: 3, column: 58, endColumn: 60, messageId: 'emptied' },
        ],
      },
      {
        name: 'VNC password',
        code: 'FROM centos:7\nRUN x11vnc -storepasswd 123456 /root/.vnc/passwd && x11vnc -storepasswd\n',
        errors: [{ line: 2, column: 25, endColumn: 31, messageId: 'literal' }],
      },
    ],
  },
});
