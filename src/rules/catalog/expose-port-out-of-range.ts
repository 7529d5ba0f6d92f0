import { instructionsOf } from '../../model/build.js';
import { portSpecs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA810',
    name: 'expose-port-out-of-range',
    category: 'runtime',
    severity: 'medium',
    description: 'EXPOSE names a port outside 0–65535 or a range whose end is below its start.',
    needs: { instructions: ['EXPOSE'] },
    messages: {
      outOfRange: (d: { port: string }) => `Port ${d.port} is outside the valid range 0–65535: use a real port number.`,
      inverted: (d: { port: string }) => `Port range ${d.port} ends before it starts: write it as low-high.`,
    },
    aliases: ['DL3011', 'DS-0008'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'EXPOSE')) {
      for (const p of portSpecs(model, f.instruction)) {
        if (p.start === null || p.end === null) continue;
        if (p.start > 65535 || p.end > 65535) ctx.report({ messageId: 'outOfRange', data: { port: p.portText }, range: p.portRange });
        else if (p.end < p.start) ctx.report({ messageId: 'inverted', data: { port: p.portText }, range: p.portRange });
      }
    }
  },
  docs: {
    why:
      'TCP and UDP ports are 16-bit numbers. Docker refuses to publish a port above 65535, so the image documents a ' +
      'port that can never be used, which usually hides a typo (an extra digit) in the port the service really listens on.',
    bad: 'FROM nginx:1.27\nEXPOSE 80800\n',
    good: 'FROM nginx:1.27\nEXPOSE 8080 9000-9010/udp\n',
    fix: 'Write the port the process listens on (0–65535), and ranges as `low-high`.',
    references: ['https://docs.docker.com/reference/dockerfile/#expose'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nEXPOSE 0 65535 80/tcp 53/udp 8000-8010\n',
      { name: 'unknown variable', code: 'FROM alpine:3.20\nARG PORT\nEXPOSE $PORT\n' },
      { name: 'port in a label is not exposed', code: 'FROM alpine:3.20\nLABEL port=99999\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nEXPOSE 80 65536/tcp\n',
        errors: [{ line: 2, column: 11, endLine: 2, endColumn: 16, messageId: 'outOfRange' }],
      },
      {
        name: 'from an ARG default, inverted range',
        code: 'FROM alpine:3.20\nARG P=70000\nEXPOSE ${P} 9010-9000\n',
        errors: [
          { line: 3, column: 8, endColumn: 12, messageId: 'outOfRange' },
          { line: 3, column: 13, endColumn: 22, messageId: 'inverted' },
        ],
      },
    ],
  },
});
