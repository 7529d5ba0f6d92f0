import { expandWords } from '../../model/build.js';
import type { Severity } from '../types.js';
import { commandArgvs, finalImageInstructions, portSpecs } from '../helpers/runtime.js';
import { commandsNamed } from '../helpers/command-index.js';
import type { ArgvWord } from '../helpers/runtime.js';
import { defineRule } from '../types.js';
import type { Range } from '../../source.js';

const SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run/docker.sock/']);
const DOCKERD = /(?:^|\/)dockerd(?:-entrypoint\.sh)?$/;
/**
 * A shell command's name is the basename of its argv[0] (`ShellCommand.name`): those `DOCKERD` matches are the
 * commands named so. The index tells whether a file runs any; most do not, and their commands need no look.
 */
const DOCKERD_NAMES: ReadonlySet<string> = new Set(['dockerd', 'dockerd-entrypoint.sh']);
const NO_ARGVS: readonly (readonly ArgvWord[])[] = [];
const LOCAL_HOSTS = /^tcp:\/\/(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d+)?\/?$/i;

export default defineRule({
  meta: {
    id: 'DA805',
    name: 'docker-socket-exposed',
    category: 'runtime',
    severity: 'critical',
    cwe: [284],
    description: 'The image exposes the Docker daemon API (port 2375/2376, the socket as a volume, or dockerd on TCP), which gives root on the host to whoever reaches it.',
    messages: {
      port: (d: { port: string }) =>
        `Port ${d.port} is the Docker daemon API: anyone reaching it controls the host; do not expose it.`,
      volume: (d: { path: string }) =>
        `VOLUME ${d.path} invites mounting the Docker socket: whoever controls the container then controls the host.`,
      tcp: (d: { host: string }) =>
        `dockerd listens on ${d.host}: an unauthenticated Docker API on the network is root on the host; use the Unix socket or TLS with client certificates.`,
    },
  },
  check(model, ctx) {
    const runsDockerd = commandsNamed(model, DOCKERD_NAMES, 'all').length > 0;
    for (const f of finalImageInstructions(model)) {
      const i = f.instruction;
      if (i.kind === 'EXPOSE') {
        for (const p of portSpecs(model, i)) {
          if (p.start === null || p.start !== p.end || (p.start !== 2375 && p.start !== 2376)) continue;
          const severity: Severity | undefined = p.start === 2376 ? 'high' : undefined;
          ctx.report({ messageId: 'port', data: { port: String(p.start) }, range: p.portRange, ...(severity ? { severity } : {}) });
        }
      } else if (i.kind === 'VOLUME') {
        for (const a of i.args) {
          const words = a.value.includes('$') ? expandWords(model, a.value, i) : null;
          const values = words ? (words.ok ? words.words.filter((w) => !w.unknown).map((w) => w.value) : []) : [a.value];
          for (const v of values) if (v === '/var/run/docker.sock' || v === '/run/docker.sock') ctx.report({ messageId: 'volume', data: { path: v }, range: a.range });
        }
      } else if (i.kind === 'CMD' || i.kind === 'ENTRYPOINT' || i.kind === 'RUN') {
        // without a dockerd command in the file, only an exec-form argv (JSON strings, not a command) can name it
        const argvs = runsDockerd ? commandArgvs(f, i.command) : i.command.form === 'exec' ? [i.command.args] : NO_ARGVS;
        for (const argv of argvs) {
          const name = argv[0]?.value;
          // the regex only for a name it can match (this runs for every command of every RUN of the final image)
          if (name == null || !(name.endsWith('dockerd') || name.endsWith('.sh')) || !DOCKERD.test(name)) continue;
          for (let k = 1; k < argv.length; k++) {
            const w = argv[k]!;
            const v = w.value ?? '';
            let host: string | null = null;
            let range: Range = w.range;
            if ((v === '-H' || v === '--host') && argv[k + 1]) {
              host = argv[k + 1]!.value;
              range = argv[k + 1]!.range;
            } else if (v.startsWith('--host=')) host = v.slice(7);
            else if (v.startsWith('-H') && v.length > 2) host = v.slice(2).replace(/^=/, '');
            if (host !== null && /^tcp:\/\//i.test(host) && !LOCAL_HOSTS.test(host) && !argv.some((x) => x.value === '--tlsverify')) {
              ctx.report({ messageId: 'tcp', data: { host }, range });
            }
          }
        }
      }
    }
  },
  docs: {
    why:
      'The Docker API is root on the host: it can start a privileged container that mounts `/`. Port 2375 serves it ' +
      'without authentication, 2376 with TLS (still a daemon reachable from the network), and a `VOLUME` for the ' +
      'socket path is an invitation to mount the host socket.',
    bad: 'FROM docker:27-dind\nEXPOSE 2375\nCMD ["dockerd", "-H", "tcp://0.0.0.0:2375"]\n',
    good: 'FROM docker:27-cli\nCMD ["docker", "version"]\n',
    fix: 'Keep the daemon on its Unix socket; when remote access is required use TLS with client certificates (`--tlsverify`) behind a firewall, and never publish 2375.',
    references: ['https://docs.docker.com/engine/security/protect-access/', 'https://cwe.mitre.org/data/definitions/284.html'],
  },
  tests: {
    valid: [
      { name: 'loopback and TLS-verified listeners', code: 'FROM docker:27-dind\nCMD ["dockerd", "-H", "tcp://127.0.0.1:2375", "-H", "unix:///var/run/docker.sock"]\n' },
      { name: 'docker CLI talking to a remote daemon', code: 'FROM docker:27-cli\nENV DOCKER_HOST=tcp://docker:2375\nRUN echo "EXPOSE 2375"\n' },
      { name: 'builder stage', code: 'FROM docker:27-dind AS t\nEXPOSE 2375\nFROM alpine:3.20\n' },
      { name: 'dockerd with --tlsverify', code: 'FROM docker:27-dind\nCMD dockerd --tlsverify -H tcp://0.0.0.0:2376\n' },
    ],
    invalid: [
      {
        code: 'FROM docker:27-dind\nEXPOSE 2375 2376\nVOLUME /var/run/docker.sock\nCMD dockerd --host=tcp://0.0.0.0:2375\n',
        errors: [
          { line: 2, column: 8, endLine: 2, endColumn: 12, messageId: 'port' },
          { line: 2, column: 13, endColumn: 17, messageId: 'port' },
          { line: 3, column: 8, endColumn: 28, messageId: 'volume' },
          { line: 4, column: 13, endColumn: 38, messageId: 'tcp' },
        ],
      },
      { name: 'exec form -H', code: 'FROM docker:27-dind\nENTRYPOINT ["dockerd", "-H", "tcp://0.0.0.0:2375"]\n', errors: [{ line: 2, column: 30, endColumn: 50, messageId: 'tcp' }] },
    ],
  },
});
