import { defineRule } from '../types.js';
import { commandHeadRange, MANAGER_TOOLS, managerOf } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';
import type { Manager } from '../helpers/packages.js';

/** Subcommands that upgrade every installed package when given no package names. */
const UPGRADE: Partial<Record<Manager, readonly string[]>> = {
  apt: ['upgrade', 'dist-upgrade', 'full-upgrade', 'safe-upgrade'],
  apk: ['upgrade'],
  yum: ['update', 'upgrade', 'distro-sync', 'distrosync', 'dist-upgrade', 'update-minimal', 'upgrade-minimal'],
  zypper: ['update', 'up', 'dist-upgrade', 'dup'],
};

export default defineRule({
  meta: {
    id: 'DA603',
    name: 'package-upgrade-in-build',
    category: 'package-manager',
    severity: 'info',
    description: 'All installed packages are upgraded during the build, which makes the image depend on the day it was built.',
    needs: { commands: MANAGER_TOOLS },
    messages: {
      upgradeAll: (d: { cmd: string }) =>
        `\`${d.cmd}\` upgrades every package to whatever the mirror serves today: the image is not reproducible. Prefer a newer, pinned base image (rebuilt regularly), or upgrade only the packages you need.`,
    },
    aliases: ['DL3035', 'DS-0024', 'DL3005', 'DL3017', 'DL3031', 'DL3039'],
  },
  check(model, ctx) {
    for (const { cmd: c } of commandsNamed(model, MANAGER_TOOLS, 'RUN')) {
      const m = managerOf(c);
      if (m === null) continue; // before the subcommand: finding it parses the arguments
      const sub = c.subcommand;
      if (sub === null || !(UPGRADE[m] ?? []).includes(sub)) continue;
      // with package names it is a targeted update (`yum update openssl`), not a blanket upgrade
      if (c.operands.length > 0) continue;
      const range = commandHeadRange(c);
      ctx.report({ messageId: 'upgradeAll', data: { cmd: `${c.name} ${sub}` }, range });
    }
  },
  docs: {
    why:
      'An upgrade of every package inside the build pulls whatever versions the mirrors serve on the day of the ' +
      'build: two builds of the same Dockerfile give different images, a broken update lands silently, and the ' +
      'base image maintainers\' tested combination is replaced by an untested one. Keeping up with security fixes ' +
      'is better done by rebuilding on a fresh, pinned base image, which the base image publishers update for ' +
      'exactly that purpose.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n',
    good: 'FROM debian:12.8\nRUN apt-get update && apt-get install -y --only-upgrade openssl\n',
    fix:
      'Remove the blanket upgrade and bump the base image tag (or digest) instead; rebuild regularly. When one ' +
      'package needs a fix before the base image has it, upgrade only that package (`apt-get install ' +
      '--only-upgrade pkg`, `apk add --upgrade pkg`, `dnf upgrade pkg`).',
    references: ['https://docs.docker.com/build/building/best-practices/#apt-get'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'targeted updates', code: 'FROM fedora:40\nRUN dnf -y update openssl && zypper up -y libz1\nRUN apk upgrade musl\n' },
      { name: 'echo and comment', code: 'FROM debian:12\n# apt-get upgrade\nRUN echo "apt-get upgrade" && pip install --upgrade pip\n' },
      { name: 'apk add --upgrade is targeted', code: 'FROM alpine:3.20\nRUN apk add --no-cache --upgrade openssl\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 46, messageId: 'upgradeAll' }],
      },
      {
        name: 'apk, yum and zypper',
        code: 'FROM alpine:3.20\nRUN apk -U upgrade\nRUN yum update -y && microdnf upgrade\nRUN zypper -n dup\n',
        errors: [
          { line: 2, column: 5, endColumn: 19 },
          { line: 3, column: 5, endColumn: 15 },
          { line: 3, column: 22, endColumn: 38 },
          { line: 4, column: 5, endColumn: 18 },
        ],
      },
    ],
  },
});
