import type { ShellCommand, Word } from '../../shell/index.js';
import { commandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** apt-key's options that take a value (before the subcommand). */
const APT_KEY_VALUED: ReadonlySet<string> = new Set(['--keyring', '--secret-keyring']);

/** The apt-key subcommand word (`add`, `adv`, `list`, …). */
function aptKeySubcommand(c: ShellCommand): Word | null {
  const args = c.args;
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!.value;
    if (v === null) return null;
    if (APT_KEY_VALUED.has(v)) {
      k++;
      continue;
    }
    if (v.startsWith('-')) continue;
    return args[k]!;
  }
  return null;
}

/** Keyserver URLs given to gpg / apt-key adv / dirmngr. */
function keyservers(c: ShellCommand): Word[] {
  const out: Word[] = [];
  const args = c.args;
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!.value ?? args[k]!.prefix;
    if (v === '--keyserver' && args[k + 1] !== undefined) out.push(args[k + 1]!);
    else if (v.startsWith('--keyserver=')) out.push(args[k]!);
  }
  return out;
}

/** True when the command fetches a key by a static id shorter than a full fingerprint. */
function weakKeyIds(c: ShellCommand): boolean {
  return c.args.some((w) => {
    const v = (w.value ?? '').replace(/\s+/g, '');
    const m = /^(?:0x)?([0-9A-Fa-f]{8,40})$/.exec(v);
    return m !== null && m[1]!.length < 40;
  });
}

/** The tools this rule judges (by tool key). */
const KEY_TOOLS: ReadonlySet<string> = new Set(['apt-key', 'gpg', 'gpg2', 'dirmngr']);

export default defineRule({
  meta: {
    id: 'DA510',
    name: 'apt-key-deprecated',
    category: 'supply-chain',
    severity: 'low',
    cwe: [347],
    description: '`apt-key add/adv` trusts a key for every repository of the system, and keys fetched over plain `hkp://` can be swapped in transit.',
    needs: { commands: KEY_TOOLS },
    messages: {
      aptKey: (d: { sub: string }) =>
        `apt-key ${d.sub} is deprecated and makes the key trusted for every repository: store the key in /etc/apt/keyrings/ and reference it with [signed-by=…] in the source entry.`,
      hkp: (d: { url: string }) =>
        `Keyserver ${d.url} is queried over plain HKP/HTTP for a short key id, so another key can be served: use hkps:// and the full 40-character fingerprint.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const { cmd } of commandsNamed(model, KEY_TOOLS, 'RUN')) {
      if (cmd.tool === 'apt-key') {
        const sub = aptKeySubcommand(cmd);
        if (sub !== null && (sub.value === 'add' || sub.value === 'adv') && cmd.nameWord !== null) {
          ctx.report({ messageId: 'aptKey', data: { sub: sub.value }, range: { start: cmd.nameWord.range.start, end: sub.range.end } });
        }
      }
      if (cmd.tool === 'apt-key' || cmd.tool === 'gpg' || cmd.tool === 'gpg2' || cmd.tool === 'dirmngr') {
        // gpg checks that a key fetched by its full fingerprint has that fingerprint: plain HKP then only leaks
        // which key is fetched. Short and long key ids (or ids we cannot read) can be answered with another key.
        if (!weakKeyIds(cmd)) continue;
        for (const w of keyservers(cmd)) {
          const v = (w.value ?? w.prefix).replace(/^--keyserver=/, '');
          const m = /^(?:hkp|http):\/\/([^/:]*)/i.exec(v);
          if (m === null || /^(?:localhost|127\.[0-9.]+)$/i.test(m[1]!)) continue;
          ctx.report({ messageId: 'hkp', data: { url: v }, range: w.range });
        }
      }
    }
  },
  docs: {
    why:
      '`apt-key add` puts a key in the global trusted keyring: from then on it can sign packages for *any* ' +
      'repository, including the distribution\'s own, so a compromised third-party key can replace core packages. ' +
      'apt-key is deprecated and gone from current Debian and Ubuntu releases. A keyserver queried over `hkp://` ' +
      '(port 11371, or 80) is plain HTTP: the key can be swapped in transit, and with a short key id even a ' +
      'colliding key can be served.',
    bad: 'FROM ubuntu:20.04\nRUN apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 0xABCDEF0123456789\n',
    good:
      'FROM debian:12\n' +
      'RUN install -d -m 0755 /etc/apt/keyrings \\\n' +
      ' && curl -fsSL https://example.com/repo.gpg | gpg --dearmor -o /etc/apt/keyrings/example.gpg \\\n' +
      ' && echo "deb [signed-by=/etc/apt/keyrings/example.gpg] https://example.com/apt stable main" > /etc/apt/sources.list.d/example.list\n' +
      'RUN gpg --keyserver hkps://keys.openpgp.org --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567 && echo "apt-key add is not used"\n',
    fix:
      'Download the repository key to `/etc/apt/keyrings/<name>.gpg` (`gpg --dearmor` for an ASCII-armoured key), ' +
      'check its fingerprint, and add `[signed-by=/etc/apt/keyrings/<name>.gpg]` to that repository\'s source entry ' +
      'only. Query keyservers with `hkps://` and full fingerprints.',
    references: [
      'https://manpages.debian.org/bookworm/apt/apt-key.8.en.html',
      'https://wiki.debian.org/DebianRepository/UseThirdParty',
    ],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN curl -fsSL https://example.com/k.asc | gpg --dearmor -o /etc/apt/keyrings/k.gpg\n',
      { name: 'apt-key list and echoed text', code: 'FROM debian:10\nRUN apt-key list && echo "apt-key add k.asc"\n' },
      { name: 'hkps keyserver', code: 'FROM debian:12\nRUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567\n' },
      { name: 'hkp with a full fingerprint', code: 'FROM debian:12\nRUN gpg --batch --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4\n' },
      { name: 'comment', code: 'FROM debian:12\n# RUN apt-key add key.asc\nRUN true\n' },
    ],
    invalid: [
      {
        code: 'FROM ubuntu:20.04\nRUN apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 0xABCDEF0123456789\n',
        errors: [
          { line: 2, column: 5, endLine: 2, endColumn: 16, messageId: 'aptKey' },
          { line: 2, column: 29, endLine: 2, endColumn: 58, messageId: 'hkp' },
        ],
      },
      {
        name: 'piped key, keyring option first, sudo',
        code: 'FROM ubuntu:20.04\nRUN curl -fsSL https://example.com/k.asc | sudo apt-key --keyring /etc/apt/trusted.gpg.d/k.gpg add -\n',
        errors: [{ line: 2, column: 49, endColumn: 99, messageId: 'aptKey' }],
      },
      {
        name: 'gpg with an hkp keyserver',
        code: 'FROM debian:12\nRUN gpg --batch --keyserver=hkp://p80.pool.sks-keyservers.net:80 --recv-keys 0x1234ABCD\n',
        errors: [{ line: 2, column: 17, endColumn: 65, messageId: 'hkp' }],
      },
    ],
  },
});
