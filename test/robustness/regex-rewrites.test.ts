/**
 * The regexes rewritten as loops for ReDoS safety behave exactly like the originals (compared on short random
 * strings, where the originals are fast).
 */
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import fc from 'fast-check';
import { stripQueryAndFragment, trimTrailingSlashes } from '../../src/shell/dataflow.js';
import { toolKey } from '../../src/shell/options.js';
import { declaresSha256, gitdirOf } from '../../src/cli/git-tracked.js';
import { urlCredentials } from '../../src/rules/catalog/credentials-in-url.js';
import { jdwpServer } from '../../src/rules/catalog/debug-mode-enabled.js';
import { aptConfAllows, aptSettingValue, aptTrustedSetting } from '../../src/rules/catalog/package-signature-check-disabled.js';
import { plainIndexUrl } from '../../src/rules/catalog/plain-http-download.js';
import { isRepoPath } from '../../src/rules/catalog/third-party-package-repository.js';
import { leftmostMatch } from '../../src/rules/catalog/tls-verification-disabled.js';
import { literalCredential } from '../../src/rules/catalog/secret-file-copied.js';
import { patternMatches, TOKEN_PATTERNS } from '../../src/rules/helpers/secrets.js';

const text = fc.array(fc.constantFrom('/', '?', '#', '\n', 'a', '.', '1', 'c', '-', 'C', 'é'), { maxLength: 12 }).map((a) => a.join(''));

it('trimTrailingSlashes = replace(/\\/+$/, "")', () => {
  fc.assert(fc.property(text, (s) => assert.equal(trimTrailingSlashes(s), s.replace(/\/+$/, ''))), { numRuns: 2000, seed: 1 });
});

