import { stageChain } from '../../model/build.js';
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { commandHeadRange, inFinalImage, isWithin, runCommands } from '../helpers/packages.js';

const NO_RECOMMENDS = /Install-Recommends\W+(?:0|false|no|off)\b/i;

function mentionsNoRecommends(c: ShellCommand): boolean {
  return c.args.some((w) => NO_RECOMMENDS.test(w.value ?? w.raw)) || c.redirects.some((r) => r.heredoc !== null && NO_RECOMMENDS.test(r.heredoc));
}

/** True when apt is configured (before `at`, in the stages whose files `at` sees) not to install recommends. */
function configuredOff(model: DockerfileModel, at: InstructionFacts, cmd: ShellCommand): boolean {
  const stage = at.stage === null ? null : model.stages[at.stage];
  if (!stage) return false;
  const chain = new Set(stageChain(model, stage).map((s) => s.index));
  for (const f of model.instructions) {
    if (f.index > at.index) break;
    if (f.stage === null || !chain.has(f.stage) || f.onbuild !== null) continue;
    const i = f.instruction;
    if ((i.kind === 'COPY' || i.kind === 'ADD') && i.destination !== null && isWithin(i.destination.value, '/etc/apt')) return true;
    if (i.kind !== 'RUN') continue;
    for (const s of f.shell ?? []) {
      for (const c of s.all) {
        if (f === at && c.id >= cmd.id && s.all.includes(cmd)) break;
        if (mentionsNoRecommends(c)) return true;
      }
    }
  }
  return false;
}

function hasNoRecommends(c: ShellCommand): boolean {
  if (c.hasFlag('--no-install-recommends')) return true;
  if (c.name === 'aptitude' && c.hasFlag('-R')) return true;
  return c.flagValues('-o').some((w) => NO_RECOMMENDS.test(w.value ?? ''));
}

export default defineRule({
  meta: {
    id: 'DA606',
    name: 'apt-install-recommends',
    category: 'package-manager',
    severity: 'info',
    description: 'An apt install in the final image also installs every recommended package.',
    messages: {
      recommends: (d: { cmd: string }) =>
        `\`${d.cmd}\` also installs recommended packages: more code and attack surface than needed. Add \`--no-install-recommends\` and name what you need.`,
    },
    aliases: ['DL3015', 'DS-0029'],
    fix: 'unsafe',
  },
  check(model, ctx) {
    for (const { facts, commands } of runCommands(model)) {
      if (!inFinalImage(model, facts)) continue;
      for (const c of commands) {
        if ((c.name !== 'apt-get' && c.name !== 'apt' && c.name !== 'aptitude') || c.subcommand !== 'install') continue;
        if (hasNoRecommends(c) || configuredOff(model, facts, c)) continue;
        const range = commandHeadRange(c);
        const sub = c.parsed.subcommand;
        const fixable = sub !== null && sub.raw === 'install' && range.end === sub.range.end && c.name !== 'aptitude';
        ctx.report({
          messageId: 'recommends',
          data: { cmd: `${c.name} install` },
          range,
          ...(fixable ? { fix: [{ range: { start: range.end, end: range.end }, text: ' --no-install-recommends' }] } : {}),
        });
      }
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
        name: 'the setting written later does not count; parent stage of the final one',
        code: "FROM debian:12 AS base\nRUN apt-get -y install curl\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec\nFROM base\nRUN echo done\n",
        errors: [{ line: 2, column: 5, endColumn: 23 }],
        output: "FROM debian:12 AS base\nRUN apt-get -y install --no-install-recommends curl\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norec\nFROM base\nRUN echo done\n",
      },
    ],
  },
});
