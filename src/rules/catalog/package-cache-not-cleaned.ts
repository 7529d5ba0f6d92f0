import type { DockerfileModel } from '../../model/types.js';
import type { RunInstruction } from '../../parser/ast.js';
import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { anyRemoves, commandHeadRange, inFinalImage, installOf, MANAGER_TOOLS, managerOf, mountCovers } from '../helpers/packages.js';
import { runsRunning } from '../helpers/command-index.js';

type CacheKind = 'apt' | 'apk' | 'yum' | 'zypper' | 'yarn';

const YUM_CACHES = ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5', '/var/cache/tdnf'];
const YARN_CACHES = ['/usr/local/share/.cache/yarn', '/root/.cache/yarn', '/root/.yarn/berry/cache'];
const YUM_WRITES = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'makecache', 'group', 'module', 'distro-sync', 'downgrade']);

/** The cache kind a command fills, or null. */
function fills(c: ShellCommand): CacheKind | null {
  if ((c.name === 'add-apt-repository' || c.name === 'apt-add-repository') && !c.args.some((w) => w.value === '-n' || w.value === '--no-update')) return 'apt';
  const m = managerOf(c);
  if (m === null) return null; // before the subcommand: finding it parses the arguments
  const sub = c.subcommand;
  switch (m) {
    case 'apt':
      // the lists are written by `apt-get update` (and add-apt-repository): an install alone adds none
      return (sub === 'update' && c.name !== 'aptitude') || (sub === 'install' && c.hasFlag('--update')) ? 'apt' : null;
    case 'apk':
      return (sub === 'add' || sub === 'update' || sub === 'upgrade') && !c.hasFlag('--no-cache', '--no-network') ? 'apk' : null;
    case 'yum':
      return sub !== null && YUM_WRITES.has(sub) ? 'yum' : null;
    case 'zypper':
      return installOf(c) !== null || sub === 'update' || sub === 'up' || sub === 'dup' || sub === 'dist-upgrade' ? 'zypper' : null;
    case 'yarn':
      return installOf(c) !== null ? 'yarn' : null;
    default:
      return null;
  }
}

function isClean(c: ShellCommand, kind: CacheKind): boolean {
  // every kind is cleaned by its own manager: test that before parsing arguments (this runs for every command)
  if (managerOf(c) !== kind) return false;
  const sub = c.subcommand;
  switch (kind) {
    case 'apt':
      return sub === 'distclean' || sub === 'dist-clean';
    case 'apk': {
      const op = c.operands[0]?.value;
      return sub === 'cache' && (op === 'clean' || op === 'purge');
    }
    case 'yum': {
      if (sub !== 'clean') return false;
      const ops = c.operands.map((w) => w.value);
      return ops.includes('all') || (ops.includes('packages') && ops.includes('metadata'));
    }
    case 'zypper':
      return sub === 'clean' || sub === 'cc';
    case 'yarn':
      return sub === 'cache' && c.operands[0]?.value === 'clean';
  }
}

function cleaned(model: DockerfileModel, run: RunInstruction, commands: readonly ShellCommand[], kind: CacheKind, first: ShellCommand): boolean {
  if (commands.some((c) => isClean(c, kind))) return true;
  const dirs =
    kind === 'apt' ? ['/var/lib/apt/lists'] : kind === 'apk' ? ['/var/cache/apk', '/etc/apk/cache'] : kind === 'yum' ? YUM_CACHES : kind === 'zypper' ? ['/var/cache/zypp'] : YARN_CACHES;
  if (kind === 'yum') {
    // each tool's own cache directory (a mount over /var/cache/dnf covers dnf but not yum)
    const own = first.tool === 'yum' ? ['/var/cache/yum', '/var/cache/dnf'] : first.tool === 'dnf5' ? ['/var/cache/libdnf5'] : first.tool === 'tdnf' ? ['/var/cache/tdnf'] : ['/var/cache/dnf', '/var/cache/yum'];
    if (own.some((d) => mountCovers(model, run, d))) return true;
  } else if (dirs.some((d) => mountCovers(model, run, d))) return true;
  if (dirs.some((d) => anyRemoves(commands, d))) return true;
  if (kind === 'yarn') {
    // `--cache-folder` into a cache mount, or any cache mount whose target names yarn
    const folder = first.flagValue('--cache-folder')?.value;
    if (folder && (mountCovers(model, run, folder) || anyRemoves(commands, folder))) return true;
    if (run.flags.some((f) => f.name.toLowerCase() === 'mount' && /type=cache/i.test(f.value ?? '') && /yarn/i.test(f.value ?? ''))) return true;
    // Yarn ≥ 2 keeps its cache inside the project by design (`.yarn/cache`); `yarn install --immutable` marks it
    if (first.hasFlag('--immutable', '--immutable-cache')) return true;
  }
  return false;
}

