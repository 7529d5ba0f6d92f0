import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { aptConfigured, commandHeadRange, MANAGER_TOOLS, managerOf } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';

/** Subcommands that ask for confirmation before changing packages. */
const APT_CONFIRMS = new Set(['install', 'remove', 'purge', 'upgrade', 'dist-upgrade', 'full-upgrade', 'autoremove', 'auto-remove', 'build-dep', 'reinstall', 'satisfy', 'safe-upgrade']);
const YUM_CONFIRMS = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'remove', 'erase', 'update', 'upgrade', 'groupupdate', 'distro-sync', 'downgrade', 'autoremove', 'groupremove', 'localupdate', 'builddep', 'update-minimal', 'upgrade-minimal']);
const YUM_GROUP_CONFIRMS = new Set(['install', 'remove', 'upgrade', 'update', 'enable', 'reset', 'switch-to']);
const ZYPPER_CONFIRMS = new Set(['install', 'in', 'remove', 'rm', 'update', 'up', 'dist-upgrade', 'dup', 'patch', 'source-install', 'si', 'install-new-recommends', 'inr']);

/** `APT::Get::Assume-Yes "true";` written to apt's configuration. */
const ASSUME_YES = /Assume-Yes\W+(?:1|true|yes|on)\b/i;

/** apt `-o APT::Get::Assume-Yes=true`, yum `--setopt=assumeyes=1`. */
function optionSaysYes(values: readonly (string | null)[], key: RegExp): boolean {
  return values.some((v) => {
    if (v === null) return false;
    const eq = v.indexOf('=');
    if (eq < 0 || !key.test(v.slice(0, eq).trim())) return false;
    return /^(?:1|true|yes|on)$/i.test(v.slice(eq + 1).trim());
  });
}

/** `yes | apt-get install …`, `echo y | …`, `printf 'y\n' | …`. */
function fedYes(c: ShellCommand): boolean {
  const src = c.stdinFrom;
  if (src === null) return false;
  if (src.name === 'yes') return true;
  if (src.name === 'echo' || src.name === 'printf') return src.args.some((w) => /^\s*y(?:es)?\b/i.test(w.value ?? ''));
  return false;
}

function needsConfirmation(c: ShellCommand): string | null {
  const m = managerOf(c);
  if (m !== 'apt' && m !== 'yum' && m !== 'zypper') return null; // before the subcommand: it parses the arguments
  const sub = c.subcommand;
  if (sub === null) return null;
  switch (m) {
    case 'apt': {
      if (!APT_CONFIRMS.has(sub)) return null;
      if (c.hasFlag('-y', '-s', '--force-yes')) return null;
      // `-qq` (quiet level 2) implies -y for apt-get
      const quiet = c.optionUses('-q');
      if (quiet.length >= 2 || quiet.some((o) => /^[2-9]/.test(o.value?.value ?? '') || /=[2-9]$/.test(o.word.value ?? ''))) return null;
      if (optionSaysYes(c.flagValues('-o').map((w) => w.value), /^APT::Get::Assume-Yes$/i)) return null;
      return '-y';
    }
    case 'yum': {
      if (c.tool === 'microdnf') return null; // never prompts
      let confirms = YUM_CONFIRMS.has(sub);
      if (sub === 'group' || sub === 'module') confirms = YUM_GROUP_CONFIRMS.has(c.operands[0]?.value ?? '');
      if (!confirms) return null;
      if (c.hasFlag('-y', '--assumeno')) return null;
      if (optionSaysYes(c.flagValues('--setopt').map((w) => w.value), /^assumeyes$/i)) return null;
      return '-y';
    }
    case 'zypper': {
      if (!ZYPPER_CONFIRMS.has(sub)) return null;
      if (c.hasFlag('-n', '-y')) return null;
      return '-n';
    }
    default:
      return null;
  }
}

