import { externalBases } from '../helpers/images.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA203',
    name: 'base-image-not-digest-pinned',
    category: 'base-image',
    severity: 'info',
    cwe: [1104],
    description: 'A base image is referenced by tag only, not pinned to an immutable `@sha256:` digest.',
    messages: {
      noDigest: (d: { image: string }) =>
        `Base image "${d.image}" is not pinned by digest: a tag can be re-pushed; append "@sha256:<digest>" and let a bot update it.`,
    },
    disabledByDefault: true,
  },
  check(model, ctx) {
    for (const b of externalBases(model)) {
      const r = b.ref;
      if (r.digest !== null || r.unknown.path || r.unknown.registry) continue;
      ctx.report({ messageId: 'noDigest', data: { image: r.familiarName + (r.tag !== null ? ':' + r.tag : '') }, range: b.range });
    }
  },
  docs: {
    why:
      'Tags are mutable: a publisher (or an attacker with push access) can point `3.20` at a different image at any ' +
      'time. A digest names the exact content, so the build uses the image that was reviewed and scanned. Digest ' +
      'pinning is the strongest form of base image pinning; it needs a bot (Renovate, Dependabot) to stay current, ' +
      'which is why this rule is off by default.',
    bad: 'FROM alpine:3.20\n',
    good: 'FROM alpine:3.20@sha256:' + '0'.repeat(64) + '\n',
    fix: 'Append the digest of the image you tested: `docker buildx imagetools inspect alpine:3.20` prints it.',
    references: ['https://docs.docker.com/build/building/best-practices/#pin-base-image-versions'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20@sha256:' + '1'.repeat(64) + '\n',
      { name: 'scratch and stage', code: 'FROM scratch AS a\nFROM a\n' },
      { name: 'digest from an ARG default', code: 'ARG D=sha256:' + '2'.repeat(64) + '\nFROM alpine@${D}\n' },
      { name: 'whole image from an ARG', code: 'ARG IMAGE\nFROM $IMAGE\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\n', errors: [{ line: 1, column: 6, endLine: 1, endColumn: 17, messageId: 'noDigest' }] },
      { name: 'builder stage too', code: 'FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /x /x\n', errors: [{ line: 1, column: 6, endColumn: 17 }] },
    ],
  },
});
