import type { Dataflow, ShellCommand } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { envSettings } from '../helpers/env-settings.js';
import { commandsNamed } from '../helpers/command-index.js';
import { fileWrites, isFalseValue, isTrueValue, locateInWrite, optionRange } from '../helpers/shell.js';
import { defineRule } from '../types.js';

const APT_OPTIONS: ReadonlySet<string> = new Set(['--allow-unauthenticated', '--allow-insecure-repositories', '--force-yes', '--allow-downgrade-to-insecure-repositories']);
const APT_SETTINGS: ReadonlySet<string> = new Set([
  'apt::get::allowunauthenticated',
  'acquire::allowinsecurerepositories',
  'acquire::allowdowngradetoinsecurerepositories',
  'apt::get::force-yes',
]);
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** ASCII-only lower case (the `i` flag without `u` folds no other letter onto an ASCII one). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * The value of an apt `-o Name=value` that turns signature checks off, as
 * `/^(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|…|APT::Get::Force-Yes)=(.*)$/i` captured it.
 */
export function aptSettingValue(option: string): string | null {
  const eq = option.indexOf('=');
  if (eq < 0 || !APT_SETTINGS.has(asciiLower(option.slice(0, eq)))) return null;
  const value = option.slice(eq + 1);
  return LINE_BREAK.test(value) ? null : value;
}
const YUM_TOOLS: ReadonlySet<string> = new Set(['yum', 'dnf', 'dnf5', 'microdnf', 'tdnf', 'yum-config-manager']);
const RPM_NO_CHECK: ReadonlySet<string> = new Set(['--nosignature', '--nodigest', '--noverify', '--nofiledigest']);

const TRUSTED_OPTION = /\b(?:trusted|allow-insecure)=yes\b/i;
const TRUSTED_FIELD = /^[ \t]*Trusted:[ \t]*yes[ \t]*$/im;
const LOCAL_SOURCE = /^(?:file:|copy:)/i;

/**
 * The first match of `/\[[^\]\n]*\b(?:trusted|allow-insecure)=yes\b[^\]\n]*\][ \t]+(?!file:|copy:)|^[ \t]*Trusted:[ \t]*yes[ \t]*$/im`
 * (a one-line `[options]` list with `trusted=yes` followed by a source that is not local, or a deb822
 * `Trusted: yes` field). The bracket part is a loop: the regex's two runs around the option backtrack cubically.
 */
export function aptTrustedSetting(text: string): string | null {
  let bracket: { start: number; end: number } | null = null;
  for (let i = text.indexOf('['); i >= 0 && bracket === null; ) {
    let j = i + 1;
    while (j < text.length && text[j] !== ']' && text[j] !== '\n') j++;
    // every `[` before the same `]` sees a part of the same list: if the first one fails, so do the others
    if (text[j] === ']' && TRUSTED_OPTION.test(text.slice(i + 1, j))) {
      let k = j + 1;
      while (text[k] === ' ' || text[k] === '\t') k++;
      if (k > j + 1) {
        if (!LOCAL_SOURCE.test(text.slice(k, k + 5))) bracket = { start: i, end: k };
        else if (k > j + 2) bracket = { start: i, end: k - 1 };
      }
    }
    i = j < text.length ? text.indexOf('[', j) : -1;
  }
  const field = TRUSTED_FIELD.exec(text);
  if (field !== null && (bracket === null || field.index < bracket.start)) return field[0];
  return bracket === null ? null : text.slice(bracket.start, bracket.end);
}

const APT_CONF_KEYS = ['allowunauthenticated', 'allowinsecurerepositories'];
const APT_CONF_TRUE = /[ \t]+"?(?:true|yes|1)"?/iy;

/**
 * The first match of `/(?:AllowUnauthenticated|AllowInsecureRepositories)[ \t]+"?(?:true|yes|1)"?/i`: each key is
 * looked up as a string (ASCII case-insensitive), its value with a sticky regex (recheck could not decide the whole
 * expression within its budget).
 */