it('stripQueryAndFragment = replace(/[?#].*$/, "")', () => {
  fc.assert(fc.property(text, (s) => assert.equal(stripQueryAndFragment(s), s.replace(/[?#].*$/, ''))), { numRuns: 2000, seed: 2 });
});

it('toolKey strips versions of perl/ruby/php as replace(/[0-9.]+$/, "") did', () => {
  for (const n of ['perl', 'perl5', 'perl5.36', 'ruby3.2', 'php8', 'php8.2', 'php', 'ruby']) {
    assert.equal(toolKey(n), n.replace(/[0-9.]+$/, ''));
  }
});

// --- the loops that replaced the regexes of the rules (each compared with the regex it replaced) ---------------

/** Short strings over an alphabet that can form every part of the pattern (and break it). */
const over = (parts: readonly string[], maxLength = 10) =>
  fc.array(fc.constantFrom(...parts), { maxLength }).map((a) => a.join(''));

/** A run of `min`..`max` characters from `chars`. */
const run = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** Up to `n` pieces from the arbitraries, concatenated. */
const pieces = (n: number, ...arbs: fc.Arbitrary<string>[]) => fc.array(fc.oneof(...arbs), { maxLength: n }).map((a) => a.join(''));
const junk = fc.constantFrom('', ' ', '\n', '-', 'x', '.', '_', '/');

const firstMatch = (re: RegExp, s: string): string | null => re.exec(s)?.[0] ?? null;
const allMatches = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => [m.index, m[0], m[1]]);

it('gitdirOf = /^gitdir: *(.+?)\\s*$/m group 1', () => {
  const s = over(['gitdir:', 'gitdir: ', ' ', '\t', '\n', '\r', 'a', '/x', '\u00a0', '\u2028'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(gitdirOf(t), /^gitdir: *(.+?)\s*$/m.exec(t)?.[1] ?? null)), { numRuns: 5000, seed: 3 });
});

it('declaresSha256 = /^\\s*objectformat\\s*=\\s*sha256\\s*$/im', () => {
  const s = over(['objectformat', 'ObjectFormat', 'sha256', 'SHA256', '=', ' ', '\t', '\n', '\r', 'x', '[core]', 'objectformat = sha256'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(declaresSha256(t), /^\s*objectformat\s*=\s*sha256\s*$/im.test(t))), { numRuns: 5000, seed: 4 });
});

it('urlCredentials = the matches of the scheme://user:password@ regex', () => {
  const re = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@'"`]*:([^\s/@'"`]+)@/g;
  const s = over(['a', 'B', '1', '+', '-', '.', '_', ':', '//', '://', '@', '/', ' ', '"', 'x', 'h://u:p@'], 12);
  fc.assert(
    fc.property(s, (t) =>
      assert.deepEqual(
        urlCredentials(t).map((m) => [m.index, t.slice(m.index, m.end), m.password]),
        allMatches(re, t),
      ),
    ),
    { numRuns: 5000, seed: 5 },
  );
});

it('jdwpServer = /(?:-agentlib:jdwp=|-Xrunjdwp:)[^\\s]*server=y/.test', () => {
  const s = over(['-agentlib:jdwp=', '-Xrunjdwp:', 'server=y', 'server=n', ',', ' ', '\n', 'x', 'suspend=n'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(jdwpServer(t), /(?:-agentlib:jdwp=|-Xrunjdwp:)[^\s]*server=y/.test(t))), { numRuns: 5000, seed: 6 });
});

it('literalCredential = the literal-credential regex of secret-file-copied', () => {
  const re = /(?:_auth|_authtoken|_password|password|passwd|token|secret|login)\s*[=: ]\s*[^\s$]/i;
  const s = over(['_auth', '_authToken', 'PASSWORD', 'passwd', 'token', 'Secret', 'login', '=', ':', ' ', '\t', '$', 'x', '_'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(literalCredential(t), re.test(t))), { numRuns: 5000, seed: 7 });
});

it('aptSettingValue = the apt -o setting regex group 1', () => {
  const re = /^(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories|APT::Get::Force-Yes)=(.*)$/i;
  const s = over(['APT::Get::AllowUnauthenticated', 'acquire::allowinsecurerepositories', 'Acquire::AllowDowngradeToInsecureRepositories', 'APT::Get::Force-Yes', '=', 'true', '\n', ' ', 'x', '\u212a'], 4);
  fc.assert(fc.property(s, (t) => assert.equal(aptSettingValue(t), re.exec(t)?.[1] ?? null)), { numRuns: 5000, seed: 8 });
});

it('aptTrustedSetting = the first match of the apt trusted-source regex', () => {
  const re = /\[[^\]\n]*\b(?:trusted|allow-insecure)=yes\b[^\]\n]*\][ \t]+(?!file:|copy:)|^[ \t]*Trusted:[ \t]*yes[ \t]*$/im;
  const list = fc
    .tuple(
      fc.constantFrom('deb ', '', '[', ' '),
      fc.constantFrom('[', ''),
      over(['trusted=yes', 'Allow-Insecure=YES', 'trusted=no', 'arch=amd64', ' ', '[', 'xtrusted=yes', '\n'], 3),
      fc.constantFrom(']', '', '\n'),
      run(' \t', 0, 3),
      fc.constantFrom('file:/r', 'COPY:', 'http://r', '', '\n', 'fil'),
    )
    .map((a) => a.join(''));
  const field = fc.tuple(run(' \t', 0, 2), fc.constantFrom('Trusted:', 'trusted:', 'Trusted'), run(' \t', 0, 2), fc.constantFrom('yes', 'YES', 'no'), run(' \t', 0, 2)).map((a) => a.join(''));
  const s = pieces(4, list, field, junk);
  let hits = 0;
  fc.assert(
    fc.property(s, (t) => {
      const want = firstMatch(re, t);
      if (want !== null) hits++;
      assert.equal(aptTrustedSetting(t), want);
    }),
    { numRuns: 5000, seed: 9 },
  );
  assert.ok(hits > 250, `only ${hits} matching inputs`);
});

it('plainIndexUrl = the index-url regex group 1', () => {
  const re = /^[ \t]*(?:index-url|extra-index-url|registry|npmRegistryServer)[ \t]*[=:][ \t]*"?(http:\/\/[^\s"]+)/im;
  const line = fc
    .tuple(
      run(' \t', 0, 2),
      fc.constantFrom('index-url', 'extra-index-url', 'Registry', 'npmRegistryServer', 'x-index-url', 'registryx', ''),
      run(' \t', 0, 2),
      fc.constantFrom('=', ':', ''),
      run(' \t', 0, 2),
      fc.constantFrom('"', ''),
      fc.constantFrom('http://', 'HTTP://', 'https://', 'http:/'),
      run('ab."/ ', 0, 4),
      fc.constantFrom('\n', '\r\n', '\r', '\u2028', ''),
    )
    .map((a) => a.join(''));
  const s = pieces(3, line, junk);
  let hits = 0;
  fc.assert(
    fc.property(s, (t) => {
      const want = re.exec(t)?.[1] ?? null;
      if (want !== null) hits++;
      assert.equal(plainIndexUrl(t), want);
    }),
    { numRuns: 5000, seed: 10 },
  );
  assert.ok(hits > 250, `only ${hits} matching inputs`);
});

