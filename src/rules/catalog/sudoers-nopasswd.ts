import type { CopyInstruction } from '../../parser/ast.js';
import type { ShellCommand } from '../../shell/index.js';
import type { Word } from '../../shell/types.js';
import type { Range } from '../../source.js';
import { defineRule } from '../types.js';
import { wordSubRange } from '../helpers/commands.js';
import { runCommandsOfModel } from '../helpers/command-index.js';

const SUDOERS = /^\/etc\/sudoers(?:$|\.d\/)/;
const ADMIN_GROUPS: ReadonlySet<string> = new Set(['sudo', 'wheel', 'admin']);
const NOPASSWD = 'NOPASSWD';

const isSudoersPath = (w: Word): boolean => SUDOERS.test(w.value ?? w.prefix);

/** Files under /etc/sudoers{,.d} the command writes: redirect targets, `tee` operands, `sed -i` operands. */
function writesSudoers(c: ShellCommand): boolean {
  // `writes` is a new array per call: only commands with redirections have any
  if (c.redirects.length > 0 && c.writes.some(isSudoersPath)) return true;
  if (c.name === 'tee') return c.operands.some(isSudoersPath);
  if (c.name === 'sed' && c.hasFlag('-i', '--in-place')) return c.operands.some(isSudoersPath);
  return false;
}

/** The text sed adds: the replacement of `s/…/…/` and the text of `a`/`i`/`c` commands. */
function sedAddedText(expr: string): string {
  const t = expr.trimStart();
  if (t.startsWith('s') && t.length > 1) {
    const parts = t.slice(2).split(t[1]!);
    return parts[1] ?? '';
  }
  // `$ a text`, `3i\\ text`, `/re/ a text`
  const m = /^(?:\$|[0-9]+|\/[^/]*\/)?\s*[aic]\\?\s(.*)$/s.exec(t);
  return m === null ? '' : m[1]!;
}

/** The words holding NOPASSWD text written to a sudoers file by `c`. */
function nopasswdWords(c: ShellCommand): Range[] {
  const out: Range[] = [];
  const scan = (words: readonly Word[], added: (w: Word) => string = (w) => w.value ?? w.raw): void => {
    for (const w of words) {
      if (!added(w).includes(NOPASSWD)) continue;
      // the added text comes last in a sed expression
      const k = c.name === 'sed' ? w.raw.lastIndexOf(NOPASSWD) : w.raw.indexOf(NOPASSWD);
      out.push(k >= 0 ? wordSubRange(w, k, k + NOPASSWD.length) : w.range);
    }
  };
  if (c.name === 'sed') {
    const exprs = c.flagValues('-e');
    const script = exprs.length > 0 ? exprs : c.operands.slice(0, 1);
    scan(script, (w) => sedAddedText(w.value ?? w.raw));
    return out;
  }
  if (c.name === 'echo' || c.name === 'printf') scan(c.args);
  const src = c.stdinFrom;
  if (src !== null && (src.name === 'echo' || src.name === 'printf')) scan(src.args);
  for (const r of c.redirects) {
    if (r.heredoc !== null && r.heredoc.includes(NOPASSWD)) out.push(r.range);
  }
  return out;
}

/** Admin group names given to user-management commands, with the word holding each. */
const NO_GROUPS: readonly { group: string; range: Range }[] = [];

function adminGroupWords(c: ShellCommand): readonly { group: string; range: Range }[] {
  const n = c.name;
  // the tools below are all that add users to groups: no arrays for every other command
  if (n !== 'usermod' && n !== 'useradd' && n !== 'adduser' && n !== 'addgroup' && n !== 'gpasswd') return NO_GROUPS;
  const lists: Word[] = [];
  switch (c.name) {
    case 'usermod':
    case 'useradd':
      lists.push(...c.flagValues('-G'), ...c.flagValues('-g'));
      break;
    case 'adduser': {
      lists.push(...c.flagValues('-G'), ...c.flagValues('--ingroup'), ...c.flagValues('--add-extra-groups'));
      if (c.operands.length === 2) lists.push(c.operands[1]!);
      break;
    }
    case 'addgroup':
      if (c.operands.length === 2) lists.push(c.operands[1]!);
      break;
    case 'gpasswd':
      if (c.hasFlag('-a', '--add', '-M', '--members') && c.operands.length >= 1) lists.push(c.operands[c.operands.length - 1]!);
      break;
    default:
      break;
  }
  const out: { group: string; range: Range }[] = [];
  for (const w of lists) {
    if (w.value === null) continue;
    let at = 0;
    for (const g of w.value.split(',')) {
      if (ADMIN_GROUPS.has(g)) {
        const k = w.raw.indexOf(g, at);
        out.push({ group: g, range: k >= 0 ? wordSubRange(w, k, k + g.length) : w.range });
        if (k >= 0) at = k + g.length;
      }
    }
  }
  return out;
}

