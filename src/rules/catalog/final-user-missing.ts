import { defineRule } from '../types.js';
import { baseIsNanoServer, baseTagSaysNonRoot, startsThroughPrivilegeDrop } from '../helpers/users.js';

export default defineRule({
  meta: {
    id: 'DA301',
    name: 'final-user-missing',
    category: 'privileges',
    severity: 'high',
    cwe: [250],
    description: 'The final stage sets no USER, so the container runs as the base image\'s user, root by default.',
    messages: {
      missing: () =>
        'The final image sets no USER and runs as root unless the base image says otherwise: add `USER <non-root uid>` after the last step that needs root.',
      windows: () =>
        'The final Windows image sets no USER and runs as the base image\'s user, `ContainerAdministrator` for Server Core: add `USER ContainerUser`.',
      scratch: () => 'A `scratch` image without USER runs as root (uid 0): add `USER <non-root uid>`, e.g. `USER 65532:65532`.',
    },
    aliases: ['CKV_DOCKER_3', 'DS-0002'],
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (stage === null || stage.finalUser.setBy !== null) return;
    if (stage.finalUser.isRoot === false) return;
    if (baseTagSaysNonRoot(model, stage) || startsThroughPrivilegeDrop(model, stage)) return;
    if (stage.os === 'windows' && baseIsNanoServer(model, stage)) return;
    const scratch = stage.finalUser.isRoot === true;
    ctx.report({ messageId: scratch ? 'scratch' : stage.os === 'windows' ? 'windows' : 'missing', range: stage.from.image?.range ?? stage.from.keywordRange });
  },
  docs: {
    why:
      'A container runs as the user the image names, and most base images name none: the process then runs as ' +
      'root (uid 0). Root in a container shares the kernel with the host: a kernel or runtime escape, a mounted ' +
      'host path or a mis-set capability turns a bug in the application into root on the node. Setting a non-root ' +
      '`USER` in the final stage is the cheapest defence, and Kubernetes `runAsNonRoot` policies refuse images ' +
      'that do not.',
    bad: 'FROM node:20-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
    good: 'FROM node:20-alpine\nCOPY . /app\nUSER node\nCMD ["node", "/app/server.js"]\n',
    fix:
      'Create or pick an unprivileged user and switch to it after the last step that needs root: `USER 10001` (or ' +
      'a name the image defines, such as `node`). A `USER` in an earlier stage that the final stage is built FROM ' +
      'counts. Images whose ENTRYPOINT drops privileges itself (`gosu`, `su-exec`, `setpriv`) and base tags that ' +
      'say `nonroot` are not reported.',
    references: [
      'https://cwe.mitre.org/data/definitions/250.html',
      'https://docs.docker.com/reference/dockerfile/#user',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nUSER 10001\n',
      { name: 'USER inherited from the parent stage', code: 'FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD ["app"]\n' },
      { name: 'privilege drop in the entrypoint', code: 'FROM debian:12\nENTRYPOINT ["gosu", "app", "/app/run"]\n' },
      { name: 'nonroot base tag', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n' },
      { name: 'no FROM at all', code: '# USER app\n' },
      { name: 'Nano Server runs as ContainerUser', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD ["cmd"]\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN echo USER app\n',
        errors: [{ line: 1, column: 6, endLine: 1, endColumn: 17, messageId: 'missing' }],
      },
      {
        name: 'USER only in a builder stage; comment mentions USER',
        code: 'FROM golang:1.22 AS build\nUSER 1000\nRUN go build ./...\n\nFROM debian:12\n# USER app\nCOPY --from=build /out /app\n',
        errors: [{ line: 5, column: 6, endColumn: 15, messageId: 'missing' }],
      },
      {
        name: 'scratch runs as uid 0',
        code: 'FROM scratch\nCOPY app /app\n',
        errors: [{ line: 1, column: 6, endColumn: 13, messageId: 'scratch' }],
      },
      {
        name: 'Windows Server Core runs as ContainerAdministrator',
        code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["cmd"]\n',
        errors: [{ line: 1, column: 6, endColumn: 51, messageId: 'windows' }],
      },
      {
        name: 'USER in an ONBUILD trigger does not count',
        code: 'FROM alpine:3.20\nONBUILD USER app\n',
        errors: [{ line: 1, column: 6, endColumn: 17 }],
      },
    ],
  },
});
