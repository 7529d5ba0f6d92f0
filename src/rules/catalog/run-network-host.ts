import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA308',
    name: 'run-network-host',
    category: 'privileges',
    severity: 'medium',
    description: 'A RUN instruction uses `--network=host`, giving the build step the build host\'s network.',
    needs: { instructions: ['RUN'] },
    messages: {
      host: () =>
        'RUN --network=host lets this step reach services listening on the build host (metadata endpoints, local daemons): use the default network, or `--network=none` when the step needs none.',
    },
  },
  check(model, ctx) {
    for (const f of model.instructions) {
      const i = f.instruction;
      if (i.kind !== 'RUN') continue;
      for (const flag of i.flags) {
        if (flag.name.toLowerCase() === 'network' && (flag.value ?? '').toLowerCase() === 'host') {
          ctx.report({ messageId: 'host', range: flag.range });
        }
      }
    }
  },
  docs: {
    why:
      'With `--network=host` a build step shares the network namespace of the build host: it can reach services ' +
      'bound to the host\'s loopback, the cloud metadata endpoint with the host\'s credentials, and other builds\' ' +
      'ports. A malicious dependency installed in that step gets the same reach. It needs the `network.host` ' +
      'entitlement for that reason.',
    bad: 'FROM python:3.12-slim\nRUN --network=host pip install -r requirements.txt\n',
    good: 'FROM python:3.12-slim\nRUN --network=none python -m compileall /app\n',
    fix: 'Drop the flag; use a registry mirror or a proxy reachable from the default build network instead of host services.',
    references: ['https://docs.docker.com/reference/dockerfile/#run---network'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN --network=none make\n',
      { name: 'docker run inside a string', code: 'FROM debian:12\nRUN echo "docker run --network=host x"\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN --network=host make\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 19, messageId: 'host' }],
      },
    ],
  },
});
