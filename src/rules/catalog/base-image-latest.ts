import { externalBases, literalPieceRange } from '../helpers/images.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA202',
    name: 'base-image-latest',
    category: 'base-image',
    severity: 'medium',
    cwe: [1104],
    description: 'A base image uses the moving `latest` tag, so every build may pull a different image.',
    messages: {
      latest: (d: { image: string }) =>
        `Base image "${d.image}" uses the "latest" tag, which changes with every release: pin a version tag or a digest.`,
      latestFromArg: (d: { image: string }) =>
        `Base image "${d.image}" resolves to the "latest" tag through a build argument default: give the argument a version as default.`,
    },
    aliases: ['DL3007'],
  },
  check(model, ctx) {
    for (const b of externalBases(model)) {
      const r = b.ref;
      if (r.tag !== 'latest' || r.digest !== null) continue;
      const range = literalPieceRange(model, b.range, ':latest', 'tag');
      const literal = range !== b.range;
      ctx.report({ messageId: literal ? 'latest' : 'latestFromArg', data: { image: `${r.familiarName}:latest` }, range });
    }
  },
  docs: {
    why:
      '`latest` is just a tag the publisher moves to each new release. A Dockerfile built on it is not ' +
      'reproducible: a rebuild months later silently picks up a new major version, new packages and possibly a ' +
      'broken or compromised image. Reviews and vulnerability scans of "the base image" no longer describe what ' +
      'ships.',
    bad: 'FROM node:latest\nCMD ["node", "app.js"]\n',
    good: 'FROM node:22.11-bookworm-slim\nCMD ["node", "app.js"]\n',
    fix:
      'Use a version tag (`node:22.11`), or a digest kept current by a dependency bot. When the tag comes from a ' +
      'build argument, give the argument a version as default.',
    references: ['https://docs.docker.com/build/building/best-practices/#from'],
  },
  tests: {
    valid: [
      'FROM node:22\n',
      { name: 'latest pinned by a digest', code: 'FROM node:latest@sha256:' + 'b'.repeat(64) + '\n' },
      { name: 'tag that contains latest', code: 'FROM node:latest-alpine\nFROM me/latest:1.0\n' },
      { name: 'label mentions latest', code: 'FROM node:22\nLABEL channel="latest"\n' },
      { name: 'COPY --from an image is not a base', code: 'FROM node:22\nCOPY --from=busybox:latest /bin/sh /sh\n' },
      { name: 'ARG without default', code: 'ARG TAG\nFROM node:${TAG}\n' },
    ],
    invalid: [
      {
        code: 'FROM node:latest\nCMD ["node", "app.js"]\n',
        errors: [{ line: 1, column: 10, endLine: 1, endColumn: 17, messageId: 'latest' }],
      },
      {
        name: 'from a build argument default',
        code: 'ARG VERSION=latest\nFROM python:${VERSION} AS build\nFROM build\n',
        errors: [{ line: 2, column: 6, endLine: 2, endColumn: 23, messageId: 'latestFromArg' }],
      },
      {
        name: 'fallback default in the expression',
        code: 'ARG TAG\nFROM ghcr.io/o/app:${TAG:-latest}\n',
        errors: [{ line: 2, column: 6, endColumn: 34, messageId: 'latestFromArg' }],
      },
    ],
  },
});
