import { DEFAULT_REGISTRY } from '../../model/image-ref.js';
import { externalBases, literalPieceRange } from '../helpers/images.js';
import { defineRule } from '../types.js';

interface Options {
  /** Registry hosts (with port when used) allowed for base images; `*.example.com` matches sub-domains. Empty: off. */
  readonly trustedRegistries: readonly string[];
}

/** Docker Hub's other names. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

function normalise(host: string): string {
  const h = host.trim().toLowerCase();
  return HUB_ALIASES.has(h) ? DEFAULT_REGISTRY : h;
}

export function registryTrusted(registry: string, trusted: readonly string[]): boolean {
  const reg = normalise(registry);
  for (const t of trusted) {
    if (typeof t !== 'string') continue;
    const pat = normalise(t);
    if (pat === '*' || pat === reg) return true;
    if (pat.startsWith('*.') && reg.endsWith(pat.slice(1)) && reg.length > pat.length - 1) return true;
  }
  return false;
}

export default defineRule<
  { untrusted: (d: { registry: string; image: string }) => string },
  Options
>({
  meta: {
    id: 'DA204',
    name: 'untrusted-registry',
    category: 'base-image',
    severity: 'high',
    cwe: [829],
    description: 'A base image comes from a registry that is not in the configured `trustedRegistries` list.',
    messages: {
      untrusted: (d: { registry: string; image: string }) =>
        `Base image "${d.image}" comes from registry "${d.registry}", which is not in trustedRegistries: use an image from an approved registry (or add it to the list).`,
    },
    aliases: ['DL3026'],
    defaultOptions: { trustedRegistries: [] },
  },
  check(model, ctx) {
    const trusted = Array.isArray(ctx.options.trustedRegistries) ? ctx.options.trustedRegistries : [];
    if (trusted.length === 0) return;
    for (const b of externalBases(model)) {
      const r = b.ref;
      if (r.unknown.registry) continue;
      if (registryTrusted(r.registry, trusted)) continue;
      const range = r.registryExplicit ? literalPieceRange(model, b.range, r.registry, 'start') : b.range;
      ctx.report({ messageId: 'untrusted', data: { registry: r.registry, image: r.familiarName }, range });
    }
  },
  docs: {
    why:
      'Organisations that mirror and scan their base images in an internal registry lose that control when a ' +
      'Dockerfile pulls from anywhere else: the image escapes vulnerability scanning, licence review and ' +
      'availability guarantees, and a typo-squatted public image can slip in. The rule acts only when ' +
      '`trustedRegistries` is configured.',
    bad: 'FROM quay.io/someone/tool:1.0\n',
    good: 'FROM registry.example.com/base/alpine:3.20\n',
    fix:
      'Pull the base image from an approved registry (mirror it there first), or add the registry to ' +
      '`trustedRegistries` in the configuration. Docker Hub is `docker.io`; `*.example.com` allows sub-domains.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3026'],
    options: { trustedRegistries: ['registry.example.com'] },
  },
  tests: {
    valid: [
      { name: 'not configured', code: 'FROM quay.io/a/b:1\n' },
      { name: 'Docker Hub by default name', code: 'FROM alpine:3.20\nFROM index.docker.io/library/debian:12\n', options: { trustedRegistries: ['docker.io'] } },
      { name: 'wildcard', code: 'FROM eu.gcr.io/p/app:1\n', options: { trustedRegistries: ['*.gcr.io'] } },
      { name: 'registry from an ARG', code: 'ARG REG\nFROM ${REG}/app:1\n', options: { trustedRegistries: ['r.example.com'] } },
      { name: 'scratch and stages', code: 'FROM r.example.com/a:1 AS b\nFROM b\nFROM scratch\n', options: { trustedRegistries: ['r.example.com'] } },
      { name: 'COPY --from is not a base image', code: 'FROM r.example.com/a:1\nCOPY --from=quay.io/x/y:1 /a /a\n', options: { trustedRegistries: ['r.example.com'] } },
    ],
    invalid: [
      {
        code: 'FROM quay.io/someone/tool:1.0\n',
        options: { trustedRegistries: ['registry.example.com'] },
        errors: [{ line: 1, column: 6, endLine: 1, endColumn: 13, messageId: 'untrusted' }],
      },
      {
        name: 'Docker Hub implied',
        code: 'FROM alpine:3.20\n',
        options: { trustedRegistries: ['registry.example.com', '*.gcr.io'] },
        errors: [{ line: 1, column: 6, endColumn: 17 }],
      },
      {
        name: 'wildcard does not match the bare domain',
        code: 'FROM gcr.io/p/app:1\n',
        options: { trustedRegistries: ['*.gcr.io'] },
        errors: [{ line: 1, column: 6, endColumn: 12 }],
      },
    ],
  },
});
