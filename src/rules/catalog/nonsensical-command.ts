import { isTopLevel } from '../helpers/run-scripts.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** Interactive programs and process/system management that have no effect (or no meaning) while building an image. */
const NONSENSICAL: ReadonlyMap<string, string> = new Map([
  ['vim', 'an interactive editor'],
  ['vi', 'an interactive editor'],
  ['nano', 'an interactive editor'],
  ['emacs', 'an interactive editor'],
  ['top', 'an interactive monitor'],
  ['htop', 'an interactive monitor'],
  ['shutdown', 'shutting down has no meaning in a build container'],
  ['reboot', 'rebooting has no meaning in a build container'],
  ['halt', 'halting has no meaning in a build container'],
  ['poweroff', 'powering off has no meaning in a build container'],
  ['free', 'its output only describes the build machine'],
  ['ps', 'its output only describes the build container'],
  ['ifconfig', 'the build container\'s network is thrown away'],
  ['mount', 'mounts do not persist into the image'],
  ['ssh', 'an interactive remote login'],
]);

/** The names of NONSENSICAL as the index's query. */
const NAMES: ReadonlySet<string> = new Set(NONSENSICAL.keys());

export default defineRule({
  meta: {
    id: 'DA705',
    name: 'nonsensical-command',
    category: 'shell',
    severity: 'info',
    description: 'A RUN calls a command that makes no sense while building an image (an editor, a process monitor, shutdown, mount, ssh).',
    needs: { commands: NAMES },
    messages: {
      nonsense: (d: { name: string; why: string }) => `"${d.name}" in RUN: ${d.why}; it has no lasting effect on the image. Remove it.`,
    },
    aliases: ['DL3001'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, NAMES)) {
      if (c.name === null || !isTopLevel(c)) continue;
      const why = NONSENSICAL.get(c.name);
      if (why === undefined) continue;
      // `/etc/init.d/ssh start` is an init script named after its service, not the program
      if ((c.nameWord?.value ?? '').includes('/init.d/')) continue;
      // `ssh` with arguments beyond a host runs a remote command (git over ssh, a --mount=type=ssh forward): keep it
      if (c.name === 'ssh' && c.operands.length !== 1) continue;
      if (c.name === 'mount' && c.operands.length === 0) continue;
      ctx.report({ messageId: 'nonsense', data: { name: c.name, why }, range: c.nameWord?.range ?? c.range });
    }
  },
  docs: {
    why:
      'Each RUN executes once, non-interactively, in a throw-away container; only its file-system changes are kept. ' +
      'An editor or monitor waits for a terminal that is not there, `shutdown` or `mount` cannot affect the image, ' +
      'and `ps` or `free` describe the build machine, not the runtime. Such commands are leftovers from an ' +
      'interactive session and make the build hang or mislead readers.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y nginx && vim /etc/nginx/nginx.conf\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y vim procps && echo "run top to monitor"\nCOPY nginx.conf /etc/nginx/nginx.conf\n',
    fix: 'Remove the command; write configuration files with COPY, and run diagnostics in a running container instead.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3001'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y vim openssh-client procps\n',
      { name: 'echoed, in a function body, ssh with a remote command', code: 'FROM debian:12\nRUN echo "ps aux" && ssh -T git@github.com true && f() { top; }\n' },
      { name: 'comment', code: 'FROM debian:12\n# vim /etc/x\nRUN true\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get install -y nginx && vim /etc/nginx/nginx.conf\n',
        errors: [{ line: 2, column: 33, endLine: 2, endColumn: 36, messageId: 'nonsense' }],
      },
      {
        name: 'sudo shutdown',
        code: 'FROM debian:12\nRUN sudo shutdown -h now\n',
        errors: [{ line: 2, column: 10, endColumn: 18 }],
      },
    ],
  },
});