export default defineRule({
  meta: {
    id: 'DA605',
    name: 'package-install-not-noninteractive',
    category: 'package-manager',
    severity: 'medium',
    description: 'A package manager command that asks for confirmation runs without its non-interactive flag.',
    needs: { commands: MANAGER_TOOLS },
    messages: {
      interactive: (d: { cmd: string; flag: string }) =>
        `\`${d.cmd}\` asks for confirmation and a build has no terminal to answer it: the build fails or hangs. ${d.flag === '-n' ? 'Add `-n` (`--non-interactive`) before the subcommand, or `-y` after it.' : 'Add `-y`.'}`,
    },
    aliases: ['DL3014', 'DS-0021', 'DL3030', 'DL3038', 'DL3034'],
    fix: 'safe',
  },
  check(model, ctx) {
    // needsConfirmation is null for every command but a package manager's: the index lists just those (not every
    // command of their RUNs), in the same order
    for (const { at, cmd: c } of commandsNamed(model, MANAGER_TOOLS, 'RUN')) {
      const facts = at.facts;
      const flag = needsConfirmation(c);
      if (flag === null || fedYes(c)) continue;
      if (managerOf(c) === 'apt' && aptConfigured(model, facts, c, ASSUME_YES)) continue;
      const range = commandHeadRange(c);
      const sub = c.parsed.subcommand;
      const fix =
        sub !== null && sub.value !== null && sub.raw === sub.value && range.end === sub.range.end
          ? [{ range: { start: range.end, end: range.end }, text: ' -y' }]
          : undefined;
      ctx.report({
        messageId: 'interactive',
        data: { cmd: `${c.name} ${c.subcommand}`, flag },
        range,
        ...(fix ? { fix } : {}),
      });
    }
  },
  docs: {
    why:
      'Without `-y`, `apt-get install` asks "Do you want to continue?" whenever it has to pull in more packages ' +
      'than were named; a build has no terminal, so apt reads end-of-file and aborts. `yum`/`dnf` and `zypper` do ' +
      'the same. Whether the build works then depends on what the mirror holds that day, and a build that ' +
      'passed yesterday fails today.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    fix:
      'Add `-y` (`--yes`, `--assume-yes`) to `apt-get`, `-y` (`--assumeyes`) to `yum`/`dnf`, and `-n` ' +
      '(`--non-interactive`, before the subcommand) or `-y` (`--no-confirm`) to `zypper`. `dockaudit --fix` ' +
      'inserts `-y` after the subcommand.',
    references: ['https://manpages.debian.org/bookworm/apt/apt-get.8.en.html', 'https://docs.docker.com/build/building/best-practices/#apt-get'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'quiet level 2, -o Assume-Yes, yes pipe', code: 'FROM debian:12\nRUN apt-get -qq install curl && apt-get -o APT::Get::Assume-Yes=true install git && yes | apt-get install vim\n' },
      { name: 'Assume-Yes written to apt.conf.d earlier', code: "FROM debian:12\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\nRUN apt-get install curl\n" },
      { name: 'microdnf never prompts; yum with --assumeyes; zypper -n', code: 'FROM fedora:40\nRUN microdnf install git && yum --assumeyes install gcc && zypper --non-interactive in curl\n' },
      { name: 'echoed command and comment', code: 'FROM debian:12\n# apt-get install curl\nRUN echo "run: apt-get install curl"\n' },
      { name: 'queries do not prompt', code: 'FROM debian:12\nRUN apt-get update && apt-get clean && yum makecache\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 38, messageId: 'interactive' }],
        output: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
      },
      {
        name: 'heredoc script',
        code: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n',
        errors: [{ line: 5, column: 1, endLine: 5, endColumn: 16 }],
        output: 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n',
      },
      {
        name: 'ONBUILD trigger',
        code: 'FROM debian:12\nONBUILD RUN apt-get install curl\n',
        errors: [{ line: 2, column: 13, endColumn: 28 }],
        output: 'FROM debian:12\nONBUILD RUN apt-get install -y curl\n',
      },
      {
        name: 'yum, dnf group install, zypper',
        code: 'FROM fedora:40\nRUN yum install httpd && dnf group install "Development Tools"\nRUN zypper install curl\n',
        errors: [
          { line: 2, column: 5, endColumn: 16 },
          { line: 2, column: 26, endColumn: 35 },
          { line: 3, column: 5, endColumn: 19 },
        ],
        output: 'FROM fedora:40\nRUN yum install -y httpd && dnf group -y install "Development Tools"\nRUN zypper install -y curl\n',
      },
    ],
  },
});