export function aptConfAllows(text: string): string | null {
  const lower = asciiLower(text);
  let best: { start: number; end: number } | null = null;
  for (const key of APT_CONF_KEYS) {
    for (let i = lower.indexOf(key); i >= 0 && (best === null || i < best.start); i = lower.indexOf(key, i + 1)) {
      APT_CONF_TRUE.lastIndex = i + key.length;
      const m = APT_CONF_TRUE.exec(text);
      if (m !== null) {
        best = { start: i, end: m.index + m[0].length };
        break;
      }
    }
  }
  return best === null ? null : text.slice(best.start, best.end);
}

/** Settings written into package manager configuration that turn signature checks off. */
const CONFIG_LINES: readonly { readonly path: RegExp; readonly line: (text: string) => string | null; readonly tool: string }[] = [
  { path: /\.repo$|(?:^|\/)(?:yum|dnf)\.conf$|(?:^|\/)zypp\.conf$/, line: (t) => /^[ \t]*gpgcheck[ \t]*=[ \t]*(?:0|false|no|off)[ \t]*$/im.exec(t)?.[0] ?? null, tool: 'yum/dnf' },
  // a `file:`/`copy:` source is a local repository built in the same build (no download to verify)
  { path: /^\/etc\/apt\/|\.list$|\.sources$/, line: aptTrustedSetting, tool: 'apt' },
  { path: /(?:^|\/)apt\.conf(?:\.d\/[^/]+)?$/, line: aptConfAllows, tool: 'apt' },
];

type Hit =
  | { readonly messageId: 'option'; readonly data: { tool: string; option: string }; readonly range: Range }
  | { readonly messageId: 'setting'; readonly data: { tool: string; setting: string }; readonly range: Range };

/** The tools `commandHits` knows (it finds nothing in any other command). */
const CHECKED_TOOLS: ReadonlySet<string> = new Set(['apt-get', 'apt', 'aptitude', 'apk', ...YUM_TOOLS, 'zypper', 'rpm']);

function commandHits(c: ShellCommand): Hit[] {
  const out: Hit[] = [];
  const tool = c.tool;
  if (tool === null) return out;
  if (tool === 'apt-get' || tool === 'apt' || tool === 'aptitude') {
    for (const o of c.options) {
      if (APT_OPTIONS.has(o.canonical) || APT_OPTIONS.has(o.name)) out.push({ messageId: 'option', data: { tool, option: o.name }, range: optionRange(o) });
      else if (o.canonical === '-o') {
        const value = aptSettingValue(o.value?.value ?? '');
        if (value !== null && isTrueValue(value)) out.push({ messageId: 'setting', data: { tool, setting: o.value!.value! }, range: o.value!.range });
      }
    }
  } else if (tool === 'apk') {
    for (const o of c.options) if (o.name === '--allow-untrusted') out.push({ messageId: 'option', data: { tool, option: o.name }, range: optionRange(o) });
  } else if (YUM_TOOLS.has(tool)) {
    for (const o of c.options) {
      if (o.canonical === '--nogpgcheck') out.push({ messageId: 'option', data: { tool, option: o.name }, range: optionRange(o) });
    }
    for (const w of c.args) {
      const m = /^(?:--setopt=)?((?:[^=]*\.)?gpgcheck)=(.*)$/i.exec(w.value ?? '');
      if (m !== null && isFalseValue(m[2]!)) out.push({ messageId: 'setting', data: { tool, setting: `${m[1]}=${m[2]}` }, range: w.range });
    }
  } else if (tool === 'zypper') {
    const addRepo = c.subcommand === 'addrepo' || c.subcommand === 'ar';
    for (const o of c.options) {
      if (o.name === '--no-gpg-checks' || o.name === '--no-gpgcheck' || (addRepo && o.name === '-G')) {
        out.push({ messageId: 'option', data: { tool, option: o.name }, range: optionRange(o) });
      }
    }
  } else if (tool === 'rpm') {
    if (c.hasFlag('-q', '-V', '-e', '-K')) return out;
    for (const o of c.options) if (RPM_NO_CHECK.has(o.name)) out.push({ messageId: 'option', data: { tool, option: o.name }, range: optionRange(o) });
  }
  return out;
}

