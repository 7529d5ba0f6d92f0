/** Secret detection shared by the 4xx rules: names that say "secret", token formats, masking. */

/** Splits a variable name into lower-cased words: `dbPassword_FILE` → `db password file`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'pword',
  'token', 'secret', 'apikey', 'credential', 'credentials', 'creds',
  'privatekey', 'secretkey', 'accesskey', 'authtoken', 'auth',
]);
/** `<word> key` pairs that name a secret key (a bare `key` is often a public key id: `GPG_KEY`). */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'master', 'client']);
/** Words that make the name about something other than the secret value itself. */
const NOT_A_VALUE: ReadonlySet<string> = new Set([
  'public', 'pub', 'file', 'files', 'path', 'dir', 'directory', 'url', 'uri', 'endpoint', 'host', 'port', 'version',
  'name', 'user', 'username', 'type', 'length', 'len', 'size', 'mode', 'enabled', 'enable', 'disable', 'disabled',
  'required', 'require', 'min', 'max', 'expire', 'expires', 'expiry', 'expiration', 'ttl', 'timeout', 'header',
  'policy', 'method', 'format', 'provider', 'prefix', 'field', 'location', 'helper', 'command', 'cmd', 'id', 'ids',
  'fingerprint', 'keyring', 'keyserver', 'store', 'manager', 'plugin', 'hash', 'algorithm', 'algo', 'server', 'servers',
  'realm', 'scheme', 'strategy', 'backend', 'empty', 'allow', 'reset', 'check', 'rotation', 'complexity', 'hint',
  'digest', 'issuer', 'audience', 'scope', 'scopes', 'config', 'env', 'var', 'source', 'through', 'mount',
]);

/** Substrings of which every word of SECRET_WORDS, and `key`, contains one. */
const SECRET_STEMS: readonly string[] = ['pass', 'pwd', 'pword', 'token', 'secret', 'key', 'cred', 'auth'];

/** The secret word a variable name contains (`DB_PASSWORD` → `password`), or null (also for `PASSWORD_FILE`). */
export function secretNameWord(name: string): string | null {
  // every secret word (and `key`) holds one of these: most names (PATH, DEBIAN_FRONTEND…) need no splitting
  const lower = name.toLowerCase();
  if (!SECRET_STEMS.some((s) => lower.includes(s))) return null;
  const words = nameWords(name);
  if (words.some((w) => NOT_A_VALUE.has(w))) return null;
  let found: string | null = null;
  words.forEach((w, k) => {
    if (found !== null) return;
    if (SECRET_WORDS.has(w)) found = w;
    else if (w === 'key' && k > 0 && KEY_QUALIFIERS.has(words[k - 1]!)) found = `${words[k - 1]} key`;
  });
  return found;
}

/** Values that are not secrets whatever the name: booleans, switches, placeholders. */
const NON_SECRET_VALUES: ReadonlySet<string> = new Set([
  'true', 'false', 'yes', 'no', 'on', 'off', '0', '1', 'none', 'null', 'nil', 'undefined', 'empty', 'disabled',
  'enabled', 'required', 'optional', '-', '*', '!',
]);

/** True when a literal value could be a secret (not empty, a switch, a path to a secret file or a placeholder). */
export function couldBeSecretValue(value: string): boolean {
  const v = value.trim();
  if (v === '' || NON_SECRET_VALUES.has(v.toLowerCase())) return false;
  if (v.startsWith('/')) return false; // a path (e.g. /run/secrets/db)
  if (/^<[^<>]*>$/.test(v) || /^\{\{[^{}]*\}\}$/.test(v)) return false; // <placeholder>, {{template}}
  // `_`, `{}`, `0000…`, `XXXX…`, `00000000-0000-…`: no letters or digits, or one repeated character
  const alnum = v.replace(/[^A-Za-z0-9]/g, '');
  if (alnum === '' || /^(.)\1*$/.test(alnum)) return false;
  return true;
}

/** `ghp_abcd…(40 chars)`: keeps a recognisable prefix, hides the rest. */
export function maskSecret(s: string): string {
  const keep = Math.min(4, Math.floor(s.length / 4));
  return `${s.slice(0, keep)}…(${s.length} chars)`;
}

