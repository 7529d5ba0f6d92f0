import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** A word that is only an unquoted parameter expansion: `$X`, `${X}`. */
const BARE_VAR = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

const TESTS: ReadonlySet<string> = new Set(['[', 'test']);

export default defineRule({
  meta: {
    id: 'DA713',
    name: 'unquoted-variable-in-test',
    category: 'shell',
    severity: 'low',
    description: 'A `[ ]` or `test` expression uses an unquoted variable whose value is unknown, so an empty or multi-word value breaks the test.',
    needs: { commands: TESTS },
    messages: {
      unquoted: (d: { name: string }) =>
        `Quote "$${d.name}" in this test: if it is empty or contains spaces, [ ] sees the wrong number of words and the test errors out or answers wrongly.`,
    },
    aliases: ['SC2086'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, TESTS)) {
      if (c.name !== '[' && c.name !== 'test') continue;
      for (const w of c.args) {
        if (w.quoted || !w.dynamic) continue; // a known value (ARG default, ENV, earlier assignment) cannot surprise
        const m = BARE_VAR.exec(w.raw);
        if (m === null) continue;
        ctx.report({ messageId: 'unquoted', data: { name: m[1] ?? m[2]! }, range: w.range });
      }
    }
  },
  docs: {
    why:
      'The shell splits an unquoted `$VAR` into words and drops it entirely when it is empty. `[ $MODE = dev ]` with ' +
      'an unset `MODE` becomes `[ = dev ]` ("unary operator expected", the condition is false), and `[ -n $TOKEN ]` is ' +
      'always true when TOKEN is empty. In Dockerfiles this typically hides a build argument nobody passed. Of ' +
      'ShellCheck\'s SC2086, only this position is reported: there the splitting changes the result of a condition; ' +
      'variables whose value is known at that point (ARG defaults, ENV, assignments) are not reported.',
    bad: 'FROM debian:12\nARG MODE\nRUN if [ $MODE = dev ]; then apt-get install -y gdb; fi\n',
    good: 'FROM debian:12\nARG MODE\nRUN if [ "$MODE" = dev ]; then apt-get install -y gdb; fi && [[ -n $MODE ]] || echo "[ $MODE ]"\n',
    fix: 'Put the variable in double quotes: `[ "$MODE" = dev ]`.',
    references: ['https://www.shellcheck.net/wiki/SC2086'],
  },
  tests: {
    valid: [
      'FROM debian:12\nARG MODE\nRUN [ "$MODE" = dev ] || [ "${MODE}x" = x ]\n',
      { name: 'known value, [[ ]] and echoed text', code: 'FROM debian:12\nARG MODE=prod\nRUN [ $MODE = prod ] && [[ $X = y ]] && echo "[ $X = y ]"\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nARG MODE\nRUN if [ $MODE = dev ]; then echo dev; fi\n',
        errors: [{ line: 3, column: 10, endLine: 3, endColumn: 15, messageId: 'unquoted' }],
      },
      {
        name: 'test -n with braces',
        code: 'FROM debian:12\nRUN test -n ${TOKEN} && echo set\n',
        errors: [{ line: 2, column: 13, endColumn: 21 }],
      },
    ],
  },
});