/** Every package operand is a downloaded file verified before this install. */
function verifiedLocalPackages(df: Dataflow, c: ShellCommand): boolean {
  const uses = df.uses.filter((u) => u.command === c && u.kind === 'install');
  return c.operands.length > 0 && uses.length === c.operands.length && uses.every((u) => u.verified);
}

export default defineRule({
  meta: {
    id: 'DA508',
    name: 'package-signature-check-disabled',
    category: 'supply-chain',
    severity: 'high',
    cwe: [347],
    description: 'A package manager is told to install packages whose signatures it did not verify.',
    messages: {
      option: (d: { tool: string; option: string }) =>
        `${d.tool} ${d.option} installs packages without verifying their signatures: remove it and import the repository's signing key instead.`,
      setting: (d: { tool: string; setting: string }) =>
        `${d.setting} makes ${d.tool} skip package signature checks: remove it and import the repository's signing key instead.`,
      env: (d: { name: string; value: string; tool: string }) =>
        `${d.name}=${d.value} makes ${d.tool} skip its checksum verification: remove it.`,
    },
    aliases: ['CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CKV2_DOCKER_11'],
  },
  check(model, ctx) {
    for (const { at, cmd } of commandsNamed(model, CHECKED_TOOLS, 'all')) {
      const hits = commandHits(cmd);
      if (hits.length === 0) continue;
      // local packages whose signature or checksum the build verified itself (gpg --verify x.sig x.apk) are fine
      // (asked only for commands with hits: scanning the stage's uses for every command was most of this rule's time)
      if (at.stage?.shell !== undefined && verifiedLocalPackages(at.stage.shell.dataflow, cmd)) continue;
      for (const h of hits) ctx.report(h);
    }
    for (const e of envSettings(model)) {
      if (e.value === null) continue;
      if (e.name === 'GOSUMDB' && e.value.trim() === 'off') ctx.report({ messageId: 'env', data: { name: e.name, value: e.value, tool: 'Go (module checksum database)' }, range: e.range });
      if (e.name === 'YARN_CHECKSUM_BEHAVIOR' && e.value.trim() === 'ignore') ctx.report({ messageId: 'env', data: { name: e.name, value: e.value, tool: 'Yarn' }, range: e.range });
    }
    for (const w of fileWrites(model)) {
      if (w.path === null) continue;
      for (const c of CONFIG_LINES) {
        if (!c.path.test(w.path)) continue;
        const m = c.line(w.text);
        if (m === null) continue;
        const setting = m.trim();
        // regex-safety: every metacharacter of the text is escaped, so the pattern is a plain literal (no quantifier)
        const re = new RegExp(setting.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        ctx.report({ messageId: 'setting', data: { tool: c.tool, setting: `${setting} (in ${w.path})` }, range: locateInWrite(model, w, re) });
      }
    }
  },
  docs: {
    why:
      'Package managers verify a signature on every repository index or package before installing it: that check ' +
      'is what ties the bytes to the distribution or vendor that built them, whatever mirror or proxy served them. ' +
      '`--allow-unauthenticated`, `--force-yes`, `[trusted=yes]`, `apk --allow-untrusted`, `--nogpgcheck`, ' +
      '`gpgcheck=0` and `rpm --nosignature` turn that check off, so a compromised mirror or a network attacker can ' +
      'install any package they like, as root, in your image.\n\n' +
      'pip and npm have no such switch (they rely on TLS and lockfile hashes): see `tls-verification-disabled` ' +
      'and `unverified-download`.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n',
    good:
      'FROM debian:12\n' +
      'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n' +
      ' && echo "do not use --allow-unauthenticated" > /dev/null\n',
    fix:
      'Remove the option. For a third-party repository, download its signing key, check the key fingerprint, ' +
      'store it in `/etc/apt/keyrings/` and reference it with `signed-by=` (apt), or `rpm --import` it and keep ' +
      '`gpgcheck=1` (yum/dnf); Alpine keys go to `/etc/apk/keys/`.',
    references: [
      'https://cwe.mitre.org/data/definitions/347.html',
      'https://wiki.debian.org/SecureApt',
      'https://man7.org/linux/man-pages/man5/yum.conf.5.html',
    ],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'comment and echoed text', code: 'FROM debian:12\n# never use --allow-unauthenticated\nRUN echo "deb [trusted=yes] http://x/ ./" && echo "gpgcheck=0"\n' },
      { name: 'gpgcheck=1 written', code: 'FROM fedora:40\nRUN printf "[x]\\nbaseurl=https://x/\\ngpgcheck=1\\n" > /etc/yum.repos.d/x.repo\n' },
      { name: 'rpm verifying or querying', code: 'FROM fedora:40\nRUN rpm -K --nosignature pkg.rpm && rpm -qa --nodigest\n' },
      { name: 'signed-by source list', code: 'FROM debian:12\nRUN echo "deb [signed-by=/etc/apt/keyrings/x.gpg] https://x/ stable main" > /etc/apt/sources.list.d/x.list\n' },
      { name: 'local package verified with gpg first', code: 'FROM alpine:3.20\nRUN curl -fsSLO https://example.com/tool.apk && curl -fsSLO https://example.com/tool.sig && gpg --verify tool.sig tool.apk\nRUN apk add --allow-untrusted tool.apk\n' },
      { name: 'label', code: 'FROM alpine:3.20\nLABEL hint="apk add --allow-untrusted"\n' },
      { name: 'trusted local repository built in the same RUN', code: 'FROM debian:12\nRUN dpkg-scanpackages . > Packages && echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/temp.list\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n',
        errors: [{ line: 2, column: 42, endLine: 2, endColumn: 65, messageId: 'option' }],
      },
      {
        name: 'apt -o, apk, dnf, rpm',
        code: 'FROM fedora:40\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install -y x\nRUN apk add --allow-untrusted /tmp/x.apk\nRUN dnf install -y --nogpgcheck x && rpm -Uvh --nosignature x.rpm\n',
        errors: [
          { line: 2, column: 16, endColumn: 51, messageId: 'setting' },
          { line: 3, column: 13, endColumn: 30, messageId: 'option' },
          { line: 4, column: 20, endColumn: 32, messageId: 'option' },
          { line: 4, column: 47, endColumn: 60, messageId: 'option' },
        ],
      },
      {
        name: 'trusted=yes source and gpgcheck=0 repo file',
        code: 'FROM debian:12\nRUN echo "deb [trusted=yes] http://repo.example.com/ ./" > /etc/apt/sources.list.d/x.list\nCOPY <<EOF /etc/yum.repos.d/x.repo\n[x]\nbaseurl=https://x/\ngpgcheck=0\nEOF\nRUN sed -i "s/gpgcheck=1/gpgcheck=0/" /etc/yum.conf\n',
        errors: [
          { line: 2, column: 15, endColumn: 28, messageId: 'setting' },
          { line: 6, column: 1, endColumn: 11, messageId: 'setting' },
          { line: 8, column: 26, endColumn: 36, messageId: 'setting' },
        ],
      },
      {
        name: 'GOSUMDB=off',
        code: 'FROM golang:1.22\nENV GOSUMDB=off\n',
        errors: [{ line: 2, column: 5, endColumn: 16, messageId: 'env' }],
      },
    ],
  },
});
