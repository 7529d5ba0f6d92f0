import { shIsLikelyDash } from '../helpers/distro.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import type { RunScript } from '../helpers/run-scripts.js';
import { defineRule } from '../types.js';

/** The commands whose bash-only forms are reported. */
const BASHISM_COMMANDS: ReadonlySet<string> = new Set(['[', 'test', '[[', 'source']);

export default defineRule({
  meta: {
    id: 'DA710',
    name: 'bashism-in-sh',
    category: 'shell',
    severity: 'low',
    description: 'A RUN uses a bash-only construct (`==` in `[ ]`, `[[ ]]`, `source`) while its `/bin/sh` is dash, where it fails or tests wrongly.',
    needs: { commands: BASHISM_COMMANDS },
    messages: {
      doubleEquals: () => '`==` in [ ] is not POSIX: dash prints "unexpected operator" and the test is false. Use `=`.',
      doubleBracket: () => '`[[ ]]` does not exist in dash (/bin/sh here): "[[: not found". Use `[ ]`, or SHELL ["/bin/bash", "-c"].',
      source: () => '`source` does not exist in dash (/bin/sh here): "source: not found". Use `.` instead, or SHELL ["/bin/bash", "-c"].',
    },
    aliases: ['SC3014', 'SC3010', 'SC3046'],
  },
  check(model, ctx) {
    // only the commands named below (most scripts run none), each script's shell judged once
    let last: RunScript | undefined;
    let dash = false;
    for (const { rs, cmd: c } of runScriptCommandsNamed(model, BASHISM_COMMANDS)) {
      if (rs !== last) {
        last = rs;
        dash = rs.script.kind === 'sh' && shIsLikelyDash(model, rs.facts);
      }
      if (!dash || c.parent !== null) continue; // nested `bash -c` scripts run in bash
      if (c.name === '[' || c.name === 'test') {
        for (const w of c.args) if (w.value === '==' && !w.quoted) ctx.report({ messageId: 'doubleEquals', range: w.range });
      } else if (c.name === '[[' && c.nameWord !== null) ctx.report({ messageId: 'doubleBracket', range: c.nameWord.range });
      else if (c.name === 'source' && c.nameWord !== null && c.wrappers.length === 0) ctx.report({ messageId: 'source', range: c.nameWord.range });
    }
  },
  docs: {
    why:
      'On Debian and Ubuntu based images (and the official images built on them: python, node, golang, …) ' +
      '`/bin/sh` is dash, which implements only POSIX sh. `[ "$A" == x ]` is then always false (with an error ' +
      'message that scrolls by), so a branch is silently skipped; `[[` and `source` are "not found". Alpine\'s ' +
      'busybox sh and RHEL-family bash accept them, so the same Dockerfile behaves differently per base image. ' +
      'Only images known to be Debian/Ubuntu based, with the default shell, are checked. ' +
      'Chosen from the ShellCheck set (SC3014, SC3010, SC3046) because these fail silently or break builds in practice.',
    bad: 'FROM debian:12\nARG MODE\nRUN if [ "$MODE" == "dev" ]; then apt-get install -y gdb; fi\n',
    good:
      'FROM debian:12\nARG MODE\nRUN if [ "$MODE" = "dev" ]; then apt-get install -y gdb; fi\n' +
      'FROM alpine:3.20\nRUN [[ -f /etc/os-release ]] && echo "[ a == b ]"\n',
    fix: 'Use POSIX forms (`=`, `[ ]`, `.`), or switch the RUN shell with `SHELL ["/bin/bash", "-c"]`.',
    references: ['https://www.shellcheck.net/wiki/SC3014', 'https://wiki.ubuntu.com/DashAsBinSh'],
  },
  tests: {
    valid: [
      'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN [[ -n "$A" ]] && source /etc/profile\n',
      { name: 'alpine, quoted ==, bash -c', code: 'FROM python:3.12-alpine\nRUN [ a == b ]\nFROM debian:12\nRUN [ "$A" = "==" ] && bash -c "[[ -n x ]]"\n' },
      { name: 'RHEL-family base', code: 'FROM rockylinux:9\nRUN source /etc/profile\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN if [ "$MODE" == "dev" ]; then echo dev; fi\n',
        errors: [{ line: 2, column: 18, endLine: 2, endColumn: 20, messageId: 'doubleEquals' }],
      },
      {
        name: 'source and [[ in a python image stage',
        code: 'FROM python:3.12-slim\nRUN source /venv/bin/activate && [[ -x /venv/bin/pip ]]\n',
        errors: [
          { line: 2, column: 5, endColumn: 11, messageId: 'source' },
          { line: 2, column: 34, endColumn: 36, messageId: 'doubleBracket' },
        ],
      },
    ],
  },
});
