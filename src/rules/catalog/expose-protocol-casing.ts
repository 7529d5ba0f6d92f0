import { instructionsOf } from '../../model/build.js';
import { portSpecs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA812',
    name: 'expose-protocol-casing',
    category: 'runtime',
    severity: 'info',
    description: 'The protocol of an EXPOSE port is not written in lower case.',
    needs: { instructions: ['EXPOSE'] },
    messages: {
      casing: (d: { proto: string }) => `Write the protocol in lower case: \`${d.proto.toLowerCase()}\` instead of \`${d.proto}\`.`,
    },
    aliases: ['ExposeProtoCasing'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'EXPOSE')) {
      for (const p of portSpecs(model, f.instruction)) {
        if (p.proto === null || p.protoRange === null || p.proto === p.proto.toLowerCase()) continue;
        ctx.report({
          messageId: 'casing',
          data: { proto: p.proto },
          range: p.protoRange,
          ...(p.literal ? { fix: [{ range: p.protoRange, text: p.proto.toLowerCase() }] } : {}),
        });
      }
    }
  },
  docs: {
    why:
      'Docker accepts `tcp`, `udp` and `sctp`; BuildKit warns on other casings because tools reading the image ' +
      'metadata compare the protocol as a lower-case string.',
    bad: 'FROM nginx:1.27\nEXPOSE 80/TCP\n',
    good: 'FROM nginx:1.27\nEXPOSE 80/tcp\n',
    fix: 'Write the protocol in lower case. `dockaudit --fix` rewrites it.',
    references: ['https://docs.docker.com/reference/build-checks/expose-proto-casing/'],
  },
  tests: {
    valid: ['FROM alpine:3.20\nEXPOSE 80/tcp 53/udp 9/sctp 443\n', { name: 'label', code: 'FROM alpine:3.20\nLABEL p=80/TCP\n' }],
    invalid: [
      {
        code: 'FROM alpine:3.20\nEXPOSE 80/tcp 53/UDP\n',
        errors: [{ line: 2, column: 18, endLine: 2, endColumn: 21 }],
        output: 'FROM alpine:3.20\nEXPOSE 80/tcp 53/udp\n',
      },
    ],
  },
});