function copiesNopasswd(i: CopyInstruction): Range[] {
  const dest = i.destination?.value ?? '';
  if (!/^\/etc\/sudoers/.test(dest)) return [];
  const out: Range[] = [];
  for (const h of i.heredocs) {
    const k = h.body.text.indexOf(NOPASSWD);
    if (k < 0) continue;
    const seg = h.body.segments.find((s) => s.at <= k && k + NOPASSWD.length <= s.at + s.length);
    out.push(seg ? { start: seg.src + k - seg.at, end: seg.src + k - seg.at + NOPASSWD.length } : h.bodyRange);
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'DA306',
    name: 'sudoers-nopasswd',
    category: 'privileges',
    severity: 'high',
    cwe: [250],
    description: 'The image grants password-less sudo or adds a user to an administrators group (sudo, wheel, admin).',
    messages: {
      nopasswd: () =>
        'A NOPASSWD sudoers rule lets the user (and anything running as it) become root without a password: drop the rule, run the root steps under `USER root` at build time instead.',
      adminGroup: (d: { group: string }) =>
        `Adding the user to \`${d.group}\` lets it become root through sudo/su: keep the runtime user out of administrator groups.`,
    },
  },
  check(model, ctx) {
    for (const { cmd: c } of runCommandsOfModel(model)) {
      if (writesSudoers(c)) for (const range of nopasswdWords(c)) ctx.report({ messageId: 'nopasswd', range });
      for (const g of adminGroupWords(c)) ctx.report({ messageId: 'adminGroup', data: { group: g.group }, range: g.range });
    }
    for (const f of model.instructions) {
      const i = f.instruction;
      if (i.kind !== 'COPY' && i.kind !== 'ADD') continue;
      for (const range of copiesNopasswd(i)) ctx.report({ messageId: 'nopasswd', range });
      // a sudoers file from the build context, when it can be read
      const read = ctx.env.readContextFile;
      if (read === undefined || !/^\/etc\/sudoers/.test(i.destination?.value ?? '') || i.flags.some((x) => x.name.toLowerCase() === 'from')) continue;
      for (const src of i.sources) {
        if (src.value.startsWith('<<') || src.value.includes('$') || /:\/\//.test(src.value)) continue;
        const content = read(src.value.replace(/^\.\//, ''));
        if (content !== undefined && content.split('\n').some((l) => !/^\s*#/.test(l) && l.includes(NOPASSWD))) {
          ctx.report({ messageId: 'nopasswd', range: src.range });
        }
      }
    }
  },
  docs: {
    why:
      'A non-root `USER` only protects the host if that user cannot simply become root again. A `NOPASSWD` ' +
      'sudoers rule, or membership of `sudo`/`wheel`/`admin` (whose members sudo allows everything), turns any ' +
      'code execution as the application user into root in the container, and the non-root setting into ' +
      'decoration.',
    bad: 'FROM ubuntu:24.04\nRUN useradd -m app && echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers\nUSER app\n',
    good: 'FROM ubuntu:24.04\nRUN useradd -m app\nUSER app\n',
    fix:
      'Do the privileged work at build time under `USER root` and switch to the application user afterwards; do ' +
      'not install sudo rules or admin group memberships for it. Development images that need sudo should be ' +
      'separate targets from the production image.',
    references: ['https://cwe.mitre.org/data/definitions/250.html', 'https://www.sudo.ws/docs/man/sudoers.man/'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN useradd -m -G users app\n',
      { name: 'NOPASSWD on stdout, grep and deleting NOPASSWD rules', code: "FROM debian:12\nRUN echo NOPASSWD && grep NOPASSWD /etc/sudoers; sed -i '/NOPASSWD/d' /etc/sudoers\n" },
      { name: 'docker group, creating the wheel group, adduser with one operand', code: 'FROM debian:12\nRUN usermod -aG docker app && groupadd wheel && adduser app\n' },
      {
        name: 'sudoers file from the context without NOPASSWD (commented out)',
        code: 'FROM debian:12\nCOPY sudoers.app /etc/sudoers.d/app\n',
        files: { 'sudoers.app': '# app ALL=(ALL) NOPASSWD: ALL\napp ALL=(ALL) ALL\n' },
      },
      { name: 'sudoers rule with a password', code: 'FROM debian:12\nRUN echo "app ALL=(ALL) ALL" > /etc/sudoers.d/app # NOPASSWD\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers\n',
        errors: [{ line: 2, column: 25, endLine: 2, endColumn: 33, messageId: 'nopasswd' }],
      },
      {
        name: 'tee, sed uncommenting the wheel rule, COPY heredoc',
        code:
          'FROM debian:12\nRUN echo "app ALL=(ALL) NOPASSWD: ALL" | tee /etc/sudoers.d/app\n' +
          "RUN sed -i 's/^# %wheel ALL=(ALL) NOPASSWD/%wheel ALL=(ALL) NOPASSWD/' /etc/sudoers\n" +
          'COPY <<EOF /etc/sudoers.d/app\napp ALL=(ALL) NOPASSWD: ALL\nEOF\n',
        errors: [
          { line: 2, column: 25, endColumn: 33, messageId: 'nopasswd' },
          { line: 3, column: 61, endColumn: 69, messageId: 'nopasswd' },
          { line: 5, column: 15, endColumn: 23, messageId: 'nopasswd' },
        ],
      },
      {
        name: 'sudoers file from the build context',
        code: 'FROM debian:12\nCOPY ./sudoers.app /etc/sudoers.d/app\n',
        files: { 'sudoers.app': 'app ALL=(ALL) NOPASSWD: ALL\n' },
        errors: [{ line: 2, column: 6, endColumn: 19, messageId: 'nopasswd' }],
      },
      {
        name: 'sed appending a rule',
        code: "FROM debian:12\nRUN sed -i '$ a app ALL=(ALL) NOPASSWD: ALL' /etc/sudoers\n",
        errors: [{ line: 2, column: 31, endColumn: 39 }],
      },
      {
        name: 'admin groups',
        code: 'FROM debian:12\nRUN usermod -aG sudo app && useradd -G wheel,docker bob && adduser app sudo && addgroup app wheel\n',
        errors: [
          { line: 2, column: 17, endColumn: 21, messageId: 'adminGroup' },
          { line: 2, column: 40, endColumn: 45, messageId: 'adminGroup' },
          { line: 2, column: 72, endColumn: 76, messageId: 'adminGroup' },
          { line: 2, column: 93, endColumn: 98, messageId: 'adminGroup' },
        ],
      },
    ],
  },
});
