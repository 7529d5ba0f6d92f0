import { defineRule } from '../types.js';
import { startsThroughPrivilegeDrop } from '../helpers/users.js';

export default defineRule({
  meta: {
    id: 'DA302',
    name: 'final-user-root',
    category: 'privileges',
    severity: 'high',
    cwe: [250],
    description: 'The last USER of the final stage is root, so the container runs with uid 0.',
    needs: { instructions: ['USER'] },
    messages: {
      root: (d: { user: string }) =>
        `The final image runs as \`${d.user}\` (root): switch to an unprivileged user with a later \`USER <uid>\` once the root-only steps are done.`,
    },
    aliases: ['DL3002', 'CKV_DOCKER_8'],
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (stage === null) return;
    const u = stage.finalUser;
    if (u.isRoot !== true || u.setBy === null) return;
    if (startsThroughPrivilegeDrop(model, stage)) return;
    const arg = u.setBy.args[0];
    ctx.report({ messageId: 'root', data: { user: u.value ?? 'root' }, range: arg?.range ?? u.setBy.keywordRange });
  },
  docs: {
    why:
      'Switching to `USER root` to install something and never switching back leaves the whole container running ' +
      'as uid 0. Any flaw in the application then runs with root\'s rights inside the container, and with the ' +
      'host kernel shared, one runtime or kernel bug away from the node. Pod security policies that require ' +
      '`runAsNonRoot` reject such images.',
    bad: 'FROM nginx:1.27\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    good:
      'FROM nginx:1.27\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 101\n',
    fix:
      'Add `USER <uid>` of an unprivileged user after the steps that need root. When the entrypoint must start as ' +
      'root (to fix volume ownership, say), drop privileges in it with `gosu`/`su-exec`/`setpriv`: such images ' +
      'are not reported.',
    references: ['https://cwe.mitre.org/data/definitions/250.html', 'https://docs.docker.com/reference/dockerfile/#user'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nUSER root\nRUN apk add --no-cache curl\nUSER 1000\n',
      { name: 'root only in a builder stage', code: 'FROM alpine:3.20 AS build\nUSER root\nRUN make\nFROM alpine:3.20\nUSER app\n' },
      { name: 'root user in a label and an echo', code: 'FROM alpine:3.20\nLABEL user=root\nRUN echo "USER root"\nUSER app\n' },
      { name: 'entrypoint drops privileges', code: 'FROM alpine:3.20\nUSER root\nENTRYPOINT ["su-exec", "app", "/run.sh"]\n' },
      { name: 'user from a build argument without default', code: 'FROM alpine:3.20\nARG RUN_AS\nUSER ${RUN_AS}\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nUSER root\n',
        errors: [{ line: 2, column: 6, endLine: 2, endColumn: 10, messageId: 'root' }],
      },
      {
        name: 'uid and group 0',
        code: 'FROM alpine:3.20\nUSER app\nRUN id\nUSER 0:0\n',
        errors: [{ line: 4, column: 6, endColumn: 9 }],
      },
      {
        name: 'inherited from the parent stage',
        code: 'FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN id\n',
        errors: [{ line: 2, column: 6, endColumn: 10 }],
      },
      {
        name: 'from a build argument default',
        code: 'FROM alpine:3.20\nARG U=root\nUSER $U\n',
        errors: [{ line: 3, column: 6, endColumn: 8 }],
      },
      {
        name: 'Windows ContainerAdministrator',
        code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n',
        errors: [{ line: 2, column: 6, endColumn: 28 }],
      },
    ],
  },
});
