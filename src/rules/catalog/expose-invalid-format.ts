import { instructionsOf } from '../../model/build.js';
import { portSpecs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA811',
    name: 'expose-invalid-format',
    category: 'runtime',
    severity: 'low',
    description: 'EXPOSE holds an IP address or a host:container mapping, which only `docker run -p` can set.',
    needs: { instructions: ['EXPOSE'] },
    messages: {
      mapping: (d: { spec: string }) =>
        `EXPOSE ${d.spec} contains a host part: EXPOSE only documents the container port; publish with \`docker run -p\` instead.`,
    },
    aliases: ['ExposeInvalidFormat'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'EXPOSE')) {
      for (const p of portSpecs(model, f.instruction)) {
        if (p.text !== null && p.portText.includes(':')) ctx.report({ messageId: 'mapping', data: { spec: p.text }, range: p.arg.range });
      }
    }
  },
  docs: {
    why:
      'EXPOSE is metadata about the port the container listens on. An IP address or a `host:container` pair in it ' +
      'is a `docker run -p` setting: BuildKit warns and keeps only the container port, so the image says something ' +
      'else than its author meant (for instance that a port is bound to 127.0.0.1 when it is not).',
    bad: 'FROM nginx:1.27\nEXPOSE 127.0.0.1:80:80\n',
    good: 'FROM nginx:1.27\nEXPOSE 80\n',
    fix: 'Keep only the container port (and protocol) in EXPOSE; choose host addresses and ports when running the container.',
    references: ['https://docs.docker.com/reference/build-checks/expose-invalid-format/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nEXPOSE 80 443/tcp 5000-5010\n',
      { name: 'mapping in a comment or label', code: 'FROM alpine:3.20\n# run with -p 8080:80\nLABEL ports="8080:80"\nEXPOSE 80\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nEXPOSE 8080:80\n', errors: [{ line: 2, column: 8, endLine: 2, endColumn: 15 }] },
      { name: 'IP address', code: 'FROM alpine:3.20\nEXPOSE 80 0.0.0.0:53:53/udp\n', errors: [{ line: 2, column: 11, endColumn: 28 }] },
    ],
  },
});
