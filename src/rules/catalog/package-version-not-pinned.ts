import type { ShellCommand, Word } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { installOf, isLocalOrUrl, listNames, MANAGER_TOOLS, packageName, specsOf } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';
import type { Manager, PackageInstall } from '../helpers/packages.js';

/** Names accepted in the `managers` option. */
export const PINNABLE = ['apt', 'apk', 'yum', 'dnf', 'zypper', 'pip', 'npm', 'yarn', 'pnpm', 'gem', 'go'] as const;
export type PinnableManager = (typeof PINNABLE)[number];

interface Options {
  /** Package managers to check (default: all). */
  readonly managers: readonly string[];
}

const EXAMPLE: Readonly<Record<PinnableManager, string>> = {
  apt: '`curl=7.88.1-10+deb12u8`',
  apk: '`curl=8.9.1-r2`',
  yum: '`curl-7.76.1`',
  dnf: '`curl-8.6.0`',
  zypper: '`curl=8.6.0`',
  pip: '`requests==2.32.3`, or a `-r requirements.txt` with pins',
  npm: '`lodash@4.17.21`, or `npm ci` with a lockfile',
  yarn: '`lodash@4.17.21`, or a lockfile',
  pnpm: '`lodash@4.17.21`, or a lockfile',
  gem: '`gem install rails -v 7.2.1`',
  go: '`go install example.com/cmd@v1.2.3`',
};

function optionKey(i: PackageInstall): PinnableManager {
  if (i.manager === 'yum') return i.cmd.tool === 'yum' ? 'yum' : 'dnf';
  return i.manager as PinnableManager;
}

const FLOATING_TAGS = new Set(['latest', 'next', '*', 'x', '', 'master', 'main', 'head', 'canary', 'nightly']);

/** True when a package spec names a version (or is not a repository name at all). */
function pinned(manager: Manager, spec: string, cmd: ShellCommand, groups: boolean): boolean {
  if (isLocalOrUrl(spec)) return true;
  switch (manager) {
    case 'apt':
      return spec.includes('=');
    case 'apk':
      return /[=~<>]/.test(spec);
    case 'yum':
      if (groups) return cmd.subcommand !== 'module' || spec.includes(':');
      return spec.startsWith('@') || /[()<>=]/.test(spec) || /-[0-9]/.test(spec);
    case 'zypper':
      return /[=<>:]/.test(spec);
    case 'pip':
      // `==`, `~=`, `===`, an upper bound, or a direct reference; a lower bound alone (`>=4`) pins nothing
      return /==|~=|<|@/.test(spec);
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      if (!spec.startsWith('@') && spec.includes('/')) return true; // GitHub shorthand `user/repo`
      if (/^[a-z]+:/i.test(spec)) return true; // `github:`, `npm:`, `workspace:`
      const at = spec.indexOf('@', 1);
      return at > 0 && !FLOATING_TAGS.has(spec.slice(at + 1).toLowerCase());
    }
    case 'gem':
      return cmd.hasFlag('-v') || spec.includes(':');
    case 'go': {
      const at = spec.lastIndexOf('@');
      if (at < 0) return true; // version from the module's go.mod (or a local package)
      return !FLOATING_TAGS.has(spec.slice(at + 1).toLowerCase());
    }
    default:
      return true;
  }
}

/** The `managers` option as a set. The engine hands every file the same options (the CLI freezes them, and the
 * default is frozen), so a frozen array's set is made once instead of once per file; an array that may still change
 * gets a fresh set. */
const enabledSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function enabledManagers(managers: readonly string[]): ReadonlySet<string> {
  let set = enabledSets.get(managers);
  if (set === undefined) {
    set = new Set(managers.map((m) => m.toLowerCase()));
    if (Object.isFrozen(managers)) enabledSets.set(managers, set);
  }
  return set;
}

export default defineRule<
  { unpinned: (d: { cmd: string; names: string; count: number; example: string }) => string },
  Options
