import type { ShellCommand } from '../../shell/index.js';
import type { RuleEnvironment } from '../types.js';
import { defineRule } from '../types.js';
import { commandHeadRange, envSet } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';

function requirementsHaveHashes(env: RuleEnvironment, files: readonly string[]): boolean {
  if (env.readContextFile === undefined || files.length === 0) return false;
  return files.every((f) => {
    const candidates = [f.replace(/^\.\//, ''), f.slice(f.lastIndexOf('/') + 1)];
    return candidates.some((p) => /--hash[=\s]/.test(env.readContextFile!(p) ?? ''));
  });
}

type Kind = 'npm' | 'yarn' | 'pnpm' | 'pip' | 'pipenv';

const LOCKFILE_TOOLS: ReadonlySet<string> = new Set(['npm', 'yarn', 'pnpm', 'pip', 'pipenv']);

export default defineRule({
  meta: {
    id: 'DA611',
    name: 'lockfile-not-used',
    category: 'package-manager',
    severity: 'info',
    description: 'Dependencies are installed in a way that may ignore or rewrite the lockfile instead of installing exactly what it records.',
    needs: { commands: LOCKFILE_TOOLS },
    messages: {
      npm: () => '`npm install` may update `package-lock.json` and install other versions than it records: use `npm ci`, which installs exactly the lockfile (and fails when it is out of date).',
      yarn: () => '`yarn install` without `--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+) may update the lockfile instead of failing when it is out of date.',
      pnpm: () => '`pnpm install` without `--frozen-lockfile` may update `pnpm-lock.yaml` instead of failing when it is out of date.',
      pip: () => '`pip install -r` without `--require-hashes` (and no `--hash` in the requirements file) does not check what it downloads against known hashes.',
      pipenv: () => '`pipenv install` without `--deploy` may re-lock instead of failing when `Pipfile.lock` is out of date: use `pipenv install --deploy` or `pipenv sync`.',
    },
    disabledByDefault: true,
    tags: ['reproducibility'],
  },
  check(model, ctx) {
    for (const { at, cmd: c } of commandsNamed(model, LOCKFILE_TOOLS, 'RUN')) {
      const facts = at.facts;
      const kind = classify(c);
      if (kind === null) continue;
      if (kind === 'pip' && requirementsHaveHashes(ctx.env, c.flagValues('-r').map((w) => w.value ?? ''))) continue;
      if (kind === 'yarn' && envSet(facts, c, 'YARN_ENABLE_IMMUTABLE_INSTALLS')) continue;
      if (kind === 'pipenv' && envSet(facts, c, 'PIPENV_DEPLOY')) continue;
      const head = commandHeadRange(c);
      const range = kind === 'pipenv' ? { start: head.start, end: c.operands[0]!.range.end } : head;
      ctx.report({ messageId: kind, range });
    }
  },
  docs: {
    why:
      'A lockfile records the exact version (and for most tools the hash) of every direct and transitive ' +
      'dependency. `npm install`, `yarn install` and `pnpm install` without their frozen mode treat it as a hint: ' +
      'when it does not match the manifest they resolve again and install something nobody reviewed. ' +
      '`pip install -r requirements.txt` checks no hashes unless asked to. The lockfile-enforcing commands make ' +
      'the build fail instead, so what ships is what was reviewed.',
    bad: 'FROM node:20-slim\nCOPY package.json package-lock.json ./\nRUN npm install\n',
    good: 'FROM node:20-slim\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n',
    fix:
      'Use `npm ci`, `yarn install --frozen-lockfile` (Yarn 1) or `yarn install --immutable` (Yarn 2+), `pnpm ' +
      'install --frozen-lockfile`, `pipenv install --deploy` (or `pipenv sync`), and `pip install --require-hashes ' +
      '-r requirements.txt` with a requirements file generated with hashes (`pip-compile --generate-hashes`, ' +
      '`uv pip compile --generate-hashes`).',
    references: ['https://docs.npmjs.com/cli/commands/npm-ci', 'https://pip.pypa.io/en/stable/topics/secure-installs/'],
  },
  tests: {
    valid: [
      'FROM node:20\nRUN npm ci\n',
      { name: 'frozen modes and explicit packages', code: 'FROM node:20\nRUN yarn install --frozen-lockfile && yarn --immutable && pnpm install --frozen-lockfile && npm install -g pm2@5.4.2\n' },
      { name: 'pip with hashes', code: 'FROM python:3.12\nRUN pip install --require-hashes -r requirements.txt && pip install flask==3.0.3\n' },
      { name: 'requirements file with --hash lines in the context', code: 'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n', files: { 'requirements.txt': 'flask==3.0.3 \\\n    --hash=sha256:00\n' } },
      { name: 'echo, comment, version query', code: 'FROM node:20\n# npm install\nRUN echo "npm install" && pipenv install --deploy && yarn --version\n' },
    ],
    invalid: [
      {
        code: 'FROM node:20\nRUN npm install --omit=dev\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 16, messageId: 'npm' }],
      },
      {
        name: 'yarn, pnpm, pip, pipenv',
        code: 'FROM node:20\nRUN yarn && pnpm i\nRUN pip install -r requirements.txt && pipenv install --system\n',
        errors: [
          { line: 2, column: 5, endColumn: 9, messageId: 'yarn' },
          { line: 2, column: 13, endColumn: 19, messageId: 'pnpm' },
          { line: 3, column: 5, endColumn: 16, messageId: 'pip' },
          { line: 3, column: 40, endColumn: 54, messageId: 'pipenv' },
        ],
      },
    ],
  },
});

function classify(c: ShellCommand): Kind | null {
  const tool = c.tool ?? c.name;
  // the subcommand parses the command's arguments: only for the tools asked about
  if (tool === null || !LOCKFILE_TOOLS.has(tool)) return null;
  const sub = c.subcommand;
  switch (tool) {
    case 'npm':
      return (sub === 'install' || sub === 'i') && c.operands.length === 0 && !c.hasFlag('-g') ? 'npm' : null;
    case 'yarn':
      if (c.options.some((o) => ['-v', '-V', '--version', '-h', '--help'].includes(o.name))) return null;
      return (sub === null || sub === 'install') && c.operands.length === 0 && !c.hasFlag('--frozen-lockfile', '--immutable') ? 'yarn' : null;
    case 'pnpm':
      return (sub === 'install' || sub === 'i') && c.operands.length === 0 && !c.hasFlag('--frozen-lockfile') ? 'pnpm' : null;
    case 'pip':
      return sub === 'install' && c.flagValues('-r').length > 0 && !c.hasFlag('--require-hashes') ? 'pip' : null;
    case 'pipenv':
      // no option spec for pipenv: its subcommand is the first operand
      return c.operands[0]?.value === 'install' && c.operands.length === 1 && !c.hasFlag('--deploy', '--ignore-pipfile') ? 'pipenv' : null;
    default:
      return null;
  }
}
