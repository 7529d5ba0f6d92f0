import type { ShellCommand } from '../../shell/index.js';
import type { Word } from '../../shell/types.js';
import type { Range } from '../../source.js';
import { literalStdin, wordSubRange } from '../helpers/commands.js';
import { runCommandsOfModel } from '../helpers/command-index.js';
import { couldBeSecretValue } from '../helpers/secrets.js';
import { defineRule } from '../types.js';

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const WORD_CHAR = /\w/;
const LETTER = /[A-Za-z]/;
const USER_CHAR = /[^\s/:@'"`]/;
const PASSWORD_CHAR = /[^\s/@'"`]/;

export interface UrlCredential {
  /** Offset of the scheme. */
  readonly index: number;
  /** Offset just after the `@`. */
  readonly end: number;
  readonly password: string;
}

/**
 * Every `scheme://user:password@` in `text` (the user part may be empty: `redis://:pw@host`), exactly the matches of
 * `/\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@'"`]*:([^\s/@'"`]+)@/g`. A loop from each `://`, because that regex
 * retries every letter of a long scheme-like run.
 */
export function urlCredentials(text: string): UrlCredential[] {
  const out: UrlCredential[] = [];
  let from = 0;
  for (let k = text.indexOf('://'); k >= 0; k = text.indexOf('://', k + 1)) {
    // the scheme: the leftmost start in the run of scheme characters before `://` that is a letter at a word boundary
    let runStart = k;
    while (runStart > from && SCHEME_CHAR.test(text.charAt(runStart - 1))) runStart--;
    let s = -1;
    for (let i = runStart; i < k; i++) {
      if (LETTER.test(text.charAt(i)) && (i === 0 || !WORD_CHAR.test(text.charAt(i - 1)))) {
        s = i;
        break;
      }
    }
    if (s < 0) continue;
    let u = k + 3;
    while (u < text.length && USER_CHAR.test(text.charAt(u))) u++;
    if (text.charAt(u) !== ':') continue;
    let p = u + 1;
    while (p < text.length && PASSWORD_CHAR.test(text.charAt(p))) p++;
    if (p === u + 1 || text.charAt(p) !== '@') continue;
    out.push({ index: s, end: p + 1, password: text.slice(u + 1, p) });
    from = p + 1;
    k = p;
  }
  return out;
}
const DYNAMIC = /[$`]/;
/** `--disabled-password`, `--ask-password`…: switches, not options carrying a password. */
const SWITCH_PREFIXES: ReadonlySet<string> = new Set([
  'disabled', 'disable', 'no', 'ask', 'prompt', 'skip', 'empty', 'allow', 'random', 'generate', 'reset', 'change',
  'expire', 'lock', 'require', 'with', 'without', 'stdin', 'use', 'store', 'save', 'remember', 'keep',
]);
const PLACEHOLDER = /^(?:<[^<>]*>|\{[^{}]*\}|\*+|x+|%s|\.\.\.)$/i;

function literalSecret(s: string): boolean {
  return !DYNAMIC.test(s) && couldBeSecretValue(s) && !PLACEHOLDER.test(s);
}

const URL_KINDS: ReadonlySet<string> = new Set(['RUN', 'ENV', 'ARG', 'ADD']);

type Report = (messageId: 'url' | 'option' | 'stdin', range: Range, what: string) => void;

/** The range of `part` inside `w` (searched from the end), or the whole word. */
function partRange(w: Word, part: string): Range {
  const k = w.raw.lastIndexOf(part);
  return k >= 0 ? wordSubRange(w, k, k + part.length) : w.range;
}

const PASSWORD_OPTION = /^(--(?:([A-Za-z0-9]+)-)?pass(?:word|wd)?)(?:=(.*))?$/s;

/** Reports the literal passwords given to `c` as options or on its stdin (no array per command: this runs for every
 * command of every RUN). */
function optionFindings(c: ShellCommand, report: Report): void {
  const name = c.name ?? '';
  // the arguments are argv[1..]: indexing argv avoids copying them (`c.args`) for every command of the file
  const argv = c.argv;
  if (name === 'curl') {
    for (const opt of ['-u', '--proxy-user']) {
      for (const v of c.flagValues(opt)) {
        const colon = (v.value ?? '').indexOf(':');
        const pw = colon >= 0 ? v.value!.slice(colon + 1) : '';
        if (v.value !== null && literalSecret(pw)) report('option', partRange(v, pw), `curl ${opt}`);
      }
    }
  }
  const isLogin = name === 'docker' || name === 'podman' || name === 'buildah';
  const isMysql = name === 'mysql' || name === 'mariadb' || name === 'mysqladmin' || name === 'mysqldump';
  let passwordStdin = false;
  for (let k = 1; k < argv.length; k++) {
    const w = argv[k]!;
    const v = w.value;
    // every option judged below starts with `-` (most words are operands)
    if (v === null || v.charCodeAt(0) !== 0x2d) continue;
    if (v === '--password-stdin') passwordStdin = true;
    // --password=x, --http-password x, --db-passwd=x (not --password-stdin / --password-file)
    // the regex needs a leading `--` and `pass`: most words are neither (it ran on every word of every command)
    const m = v.startsWith('--') && v.includes('pass') ? PASSWORD_OPTION.exec(v) : null;
    if (m !== null && !SWITCH_PREFIXES.has((m[2] ?? '').toLowerCase())) {
      const valueWord = m[3] === undefined ? argv[k + 1] : w;
      const pw = m[3] ?? valueWord?.value ?? null;
      if (valueWord !== undefined && pw !== null && !valueWord.dynamic && literalSecret(pw) && !pw.startsWith('-')) {
        report('option', partRange(valueWord, pw), `${name} ${m[1]}`);
      }
      continue;
    }
    const short =
      (v === '-p' && (name === 'sshpass' || (isLogin && hasArgValue(argv, 'login')))) ||
      (name === 'skopeo' && v === '--creds');
    if (short) {
      const next = argv[k + 1];
      if (next !== undefined && next.value !== null && !next.dynamic && literalSecret(next.value)) {
        report('option', next.range, `${name} ${v}`);
      }
    }
    if (isMysql && v.startsWith('-p') && v.length > 2 && !w.dynamic) {
      const pw = v.slice(2);
      if (literalSecret(pw)) report('option', partRange(w, pw), `${name} -p`);
    }
  }
  if (passwordStdin) {
    const lit = literalStdin(c);
    if (lit !== null && literalSecret(lit.text.trim())) report('stdin', lit.words[0]!.range, name);
  }
}

/** True when an argument (argv[1..]) has this value. */
function hasArgValue(argv: readonly Word[], value: string): boolean {
  for (let k = 1; k < argv.length; k++) if (argv[k]!.value === value) return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'DA403',
    name: 'credentials-in-url',
    category: 'secrets',
    severity: 'high',
    cwe: [522],
    description: 'A literal password is written into a URL (`scheme://user:password@host`) or a command option (`curl -u user:pw`, `--password pw`).',
    messages: {
      url: () =>
        'A password is written into this URL: it ends up in the image history and build logs; read it from a secret mount (`RUN --mount=type=secret`) instead.',
      option: (d: { what: string }) =>
        `\`${d.what}\` is given a literal password: it ends up in the image history and build logs; read it from a secret mount (\`RUN --mount=type=secret\`) instead.`,
      stdin: (d: { what: string }) =>
        `The password piped into \`${d.what} --password-stdin\` is a literal: --password-stdin only helps when the password comes from a secret file.`,
    },
  },
  check(model, ctx) {
    const df = model.dockerfile;
    const seen = new Set<number>();
    const report: Report = (messageId, range, what) => {
      if (seen.has(range.start)) return;
      seen.add(range.start);
      ctx.report({ messageId, data: { what }, range });
    };
    // the next `://` of the file at or after the instruction (instructions come in file order): found without a slice
    // of every instruction, and each search starts where the last one stopped (one search from every instruction
    // to the end of a file without URLs was quadratic over thousands of instructions)
    const fileText = model.source.text;
    let scheme = fileText.indexOf('://');
    for (const i of df.instructions) {
      if (scheme < 0) break;
      const target = i.kind === 'ONBUILD' ? i.trigger : i;
      if (target === null || !URL_KINDS.has(target.kind)) continue;
      if (scheme < i.range.start) scheme = fileText.indexOf('://', i.range.start);
      if (scheme < 0 || scheme + 3 > i.range.end) continue;
      const text = model.source.slice(i.range);
      for (const m of urlCredentials(text)) {
        const pw = m.password;
        if (!literalSecret(pw)) continue;
        const start = i.range.start + m.end - 1 - pw.length;
        if (df.comments.some((c) => c.range.start <= start && start < c.range.end)) continue;
        report('url', { start, end: start + pw.length }, '');
      }
    }
    for (const { cmd: command } of runCommandsOfModel(model)) {
      optionFindings(command, report);
    }
  },
  docs: {
    why:
      'A password in a RUN line, an ENV/ARG value or an ADD URL is stored in the image history (`docker history ' +
      '--no-trunc` shows every RUN command), printed in build logs and kept in source control. Everyone who can ' +
      'pull the image or read the repository can use it, and it stays valid until someone rotates it.',
    bad: 'FROM alpine:3.20\nRUN wget https://deploy:Sup3rS3cret@repo.example.com/app.tar.gz\n',
    good:
      'FROM alpine:3.20\nRUN --mount=type=secret,id=netrc,target=/root/.netrc wget https://repo.example.com/app.tar.gz\n' +
      'RUN --mount=type=secret,id=token curl -u "deploy:$(cat /run/secrets/token)" -O https://repo.example.com/b\n',
    fix:
      'Keep credentials out of the Dockerfile: mount them with `RUN --mount=type=secret` (as a `.netrc`, a config ' +
      'file, or an environment variable with `env=`), and build with `docker build --secret id=…,src=…`. Values ' +
      'from variables (`$TOKEN`) are not reported here (see DA401 for how the variable is set).',
    references: ['https://docs.docker.com/build/building/secrets/', 'https://cwe.mitre.org/data/definitions/522.html'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN curl -fsSLO https://example.com/a.tar.gz\n',
      {
        name: 'variables, user without password, ports, password files and comments',
        code:
          'FROM alpine:3.20\nARG TOKEN\nRUN git clone https://oauth2:${TOKEN}@gitlab.com/o/r.git && curl -u "$U:$P" https://x\n' +
          'RUN git clone ssh://git@github.com:22/o/r && curl https://example.com:8443/a@b\n' +
          '# RUN curl https://user:pw@example.com\nRUN docker login --password-stdin < /run/secrets/pw && mysql --password="$DB_PW"\n',
      },
      { name: 'password switches', code: 'FROM alpine:3.20\nRUN adduser --disabled-password app && sudo --ask-password x && ssh-keygen --no-password y\n' },
      { name: 'docker run -p is a port', code: 'FROM docker:27\nRUN docker run -p 8080:80 nginx\n' },
      { name: 'placeholders', code: 'FROM alpine:3.20\nRUN echo "postgres://user:<password>@db/app" && wget --password=*** x\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN wget https://deploy:Sup3rS3cret@repo.example.com/app.tar.gz\n',
        errors: [{ line: 2, column: 25, endLine: 2, endColumn: 36, messageId: 'url' }],
      },
      {
        name: 'ENV and ADD URLs',
        code: 'FROM alpine:3.20\nENV DATABASE_URL=postgres://app:pa55@db:5432/app\nADD ftp://bob:hunter2@files.example.com/f /f\n',
        errors: [
          { line: 2, column: 33, endColumn: 37, messageId: 'url' },
          { line: 3, column: 15, endColumn: 22, messageId: 'url' },
        ],
      },
      {
        name: 'options: curl -u, --password, docker login -p, mysql -p, echo into --password-stdin',
        code:
          'FROM alpine:3.20\nRUN curl -u admin:hunter2 https://x && wget --http-password=pw1 https://y\n' +
          'RUN docker login -p pw2 -u me reg.example.com && mysql -uroot -ppw3 -e "select 1"\n' +
          'RUN echo pw4 | docker login --password-stdin -u me reg.example.com\n',
        errors: [
          { line: 2, column: 19, endColumn: 26, messageId: 'option' },
          { line: 2, column: 61, endColumn: 64, messageId: 'option' },
          { line: 3, column: 21, endColumn: 24, messageId: 'option' },
          { line: 3, column: 65, endColumn: 68, messageId: 'option' },
          { line: 4, column: 10, endColumn: 13, messageId: 'stdin' },
        ],
      },
    ],
  },
});
