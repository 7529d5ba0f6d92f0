import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { aptConfigured, commandHeadRange, inFinalImage } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';

const NO_RECOMMENDS = /Install-Recommends\W+(?:0|false|no|off)\b/i;

function hasNoRecommends(c: ShellCommand): boolean {
  if (c.hasFlag('--no-install-recommends')) return true;
  if (c.name === 'aptitude' && c.hasFlag('-R')) return true;
  return c.flagValues('-o').some((w) => NO_RECOMMENDS.test(w.value ?? ''));
}

const APT: ReadonlySet<string> = new Set(['apt-get', 'apt', 'aptitude']);

export default defineRule({
  meta: {
    id: 'DA606',
    name: 'apt-install-recommends',
    category: 'package-manager',
    severity: 'info',
    description: 'An apt install in the final image also installs every recommended package.',
    needs: { commands: APT },
    messages: {
      recommends: (d: { cmd: string }) =>
        `\`${d.cmd}\` also installs recommended packages: more code and attack surface than needed. Add \`--no-install-recommends\` and name what you need.`,
    },
    aliases: ['DL3015', 'DS-0029'],
    fix: 'unsafe',
  },
  check(model, ctx) {
    // the apt commands themselves (not every command of their RUNs), in file order
    for (const { at, cmd: c } of commandsNamed(model, APT, 'RUN')) {
      const facts = at.facts;
      if (c.name !== 'apt-get' && c.name !== 'apt' && c.name !== 'aptitude') continue;
      if (!inFinalImage(model, facts) || c.subcommand !== 'install') continue;
      if (hasNoRecommends(c) || aptConfigured(model, facts, c, NO_RECOMMENDS)) continue;
      const range = commandHeadRange(c);
      const sub = c.parsed.subcommand;
      const fixable = sub !== null && sub.raw === 'install' && range.end === sub.range.end && c.name !== 'aptitude';
      const data = { cmd: `${c.name} install` };
      // two literals rather than a conditional spread (a copy per finding; most apt installs are reported)
      if (fixable) ctx.report({ messageId: 'recommends', data, range, fix: [{ range: { start: range.end, end: range.end }, text: ' --no-install-recommends' }] });
      else ctx.report({ messageId: 'recommends', data, range });
    }
  },
  docs: {
    why:
      'By default apt installs the packages a package *recommends*, not only what it *depends* on: `apt-get install ' +
      'git` also brings in an SSH client, Perl modules and more. Each extra package is code in the image that ' +
      'scanners report, that may carry vulnerabilities and that an attacker can use, and it makes the image ' +
      'bigger. Only stages that end up in the final image are checked; builder stages are left alone.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    fix:
      'Add `--no-install-recommends` to `apt-get install` (or set `APT::Install-Recommends "false";` in a file ' +
      'under `/etc/apt/apt.conf.d/` once), then add explicitly any recommended package the image really needs. ' +
      'The fix inserts the flag; it is marked unsafe because a program may rely on a recommended package.',
    references: ['https://docs.docker.com/build/building/best-practices/#apt-get', 'https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n',
      { name: '-o option and apt.conf.d written earlier', code: "FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y git\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec\nRUN apt-get install -y curl\n" },
      { name: 'configuration copied into /etc/apt', code: 'FROM debian:12\nCOPY 99norecommends /etc/apt/apt.conf.d/\nRUN apt-get install -y curl\n' },
      { name: 'builder stage only', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM gcr.io/distroless/static\nCOPY --from=build /out /out\n' },
      { name: 'echo and comment', code: 'FROM debian:12\n# apt-get install -y curl\nRUN echo apt-get install -y curl\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 38, messageId: 'recommends' }],
        output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
      },
      {
        name: 'a sources.list copied into /etc/apt says nothing about recommends',
        code: 'FROM debian:12\nCOPY sources.list /etc/apt/sources.list\nRUN apt-get install -y curl\n',
        errors: [{ line: 3, column: 5, endColumn: 20 }],
        output: 'FROM debian:12\nCOPY sources.list /etc/apt/sources.list\nRUN apt-get install --no-install-recommends -y curl\n',
      },
      {
        name: 'the setting written later does not count; parent stage of the final one',
        code: "FROM debian:12 AS base\nRUN apt-get -y install curl\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec\nFROM base\nRUN echo done\n",
        errors: [{ line: 2, column: 5, endColumn: 23 }],
        output: "FROM debian:12 AS base\nRUN apt-get -y install --no-install-recommends curl\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec\nFROM base\nRUN echo done\n",
      },
    ],
  },
});
