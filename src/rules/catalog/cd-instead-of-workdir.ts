import { isTopLevel, runScripts } from '../helpers/run-scripts.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA701',
    name: 'cd-instead-of-workdir',
    category: 'shell',
    severity: 'info',
    description: 'A RUN changes directory with a top-level `cd` where WORKDIR would state the directory once for the following instructions.',
    messages: {
      useWorkdir: (d: { dir: string }) => `Use WORKDIR ${d.dir} instead of cd: the directory change is lost after this RUN and hides where commands run.`,
    },
    aliases: ['DL3003', 'DS-0013'],
  },
  check(model, ctx) {
    for (const rs of runScripts(model)) {
      for (const c of rs.script.commands('cd')) {
        if (!isTopLevel(c) || c.wrappers.length > 0) continue;
        const dir = c.operands[0];
        // `cd` (home), `cd -` and computed places (`cd "$(mktemp -d)"`) have no WORKDIR equivalent
        if (dir === undefined || dir.value === '-' || /\$\(|`/.test(dir.raw)) continue;
        ctx.report({ messageId: 'useWorkdir', data: { dir: dir.raw }, range: c.range });
      }
    }
  },
  docs: {
    why:
      'A `cd` inside `RUN` only lasts for that instruction, so the next instruction silently runs somewhere else, ' +
      'and readers must parse shell chains to know where files land. `WORKDIR` states the directory once, creates ' +
      'it if needed, and applies to every later RUN, CMD, ENTRYPOINT, COPY and ADD.',
    bad: 'FROM alpine:3.20\nRUN cd /src && make\n',
    good: 'FROM alpine:3.20\nWORKDIR /src\nRUN make && (cd docs && make html)\nRUN echo "cd /src"\n',
    fix: 'Replace the `cd` by a `WORKDIR` instruction before the RUN. A `cd` inside a subshell `( … )`, a loop or a nested `sh -c` is not reported.',
    references: ['https://docs.docker.com/build/building/best-practices/#workdir'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nWORKDIR /src\nRUN make\n',
      { name: 'subshell, loop, echoed text, comment', code: 'FROM alpine:3.20\n# cd /x\nRUN (cd /a && make) && for d in a b; do cd $d; done && echo "cd /b"\n' },
      { name: 'temporary directory', code: 'FROM alpine:3.20\nRUN cd "$(mktemp -d)" && wget -q https://example.com/x\n' },
      { name: 'cd - and plain cd', code: 'FROM alpine:3.20\nRUN cd && cd -\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN cd /src && make\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 12, messageId: 'useWorkdir' }],
      },
      {
        name: 'exec-form sh -c script',
        code: 'FROM alpine:3.20\nRUN ["sh", "-c", "cd /src; make"]\n',
        errors: [{ line: 2, column: 19, endColumn: 26 }],
      },
    ],
  },
});
