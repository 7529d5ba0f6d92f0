import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { cacheMountTargets, commandHeadRange, envSet, inFinalImage, installOf, isWithin, MANAGER_TOOLS } from '../helpers/packages.js';
import { runsRunning } from '../helpers/command-index.js';

/** `~/.cache/pip`, `/root/.cache`, `$HOME/.cache/*`: folders that hold pip's (or uv's) cache. */
const CACHE_PATH = /(?:^|\/)\.cache(?:\/(?:pip|uv))?\/?\*?$/;

function isUv(c: ShellCommand): boolean {
  return c.wrappers.some((w) => w.name === 'uv');
}

function purges(c: ShellCommand, dirs: readonly string[]): boolean {
  if (c.tool === 'pip' && c.subcommand === 'cache' && (c.operands[0]?.value === 'purge' || c.operands[0]?.value === 'remove')) return true;
  if (c.name === 'uv' && c.args[0]?.value === 'cache' && (c.args[1]?.value === 'clean' || c.args[1]?.value === 'prune')) return true;
  if (c.name !== 'rm') return false;
  return c.operands.some((w) => {
    const v = w.value ?? w.raw;
    return CACHE_PATH.test(v) || dirs.some((d) => isWithin(d, v.replace(/\/?\*$/, '')));
  });
}

export default defineRule({
  meta: {
    id: 'DA609',
    name: 'pip-cache-not-disabled',
    category: 'package-manager',
    severity: 'info',
    description: '`pip install` in the final image keeps its download cache in the layer.',
    needs: { commands: MANAGER_TOOLS },
    messages: {
      pipCache: (d: { cmd: string; flag: string }) =>
        `\`${d.cmd}\` stores every downloaded package in the pip cache inside the layer: add \`${d.flag}\`, set \`PIP_NO_CACHE_DIR=1\`, or use a cache mount on the cache folder.`,
    },
    aliases: ['DL3042'],
    fix: 'safe',
  },
  check(model, ctx) {
    // installOf is null for every command but a package manager's
    for (const { facts, run, commands } of runsRunning(model, MANAGER_TOOLS)) {
      if (!inFinalImage(model, facts)) continue;
      const targets = cacheMountTargets(model, run);
      for (const c of commands) {
        const inst = installOf(c);
        if (inst === null || inst.manager !== 'pip') continue;
        const uv = isUv(c);
        if (c.hasFlag('--no-cache-dir')) continue;
        // any value disables the cache (pip reads even PIP_NO_CACHE_DIR=off as "no cache")
        const envName = uv ? 'UV_NO_CACHE' : 'PIP_NO_CACHE_DIR';
        if (envSet(facts, c, envName)) continue;
        if (commands.some((x) => x.name === 'export' && x.args.some((w) => (w.value ?? w.prefix).startsWith(envName + '=')))) continue;
        const dirs: string[] = [];
        const flagDir = c.flagValue('--cache-dir')?.value;
        if (flagDir) dirs.push(flagDir);
        const envDir = facts.scope.vars.get(uv ? 'UV_CACHE_DIR' : 'PIP_CACHE_DIR')?.value;
        if (typeof envDir === 'string' && envDir !== '') dirs.push(envDir);
        const mounted = targets.some((t) => CACHE_PATH.test(t) || /(?:^|\/)(?:pip|uv)(?:-cache)?$/.test(t) || dirs.some((d) => isWithin(d, t)));
        if (mounted || commands.some((x) => purges(x, dirs))) continue;
        const flag = uv ? '--no-cache' : '--no-cache-dir';
        const range = commandHeadRange(c);
        const sub = c.parsed.subcommand;
        const fixable = sub !== null && sub.raw === 'install' && range.end === sub.range.end;
        ctx.report({
          messageId: 'pipCache',
          data: { cmd: `${uv ? 'uv pip' : c.name} install`, flag },
          range,
          ...(fixable ? { fix: [{ range: { start: range.end, end: range.end }, text: ` ${flag}` }] } : {}),
        });
      }
    }
  },
  docs: {
    why:
      'pip keeps a copy of every wheel and source archive it downloads in `~/.cache/pip`. In an image that cache ' +
      'is dead weight: often tens or hundreds of megabytes that every pull downloads and every scanner reads, and ' +
      'deleting it in a later RUN does not shrink the earlier layer. Only stages whose files end up in the final ' +
      'image are checked.',
    bad: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n',
    good:
      'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n' +
      'RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn==22.0.0\n',
    fix:
      'Add `--no-cache-dir` to `pip install` (`--no-cache` for `uv pip install`), or set `ENV PIP_NO_CACHE_DIR=1` ' +
      'once, or, with BuildKit, mount a cache on the cache folder (`RUN --mount=type=cache,target=/root/.cache/pip ' +
      'pip install …`), which also speeds up rebuilds. `dockaudit --fix` inserts `--no-cache-dir`.',
    references: ['https://pip.pypa.io/en/stable/topics/caching/', 'https://docs.docker.com/build/cache/optimize/#use-cache-mounts'],
  },
  tests: {
    valid: [
      'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n',
      { name: 'ENV and inline variable', code: 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\nRUN PIP_NO_CACHE_DIR=off pip3 install gunicorn\n' },
      { name: 'exported in the script', code: 'FROM python:3.12\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n' },
      { name: 'cache mount and purge', code: 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install flask\nRUN pip install x && pip cache purge\nRUN pip install y && rm -rf ~/.cache/pip\n' },
      { name: 'builder stage', code: 'FROM python:3.12 AS build\nRUN pip install --prefix=/install flask\nFROM python:3.12-slim\nCOPY --from=build /install /usr/local\n' },
      { name: 'echo and comment', code: 'FROM python:3.12\n# pip install flask\nRUN echo "pip install flask" && pip download flask\n' },
    ],
    invalid: [
      {
        code: 'FROM python:3.12\nRUN pip install -r requirements.txt\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 16, messageId: 'pipCache' }],
        output: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n',
      },
      {
        name: 'python -m pip and uv pip; a later cleanup RUN does not count',
        code: 'FROM python:3.12\nRUN python3 -m pip install -U pip && uv pip install --system flask\nRUN rm -rf /root/.cache\n',
        errors: [
          { line: 2, column: 16, endColumn: 27 },
          { line: 2, column: 41, endColumn: 52 },
        ],
        output: 'FROM python:3.12\nRUN python3 -m pip install --no-cache-dir -U pip && uv pip install --no-cache --system flask\nRUN rm -rf /root/.cache\n',
      },
    ],
  },
});