export interface TokenPattern {
  readonly kind: string;
  /** Finds the candidates (`g` flag). */
  readonly re: RegExp;
  /**
   * Group 1 must be at least this long, else the scan resumes one character after the candidate's start. `x{n,}`
   * written as `(x*)` plus this check matches the same text at the same places (a greedy run is the same run), but
   * recheck decides it in a fraction of the time.
   */
  readonly minTail?: number;
  /** Literal texts of which every match contains at least one (case-sensitive): when the text holds none, the
   * pattern cannot match and its scan is skipped (most Dockerfiles hold no token: 15 regex passes over every file). */
  readonly hints: readonly string[];
  /**
   * Completes a candidate: the end offset of the whole token, or null when it is none (the scan then resumes one
   * character after the candidate's start, as the regex it replaces would). For shapes recheck cannot decide in its
   * budget or a single linear regex cannot scan without retrying every start.
   */
  readonly complete?: (text: string, candidate: RegExpExecArray) => number | null;
  /** After a failed `complete`, resume at the candidate's end (when no token can start inside it). */
  readonly resumeAtEnd?: boolean;
}

const SLACK_WEBHOOK_PATH = /T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/([A-Za-z0-9]*)/y;

/** The rest of `https://hooks.slack.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}` after its literal start. */
function completeSlackWebhook(text: string, m: RegExpExecArray): number | null {
  SLACK_WEBHOOK_PATH.lastIndex = m.index + m[0].length;
  const rest = SLACK_WEBHOOK_PATH.exec(text);
  return rest !== null && (rest[1] ?? '').length >= 16 ? rest.index + rest[0].length : null;
}

