import { labelPairs } from '../helpers/labels.js';
import { defineRule } from '../types.js';

const LABEL_TYPES = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'] as const;
type LabelType = (typeof LABEL_TYPES)[number];

interface Options {
  /** Label key → the type its value must have. */
  readonly labelSchema: Readonly<Record<string, LabelType>>;
  /** Report labels that are not in `labelSchema`. */
  readonly strictLabels: boolean;
}

const RESERVED_NAMESPACES = ['com.docker.', 'io.docker.', 'org.dockerproject.'];

/**
 * Docker's key guideline asks for lower-case alphanumerics, `.` and `-`. Upper case and `_` are tolerated: they are
 * established conventions (Red Hat's `RUN`/`INSTALL`/`Version` labels for the atomic tool, `build_version`) and
 * break no tool. Reported: characters outside letters, digits, `.`, `-`, `_` and `/`, a leading or trailing
 * separator, and `..`/`--`.
 */
function keyProblem(key: string): 'reserved' | 'format' | null {
  const k = key.toLowerCase();
  if (RESERVED_NAMESPACES.some((ns) => k.startsWith(ns))) return 'reserved';
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?$/.test(key) || key.includes('..') || key.includes('--')) return 'format';
  return null;
}

function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return /^[a-z][a-z0-9+.-]*:$/.test(u.protocol) && (u.host !== '' || u.protocol === 'mailto:' || u.protocol === 'urn:');
  } catch {
    return false;
  }
}

/** Semantic Versioning 2.0.0 (no leading `v`). */
function isSemver(v: string): boolean {
  const plus = v.indexOf('+');
  const build = plus >= 0 ? v.slice(plus + 1) : null;
  const main = plus >= 0 ? v.slice(0, plus) : v;
  const dash = main.indexOf('-');
  const core = dash >= 0 ? main.slice(0, dash) : main;
  const pre = dash >= 0 ? main.slice(dash + 1) : null;
  const num = (s: string) => /^(?:0|[1-9][0-9]*)$/.test(s);
  const ident = (s: string) => /^[0-9A-Za-z-]+$/.test(s);
  const parts = core.split('.');
  if (parts.length !== 3 || !parts.every(num)) return false;
  if (pre !== null && !pre.split('.').every((p) => ident(p) && (!/^[0-9]+$/.test(p) || num(p)))) return false;
  if (build !== null && !build.split('.').every(ident)) return false;
  return true;
}

/** A git object id: 7 to 40 (SHA-1) or 64 (SHA-256) lower-case hex digits. */
function isHash(v: string): boolean {
  return /^[0-9a-f]+$/.test(v) && ((v.length >= 7 && v.length <= 40) || v.length === 64);
}

function isRfc3339(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return false;
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60 && !Number.isNaN(Date.parse(v.replace(' ', 'T')));
}

/** SPDX license expression syntax: ids (`MIT`, `LicenseRef-x`, `GPL-2.0+`) joined by AND/OR/WITH, with parentheses. */
function isSpdx(v: string): boolean {
  const tokens = v.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  let depth = 0;
  let expectOperand = true;
  for (const t of tokens) {
    if (t === '(') {
      if (!expectOperand) return false;
      depth++;
    } else if (t === ')') {
      if (expectOperand || --depth < 0) return false;
    } else if (t === 'AND' || t === 'OR' || t === 'WITH') {
      if (expectOperand) return false;
      expectOperand = true;
    } else {
      if (!expectOperand || !/^[A-Za-z0-9][A-Za-z0-9.-]*\+?$/.test(t)) return false;
      expectOperand = false;
    }
  }
  return depth === 0 && !expectOperand;
}

function isEmail(v: string): boolean {
  // also accept `Name <address>`
  const m = /^[^<>]*<([^<>]*)>$/.exec(v.trim());
  const addr = m ? m[1]! : v.trim();
  const at = addr.lastIndexOf('@');
  if (at <= 0 || /\s/.test(addr)) return false;
  const domain = addr.slice(at + 1);
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => l !== '');
}

const CHECKS: Readonly<Record<LabelType, (v: string) => boolean>> = {
  text: (v) => v.trim() !== '',
  url: isUrl,
  semver: isSemver,
  hash: isHash,
  rfc3339: isRfc3339,
  spdx: isSpdx,
  email: isEmail,
};

