import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA307',
    name: 'run-security-insecure',
    category: 'privileges',
    severity: 'high',
    cwe: [250],
    description: 'A RUN instruction uses `--security=insecure`, which runs the step without the build sandbox, like a privileged container.',
    needs: { instructions: ['RUN'] },
    messages: {
      insecure: () =>
        'RUN --security=insecure runs this step with all capabilities and no seccomp/AppArmor profile: remove it, or move the step to a build that is allowed to be privileged.',
    },
  },
  check(model, ctx) {
    for (const f of model.instructions) {
      const i = f.instruction;
      if (i.kind !== 'RUN') continue;
      for (const flag of i.flags) {
        if (flag.name.toLowerCase() === 'security' && (flag.value ?? '').toLowerCase() === 'insecure') {
          ctx.report({ messageId: 'insecure', range: flag.range });
        }
      }
    }
  },
  docs: {
    why:
      '`RUN --security=insecure` (an entitlement of BuildKit) runs the step like `docker run --privileged`: every ' +
      'capability, no seccomp or AppArmor, access to host devices. Whatever that step downloads or executes can ' +
      'take over the build host or the build service and tamper with other builds.',
    bad: 'FROM debian:12\nRUN --security=insecure mount -t tmpfs none /mnt\n',
    good: 'FROM debian:12\nRUN --security=sandbox echo ok\n',
    fix: 'Remove the flag. Steps that truly need privileges (building kernel modules, loop devices) belong to a dedicated, isolated builder.',
    references: ['https://docs.docker.com/reference/dockerfile/#run---security'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN --security=sandbox make\n',
      { name: 'in a string and a label', code: 'FROM debian:12\nLABEL note="--security=insecure"\nRUN echo --security=insecure\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN --security=insecure make\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 24, messageId: 'insecure' }],
      },
      {
        name: 'ONBUILD trigger with other flags',
        code: 'FROM debian:12\nONBUILD RUN --network=none --security=insecure make\n',
        errors: [{ line: 2, column: 28, endColumn: 47 }],
      },
    ],
  },
});