>({
  meta: {
    id: 'DA607',
    name: 'package-version-not-pinned',
    category: 'package-manager',
    severity: 'info',
    description: 'Packages are installed without a version, so each build may install different code.',
    needs: { commands: MANAGER_TOOLS },
    messages: {
      unpinned: (d) =>
        `\`${d.cmd}\` installs ${d.count === 1 ? 'a package' : `${d.count} packages`} without a version (${d.names}): pin versions, e.g. ${d.example}, so rebuilds are reproducible and reviewed.`,
    },
    aliases: ['DL3008', 'DL3018', 'DL3033', 'DL3041', 'DL3037', 'DL3013', 'DL3016', 'DL3028', 'DL3062'],
    defaultOptions: { managers: Object.freeze([...PINNABLE]) },
    tags: ['reproducibility'],
  },
  check(model, ctx) {
    // installOf is null for every command but a package manager's
    const candidates = commandsNamed(model, MANAGER_TOOLS, 'RUN');
    if (candidates.length === 0) return;
    const enabled = enabledManagers(ctx.options.managers);
    for (const { cmd: c } of candidates) {
      const inst = installOf(c);
      if (inst === null) continue;
      const key = optionKey(inst);
      if (!enabled.has(key)) continue;
      const bad: Word[] = [];
      const names: string[] = [];
      for (const w of inst.packages) {
        // the unpinned specs' names, in order (no filtered and mapped copies per package)
        const specs = specsOf(w);
        const before = names.length;
        for (const v of specs) if (!pinned(inst.manager, v, c, inst.groups)) names.push(packageName(inst.manager, v));
        if (names.length > before) bad.push(w);
      }
      const first = bad[0];
      const last = bad[bad.length - 1];
      if (first === undefined || last === undefined) continue;
      ctx.report({
        messageId: 'unpinned',
        data: {
          cmd: `${c.name} ${c.subcommand ?? ''}`.trim(),
          names: listNames(names),
          count: names.length,
          example: EXAMPLE[key],
        },
        range: { start: first.range.start, end: last.range.end },
      });
    }
  },
  docs: {
    why:
      'An install without versions takes whatever the repository serves on the day of the build. Two builds of the ' +
      'same Dockerfile then contain different code, a compromised or broken release enters the image without any ' +
      'change to review, and a bug cannot be traced to the version that introduced it. Pinned versions turn every ' +
      'upgrade into a visible, reviewable change (tools such as Renovate or Dependabot can propose the bumps).',
    bad: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir requests flask\n',
    good: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt "flask==3.0.3"\n',
    fix:
      'Pin each package: `apt-get install curl=<version>`, `apk add curl=<version>`, `dnf install curl-<version>`, ' +
      '`zypper in curl=<version>`, `pip install pkg==<version>` (or a requirements file with pins or hashes), ' +
      '`npm install pkg@<version>` (or `npm ci` with a lockfile), `gem install pkg -v <version>`, ' +
      '`go install pkg@<version>`. A lower bound alone (`pip install "django>=4"`) pins nothing; `@latest` and ' +
      'similar tags are not versions. Use the `managers` option to check only some package managers, e.g. ' +
      '`{ "managers": ["pip", "npm"] }` when OS packages come from a pinned base image.',
    references: ['https://docs.docker.com/build/building/best-practices/#apt-get', 'https://pip.pypa.io/en/stable/topics/repeatable-installs/'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y curl=7.88.1-10+deb12u8 ./local.deb\n',
      { name: 'pinned in every manager', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r2 "musl>1.2" && pip install "flask==3.0.3" -r req.txt . && npm install lodash@4.17.21 && gem install rails -v 7.2.1 && go install example.com/x/cmd@v1.2.3 && dnf install -y git-2.45.1 @development\n' },
      { name: 'installs from manifests and lockfiles', code: 'FROM node:20\nRUN npm install && npm ci && yarn install --frozen-lockfile && pip install -e . && go install ./cmd/...\n' },
      { name: 'echo, comment and a variable list', code: 'FROM debian:12\n# apt-get install curl\nRUN echo "pip install flask" && apt-get install -y $PACKAGES\n' },
      { name: 'pinned list from a variable', code: 'FROM debian:12\nENV DEPS="curl=7.88 git=1:2.39"\nRUN apt-get install -y $DEPS\n' },
      { name: 'managers option', code: 'FROM debian:12\nRUN apt-get install -y curl\n', options: { managers: ['pip'] } },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get install -y curl ca-certificates=20230311 git\n',
        errors: [{ line: 2, column: 24, endLine: 2, endColumn: 57, messageId: 'unpinned' }],
      },
      {
        name: 'a variable holding several names is split',
        code: 'FROM debian:12\nENV DEPS="curl=7.88 git"\nRUN apt-get install -y $DEPS\n',
        errors: [{ line: 3, column: 24, endColumn: 29 }],
      },
      {
        name: 'pip lower bound only, npm @latest, go @latest, gem, apk, dnf',
        code: 'FROM alpine:3.20\nRUN pip install "django>=4"\nRUN npm i -g npm@latest\nRUN go install golang.org/x/tools/gopls@latest\nRUN gem install bundler\nRUN apk add curl\nRUN dnf install -y python3-devel\n',
        errors: [
          { line: 2, column: 17, endColumn: 28 },
          { line: 3, column: 14, endColumn: 24 },
          { line: 4, column: 16, endColumn: 47 },
          { line: 5, column: 17, endColumn: 24 },
          { line: 6, column: 13, endColumn: 17 },
          { line: 7, column: 20, endColumn: 33 },
        ],
      },
    ],
  },
});