const TYPE_NAMES: Readonly<Record<LabelType, string>> = {
  text: 'non-empty text',
  url: 'a URL',
  semver: 'a semantic version (1.2.3)',
  hash: 'a git commit hash',
  rfc3339: 'an RFC 3339 date-time (2024-05-01T12:00:00Z)',
  spdx: 'an SPDX license expression',
  email: 'an e-mail address',
};

type Messages = {
  empty: (d: { key: string }) => string;
  reservedKey: (d: { key: string }) => string;
  keyFormat: (d: { key: string }) => string;
  wrongType: (d: { key: string; type: string; value: string }) => string;
  superfluous: (d: { key: string }) => string;
};

export default defineRule<Messages, Options>({
  meta: {
    id: 'DA906',
    name: 'label-schema-violation',
    category: 'metadata',
    severity: 'low',
    description: 'A LABEL is empty, has an invalid key, or does not match the configured label schema.',
    needs: { instructions: ['LABEL'] },
    messages: {
      empty: (d: { key: string }) => `Label "${d.key}" is empty: give it a value or remove it.`,
      reservedKey: (d: { key: string }) => `Label key "${d.key}" uses a namespace reserved by Docker (com.docker.*, io.docker.*, org.dockerproject.*): use your own reverse-DNS prefix.`,
      keyFormat: (d: { key: string }) =>
        `Label key "${d.key}" is malformed: use letters, digits and single "." or "-" separators, starting and ending with a letter or digit (e.g. "org.opencontainers.image.version").`,
      wrongType: (d: { key: string; type: string; value: string }) => `Label "${d.key}" must be ${d.type}, not "${d.value}".`,
      superfluous: (d: { key: string }) => `Label "${d.key}" is not in the label schema (strictLabels): remove it or add it to labelSchema.`,
    },
    aliases: ['DL3048', 'DL3050', 'DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058'],
    defaultOptions: { labelSchema: {}, strictLabels: false },
  },
  check(model, ctx) {
    const schema = ctx.options.labelSchema && typeof ctx.options.labelSchema === 'object' ? ctx.options.labelSchema : {};
    const schemaKeys = new Set(Object.keys(schema));
    for (const lp of labelPairs(model)) {
      const keyRange = lp.pair.key.range;
      const key = lp.key;
      if (key === null) continue;
      const kp = keyProblem(key);
      if (kp === 'reserved') ctx.report({ messageId: 'reservedKey', data: { key }, range: keyRange });
      else if (kp === 'format') ctx.report({ messageId: 'keyFormat', data: { key }, range: keyRange });
      if (ctx.options.strictLabels === true && schemaKeys.size > 0 && !schemaKeys.has(key)) {
        ctx.report({ messageId: 'superfluous', data: { key }, range: keyRange });
      }
      if (lp.value === null) continue;
      if (lp.value.trim() === '') {
        ctx.report({ messageId: 'empty', data: { key }, range: lp.pair.range });
        continue;
      }
      const type = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
      const check = type !== undefined && Object.prototype.hasOwnProperty.call(CHECKS, type) ? CHECKS[type] : undefined;
      // a build argument's default is a placeholder the build usually replaces (`ARG VERSION=dev`)
      if (type && check && !lp.fromBuildArg && !check(lp.value)) {
        ctx.report({ messageId: 'wrongType', data: { key, type: TYPE_NAMES[type], value: lp.value }, range: lp.pair.value.range });
      }
    }
  },
  docs: {
    why:
      'Labels are how registries, scanners and people find out what an image is, where its source lives and under ' +
      'which licence it ships. An empty label, a key in a namespace Docker reserves, or a `version` that is not a ' +
      'version breaks that tooling silently. With `labelSchema` a project declares the type of each label ' +
      '(`text`, `url`, `semver`, `hash`, `rfc3339`, `spdx`, `email`); `strictLabels` also rejects labels outside ' +
      'the schema. SPDX values are checked for expression syntax, not against the licence list.',
    bad: 'FROM alpine:3.20\nLABEL org.opencontainers.image.version="v1" \\\n      org.opencontainers.image.description=""\n',
    good: 'FROM alpine:3.20\nLABEL org.opencontainers.image.version="1.4.2" \\\n      org.opencontainers.image.description="Example app"\n',
    fix: 'Give labels values of the declared type, use lower-case reverse-DNS keys outside Docker\'s namespaces, and remove empty labels.',
    references: [
      'https://docs.docker.com/engine/manage-resources/labels/#label-keys-and-values',
      'https://github.com/opencontainers/image-spec/blob/main/annotations.md',
    ],
    options: { labelSchema: { 'org.opencontainers.image.version': 'semver' } },
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nLABEL org.opencontainers.image.title="app"\n',
      {
        name: 'every type, valid values',
        code:
          'FROM alpine:3.20\nLABEL u=https://example.com/x v=1.2.3-rc.1+b.5 h=0123abc d=2024-05-01T12:00:00Z ' +
          'l="(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0" e="Jane <jane@example.com>" t=x\n',
        options: { labelSchema: { u: 'url', v: 'semver', h: 'hash', d: 'rfc3339', l: 'spdx', e: 'email', t: 'text' }, strictLabels: true },
      },
      { name: 'value from a build argument is not checked', code: 'FROM alpine:3.20\nARG V\nLABEL version=$V\n', options: { labelSchema: { version: 'semver' } } },
      { name: 'nor a build argument default', code: 'FROM alpine:3.20\nARG V=dev\nLABEL version=$V\n', options: { labelSchema: { version: 'semver' } } },
      { name: 'conventional keys in upper case or with underscores', code: 'FROM alpine:3.20\nLABEL RUN="docker run -d IMAGE" Version=1 build_version=2\n' },
      { name: 'label-looking echo and comment', code: 'FROM alpine:3.20\n# LABEL Bad_Key=""\nRUN echo LABEL com.docker.x=""\n' },
      { name: 'strict without a schema does nothing', code: 'FROM alpine:3.20\nLABEL a=b\n', options: { strictLabels: true } },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nLABEL org.opencontainers.image.version="v1" \\\n      org.opencontainers.image.description=""\n',
        options: { labelSchema: { 'org.opencontainers.image.version': 'semver' } },
        errors: [
          { line: 2, column: 40, endLine: 2, endColumn: 44, messageId: 'wrongType' },
          { line: 3, column: 7, endLine: 3, endColumn: 46, messageId: 'empty' },
        ],
      },
      {
        name: 'keys: reserved namespace, trailing dot, double dot, a space (quoted)',
        code: 'FROM alpine:3.20\nLABEL com.docker.thing=1 version.=2 a..b=3 "my key"=4\n',
        errors: [
          { line: 2, column: 7, endColumn: 23, messageId: 'reservedKey' },
          { line: 2, column: 26, endColumn: 34, messageId: 'keyFormat' },
          { line: 2, column: 37, endColumn: 41, messageId: 'keyFormat' },
          { line: 2, column: 44, endColumn: 52, messageId: 'keyFormat' },
        ],
      },
      {
        name: 'an ENV value is fixed: checked',
        code: 'FROM alpine:3.20\nENV V=dev\nLABEL version=$V\n',
        options: { labelSchema: { version: 'semver' } },
        errors: [{ line: 3, column: 15, endColumn: 17, messageId: 'wrongType' }],
      },
      {
        name: 'wrong types and a superfluous label',
        code: 'FROM alpine:3.20\nLABEL u=example.com h=xyz d=2024-13-01T00:00:00Z l="MIT OR" e=nobody other=1\n',
        options: { labelSchema: { u: 'url', h: 'hash', d: 'rfc3339', l: 'spdx', e: 'email' }, strictLabels: true },
        errors: [
          { line: 2, column: 9, endColumn: 20, messageId: 'wrongType' },
          { line: 2, column: 23, endColumn: 26, messageId: 'wrongType' },
          { line: 2, column: 29, endColumn: 49, messageId: 'wrongType' },
          { line: 2, column: 52, endColumn: 60, messageId: 'wrongType' },
          { line: 2, column: 63, endColumn: 69, messageId: 'wrongType' },
          { line: 2, column: 70, endColumn: 75, messageId: 'superfluous' },
        ],
      },
    ],
  },
});
