import { defineRule } from '../types.js';
import { commandsNamed } from '../helpers/command-index.js';

/** `apt` subcommands that `apt-get` runs the same way (the fix rewrites only these). */
const SAME_IN_APT_GET = new Set(['install', 'remove', 'purge', 'update', 'autoremove', 'autoclean', 'clean', 'source', 'build-dep', 'download', 'satisfy', 'reinstall']);

const APT: ReadonlySet<string> = new Set(['apt']);

export default defineRule({
  meta: {
    id: 'DA604',
    name: 'apt-instead-of-apt-get',
    category: 'package-manager',
    severity: 'low',
    description: 'The interactive `apt` front end is used in a build script, where `apt-get` has a stable interface.',
    needs: { commands: APT },
    messages: {
      useAptGet: (d: { sub: string }) =>
        `\`apt${d.sub ? ' ' + d.sub : ''}\` is meant for interactive use and its CLI is not stable in scripts: use \`apt-get${d.sub ? ' ' + d.sub : ''}\` (or \`apt-cache\` for queries).`,
    },
    aliases: ['DL3027', 'CKV_DOCKER_9'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const { cmd: c } of commandsNamed(model, APT, 'RUN')) {
      if (c.name !== 'apt' || c.nameWord === null) continue;
      const sub = c.subcommand ?? '';
      const w = c.nameWord;
      const literal = w.raw === 'apt' && model.source.slice(w.range) === 'apt';
      const fixable = literal && SAME_IN_APT_GET.has(sub);
      ctx.report({
        messageId: 'useAptGet',
        data: { sub },
        range: w.range,
        ...(fixable ? { fix: [{ range: w.range, text: 'apt-get' }] } : {}),
      });
    }
  },
  docs: {
    why:
      '`apt` is the front end for people at a terminal: its output, progress bars and defaults may change between ' +
      'releases, and it prints "WARNING: apt does not have a stable CLI interface. Use with caution in scripts." ' +
      'A build that depends on it can break or behave differently after a base-image update. `apt-get` and ' +
      '`apt-cache` keep a stable interface for scripts.',
    bad: 'FROM debian:12\nRUN apt update && apt install -y curl\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
    fix:
      'Replace `apt` by `apt-get` (`apt search`/`apt show` become `apt-cache search`/`apt-cache show`). ' +
      '`dockaudit --fix` rewrites `apt install`, `apt update`, `apt remove` and the other subcommands that `apt-get` ' +
      'runs the same way.',
    references: ['https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'apt in a comment, an echo and a package name', code: 'FROM debian:12\n# apt install curl\nRUN echo "apt install x" && apt-get install -y apt apt-utils\n' },
      { name: 'apt-cache and paths', code: 'FROM debian:12\nRUN apt-cache policy curl && ls /usr/lib/apt\n' },
      { name: 'label', code: 'FROM debian:12\nLABEL note="apt install"\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt update && apt install -y curl\n',
        errors: [
          { line: 2, column: 5, endLine: 2, endColumn: 8, messageId: 'useAptGet' },
          { line: 2, column: 19, endLine: 2, endColumn: 22, messageId: 'useAptGet' },
        ],
        output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      },
      {
        name: 'through sudo; `apt list` is reported but not rewritten',
        code: 'FROM ubuntu:24.04\nRUN sudo apt list --installed && sudo apt-get clean\n',
        errors: [{ line: 2, column: 10, endColumn: 13 }],
        output: 'FROM ubuntu:24.04\nRUN sudo apt list --installed && sudo apt-get clean\n',
      },
    ],
  },
});
