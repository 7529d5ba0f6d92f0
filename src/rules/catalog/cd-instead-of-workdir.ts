import { isTopLevel } from '../helpers/run-scripts.js';
import type { RunScript } from '../helpers/run-scripts.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';
import type { ShellCommand } from '../../shell/index.js';

/** The names a word refers to (`$X`, `${X}`, `${X:-…}`). */
function referencedVars(raw: string): string[] {
  return [...raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/**
 * True when the `cd` target uses a variable the same script sets before the `cd` (`T="$(mktemp -d)"; cd "$T"`,
 * `export T=…`, `read T`): its value only exists during this RUN, so WORKDIR cannot name it.
 */
function assignedInScript(all: readonly ShellCommand[], cd: ShellCommand, raw: string, before: string): boolean {
  const names = new Set(referencedVars(raw));
  if (names.size === 0) return false;
  // a plain assignment statement (`T=$(mktemp -d) && cd "$T"`) is not a command of its own: look for `NAME=` as a word
  for (const n of names) {
    for (let i = before.indexOf(n + '='); i >= 0; i = before.indexOf(n + '=', i + 1)) {
      if (i === 0 || !/[A-Za-z0-9_$]/.test(before[i - 1]!)) return true;
    }
  }
  for (const c of all) {
    if (c.range.start >= cd.range.start) break;
    if (c.assignments.some((a) => names.has(a.name))) return true;
    if (c.name === 'export' || c.name === 'declare' || c.name === 'local' || c.name === 'readonly' || c.name === 'read') {
      for (const w of c.args) {
        const v = w.value ?? w.raw;
        const eq = v.indexOf('=');
        if (names.has(eq < 0 ? v : v.slice(0, eq))) return true;
      }
    }
  }
  return false;
}

const CD: ReadonlySet<string> = new Set(['cd']);

export default defineRule({
  meta: {
    id: 'DA701',
    name: 'cd-instead-of-workdir',
    category: 'shell',
    severity: 'info',
    description: 'A RUN changes directory with a top-level `cd` where WORKDIR would state the directory once for the following instructions.',
    needs: { commands: CD },
    messages: {
      useWorkdir: (d: { dir: string }) => `Use WORKDIR ${d.dir} instead of cd: the directory change is lost after this RUN and hides where commands run.`,
    },
    aliases: ['DL3003', 'DS-0013'],
  },
  check(model, ctx) {
    // only scripts that run a `cd` (the index knows them: most scripts run none), each once, in file order
    let last: RunScript | undefined;
    for (const { rs } of runScriptCommandsNamed(model, CD)) {
      if (rs === last) continue;
      last = rs;
      const top = rs.script.all.filter(isTopLevel);
      const c = top.find((x) => x.name === 'cd');
      if (c === undefined || c.wrappers.length > 0) continue;
      const dir = c.operands[0];
      // `cd` (home), `cd -`, computed places (`cd "$(mktemp -d)"`) and scratch places (`/`, `/tmp`) have no WORKDIR equivalent
      if (dir === undefined || dir.value === '-' || dir.value === '/' || dir.value === '/tmp' || /\$\(|`|[*?[]/.test(dir.raw)) continue;
      // a relative cd after other commands usually enters something this RUN just created (extracted, cloned, mkdir)
      if (dir.value === null && assignedInScript(rs.script.all, c, dir.raw, model.source.text.slice(rs.script.range.start, c.range.start))) continue;
      const first = top.findIndex((x) => x.name !== 'set') === top.indexOf(c);
      if (!first && !/^["']?(?:\/|\$|~)/.test(dir.raw)) continue;
      ctx.report({ messageId: 'useWorkdir', data: { dir: dir.raw }, range: c.range });
    }
  },
  docs: {
    why:
      'A `cd` inside `RUN` only lasts for that instruction, so the next instruction silently runs somewhere else, ' +
      'and readers must parse shell chains to know where files land. `WORKDIR` states the directory once, creates ' +
      'it if needed, and applies to every later RUN, CMD, ENTRYPOINT, COPY and ADD.',
    bad: 'FROM alpine:3.20\nRUN cd /src && make\n',
    good: 'FROM alpine:3.20\nWORKDIR /src\nRUN make && (cd docs && make html)\nRUN echo "cd /src"\n',
    fix: 'Replace the `cd` by a `WORKDIR` instruction before the RUN. Only the first top-level `cd` of a RUN is reported, and a relative `cd` after other commands (into a directory the RUN just extracted, cloned or created) is not, nor a `cd` into a directory named by a variable the RUN itself sets (`T=$(mktemp -d)`); neither is a `cd` inside a subshell `( … )`, a loop or a nested `sh -c`, nor `cd /`, `cd /tmp` or `cd -`.',
    references: ['https://docs.docker.com/build/building/best-practices/#workdir'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nWORKDIR /src\nRUN make\n',
      { name: 'subshell, loop, echoed text, comment', code: 'FROM alpine:3.20\n# cd /x\nRUN (cd /a && make) && for d in a b; do cd $d; done && echo "cd /b"\n' },
      { name: 'temporary directory', code: 'FROM alpine:3.20\nRUN cd "$(mktemp -d)" && wget -q https://example.com/x\n' },
      { name: 'a directory named by a variable the RUN itself sets', code: 'FROM alpine:3.20\nRUN export T="$(mktemp -d)"; cd $T; wget -q https://example.com/x\nRUN D=$(pwd)/build && cd "$D" && make\n' },
      { name: 'cd - and plain cd', code: 'FROM alpine:3.20\nRUN cd && cd -\n' },
      { name: 'glob (WORKDIR cannot match)', code: 'FROM alpine:3.20\nRUN cd /tmp/app-* && make\n' },
      { name: 'into a directory the RUN created', code: 'FROM alpine:3.20\nRUN tar -xzf src.tgz && cd src-1.0 && make\n' },
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
      {
        name: 'only the first cd of a script',
        code: 'FROM alpine:3.20\nRUN set -e; cd /opt/app; make; cd /usr/src\n',
        errors: [{ line: 2, column: 13, endColumn: 24 }],
      },
    ],
  },
});
