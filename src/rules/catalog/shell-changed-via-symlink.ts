import { basename } from '../../shell/index.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

const SH_PATHS: ReadonlySet<string> = new Set(['/bin/sh', '/usr/bin/sh']);

const LN: ReadonlySet<string> = new Set(['ln']);

export default defineRule({
  meta: {
    id: 'DA704',
    name: 'shell-changed-via-symlink',
    category: 'shell',
    severity: 'low',
    description: 'A RUN replaces `/bin/sh` with a symbolic link to another shell instead of using the SHELL instruction.',
    needs: { commands: LN },
    messages: {
      symlink: (d: { target: string }) =>
        `Do not relink /bin/sh to ${d.target}: it changes the shell of every script and package hook in the image; use SHELL ["${d.target}", "-c"] for RUN instead.`,
    },
    aliases: ['DL4005'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, LN)) {
      if (!c.hasFlag('-s')) continue;
      const ops = c.operands;
      const dest = ops[ops.length - 1];
      const target = ops.length >= 2 ? ops[0] : undefined;
      if (dest === undefined || target === undefined || dest.value === null || !SH_PATHS.has(dest.value)) continue;
      const t = target.value ?? target.raw;
      if (basename(t) === 'sh') continue;
      ctx.report({ messageId: 'symlink', data: { target: t }, range: c.range });
    }
  },
  docs: {
    why:
      '`/bin/sh` is used by every `system()` call, package maintainer script and init script in the image. Pointing ' +
      'it at bash (or another shell) changes their behaviour in ways that are hard to trace and is undone by the ' +
      'next package upgrade. The `SHELL` instruction changes the shell of `RUN` only, and visibly.',
    bad: 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n',
    good: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN ln -s /bin/bash /usr/local/bin/mybash && echo "ln -sf /bin/bash /bin/sh"\n',
    fix: 'Remove the link and add `SHELL ["/bin/bash", "-c"]` (or `-o pipefail -c`) before the RUN instructions that need bash.',
    references: ['https://docs.docker.com/reference/dockerfile/#shell'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN ln -sf /bin/bash /usr/local/bin/sh2\n',
      { name: 'echoed and commented', code: 'FROM debian:12\n# ln -sf /bin/bash /bin/sh\nRUN echo ln -sf /bin/bash /bin/sh\n' },
      { name: 'restoring dash', code: 'FROM debian:12\nRUN ln -sf /bin/dash.sh /bin/sh.bak && ln -sf /usr/bin/sh /bin/sh\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 29, messageId: 'symlink' }],
      },
      {
        name: 'after rm, separate -s -f',
        code: 'FROM ubuntu:24.04\nRUN rm /bin/sh && ln -s -f bash /bin/sh\n',
        errors: [{ line: 2, column: 19, endColumn: 40 }],
      },
    ],
  },
});
