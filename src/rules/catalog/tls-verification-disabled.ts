import type { ShellCommand, Word } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { envSettings } from '../helpers/env-settings.js';
import { commandsNamed } from '../helpers/command-index.js';
import { fileWrites, isFalseValue, isLoopbackHost, locateInWrite, optionRange } from '../helpers/shell.js';
import { defineRule } from '../types.js';

/** Environment variables that turn certificate verification off, with the test on their value. */
const ENV_SWITCHES: readonly { readonly name: RegExp; readonly tool: string; readonly off: (v: string) => boolean }[] = [
  { name: /^GIT_SSL_NO_VERIFY$/, tool: 'git', off: () => true },
  { name: /^PYTHONHTTPSVERIFY$/, tool: 'Python', off: (v) => v.trim() === '0' },
  { name: /^NODE_TLS_REJECT_UNAUTHORIZED$/, tool: 'Node.js', off: (v) => v.trim() === '0' },
  { name: /^NPM_CONFIG_STRICT_SSL$/i, tool: 'npm', off: isFalseValue },
  { name: /^YARN_(?:ENABLE_)?STRICT_SSL$/, tool: 'Yarn', off: isFalseValue },
  { name: /^CONDA_SSL_VERIFY$/, tool: 'conda', off: isFalseValue },
  { name: /^BUNDLE_SSL_VERIFY_MODE$/, tool: 'Bundler', off: (v) => v.trim() === '0' },
  { name: /^PIP_TRUSTED_HOST$/, tool: 'pip', off: (v) => v.trim() !== '' && v.trim().split(/\s+/).some((h) => !isLoopbackHost(h.replace(/:[0-9]+$/, ''))) },
  { name: /^GOINSECURE$/, tool: 'Go', off: (v) => v.trim() !== '' },
];

/** Every name an ENV_SWITCHES pattern matches, upper-cased: a Set lookup spares the nine regexes for the other
 * variables (most of them). */
const ENV_SWITCH_NAMES: ReadonlySet<string> = new Set([
  'GIT_SSL_NO_VERIFY', 'PYTHONHTTPSVERIFY', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NPM_CONFIG_STRICT_SSL', 'YARN_STRICT_SSL',
  'YARN_ENABLE_STRICT_SSL', 'CONDA_SSL_VERIFY', 'BUNDLE_SSL_VERIFY_MODE', 'PIP_TRUSTED_HOST', 'GOINSECURE',
]);

/** Settings written into configuration files that turn verification off. */
/**
 * `line` is one regex or alternatives tried as one (the leftmost match wins): `/a|b/` split in two when recheck could
 * not decide the alternation within its budget.
 */
const CONFIG_LINES: readonly { readonly path: RegExp; readonly line: RegExp | readonly RegExp[]; readonly tool: string }[] = [
  { path: /(?:^|\/)(?:\.?curlrc)$/, line: /^[ \t]*(?:-k|--insecure|insecure)[ \t]*$/m, tool: 'curl' },
  { path: /(?:^|\/)(?:\.?wgetrc)$/, line: /^[ \t]*check_certificate[ \t]*=[ \t]*(?:off|no|0|false)[ \t]*$/im, tool: 'wget' },
  { path: /(?:^|\/)\.?npmrc$/, line: /^[ \t]*strict-ssl[ \t]*=[ \t]*false[ \t]*$/im, tool: 'npm' },
  { path: /(?:^|\/)\.?yarnrc(?:\.yml)?$/, line: [/^[ \t]*strict-ssl[ \t]+false[ \t]*$/im, /^[ \t]*enableStrictSsl:[ \t]*false[ \t]*$/im], tool: 'Yarn' },
  { path: /(?:^|\/)(?:pip\.conf|pip\.ini)$/, line: /^[ \t]*trusted-host[ \t]*=/m, tool: 'pip' },
  { path: /(?:\.repo|(?:^|\/)(?:yum|dnf)\.conf)$/, line: /^[ \t]*sslverify[ \t]*=[ \t]*(?:0|false|no|off)[ \t]*$/im, tool: 'yum/dnf' },
  { path: /(?:^|\/)\.?gitconfig$|(?:^|\/)\.git\/config$/, line: /^[ \t]*sslverify[ \t]*=[ \t]*(?:false|no|off|0)[ \t]*$/im, tool: 'git' },
  { path: /(?:^|\/)apt\.conf(?:\.d\/[^/]+)?$/, line: /Verify-(?:Peer|Host)[ \t]+"?(?:false|no|0)"?/i, tool: 'apt' },
  { path: /(?:^|\/)\.?condarc$/, line: /^[ \t]*ssl_verify:[ \t]*(?:false|no)[ \t]*$/im, tool: 'conda' },
];