it('findTokens finds what the original {n,} token regexes found', () => {
  const originals: readonly [string, RegExp][] = [
    ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/g],
    ['Slack token', /\bxox[baprs]-[0-9]{6,}-[0-9A-Za-z-]{8,}/g],
    ['Slack webhook', /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g],
    ['Stripe secret key', /\b[sr]k_live_[0-9A-Za-z]{20,}/g],
    ['private key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\\n|\\r|[\s"'])*[A-Za-z0-9+/]{40}/g],
    ['OpenAI API key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/g],
    ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g],
  ];
  const parts = [
    'glpat-', 'xoxb-', 'eyJ', 'https://hooks.slack.com/services/', 'T', 'B', '/', '.', '-', '_', ' ',
    '123456', 'ABCDEFGH', 'abcdefgh', '0123456789', 'x',
  ];
  const b64 = (min: number, max: number) => run('aZ9_-', min, max);
  const slack = fc.tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xoxz-', 'axoxb-'), run('09', 4, 8), fc.constantFrom('-', ''), run('aZ9-', 5, 10)).map((a) => a.join(''));
  const hook = fc
    .tuple(fc.constantFrom('https://hooks.slack.com/services/', 'https://hooks.slack.com/services/', 'https://hooks.slack.com/'), fc.constantFrom('T', 'T', 'B'), run('A9', 5, 9), fc.constantFrom('/B', '/B', '/T'), run('A9', 5, 9), fc.constantFrom('/', '/', ''), run('aA9', 14, 20))
    .map((a) => a.join(''));
  const jwt = fc.tuple(fc.constantFrom('eyJ', 'eyJ', 'ey'), b64(8, 14), fc.constantFrom('.', '.', ''), fc.constantFrom('eyJ', 'eyJ', 'ey'), b64(8, 14), fc.constantFrom('.', '.', ''), b64(14, 20)).map((a) => a.join(''));
  const gitlab = fc.tuple(fc.constantFrom('glpat-', 'xglpat-'), b64(15, 25)).map((a) => a.join(''));
  const stripe = fc.tuple(fc.constantFrom('sk_live_', 'rk_live_', 'xsk_live_', '_sk_live_'), run('aZ9', 15, 25)).map((a) => a.join(''));
  const key = fc
    .tuple(
      fc.constantFrom('-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----', '-----BEGIN PGP PRIVATE KEY BLOCK-----', '-----BEGIN PRIVATE KEY', '-----'),
      over(['\\n', '\\r', '\n', ' ', '"', "'", '\\', 'n'], 3),
      run('aZ9+/', 35, 45),
    )
    .map((a) => a.join(''));
  const openai = fc
    .tuple(fc.constantFrom('sk-', 'sk-proj-', 'sk-admin-', 'xsk-', 'sk-proj'), run('aZ9_', 16, 24), fc.constantFrom('T3BlbkFJ', 'T3Blbk'), run('aZ9_-', 0, 6), fc.constantFrom('T3BlbkFJ', ''), run('aZ9_-', 14, 24))
    .map((a) => a.join(''));
  const s = pieces(4, slack, hook, jwt, gitlab, stripe, key, openai, over(parts, 3));
  const hits = new Map<string, number>();
  fc.assert(
    fc.property(s, (t) => {
      for (const [kind, re] of originals) {
        if (new RegExp(re.source).test(t)) hits.set(kind, (hits.get(kind) ?? 0) + 1);
        const ours = TOKEN_PATTERNS.find((p) => p.kind === kind)!;
        assert.deepEqual(
          patternMatches(ours, t).map((m) => [m.start, t.slice(m.start, m.end)]),
          [...t.matchAll(re)].map((m) => [m.index, m[0]]),
          kind,
        );
      }
    }),
    { numRuns: 6000, seed: 11 },
  );
  for (const [kind] of originals) assert.ok((hits.get(kind) ?? 0) > 50, `only ${hits.get(kind) ?? 0} inputs with a ${kind}`);
});

