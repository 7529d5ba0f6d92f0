import { finalImageInstructions, INSTALLERS, installedPackages, portSpecs } from '../helpers/runtime.js';
import { commandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/**
 * Packages whose purpose is an SSH server. Not Alpine's `openssh` meta package: images install it for the client (git
 * over SSH) far more often than to run sshd, and sshd without host keys and a start command does not listen.
 */
const SSH_SERVERS = new Set(['openssh-server', 'dropbear', 'dropbear-ssh', 'dropbear-bin', 'tinyssh']);

export default defineRule({
  meta: {
    id: 'DA802',
    name: 'ssh-exposed',
    category: 'runtime',
    severity: 'high',
    cwe: [284],
    description: 'The final image exposes port 22 or installs an SSH server, a remote login path around the container runtime.',
    messages: {
      port: () => 'Port 22 (SSH) is exposed: use `docker exec` or `kubectl exec` instead of an SSH server in the container.',
      server: (d: { pkg: string }) =>
        `\`${d.pkg}\` installs an SSH server in the final image: remove it and use \`docker exec\`/\`kubectl exec\` for access.`,
    },
    aliases: ['DS-0004', 'CKV_DOCKER_1'],
  },
  check(model, ctx) {
    // a file whose RUNs install nothing (the index knows) needs no look at each RUN's commands
    const installs = commandsNamed(model, INSTALLERS, 'RUN').length > 0;
    for (const f of finalImageInstructions(model)) {
      const i = f.instruction;
      if (i.kind === 'EXPOSE') {
        for (const p of portSpecs(model, i)) {
          if (p.start !== null && p.end !== null && p.start <= 22 && 22 <= p.end && p.end - p.start < 100 && (p.proto === null || p.proto.toLowerCase() === 'tcp')) {
            ctx.report({ messageId: 'port', range: p.portRange });
          }
        }
      } else if (i.kind === 'RUN' && installs) {
        for (const pkg of installedPackages(f)) if (SSH_SERVERS.has(pkg.name)) ctx.report({ messageId: 'server', data: { pkg: pkg.name }, range: pkg.range });
      }
    }
  },
  docs: {
    why:
      'An SSH daemon in a container is a second way in that bypasses the runtime\'s access control and audit: it ' +
      'needs keys or passwords baked into or mounted into the image, runs as root, and is rarely patched with the ' +
      'application. Container platforms already give shell access with `docker exec` and `kubectl exec`.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 22\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y openssh-client\nEXPOSE 8080\n',
    fix: 'Remove the SSH server and `EXPOSE 22`; use `docker exec`/`kubectl exec` to get a shell. If the image is an SSH bastion by design, suppress the finding with a justification.',
    references: ['https://cwe.mitre.org/data/definitions/284.html', 'https://docs.docker.com/reference/cli/docker/container/exec/'],
  },
  tests: {
    valid: [
      { name: 'ssh client only, port in a comment', code: 'FROM alpine:3.20\n# EXPOSE 22\nRUN apk add --no-cache openssh-client\nEXPOSE 2222/udp\n' },
      { name: 'SSH server only in a builder stage', code: 'FROM debian:12 AS build\nRUN apt-get install -y openssh-server\nEXPOSE 22\nFROM debian:12\nCOPY --from=build /etc/issue /x\n' },
      { name: 'Alpine openssh meta package installed for git over SSH', code: 'FROM alpine:3.20\nRUN apk add --no-cache git openssh\n' },
      { name: 'echoed package name', code: 'FROM debian:12\nRUN echo "apt-get install openssh-server" > /notes\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get install -y openssh-server=1:9.2 curl\nEXPOSE 80 22/tcp\n',
        errors: [
          { line: 2, column: 42, endLine: 2, endColumn: 62, messageId: 'server' },
          { line: 3, column: 11, endLine: 3, endColumn: 13, messageId: 'port' },
        ],
      },
      { name: 'apk openssh-server in a parent stage', code: 'FROM alpine:3.20 AS base\nRUN apk add openssh-server\nFROM base\n', errors: [{ line: 2, column: 13, endColumn: 27, messageId: 'server' }] },
    ],
  },
});
