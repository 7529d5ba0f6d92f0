import { defineRule } from '../types.js';
import { commandsNamed } from '../helpers/command-index.js';

interface Options {
  /** UIDs at or above this value make the sparse lastlog/faillog files large enough to bloat the layer. */
  readonly minUid: number;
}

const USERADD: ReadonlySet<string> = new Set(['useradd']);

export default defineRule<{ largeUid: (d: { uid: string }) => string }, Options>({
  meta: {
    id: 'DA309',
    name: 'useradd-without-l',
    category: 'privileges',
    severity: 'low',
    description: '`useradd` with a large UID and without `-l`/`--no-log-init` writes huge lastlog and faillog files into the layer.',
    needs: { commands: USERADD },
    messages: {
      largeUid: (d: { uid: string }) =>
        `useradd -u ${d.uid} without \`-l\` (\`--no-log-init\`) grows /var/log/lastlog and faillog to the size of the UID range (gigabytes for large UIDs): add \`-l\`.`,
    },
    aliases: ['DL3046'],
    defaultOptions: { minUid: 65536 },
  },
  check(model, ctx) {
    for (const { cmd: c } of commandsNamed(model, USERADD, 'RUN')) {
      if (c.name !== 'useradd' || c.hasFlag('-l')) continue;
      const uid = c.flagValue('-u');
      if (uid === null || uid.value === null || !/^[0-9]+$/.test(uid.value)) continue;
      if (Number(uid.value) < ctx.options.minUid) continue;
      ctx.report({ messageId: 'largeUid', data: { uid: uid.value }, range: uid.range });
    }
  },
  docs: {
    why:
      '`useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files indexed by UID. On a ' +
      'filesystem the files are sparse, but a container layer stores them in full: a UID in the millions makes ' +
      'the layer gigabytes large, and some builders run out of space or time (a known Go archive/tar issue).',
    bad: 'FROM debian:12\nRUN useradd -u 1000000 app\n',
    good: 'FROM debian:12\nRUN useradd -l -u 1000000 app\n',
    fix: 'Add `-l` (`--no-log-init`) to `useradd`, or use a UID below 65536.',
    references: ['https://github.com/golang/go/issues/13548'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN useradd -u 1000 app\n',
      { name: 'with --no-log-init', code: 'FROM debian:12\nRUN useradd --no-log-init -u 1000000 app\n' },
      { name: 'echoed, and a dynamic UID', code: 'FROM debian:12\nARG UID\nRUN echo useradd -u 99999999 x && useradd -u "$UID" app\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN useradd -u 1000000 app\n',
        errors: [{ line: 2, column: 16, endLine: 2, endColumn: 23, messageId: 'largeUid' }],
      },
      {
        name: 'long option, UID from a build argument default',
        code: 'FROM debian:12\nARG UID=70000\nRUN useradd --uid=$UID -m app\n',
        errors: [{ line: 3, column: 19, endColumn: 23 }],
      },
      {
        name: 'custom threshold',
        code: 'FROM debian:12\nRUN useradd -u 20000 app\n',
        options: { minUid: 10000 },
        errors: [{ line: 2, column: 16, endColumn: 21 }],
      },
    ],
  },
});