const CLEANUP: Readonly<Record<CacheKind, string>> = {
  apt: '`&& rm -rf /var/lib/apt/lists/*` at the end of this RUN',
  apk: '`--no-cache` to `apk add`',
  yum: '`&& <tool> clean all` at the end of this RUN',
  zypper: '`&& zypper clean --all` at the end of this RUN',
  yarn: '`&& yarn cache clean` at the end of this RUN',
};
const WHERE: Readonly<Record<CacheKind, string>> = {
  apt: 'the package lists in /var/lib/apt/lists',
  apk: 'the package index in /var/cache/apk',
  yum: 'its metadata and package cache in /var/cache',
  zypper: 'its package cache in /var/cache/zypp',
  yarn: 'a copy of every package in the yarn cache',
};

/** The commands `fills` can be non-null for. */
const FILLERS: ReadonlySet<string> = new Set([...MANAGER_TOOLS, 'add-apt-repository', 'apt-add-repository']);

export default defineRule({
  meta: {
    id: 'DA602',
    name: 'package-cache-not-cleaned',
    category: 'package-manager',
    severity: 'low',
    description: 'A RUN that installs packages in the final image leaves the package manager cache in the layer.',
    needs: { commands: FILLERS },
    messages: {
      apt: (d: { cmd: string }) => `\`${d.cmd}\` leaves ${WHERE.apt} (fetched by \`apt-get update\` in this RUN) in the layer: add ${CLEANUP.apt}, or use a cache mount.`,
      apk: (d: { cmd: string }) => `\`${d.cmd}\` without \`--no-cache\` leaves ${WHERE.apk} in the layer: add ${CLEANUP.apk}.`,
      yum: (d: { cmd: string; tool: string }) => `\`${d.cmd}\` leaves ${WHERE.yum} in the layer: add \`&& ${d.tool} clean all\` at the end of this RUN, or use a cache mount.`,
      zypper: (d: { cmd: string }) => `\`${d.cmd}\` leaves ${WHERE.zypper} in the layer: add ${CLEANUP.zypper}, or use a cache mount.`,
      yarn: (d: { cmd: string }) => `\`${d.cmd}\` leaves ${WHERE.yarn} in the layer: add ${CLEANUP.yarn}, or use a cache mount.`,
    },
    aliases: ['DL3009', 'DL3019', 'DS-0025', 'DL3032', 'DS-0015', 'DL3040', 'DS-0019', 'DS-0027', 'DL3036', 'DS-0020', 'DL3060'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const { facts, run, commands } of runsRunning(model, FILLERS)) {
      if (!inFinalImage(model, facts)) continue;
      const seen = new Set<CacheKind>();
      for (const c of commands) {
        const kind = fills(c);
        if (kind === null || seen.has(kind)) continue;
        seen.add(kind);
        if (cleaned(model, run, commands, kind, c)) continue;
        // apt: point at the install that the lists were fetched for, when there is one
        const at = kind === 'apt' ? (commands.find((x) => x.id > c.id && managerOf(x) === 'apt' && installOf(x) !== null) ?? c) : c;
        const range = commandHeadRange(at);
        const cmd = `${at.name}${at.subcommand ? ' ' + at.subcommand : ''}`;
        const sub = c.parsed.subcommand;
        const data = { cmd, tool: c.name ?? 'yum' };
        // two literals rather than a conditional spread (a copy per finding)
        if (kind === 'apk' && sub !== null && sub.raw === 'add' && range.end === sub.range.end) {
          ctx.report({ messageId: kind, data, range, fix: [{ range: { start: range.end, end: range.end }, text: ' --no-cache' }] });
        } else ctx.report({ messageId: kind, data, range });
      }
    }
  },
  docs: {
    why:
      'Package managers keep their indexes and downloaded packages on disk. Deleting them in a later RUN does not ' +
      'help: the files stay in the earlier layer, so every pull downloads them and every scan reads them. Stale ' +
      'indexes in the image also make a later install in a derived image pick outdated packages. Only stages ' +
      'whose files end up in the final image are checked, and a RUN whose cache directory is a ' +
      '`--mount=type=cache` (or tmpfs) target is fine: nothing is written to the layer. For apt the finding is on ' +
      'the RUN that fetches the lists (`apt-get update`, `add-apt-repository`, `apt-get install --update`): an ' +
      'install alone writes none, and removing lists fetched by an earlier RUN would not shrink that layer.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    good:
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n' +
      'RUN --mount=type=cache,target=/var/lib/apt/lists --mount=type=cache,target=/var/cache/apt \\\n    apt-get update && apt-get install -y --no-install-recommends git\n',
    fix:
      'Clean up in the same RUN that installs: `rm -rf /var/lib/apt/lists/*` for apt, `apk add --no-cache` for ' +
      'apk, `yum clean all` / `dnf clean all` / `microdnf clean all`, `zypper clean --all`, `yarn cache clean`. ' +
      'With BuildKit, a cache mount on the cache directory (`RUN --mount=type=cache,target=/var/cache/apt …`) keeps ' +
      'the cache out of the image and speeds up rebuilds. `dockaudit --fix` adds `--no-cache` to `apk add`.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
    ],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
      { name: 'cache mounts', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\nRUN --mount=type=cache,target=/root/.cache/yarn yarn install\n' },
      { name: 'apk --no-cache, dnf clean all, zypper clean', code: 'FROM fedora:40\nRUN apk add --no-cache curl\nRUN dnf install -y git && dnf clean all\nRUN zypper -n in curl && zypper cc -a\n' },
      { name: 'builder stage', code: 'FROM node:20 AS build\nRUN yarn install && yarn build\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n' },
      { name: 'echo and comment', code: 'FROM debian:12\n# apt-get install curl\nRUN echo "apt-get install -y curl" > /notes\n' },
      { name: 'install without update writes no lists; apk --no-network; yarn --version', code: 'FROM debian:12\nRUN apt-get install -y ./local.deb\nRUN apk add --no-network --virtual .rundeps $deps\nRUN yarn --version\n' },
      { name: 'find -delete and rm of a parent folder', code: 'FROM fedora:40\nRUN yum -y install git && rm -rf /var/cache/*\nRUN apt-get update && apt-get install -y x && find /var/lib/apt/lists -type f -delete\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 38, messageId: 'apt' }],
      },
      {
        name: 'cleaning in a later RUN does not help; apk add is fixed',
        code: 'FROM alpine:3.20\nRUN apk update && apk add curl\nRUN rm -rf /var/cache/apk/*\n',
        errors: [{ line: 2, column: 5, endColumn: 15, messageId: 'apk' }],
        output: 'FROM alpine:3.20\nRUN apk update && apk add curl\nRUN rm -rf /var/cache/apk/*\n',
      },
      {
        name: 'apk add alone, yum, yarn',
        code: 'FROM alpine:3.20\nRUN apk add curl\nRUN microdnf install git\nRUN yarn install --production\n',
        errors: [
          { line: 2, column: 5, endColumn: 12, messageId: 'apk' },
          { line: 3, column: 5, endColumn: 21, messageId: 'yum' },
          { line: 4, column: 5, endColumn: 17, messageId: 'yarn' },
        ],
        output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN microdnf install git\nRUN yarn install --production\n',
      },
      {
        name: 'a cache mount over another folder does not count',
        code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n',
        errors: [{ line: 2, column: 64, endColumn: 79, messageId: 'apt' }],
      },
    ],
  },
});
