import { externalBases } from '../helpers/images.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA201',
    name: 'base-image-untagged',
    category: 'base-image',
    severity: 'medium',
    cwe: [1104],
    description: 'A base image is used without a tag or digest, so every build may pull a different image.',
    messages: {
      untagged: (d: { image: string }) =>
        `Base image "${d.image}" has no tag or digest: Docker pulls whatever "latest" is today; pin a version tag (e.g. "${d.image}:1.2") or a digest.`,
    },
    aliases: ['DL3006', 'DS-0001', 'CKV_DOCKER_7'],
  },
  check(model, ctx) {
    for (const b of externalBases(model)) {
      const r = b.ref;
      if (r.tag !== null || r.digest !== null) continue;
      // an unknown repository part (`FROM ${IMAGE}`) may carry its own tag
      if (r.unknown.path || r.unknown.registry) continue;
      ctx.report({ messageId: 'untagged', data: { image: r.familiarName }, range: b.range });
    }
  },
  docs: {
    why:
      'Without a tag, Docker resolves the image to `latest`, which moves whenever the publisher pushes. Two builds ' +
      'of the same Dockerfile then get different operating system packages, libraries and possibly a compromised or ' +
      'broken release, and nobody can tell from the Dockerfile which image was used. Builds stop being reproducible ' +
      'and security reviews of the base image become meaningless.',
    bad: 'FROM ubuntu\nRUN echo hello\n',
    good: 'FROM ubuntu:24.04\nRUN echo hello\n',
    fix:
      'Add an explicit version tag (`ubuntu:24.04`), or better a digest (`ubuntu:24.04@sha256:…`) updated by a bot ' +
      'such as Renovate or Dependabot. Build arguments work too when their default carries a tag.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#from',
      'https://cwe.mitre.org/data/definitions/1104.html',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\n',
      { name: 'digest only', code: 'FROM alpine@sha256:' + 'a'.repeat(64) + '\n' },
      { name: 'scratch', code: 'FROM scratch\nCOPY app /app\n' },
      { name: 'earlier stage', code: 'FROM golang:1.22 AS build\nFROM build\n' },
      { name: 'stage name written in upper case', code: 'FROM golang:1.22 AS build\nFROM BUILD\n' },
      { name: 'tag from an ARG default', code: 'ARG TAG=3.20\nFROM alpine:${TAG}\n' },
      { name: 'image from an ARG without default: may carry a tag', code: 'ARG IMAGE\nFROM ${IMAGE}\n' },
      { name: 'comment', code: '# FROM ubuntu\nFROM ubuntu:24.04\n' },
      { name: 'registry with a port, tagged', code: 'FROM localhost:5000/app:1\n' },
    ],
    invalid: [
      {
        code: 'FROM ubuntu\nRUN echo hello\n',
        errors: [{ line: 1, column: 6, endLine: 1, endColumn: 12, messageId: 'untagged' }],
      },
      {
        name: 'registry with a port, no tag',
        code: 'FROM --platform=$BUILDPLATFORM localhost:5000/app AS b\n',
        errors: [{ line: 1, column: 32, endLine: 1, endColumn: 50 }],
      },
      {
        name: 'from an ARG default without tag, builder stage too',
        code: 'ARG BASE=debian\nFROM ${BASE} AS build\nFROM build\n',
        errors: [{ line: 2, column: 6, endColumn: 13 }],
      },
    ],
  },
});
