import { instructionsOf } from '../../model/build.js';
import { portSpecs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

interface Options {
  /** Most ports one stage may expose (ranges count each port). */
  readonly max: number;
}

export default defineRule<
  { tooMany: (d: { count: number; max: number }) => string; wideRange: (d: { port: string; count: number; max: number }) => string },
  Options
>({
  meta: {
    id: 'DA807',
    name: 'too-many-exposed-ports',
    category: 'runtime',
    severity: 'low',
    description: 'A stage exposes more ports (or a wider port range) than the configured maximum, which widens the attack surface.',
    needs: { instructions: ['EXPOSE'] },
    messages: {
      tooMany: (d) => `This stage exposes ${d.count} ports (more than ${d.max}): expose only the ports the service listens on.`,
      wideRange: (d) => `The range ${d.port} exposes ${d.count} ports (more than ${d.max}): narrow it to the ports in use.`,
    },
    defaultOptions: { max: 10 },
  },
  check(model, ctx) {
    const max = ctx.options.max;
    const counts = new Map<number, { count: number; reported: boolean }>();
    for (const f of instructionsOf(model, 'EXPOSE', { triggers: false })) {
      if (f.stage === null) continue;
      const st = counts.get(f.stage) ?? { count: 0, reported: false };
      counts.set(f.stage, st);
      for (const p of portSpecs(model, f.instruction)) {
        if (p.start === null || p.end === null || p.end < p.start || p.end > 65535) continue;
        const n = p.end - p.start + 1;
        if (n > max) {
          ctx.report({ messageId: 'wideRange', data: { port: p.portText, count: n, max }, range: p.portRange });
          st.reported = true;
        }
        st.count += n;
        if (st.count > max && !st.reported) {
          st.reported = true;
          ctx.report({ messageId: 'tooMany', data: { count: st.count, max }, range: p.arg.range });
        }
      }
    }
  },
  docs: {
    why:
      'Every exposed port is a service someone can reach once the container is published with `-P`. Long lists and ' +
      'wide ranges usually mean ports copied from a template, not ports the process actually serves, and they make ' +
      'network policies harder to review.',
    bad: 'FROM alpine:3.20\nEXPOSE 30000-30100\n',
    good: 'FROM alpine:3.20\nEXPOSE 8080 8443\n',
    fix: 'Expose only the ports the service listens on; raise `max` in the configuration when a service really needs more.',
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nEXPOSE 1 2 3 4 5 6 7 8 9 10\n',
      { name: 'ports spread over stages', code: 'FROM alpine:3.20 AS a\nEXPOSE 1 2 3 4 5 6\nFROM alpine:3.20\nEXPOSE 1 2 3 4 5 6\n' },
      { name: 'option raised', code: 'FROM alpine:3.20\nEXPOSE 5000-5100\n', options: { max: 200 } },
      { name: 'ports in a label', code: 'FROM alpine:3.20\nLABEL ports="1-1000"\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nEXPOSE 1 2 3 4 5 6 7 8 9\nEXPOSE 10 11 12\n', errors: [{ line: 3, column: 11, endLine: 3, endColumn: 13, messageId: 'tooMany' }] },
      { name: 'wide range', code: 'FROM alpine:3.20\nEXPOSE 80 7000-7999/tcp\n', errors: [{ line: 2, column: 11, endColumn: 20, messageId: 'wideRange' }] },
    ],
  },
});
