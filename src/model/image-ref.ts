/**
 * Image references as Docker reads them (distribution/reference `ParseNormalizedNamed`):
 * `[registry[:port]/]path[:tag][@digest]`, normalised (`alpine` → `docker.io/library/alpine`,
 * `index.docker.io` → `docker.io`), with validity errors as values, `scratch`, and the unknown parts of an
 * expanded word (see expand.ts) carried through.
 *
 * Unknown parts: a component (registry, path, tag, digest) containing an unknown part is marked unknown and is not
 * validated; its text shows the unknown part as written (`${TAG}`). An unknown part is assumed not to contain the
 * separators `/`, `:` or `@`; an unknown first path segment followed by `/` is taken as the registry
 * (`${REGISTRY}/app`), the convention in real Dockerfiles.
 */
import type { ExpandedWord } from './expand.js';

export const DEFAULT_REGISTRY = 'docker.io';

export interface ImageRef {
  /** The text parsed (unknown parts as their expression text). */
  readonly raw: string;
  /** `FROM scratch`: the empty image (every other field empty). */
  readonly scratch: boolean;
  /** Normalised registry host (and port): `docker.io`, `ghcr.io`, `localhost:5000`. When `unknown.registry` and
   * no registry was written (`${IMAGE}`), this is Docker's default `docker.io`, a guess. */
  readonly registry: string;
  /** Whether the registry was written (false for `alpine`, `user/app`). */
  readonly registryExplicit: boolean;
  /** Normalised repository path: `library/alpine`, `o/r`, `windows/servercore`. */
  readonly path: string;
  /** `registry/path`. */
  readonly name: string;
  /** Docker's short form: `alpine`, `user/app`, `ghcr.io/o/r`. */
  readonly familiarName: string;
  /** Tag as written, or null. */
  readonly tag: string | null;
  /** Digest `algorithm:hex` as written, or null. */
  readonly digest: string | null;
  /** Official Docker Hub image (`docker.io/library/...`). */
  readonly official: boolean;
  /** True when some component is unknown. */
  readonly hasUnknown: boolean;
  readonly unknown: {
    readonly registry: boolean;
    readonly path: boolean;
    readonly tag: boolean;
    readonly digest: boolean;
  };
}

export type ImageRefErrorCode =
  | 'empty'
  | 'invalid-format'
  | 'uppercase-repository'
  | 'hex-identifier'
  | 'name-too-long'
  | 'invalid-tag'
  | 'invalid-digest'
  | 'unsupported-digest';

export type ImageRefResult =
  | { readonly ok: true; readonly ref: ImageRef }
  | { readonly ok: false; readonly code: ImageRefErrorCode; readonly message: string };

/** Private-use character standing for one unknown part while splitting. */
const HOLE = '\uE000';