it('aptConfAllows = the first match of the apt.conf AllowUnauthenticated regex', () => {
  const re = /(?:AllowUnauthenticated|AllowInsecureRepositories)[ \t]+"?(?:true|yes|1)"?/i;
  const s = over(['AllowUnauthenticated', 'allowinsecurerepositories', 'APT::Get::', ' ', '\t', '"', 'true', 'YES', '1', 'false', ';', '\n', 'x'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(aptConfAllows(t), firstMatch(re, t))), { numRuns: 5000, seed: 12 });
});

it('leftmostMatch([a, b]) = /a|b/ for the split Yarn strict-ssl pattern', () => {
  const re = /^[ \t]*(?:strict-ssl[ \t]+false|enableStrictSsl:[ \t]*false)[ \t]*$/im;
  const split = [/^[ \t]*strict-ssl[ \t]+false[ \t]*$/im, /^[ \t]*enableStrictSsl:[ \t]*false[ \t]*$/im];
  const s = over(['strict-ssl', 'enableStrictSsl:', 'ENABLESTRICTSSL:', ' ', '\t', 'false', '\n', '\r', 'x'], 8);
  fc.assert(fc.property(s, (t) => assert.equal(leftmostMatch(split, t)?.[0] ?? null, firstMatch(re, t))), { numRuns: 5000, seed: 13 });
});

it('isRepoPath = the repository-path regex', () => {
  const re = /^\/etc\/apt\/sources\.list(?:\.d\/[^/]+)?$|^\/etc\/apt\/sources\.list\.d\/?$|^\/etc\/yum\.repos\.d\/|^\/etc\/zypp\/repos\.d\/|^\/etc\/apk\/repositories$/;
  const s = over(['/etc/apt/sources.list', '.d', '/', 'x.list', '/etc/yum.repos.d', '/etc/zypp/repos.d', '/etc/apk/repositories', '\n', 'a'], 4);
  fc.assert(fc.property(s, (t) => assert.equal(isRepoPath(t), re.test(t))), { numRuns: 5000, seed: 14 });
});

it('token pattern hints: every match contains one of its pattern\'s hints (the scan is skipped without one)', () => {
  const hints = [...new Set(TOKEN_PATTERNS.flatMap((p) => p.hints))];
  const fragment = fc.oneof(
    fc.constantFrom(...hints, 'https://discord.com/api/webhooks/', '0123456789', 'T3BlbkFJ', '.', '-', '_', ' ', '\\n', 'PRIVATE KEY-----', 'api01-', 'RSA '),
    fc.stringMatching(/^[A-Za-z0-9_-]{0,90}$/),
    // a hint followed by a long token-like run (most formats need 16 to 80 characters after their prefix)
    fc.tuple(fc.constantFrom(...hints), fc.constantFrom('', '012345-', 'api01-', '0123456789/'), fc.stringMatching(/^[A-Z0-9]{16,100}$/)).map((a) => a.join('')),
  );
  const t = fc.array(fragment, { maxLength: 8 }).map((a) => a.join(''));
  let matched = 0;
  fc.assert(
    fc.property(t, (s) => {
      for (const p of TOKEN_PATTERNS) {
        for (const m of patternMatches(p, s)) {
          matched++;
          const hit = s.slice(m.start, m.end);
          assert.ok(p.hints.some((h) => hit.includes(h)), `${p.kind}: ${hit}`);
        }
      }
    }),
    { numRuns: 3000, seed: 21 },
  );
  assert.ok(matched > 100, `only ${matched} matches`);
});
