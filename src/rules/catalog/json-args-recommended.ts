import { instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA801',
    name: 'json-args-recommended',
    category: 'runtime',
    severity: 'low',
    description: 'CMD or ENTRYPOINT uses the shell form, so the process runs under `/bin/sh -c` and may not receive stop signals.',
    needs: { instructions: ['CMD', 'ENTRYPOINT'] },
    messages: {
      shellForm: (d: { kind: string }) =>
        `${d.kind} uses the shell form: write it as a JSON array (e.g. ${d.kind} ["executable", "arg"]) so the process gets SIGTERM on \`docker stop\`.`,
    },
    aliases: ['DL3025', 'JSONArgsRecommended'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, ['CMD', 'ENTRYPOINT'])) {
      const i = f.instruction;
      // BuildKit does not warn when a SHELL is in effect: the shell form is then a deliberate choice
      if (i.command.form !== 'shell' || !f.shellSetting.isDefault) continue;
      ctx.report({ messageId: 'shellForm', data: { kind: i.keyword }, range: i.command.range });
    }
  },
  docs: {
    why:
      'In shell form Docker runs `/bin/sh -c "<text>"`. The shell becomes PID 1; depending on the shell and the ' +
      'script it may not forward SIGTERM to your program, so `docker stop` waits for its timeout and then kills the ' +
      'process without a graceful shutdown. A shell-form ENTRYPOINT also ignores the arguments of `docker run` and CMD.',
    bad: 'FROM node:22-slim\nCMD node server.js\n',
    good: 'FROM node:22-slim\nCMD ["node", "server.js"]\n',
    fix:
      'Use the exec (JSON) form: `CMD ["node", "server.js"]`. When you need shell features, call a script that ends ' +
      'with `exec "$@"`, or write `["/bin/sh", "-c", "exec node server.js"]`.',
    references: ['https://docs.docker.com/reference/build-checks/json-args-recommended/', 'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["--help"]\n',
      { name: 'explicit sh -c in exec form', code: 'FROM alpine:3.20\nCMD ["sh", "-c", "echo hi"]\n' },
      { name: 'SHELL in effect', code: 'FROM alpine:3.20\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nCMD echo hi\n' },
      { name: 'RUN in shell form and a comment', code: 'FROM alpine:3.20\n# CMD echo hi\nRUN echo hi\nCMD ["echo", "hi"]\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nCMD echo "hello world"\n', errors: [{ line: 2, column: 5, endLine: 2, endColumn: 23 }] },
      { name: 'entrypoint, lower case', code: 'FROM alpine:3.20\nentrypoint /docker-entrypoint.sh\n', errors: [{ line: 2, column: 12, endColumn: 33 }] },
    ],
  },
});