const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Parses an image reference; `input` is a plain string or an expanded word with unknown parts. */
export function parseImageRef(input: string | ExpandedWord): ImageRefResult {
  let text: string;
  const holes: string[] = [];
  if (typeof input === 'string') text = input;
  else {
    text = '';
    for (const p of input.parts) {
      if (p.unknown) {
        holes.push(p.text);
        text += HOLE;
      } else text += p.text.includes(HOLE) ? p.text.split(HOLE).join('') : p.text;
    }
  }
  // holes are consumed left to right, so fill each component in order of appearance
  const raw = fillHoles(text, holes, 0);
  const err = (code: ImageRefErrorCode, message: string): ImageRefResult => ({ ok: false, code, message });

  if (text === '') return err('empty', 'empty image reference');
  if (text === 'scratch') {
    return {
      ok: true,
      ref: {
        raw,
        scratch: true,
        registry: '',
        registryExplicit: false,
        path: '',
        name: 'scratch',
        familiarName: 'scratch',
        tag: null,
        digest: null,
        official: false,
        hasUnknown: false,
        unknown: { registry: false, path: false, tag: false, digest: false },
      },
    };
  }
  if (isHex64(text)) return err('hex-identifier', `invalid repository name (${raw}): a 64-character hexadecimal string is an image ID`);

  // split the domain as Docker does
  let registry = DEFAULT_REGISTRY;
  let registryExplicit = false;
  let remainder = text;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const first = text.slice(0, slash);
    const isDomain =
      first.includes(HOLE) ||
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first.toLowerCase() !== first;
    if (isDomain) {
      registry = first;
      registryExplicit = true;
      remainder = text.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;

  // digest, tag, path
  let digest: string | null = null;
  let nameAndTag = remainder;
  const at = remainder.indexOf('@');
  if (at >= 0) {
    digest = remainder.slice(at + 1);
    nameAndTag = remainder.slice(0, at);
  }
  let tag: string | null = null;
  let path = nameAndTag;
  const colon = nameAndTag.lastIndexOf(':');
  if (colon >= 0 && colon > nameAndTag.lastIndexOf('/')) {
    tag = nameAndTag.slice(colon + 1);
    path = nameAndTag.slice(0, colon);
  }
  if (registry === DEFAULT_REGISTRY && !path.includes('/') && !path.includes(HOLE)) path = 'library/' + path;

  // `${IMAGE}` or `${IMAGE}:tag`: the registry is part of what is unknown
  const firstSegment = path.split('/')[0] ?? '';
  const unknown = {
    registry: registry.includes(HOLE) || (!registryExplicit && firstSegment.includes(HOLE)),
    path: path.includes(HOLE),
    tag: tag !== null && tag.includes(HOLE),
    digest: digest !== null && digest.includes(HOLE),
  };
  const hasUnknown = unknown.registry || unknown.path || unknown.tag || unknown.digest;

  // validation of the known components
  const pathForCase = remainder.slice(0, remainder.includes(':') ? remainder.indexOf(':') : remainder.length);
  // Docker reports any upper-case letter first; we say "invalid format" when lower-casing would not help either
  if (!unknown.path && pathForCase.toLowerCase() !== pathForCase && path.toLowerCase().split('/').every(validPathComponent)) {
    return err('uppercase-repository', `repository name (${fillHoles(pathForCase, holes, 0)}) must be lowercase`);
  }
  if (at >= 0 && digest !== null && digest.includes('@')) return err('invalid-format', `invalid reference format: ${raw}`);
  if (!unknown.registry && registryExplicit && !validDomain(registry)) return err('invalid-format', `invalid registry (${registry}) in ${raw}`);
  if (!unknown.path && !path.split('/').every(validPathComponent)) {
    return err('invalid-format', `invalid reference format: ${raw}`);
  }
  if (tag !== null && !unknown.tag && !validTag(tag)) return err('invalid-tag', `invalid tag (${tag}) in ${raw}`);
  if (digest !== null && !unknown.digest) {
    const d = checkDigest(digest);
    if (d) return err(d.code, `${d.message} in ${raw}`);
  }
  if (!unknown.registry && !unknown.path && registry.length + 1 + path.length > 255) {
    return err('name-too-long', `repository name must not be more than 255 characters: ${raw}`);
  }

  // fill holes back in component order: registry, path, tag, digest
  let hi = 0;
  const fillNext = (s: string): string => {
    const out = fillHoles(s, holes, hi);
    for (let i = s.indexOf(HOLE); i >= 0; i = s.indexOf(HOLE, i + 1)) hi++;
    return out;
  };
  const reg = registryExplicit ? fillNext(registry) : registry;
  const p = fillNext(path);
  const t = tag === null ? null : fillNext(tag);
  const dg = digest === null ? null : fillNext(digest);
  const name = `${reg}/${p}`;
  let familiarName = name;
  if (reg === DEFAULT_REGISTRY) familiarName = p.startsWith('library/') && p.indexOf('/', 8) < 0 ? p.slice(8) : p;
  return {
    ok: true,
    ref: {
      raw,
      scratch: false,
      registry: reg,
      registryExplicit,
      path: p,
      name,
      familiarName,
      tag: t,
      digest: dg,
      official: reg === DEFAULT_REGISTRY && p.startsWith('library/') && !unknown.path && !unknown.registry,
      hasUnknown,
      unknown,
    },
  };
}

/**
 * `s` with its holes replaced by `holes[from]`, `holes[from + 1]`, … in order; `s` itself when it has none (most
 * references: the character-by-character rebuild of every component was most of this parser's time).
 */
function fillHoles(s: string, holes: readonly string[], from: number): string {
  let at = s.indexOf(HOLE);
  if (at < 0) return s;
  let out = '';
  let prev = 0;
  let i = from;
  for (; at >= 0; at = s.indexOf(HOLE, prev)) {
    out += s.slice(prev, at) + (holes[i++] ?? '');
    prev = at + 1;
  }
  return out + s.slice(prev);
}

/** Docker's `TagNameOnly`: the tag in effect (`latest` when neither tag nor digest is given), or null. */
export function effectiveTag(ref: ImageRef): string | null {
  if (ref.scratch) return null;
  if (ref.tag !== null) return ref.tag;
  return ref.digest === null ? 'latest' : null;
}

/** Formats a reference back to its normalised full form (`docker.io/library/alpine:3.20`). */
export function formatImageRef(ref: ImageRef): string {
  if (ref.scratch) return 'scratch';
  return ref.name + (ref.tag !== null ? ':' + ref.tag : '') + (ref.digest !== null ? '@' + ref.digest : '');
}

function isHex64(s: string): boolean {
  return s.length === 64 && /^[a-f0-9]+$/.test(s);
}

function isAlnumLower(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/** `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, checked by hand. */
function validPathComponent(s: string): boolean {
  if (s === '' || !isAlnumLower(s[0]!) || !isAlnumLower(s[s.length - 1]!)) return false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (isAlnumLower(c)) {
      i++;
      continue;
    }
    // separator: '.', '_', '__', or a run of '-'
    let j = i;
    if (c === '.') j = i + 1;
    else if (c === '_') j = s[i + 1] === '_' ? i + 2 : i + 1;
    else if (c === '-') {
      while (s[j] === '-') j++;
    } else return false;
    if (j >= s.length || !isAlnumLower(s[j]!)) return false;
    i = j;
  }
  return true;
}

function validDomainComponent(s: string): boolean {
  if (s === '') return false;
  const alnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
  if (!alnum(s[0]!) || !alnum(s[s.length - 1]!)) return false;
  for (const c of s) if (!alnum(c) && c !== '-') return false;
  return true;
}

/** host[:port] where host is dotted domain components or a bracketed IPv6 address. */
function validDomain(d: string): boolean {
  let host = d;
  if (d.startsWith('[')) {
    const close = d.indexOf(']');
    if (close < 0 || !/^\[[a-fA-F0-9:]+\]$/.test(d.slice(0, close + 1))) return false;
    const rest = d.slice(close + 1);
    return rest === '' || /^:[0-9]+$/.test(rest);
  }
  const colon = d.indexOf(':');
  if (colon >= 0) {
    if (!/^[0-9]+$/.test(d.slice(colon + 1))) return false;
    host = d.slice(0, colon);
  }
  return host.split('.').every(validDomainComponent);
}

function validTag(t: string): boolean {
  return /^\w[\w.-]{0,127}$/.test(t);
}

function checkDigest(d: string): { code: ImageRefErrorCode; message: string } | null {
  const colon = d.indexOf(':');
  if (colon <= 0) return { code: 'invalid-digest', message: `invalid digest (${d})` };
  const alg = d.slice(0, colon);
  const hex = d.slice(colon + 1);
  // grammar: algorithm components [A-Za-z][A-Za-z0-9]* joined by [+._-]; hex [0-9a-fA-F]{32,}
  // (`hex.length >= 32` and `+` rather than `{32,}`: the same language, and recheck's fuzzer does not misjudge it)
  if (!alg.split(/[+._-]/).every((c) => /^[A-Za-z][A-Za-z0-9]*$/.test(c)) || hex.length < 32 || !/^[0-9a-fA-F]+$/.test(hex)) {
    return { code: 'invalid-digest', message: `invalid digest (${d})` };
  }
  const len = DIGEST_LENGTHS[alg];
  if (len === undefined) return { code: 'unsupported-digest', message: `unsupported digest algorithm (${alg})` };
  if (hex.length !== len || !/^[a-f0-9]+$/.test(hex)) {
    return { code: 'invalid-digest', message: `invalid ${alg} digest: expected ${len} lower-case hex characters` };
  }
  return null;
}
