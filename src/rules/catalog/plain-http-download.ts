import type { Artifact, Dataflow, ShellCommand, Word } from '../../shell/index.js';
import { parseUrl } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { envSettings } from '../helpers/env-settings.js';
import { artifactUrlText, artifactVerified, isSignatureFile, fileWrites, isLoopbackHost, locateInWrite } from '../helpers/shell.js';
import { commandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** `http://host…` with a host that is not loopback (an unknown host counts: the scheme alone is plain). */
function plainHttp(text: string): string | null {
  const m = /^http:\/\/([^/?#\s]*)/i.exec(text);
  if (m === null) return null;
  const host = m[1]!.replace(/^[^@]*@/, '').replace(/:[0-9]*$/, '');
  if (isLoopbackHost(host)) return null;
  return text;
}

function urlWordOf(a: Artifact): Range {
  const c = a.command;
  if (c !== null && a.url !== null) {
    const u = c.urls.find((x) => x.url === a.url!.url);
    if (u !== undefined) return u.word.range;
  }
  return a.range;
}

const ORIGIN: Readonly<Record<string, string>> = {
  curl: 'curl',
  wget: 'wget',
  powershell: 'PowerShell',
  add: 'ADD',
  git: 'git',
  'package-url': 'the package manager',
};

const INDEX_TOOLS: ReadonlySet<string> = new Set(['pip', 'npm', 'yarn', 'pnpm', 'gem', 'bundle', 'bundler', 'git']);
const NONE: readonly { what: string; word: Word }[] = [];

/** Option values that name an index or registry, per tool. */
function indexOptions(c: ShellCommand): readonly { what: string; word: Word }[] {
  // most commands are of no such tool: no array and closure for them
  if (c.tool === null || !INDEX_TOOLS.has(c.tool)) return NONE;
  const out: { what: string; word: Word }[] = [];
  const opt = (what: string, ...names: string[]): void => {
    for (const n of names) for (const w of c.flagValues(n)) out.push({ what, word: w });
  };
  switch (c.tool) {
    case 'pip':
      opt('pip index', '-i', '--extra-index-url', '-f', '--index');
      if (c.subcommand === 'config') {
        const ops = c.operands;
        for (let k = 0; k + 1 < ops.length; k++) if (/(?:index-url|find-links)$/.test(ops[k]!.value ?? '')) out.push({ what: 'pip index', word: ops[k + 1]! });
      }
      break;
    case 'npm':
    case 'yarn':
    case 'pnpm':
      opt(`${c.tool} registry`, '--registry');
      if (c.subcommand === 'config' || c.subcommand === 'set') {
        const ops = c.operands;
        for (let k = 0; k + 1 < ops.length; k++) {
          const v = ops[k]!.value ?? '';
          if (/^(?:@[^:]+:)?registry$|^npmRegistryServer$/.test(v)) out.push({ what: `${c.tool} registry`, word: ops[k + 1]! });
        }
      }
      break;
    case 'gem':
      opt('gem source', '-s');
      if (c.subcommand === 'sources') opt('gem source', '--add', '-a');
      break;
    case 'bundle':
    case 'bundler':
      if (c.subcommand === 'config') for (const w of c.operands) if (/^http:\/\//i.test(w.value ?? '')) out.push({ what: 'Bundler mirror', word: w });
      break;
    case 'git':
      if (c.subcommand === 'fetch' || c.subcommand === 'pull' || c.subcommand === 'remote' || c.subcommand === 'submodule') {
        for (const w of c.operands) if (/^http:\/\//i.test(w.value ?? w.prefix)) out.push({ what: 'git remote', word: w });
      }
      break;
    default:
  }
  return out;
}

const INDEX_ENV = /^(?:PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|PIP_FIND_LINKS|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_DEFAULT_INDEX|UV_INDEX|NPM_CONFIG_REGISTRY|YARN_REGISTRY|YARN_NPM_REGISTRY_SERVER|GOPROXY)$/i;

const INDEX_SETTING = /[ \t]*([A-Za-z-]+)[ \t]*[=:][ \t]*"?(http:\/\/[^\s"]+)/iy;
const INDEX_KEYS: ReadonlySet<string> = new Set(['index-url', 'extra-index-url', 'registry', 'npmregistryserver']);
const LINE_BREAK = /[\n\r\u2028\u2029]/g;

/**
 * The URL of the first `index-url`/`extra-index-url`/`registry`/`npmRegistryServer` line set to `http://…`, as
 * `/^[ \t]*(?:index-url|extra-index-url|registry|npmRegistryServer)[ \t]*[=:][ \t]*"?(http:\/\/[^\s"]+)/im`
 * captured it: a sticky match at each line start (the key is the whole run of letters and dashes before the `=`/`:`).
 */
export function plainIndexUrl(text: string): string | null {
  LINE_BREAK.lastIndex = 0;
  for (let start = 0; start >= 0; ) {
    INDEX_SETTING.lastIndex = start;
    const m = INDEX_SETTING.exec(text);
    if (m !== null && INDEX_KEYS.has(m[1]!.toLowerCase())) return m[2]!;
    const br = LINE_BREAK.exec(text);
    start = br === null ? -1 : br.index + 1;
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'DA506',
    name: 'plain-http-download',
    category: 'supply-chain',
    severity: 'high',
    cwe: [319],
    description: 'Code or packages are fetched over plain HTTP, where anyone on the network path can read and replace them.',
    messages: {
      download: (d: { tool: string; url: string }) =>
        `${d.tool} fetches ${d.url} over plain HTTP: use https:// (and verify a checksum or signature).`,
      index: (d: { what: string; url: string }) =>
        `The ${d.what} ${d.url} is plain HTTP, so every package from it can be replaced in transit: use https://.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const df = stage.shell?.dataflow;
      if (df === undefined) continue;
      for (const a of df.artifacts) {
        if (a.url === null || a.url.scheme !== 'http' || plainHttp(a.url.url) === null) continue;
        if (artifactVerified(df, a) || isSignatureFile(df, a)) continue;
        ctx.report({ messageId: 'download', data: { tool: ORIGIN[a.origin] ?? a.origin, url: artifactUrlText(model, a) }, range: urlWordOf(a) });
      }
    }
    for (const { cmd } of commandsNamed(model, INDEX_TOOLS, 'RUN')) {
      for (const { what, word } of indexOptions(cmd)) {
        const url = word.value ?? word.prefix;
        if (parseUrl(word) === null || plainHttp(url) === null) continue;
        ctx.report({ messageId: 'index', data: { what, url }, range: word.range });
      }
    }
    for (const e of envSettings(model)) {
      if (e.value === null || !INDEX_ENV.test(e.name)) continue;
      const bad = e.value.split(/[\s,|]+/).find((u) => plainHttp(u) !== null);
      if (bad !== undefined) ctx.report({ messageId: 'index', data: { what: `${e.name} index`, url: bad }, range: e.range });
    }
    for (const w of fileWrites(model)) {
      if (w.path === null || !/(?:^|\/)(?:pip\.conf|pip\.ini|\.?npmrc|\.?yarnrc(?:\.yml)?)$/.test(w.path)) continue;
      const url = plainIndexUrl(w.text);
      if (url === null || plainHttp(url) === null) continue;
      // regex-safety: every metacharacter of the text is escaped, so the pattern is a plain literal (no quantifier)
      const re = new RegExp(url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      ctx.report({ messageId: 'index', data: { what: `index in ${w.path}`, url: url }, range: locateInWrite(model, w, re) });
    }
  },
  docs: {
    why:
      'Plain HTTP has no integrity and no authentication: a proxy, a hostile network or a hijacked router on the ' +
      'way can replace the file, the package index or the repository you fetch, and the build runs or installs ' +
      'whatever arrives. Fetching a package index over HTTP (`pip -i http://…`, `npm --registry http://…`) hands ' +
      'every dependency to that attacker.\n\n' +
      'Not reported: Debian/Ubuntu apt sources over HTTP (apt verifies the signed Release files, so the transport ' +
      'is not trusted), downloads verified with a checksum or signature before use, detached signatures (`.asc`) ' +
      'when the stage verifies signatures, loopback URLs, and URLs only echoed, labelled or commented.',
    bad: 'FROM python:3.12\nRUN curl -fsSLo /tmp/tool.tgz http://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\n',
    good:
      'FROM python:3.12\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\n' +
      'RUN echo "mirror: http://example.com/" && curl -s http://localhost:8080/health || true\n',
    fix:
      'Use `https://`. If the server offers no HTTPS, download over HTTP only what you then verify against a ' +
      'checksum recorded in the Dockerfile or a signature from a pinned key, or mirror the file somewhere that ' +
      'serves HTTPS.',
    references: ['https://cwe.mitre.org/data/definitions/319.html', 'https://wiki.debian.org/SecureApt'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN curl -fsSL https://example.com/a.tgz | tar -xz\n',
      { name: 'echoed, labelled, commented', code: 'FROM debian:12\n# curl http://example.com/a\nLABEL url="http://example.com/a"\nRUN echo "see http://example.com/a"\n' },
      { name: 'loopback', code: 'FROM debian:12\nRUN curl -fs http://127.0.0.1:8080/ready && wget -qO- http://localhost/x\n' },
      { name: 'verified with a checksum', code: 'FROM debian:12\nRUN wget -O /tmp/a.tgz http://example.com/a.tgz && echo "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /tmp/a.tgz" | sha256sum -c - && tar -xzf /tmp/a.tgz\n' },
      { name: 'apt source over http', code: 'FROM debian:12\nRUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bp.list\n' },
      { name: 'http proxy for an https download', code: 'FROM debian:12\nRUN curl -x http://proxy.example.com:3128 -fsSLO https://example.com/a\n' },
    ],
    invalid: [
      {
        code: 'FROM python:3.12\nRUN curl -fsSLo /tmp/tool.tgz http://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\n',
        errors: [{ line: 2, column: 31, endLine: 2, endColumn: 58, messageId: 'download' }],
      },
      {
        name: 'ADD, git clone, package URL',
        code: 'FROM debian:12\nADD http://example.com/a.txt /a.txt\nRUN git clone http://example.com/r.git && dpkg -i x.deb && yum install -y http://example.com/p.rpm\n',
        errors: [
          { line: 2, column: 5, endColumn: 29, messageId: 'download' },
          { line: 3, column: 15, endColumn: 39, messageId: 'download' },
          { line: 3, column: 75, endColumn: 99, messageId: 'download' },
        ],
      },
      {
        name: 'package indexes',
        code: 'FROM python:3.12\nRUN pip install -i http://pypi.example.com/simple app && npm install --registry=http://npm.example.com/ x\nENV PIP_EXTRA_INDEX_URL=http://pypi.example.com/simple\n',
        errors: [
          { line: 2, column: 20, endColumn: 50, messageId: 'index' },
          { line: 2, column: 81, endColumn: 104, messageId: 'index' },
          { line: 3, column: 5, endColumn: 55, messageId: 'index' },
        ],
      },
    ],
  },
});