const KEY_GAP = /[\s"']/;
const BASE64 = /[A-Za-z0-9+/]/;

/**
 * The rest of `-----BEGIN … PRIVATE KEY-----(?:\\n|\\r|[\s"'])*[A-Za-z0-9+/]{40}` after its header: line breaks
 * (real or written `\n`/`\r`), quotes and white space, then 40 base64 characters.
 */
function completePrivateKey(text: string, m: RegExpExecArray): number | null {
  let i = m.index + m[0].length;
  for (;;) {
    if (text.charAt(i) === '\\' && (text.charAt(i + 1) === 'n' || text.charAt(i + 1) === 'r')) i += 2;
    else if (i < text.length && KEY_GAP.test(text.charAt(i))) i++;
    else break;
  }
  for (let k = 0; k < 40; k++) if (i + k >= text.length || !BASE64.test(text.charAt(i + k))) return null;
  return i + 40;
}

const WORD = /\w/;

/**
 * The rest of `sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}` after its prefix: a run of
 * word characters holding `T3BlbkFJ` at least 20 characters in, then at least 20 more of `[A-Za-z0-9_-]` after it.
 * Without the optional part the prefix alone fails too (`proj`, `svcacct`, `admin` are shorter than 20).
 */
function completeOpenAi(text: string, m: RegExpExecArray): number | null {
  const start = m.index + m[0].length;
  let wordEnd = start;
  while (wordEnd < text.length && WORD.test(text.charAt(wordEnd))) wordEnd++;
  let tailEnd = -1;
  for (let i = text.indexOf('T3BlbkFJ', start + 20); i >= 0 && i + 8 <= wordEnd; i = text.indexOf('T3BlbkFJ', i + 1)) {
    if (tailEnd < 0) tailEnd = base64UrlRun(text, start);
    if (tailEnd - (i + 8) >= 20) return tailEnd;
  }
  return null;
}

/** End of the run of `[A-Za-z0-9_-]` from `i`. */
function base64UrlRun(text: string, i: number): number {
  let k = i;
  while (k < text.length && /[A-Za-z0-9_-]/.test(text.charAt(k))) k++;
  return k;
}

/**
 * The rest of a JSON Web Token after `eyJ` + its first run (`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}`).
 * When a token does not start at the first `eyJ` of a run, it cannot start later in that run either (every later
 * start has a shorter first part and the same rest), so a failed candidate resumes the scan at its end.
 */
function completeJwt(text: string, m: RegExpExecArray): number | null {
  const firstEnd = m.index + m[0].length;
  if ((m[1] ?? '').length < 10 || text.charAt(firstEnd) !== '.' || !text.startsWith('eyJ', firstEnd + 1)) return null;
  const secondEnd = base64UrlRun(text, firstEnd + 4);
  if (secondEnd - (firstEnd + 4) < 10 || text.charAt(secondEnd) !== '.') return null;
  const thirdEnd = base64UrlRun(text, secondEnd + 1);
  return thirdEnd - (secondEnd + 1) >= 16 ? thirdEnd : null;
}

/**
 * Token formats with a fixed, documented shape. Every expression is linear (no nested quantifiers). Matches
 * containing `EXAMPLE`/`XXXX` (documentation placeholders) are dropped by `findTokens`.
 */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { kind: 'AWS access key id', hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'GitHub token', hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: 'GitHub fine-grained token', hints: ['github_pat_'], re: /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g },
  { kind: 'GitLab token', hints: ['glpat-'], re: /\bglpat-([A-Za-z0-9_-]*)/g, minTail: 20 },
  { kind: 'Slack token', hints: ['xox'], re: /\bxox[baprs]-[0-9]{6,}-([0-9A-Za-z-]*)/g, minTail: 8 },
  { kind: 'Slack webhook', hints: ['https://hooks.slack.com/services/'], re: /https:\/\/hooks\.slack\.com\/services\//g, complete: completeSlackWebhook },
  { kind: 'Discord webhook', hints: ['discord'], re: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{10,}\/[A-Za-z0-9_-]{40,}/g },
  { kind: 'Stripe secret key', hints: ['k_live_'], re: /\b[sr]k_live_([0-9A-Za-z]*)/g, minTail: 20 },
  { kind: 'Google API key', hints: ['AIza'], re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: 'npm token', hints: ['npm_'], re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'PyPI token', hints: ['pypi-AgEIcHlwaS5vcmc'], re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { kind: 'OpenAI API key', hints: ['sk-'], re: /\bsk-(?:proj-|svcacct-|admin-)?/g, complete: completeOpenAi },
  { kind: 'Anthropic API key', hints: ['sk-ant-'], re: /\bsk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,}/g },
  {
    kind: 'private key',
    hints: ['-----BEGIN '],
    re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
    complete: completePrivateKey,
  },
  { kind: 'JSON Web Token', hints: ['eyJ'], re: /\beyJ([A-Za-z0-9_-]*)/g, complete: completeJwt, resumeAtEnd: true },
];

/** Any hint of any pattern: one scan of the text tells whether a pattern can match at all (most files hold no token;
 * a `String#includes` per hint was 30 scans of every file). */
// regex-safety: an alternation of escaped literals (no quantifier)
const ANY_HINT = new RegExp(
  [...new Set(TOKEN_PATTERNS.flatMap((p) => p.hints))].map((h) => h.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
);

const PLACEHOLDER = /EXAMPLE|XXXXXXXX|xxxxxxxx|0{16}/;

export interface TokenMatch {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Where one token pattern matches in `text` (placeholders included). */
export function patternMatches(p: TokenPattern, text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  p.re.lastIndex = 0;
  for (let m = p.re.exec(text); m !== null; m = p.re.exec(text)) {
    let end = m.index + m[0].length;
    if (p.minTail !== undefined && (m[1] ?? '').length < p.minTail) {
      p.re.lastIndex = m.index + 1;
      continue;
    }
    if (p.complete !== undefined) {
      const e = p.complete(text, m);
      if (e === null) {
        if (p.resumeAtEnd !== true) p.re.lastIndex = m.index + 1;
        continue;
      }
      end = e;
      p.re.lastIndex = e;
    }
    out.push({ start: m.index, end });
  }
  return out;
}

/** Known token formats in `text` (offsets into it), placeholders dropped, overlapping matches merged. */
export function findTokens(text: string): TokenMatch[] {
  const out: TokenMatch[] = [];
  if (!ANY_HINT.test(text)) return out;
  for (const p of TOKEN_PATTERNS) {
    if (!p.hints.some((h) => text.includes(h))) continue;
    for (const { start, end } of patternMatches(p, text)) {
      const t = text.slice(start, end);
      if (PLACEHOLDER.test(t)) continue;
      out.push({ kind: p.kind, start, end, text: t });
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out.filter((m, k) => k === 0 || m.start >= out[k - 1]!.end);
}
