import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** Options that silence or reshape wget's progress output. */
const WGET: ReadonlySet<string> = new Set(['wget']);
const QUIET = ['-q', '--quiet', '-nv', '--no-verbose', '--progress', '-o', '--output-file', '-a', '--append-output', '--show-progress'];

export default defineRule({
  meta: {
    id: 'DA708',
    name: 'wget-without-progress',
    category: 'shell',
    severity: 'info',
    description: '`wget` runs without `-q`, `-nv` or `--progress`, flooding the build log with progress bars.',
    needs: { commands: WGET },
    messages: {
      progress: () => 'wget without -q/-nv/--progress prints a progress line per chunk into the build log: add --progress=dot:giga, -nv or -q.',
    },
    aliases: ['DL3047'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, WGET)) {
      // `-nv` is wget's `-n` option group with the letter `v` (no-verbose)
      const quiet = c.options.some(
        (o) => QUIET.includes(o.name) || QUIET.includes(o.canonical) || (o.name === '-n' && (o.value?.value ?? '').includes('v')),
      );
      if (quiet) continue;
      if (c.redirects.some((r) => (r.fd === 2 || r.op === '&>' || r.op === '&>>') && r.target !== null)) continue; // stderr sent elsewhere
      ctx.report({ messageId: 'progress', range: c.nameWord?.range ?? c.range });
    }
  },
  docs: {
    why:
      'Without a terminal, wget\'s default progress output becomes thousands of lines for a large file; build logs ' +
      'get truncated and real errors are lost in them.',
    bad: 'FROM debian:12\nRUN wget https://example.com/big.tar.gz\n',
    good: 'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/big.tar.gz && wget -nv https://example.com/b && echo "wget x"\n',
    fix: 'Add `--progress=dot:giga` (keeps some progress), `-nv` (one line per file) or `-q` (silent).',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3047'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN wget -qO- https://x/a | tar -x && wget -nv https://x/b\n',
      { name: 'stderr redirected, echoed, comment', code: 'FROM debian:12\n# wget https://x\nRUN wget https://x/a 2>/dev/null && echo wget https://x\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN wget -O /tmp/a https://x/a\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 9, messageId: 'progress' }],
      },
    ],
  },
});
