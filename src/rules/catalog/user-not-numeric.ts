import { defineRule } from '../types.js';

const NUMERIC = /^[0-9]+$/;

export default defineRule({
  meta: {
    id: 'DA310',
    name: 'user-not-numeric',
    category: 'privileges',
    severity: 'info',
    description: 'The final USER names a user instead of a numeric uid, which Kubernetes `runAsNonRoot` cannot verify.',
    needs: { instructions: ['USER'] },
    messages: {
      byName: (d: { user: string }) =>
        `USER \`${d.user}\` is a name: use its numeric uid (e.g. \`USER 10001:10001\`) so that runtimes can check it is not root without reading /etc/passwd.`,
    },
    aliases: ['DL3066'],
    disabledByDefault: true,
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (stage === null) return;
    const u = stage.finalUser;
    // Windows has no uids (Kubernetes checks runAsUserName there); a root name is DA302's finding
    if (stage.os === 'windows' || u.isRoot === true) return;
    if (u.setBy === null || u.unknown || u.user === null || u.user === '' || NUMERIC.test(u.user)) return;
    const arg = u.setBy.args[0];
    ctx.report({ messageId: 'byName', data: { user: u.user }, range: arg?.range ?? u.setBy.keywordRange });
  },
  docs: {
    why:
      'Kubernetes `runAsNonRoot: true` lets a pod start only when the image user is a non-zero uid. With a user ' +
      'name the kubelet cannot tell whether the name maps to uid 0 and refuses to start the pod (or the check is ' +
      'turned off). A numeric uid is unambiguous for every runtime and every policy engine.',
    bad: 'FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER app\n',
    good: 'FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER 10001:10001\n',
    fix: 'Write the uid (and gid) instead of the name: `USER 10001:10001`.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nUSER 10001\n',
      { name: 'numeric uid with a named group', code: 'FROM alpine:3.20\nUSER 1000:app\n' },
      { name: 'named user only in a builder stage', code: 'FROM alpine:3.20 AS b\nUSER app\nFROM alpine:3.20\nUSER 1000\n' },
      { name: 'Windows user and root by name (DA302)', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerUser\n' },
      { name: 'root by name is DA302', code: 'FROM alpine:3.20\nUSER root\n' },
      { name: 'unknown value', code: 'FROM alpine:3.20\nARG U\nUSER $U\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nUSER app\n', errors: [{ line: 2, column: 6, endLine: 2, endColumn: 9, messageId: 'byName' }] },
      { name: 'name with a group', code: 'FROM alpine:3.20\nUSER node:node\n', errors: [{ line: 2, column: 6, endColumn: 15 }] },
    ],
  },
});