const GIT_KEY = /^http\.(?:.+\.)?sslverify$/i;

function span(a: Range, b: Range): Range {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

function val(w: Word | undefined | null): string | null {
  return w === undefined || w === null ? null : w.value;
}

type Hit = { readonly messageId: 'insecureOption'; readonly data: { tool: string; option: string }; readonly range: Range } |
  { readonly messageId: 'insecureSetting'; readonly data: { tool: string; setting: string }; readonly range: Range } |
  { readonly messageId: 'trustedHost'; readonly data: { host: string }; readonly range: Range };

/** `config set KEY VALUE` / `config set KEY=VALUE` operands of npm, yarn, pnpm, conda, composer, pip. */
function configPairs(c: ShellCommand): { key: string; value: string; range: Range }[] {
  const ops = c.operands;
  const out: { key: string; value: string; range: Range }[] = [];
  for (let k = 0; k < ops.length; k++) {
    const w = ops[k]!;
    const v = w.value;
    if (v === null) continue;
    const eq = v.indexOf('=');
    if (eq > 0) out.push({ key: v.slice(0, eq), value: v.slice(eq + 1), range: w.range });
    else {
      const next = ops[k + 1];
      if (next !== undefined && next.value !== null) out.push({ key: v, value: next.value, range: span(w.range, next.range) });
    }
  }
  return out;
}

/** `--tls-verify=false` (podman, buildah, skopeo), `--insecure` (crane, oras), `--insecure-skip-tls-verify` (helm,
 * kubectl), `--insecure-registry` (dockerd). */
function insecureRegistryFlag(tool: string, v: string): boolean {
  const eq = v.indexOf('=');
  const name = (eq < 0 ? v : v.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? null : v.slice(eq + 1);
  switch (tool) {
    case 'podman':
    case 'buildah':
    case 'skopeo':
      return (name === '--tls-verify' || name === '--src-tls-verify' || name === '--dest-tls-verify') && value !== null && isFalseValue(value);
    case 'crane':
    case 'oras':
      return name === '--insecure' && (value === null || !isFalseValue(value));
    case 'helm':
    case 'kubectl':
      return name === '--insecure-skip-tls-verify' && (value === null || !isFalseValue(value));
    case 'dockerd':
      return name === '--insecure-registry';
    default:
      return false;
  }
}

/** The tools `commandHits` knows (the cases of its switch). */
const HIT_TOOLS: ReadonlySet<string> = new Set([
  'podman', 'buildah', 'skopeo', 'crane', 'oras', 'helm', 'kubectl', 'dockerd', 'curl', 'wget', 'git', 'npm', 'pnpm',
  'yarn', 'pip', 'yum', 'dnf', 'dnf5', 'microdnf', 'tdnf', 'yum-config-manager', 'apt-get', 'apt', 'aptitude', 'conda',
  'mamba', 'micromamba', 'composer',
]);
const NO_HITS: readonly Hit[] = [];

/** Adds an insecure option hit (a function, not a closure made per command). */
function pushOption(hits: Hit[], o: { name: string; word: Word; value: Word | null }, t: string): void {
  hits.push({ messageId: 'insecureOption', data: { tool: t, option: o.name }, range: optionRange(o as never) });
}

function commandHits(c: ShellCommand): readonly Hit[] {
  const tool = c.tool;
  // most commands are of no such tool: no array and closure for them
  if (tool === null || !HIT_TOOLS.has(tool)) return NO_HITS;
  const hits: Hit[] = [];
  switch (tool) {
    // container registry clients and cluster tools talking to registries/API servers without verifying TLS
    case 'podman':
    case 'buildah':
    case 'skopeo':
    case 'crane':
    case 'oras':
    case 'helm':
    case 'kubectl':
    case 'dockerd':
      for (const w of c.args) {
        const v = w.value ?? '';
        if (insecureRegistryFlag(tool, v)) hits.push({ messageId: 'insecureOption', data: { tool, option: v }, range: w.range });
      }
      break;
    case 'curl':
      for (const o of c.options) if (o.canonical === '-k' || o.name === '--proxy-insecure' || o.name === '--doh-insecure') pushOption(hits, o, 'curl');
      break;
    case 'wget':
      for (const o of c.options) {
        if (o.name === '--no-check-certificate') pushOption(hits, o, 'wget');
        else if (o.canonical === '-e' && /^check_certificate[ \t]*=[ \t]*(?:off|no|0|false)$/i.test(val(o.value) ?? '')) {
          hits.push({ messageId: 'insecureSetting', data: { tool: 'wget', setting: val(o.value)! }, range: o.value!.range });
        }
      }
      break;
    case 'git': {
      for (const o of c.options) {
        if (o.canonical !== '-c') continue;
        const v = val(o.value);
        const m = v === null ? null : /^([^=]+)=(.*)$/.exec(v);
        if (m !== null && GIT_KEY.test(m[1]!) && isFalseValue(m[2]!)) hits.push({ messageId: 'insecureSetting', data: { tool: 'git', setting: v! }, range: o.value!.range });
      }
      if (c.subcommand === 'config') {
        const ops = c.operands;
        for (let k = 0; k + 1 < ops.length; k++) {
          const key = val(ops[k]);
          const value = val(ops[k + 1]);
          if (key !== null && value !== null && GIT_KEY.test(key) && isFalseValue(value)) {
            hits.push({ messageId: 'insecureSetting', data: { tool: 'git', setting: `${key} ${value}` }, range: span(ops[k]!.range, ops[k + 1]!.range) });
          }
        }
      }
      break;
    }
    case 'npm':
    case 'pnpm':
    case 'yarn': {
      for (const w of c.args) {
        const v = w.value ?? '';
        if (/^--strict-ssl=(?:false|0)$/i.test(v) || v === '--no-strict-ssl') hits.push({ messageId: 'insecureOption', data: { tool, option: v }, range: w.range });
      }
      if (c.subcommand === 'config' || c.subcommand === 'set') {
        for (const p of configPairs(c)) {
          if (/^(?:strict-ssl|enableStrictSsl)$/i.test(p.key) && isFalseValue(p.value)) hits.push({ messageId: 'insecureSetting', data: { tool, setting: `${p.key} ${p.value}` }, range: p.range });
        }
      }
      break;
    }
    case 'pip':
      for (const o of c.options) {
        if (o.canonical !== '--trusted-host') continue;
        const host = val(o.value);
        if (host !== null && isLoopbackHost(host.replace(/:[0-9]+$/, ''))) continue;
        hits.push({ messageId: 'trustedHost', data: { host: host ?? o.value?.raw ?? '' }, range: span(o.word.range, o.value?.range ?? o.word.range) });
      }
      if (c.subcommand === 'config') {
        for (const p of configPairs(c)) {
          if (/(?:^|\.)trusted-host$/.test(p.key) && !p.value.split(/\s+/).every((h) => isLoopbackHost(h))) hits.push({ messageId: 'trustedHost', data: { host: p.value }, range: p.range });
        }
      }
      break;
    case 'yum':
    case 'dnf':
    case 'dnf5':
    case 'microdnf':
    case 'tdnf':
    case 'yum-config-manager':
      for (const w of c.args) {
        const v = w.value ?? '';
        const m = /^(?:--setopt=)?((?:[^=]*\.)?sslverify)=(.*)$/i.exec(v);
        if (m !== null && isFalseValue(m[2]!)) hits.push({ messageId: 'insecureSetting', data: { tool: 'yum/dnf', setting: `${m[1]}=${m[2]}` }, range: w.range });
      }
      break;
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      for (const o of c.options) {
        if (o.canonical !== '-o') continue;
        const v = val(o.value) ?? '';
        const m = /^Acquire::https?::(?:[^=]*::)?Verify-(?:Peer|Host)=(.*)$/i.exec(v);
        if (m !== null && isFalseValue(m[1]!)) hits.push({ messageId: 'insecureSetting', data: { tool: 'apt', setting: v }, range: o.value!.range });
      }
      break;
    case 'conda':
    case 'mamba':
    case 'micromamba':
      if (c.subcommand === 'config') {
        const ops = c.args;
        for (let k = 0; k + 2 < ops.length; k++) {
          if (val(ops[k]) === '--set' && val(ops[k + 1]) === 'ssl_verify' && isFalseValue(val(ops[k + 2]) ?? '')) {
            hits.push({ messageId: 'insecureSetting', data: { tool: 'conda', setting: `ssl_verify ${val(ops[k + 2])}` }, range: span(ops[k + 1]!.range, ops[k + 2]!.range) });
          }
        }
      }
      break;
    case 'composer':
      if (c.subcommand === 'config') {
        for (const p of configPairs(c)) {
          if ((p.key === 'disable-tls' && /^true$/i.test(p.value)) || (p.key === 'secure-http' && isFalseValue(p.value))) {
            hits.push({ messageId: 'insecureSetting', data: { tool: 'Composer', setting: `${p.key} ${p.value}` }, range: p.range });
          }
        }
      }
      break;
    default:
  }
  return hits;
}

/** The leftmost match of one regex or of several alternatives (on a tie, the first alternative's). */
export function leftmostMatch(res: RegExp | readonly RegExp[], text: string): RegExpExecArray | null {
  let best: RegExpExecArray | null = null;
  for (const re of Array.isArray(res) ? res : [res]) {
    const m = (re as RegExp).exec(text);
    if (m !== null && (best === null || m.index < best.index)) best = m;
  }
  return best;
}

export default defineRule({
  meta: {
    id: 'DA507',
    name: 'tls-verification-disabled',
    category: 'supply-chain',
    severity: 'high',
    cwe: [295],
    description: 'TLS certificate verification is turned off for a download tool or package manager, so any machine on the network path can substitute what is downloaded.',
    messages: {
      insecureOption: (d: { tool: string; option: string }) =>
        `${d.tool} ${d.option} turns off TLS certificate verification: remove it; for a private CA, install its certificate (or pass it with --cacert/--ca-certificate) instead.`,
      insecureSetting: (d: { tool: string; setting: string }) =>
        `${d.setting} turns off TLS certificate verification for ${d.tool}: remove it; for a private CA, install its certificate instead.`,
      insecureEnv: (d: { name: string; value: string; tool: string }) =>
        `${d.name}=${d.value} turns off TLS certificate verification for ${d.tool}: remove it; for a private CA, install its certificate instead.`,
      trustedHost: (d: { host: string }) =>
        `pip trusts ${d.host} without a valid certificate (even over plain HTTP): remove --trusted-host/PIP_TRUSTED_HOST and serve the index over HTTPS with a trusted certificate.`,
    },
    aliases: ['CKV2_DOCKER_2', 'CKV2_DOCKER_3', 'CKV2_DOCKER_4', 'CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_12', 'CKV2_DOCKER_13', 'CKV2_DOCKER_14', 'CKV2_DOCKER_15', 'CKV2_DOCKER_16'],
  },
  check(model, ctx) {
    // commandHits finds nothing in commands of other tools
    for (const { at, cmd } of commandsNamed(model, HIT_TOOLS, 'all')) {
      // a HEALTHCHECK probes the container itself (often a self-signed local endpoint), and so does a loopback URL
      const hits = commandHits(cmd);
      if (hits.length === 0 || at.facts.instruction.kind === 'HEALTHCHECK') continue;
      // URLs only for commands with hits (finding them parses every command's arguments)
      const urls = cmd.urls;
      if (urls.length > 0 && urls.every((u) => isLoopbackHost(u.host))) continue;
      for (const h of hits) ctx.report(h);
    }
    for (const e of envSettings(model)) {
      if (e.value === null || !ENV_SWITCH_NAMES.has(e.name.toUpperCase())) continue;
      for (const s of ENV_SWITCHES) {
        if (!s.name.test(e.name) || !s.off(e.value)) continue;
        if (s.tool === 'pip') ctx.report({ messageId: 'trustedHost', data: { host: e.value }, range: e.range });
        else ctx.report({ messageId: 'insecureEnv', data: { name: e.name, value: e.value, tool: s.tool }, range: e.range });
      }
    }
    for (const w of fileWrites(model)) {
      if (w.path === null) continue;
      for (const c of CONFIG_LINES) {
        if (!c.path.test(w.path)) continue;
        const m = leftmostMatch(c.line, w.text);
        if (m === null) continue;
        const setting = m[0].trim();
        // regex-safety: every metacharacter of the text is escaped, so the pattern is a plain literal (no quantifier)
        const re = new RegExp(setting.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        ctx.report({ messageId: 'insecureSetting', data: { tool: c.tool, setting: `${setting} (in ${w.path})` }, range: locateInWrite(model, w, re) });
      }
    }
  },
  docs: {
    why:
      'Certificate verification is what makes HTTPS worth having: it proves the server is the one you meant. ' +
      'With it off (`curl -k`, `wget --no-check-certificate`, `git -c http.sslVerify=false`, ' +
      '`NODE_TLS_REJECT_UNAUTHORIZED=0`, `strict-ssl false`, `sslverify=0`, pip `--trusted-host`, registry clients such as `podman --tls-verify=false`, `crane --insecure`, `helm --insecure-skip-tls-verify` or `dockerd --insecure-registry`), anyone able to ' +
      'intercept the connection (a proxy, a Wi-Fi network, a compromised CI runner network) can serve their own ' +
      'packages or scripts, and the build accepts them silently. When the setting is stored in `ENV` or a config ' +
      'file it also stays in the final image and weakens every connection the application makes at run time.',
    bad: 'FROM debian:12\nRUN curl -fsSLk https://example.com/tool.tar.gz -o /tmp/tool.tar.gz\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n',
    good:
      'FROM debian:12\nCOPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt\n' +
      'RUN update-ca-certificates && curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz\n' +
      'RUN echo "curl -k is not used here"\n',
    fix:
      'Remove the option or setting. If a corporate proxy or a private registry uses its own certificate ' +
      'authority, install that CA certificate in the image (`update-ca-certificates`, or `--cacert`, ' +
      '`cafile`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`) so verification keeps working.',
    references: [
      'https://cwe.mitre.org/data/definitions/295.html',
      'https://curl.se/docs/sslcerts.html',
      'https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpsslVerify',
    ],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN curl -fsSL https://example.com/a -o /a && wget -q https://example.com/b\n',
      { name: 'echoed text and comment', code: 'FROM debian:12\n# curl -k is bad\nRUN echo "use curl -k or --no-check-certificate"\n' },
      { name: 'registry clients that verify TLS', code: 'FROM quay.io/podman/stable:v5\nRUN podman pull --tls-verify=true registry.example.com/a && skopeo copy docker://a docker://b && echo "--insecure-registry"\n' },
      { name: 'label', code: 'FROM debian:12\nLABEL note="GIT_SSL_NO_VERIFY=1 is not used"\n' },
      { name: 'verification left on', code: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1\nRUN git -c http.sslVerify=true clone https://example.com/r.git && npm config set strict-ssl true\n' },
      { name: 'trusted loopback index', code: 'FROM python:3.12\nRUN pip install --trusted-host localhost -i http://localhost:3141/simple app\n' },
      { name: 'sslverify=1 in a repo file', code: 'FROM fedora:40\nRUN echo "sslverify=1" >> /etc/yum.repos.d/x.repo\n' },
      { name: 'health check of the container itself, loopback URL', code: 'FROM nginx:1.27\nHEALTHCHECK CMD curl -kfs https://localhost:8443/ || exit 1\nRUN curl -k https://127.0.0.1:8443/ready\n' },
      { name: 'other -k meanings', code: 'FROM debian:12\nRUN ssh-keygen -t ed25519 -f k -N "" && sort -k 2 f && ls -k\n' },
    ],
    invalid: [
      {
        name: 'container registry clients with TLS verification off',
        code: 'FROM quay.io/podman/stable:v5\nRUN podman pull --tls-verify=false reg.example.com/a && crane copy --insecure a b\n',
        errors: [
          { line: 2, column: 17, endLine: 2, endColumn: 35, messageId: 'insecureOption' },
          { line: 2, column: 68, endLine: 2, endColumn: 78, messageId: 'insecureOption' },
        ],
      },
      {
        code: 'FROM debian:12\nRUN curl -fsSLk https://example.com/tool.tar.gz -o /tmp/tool.tar.gz\n',
        errors: [{ line: 2, column: 15, endLine: 2, endColumn: 16, messageId: 'insecureOption' }],
      },
      {
        name: 'wget, git -c and git config',
        code: 'FROM debian:12\nRUN wget --no-check-certificate https://example.com/a && git -c http.sslVerify=false clone https://example.com/r.git\nRUN git config --global http.sslVerify "false"\n',
        errors: [
          { line: 2, column: 10, endColumn: 32, messageId: 'insecureOption' },
          { line: 2, column: 65, endColumn: 85, messageId: 'insecureSetting' },
          { line: 3, column: 25, endColumn: 47, messageId: 'insecureSetting' },
        ],
      },
      {
        name: 'environment switches',
        code: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nARG GIT_SSL_NO_VERIFY=true\nRUN PYTHONHTTPSVERIFY=0 python3 fetch.py && export NPM_CONFIG_STRICT_SSL=false\n',
        errors: [
          { line: 2, column: 5, endColumn: 35, messageId: 'insecureEnv' },
          { line: 3, column: 5, endColumn: 27, messageId: 'insecureEnv' },
          { line: 4, column: 5, endColumn: 24, messageId: 'insecureEnv' },
          { line: 4, column: 52, endColumn: 79, messageId: 'insecureEnv' },
        ],
      },
      {
        name: 'npm, yarn, pip, dnf',
        code: 'FROM fedora:40\nRUN npm config set strict-ssl false && yarn config set strict-ssl false\nRUN pip install --trusted-host pypi.example.com app\nRUN dnf install -y --setopt=sslverify=false tool\nENV PIP_TRUSTED_HOST=pypi.example.com\n',
        errors: [
          { line: 2, column: 20, endColumn: 36, messageId: 'insecureSetting' },
          { line: 2, column: 56, endColumn: 72, messageId: 'insecureSetting' },
          { line: 3, column: 17, endColumn: 48, messageId: 'trustedHost' },
          { line: 4, column: 20, endColumn: 44, messageId: 'insecureSetting' },
          { line: 5, column: 5, endColumn: 38, messageId: 'trustedHost' },
        ],
      },
      {
        name: 'config files written by RUN and COPY heredoc',
        code: 'FROM fedora:40\nRUN echo "sslverify=0" >> /etc/yum.conf\nCOPY <<EOF /root/.curlrc\ninsecure\nEOF\n',
        errors: [
          { line: 2, column: 11, endColumn: 22, messageId: 'insecureSetting' },
          { line: 4, column: 1, endColumn: 9, messageId: 'insecureSetting' },
        ],
      },
    ],
  },
});
