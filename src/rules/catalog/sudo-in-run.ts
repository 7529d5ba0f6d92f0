import { defineRule } from '../types.js';
import { runCommandsOfModel } from '../helpers/command-index.js';

export default defineRule({
  meta: {
    id: 'DA303',
    name: 'sudo-in-run',
    category: 'privileges',
    severity: 'medium',
    cwe: [250],
    description: 'A RUN instruction calls `sudo`, which needs a sudo setup in the image and behaves unpredictably in builds.',
    messages: {
      sudo: () =>
        'Do not use `sudo` in RUN: switch with `USER root` for the steps that need root and back to the unprivileged user afterwards (use `gosu`/`su-exec` at run time).',
    },
    aliases: ['DL3004', 'DS-0010', 'CKV2_DOCKER_1'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runCommandsOfModel(model)) {
      // nearly every command has no wrapper: no search (and no closure) for them
      const w = c.wrappers.length === 0 ? undefined : c.wrappers.find((x) => x.name === 'sudo');
      if (w !== undefined) ctx.report({ messageId: 'sudo', range: w.word.range });
      else if (c.name === 'sudo' && c.nameWord !== null) ctx.report({ messageId: 'sudo', range: c.nameWord.range });
    }
  },
  docs: {
    why:
      '`sudo` in a build step means the image ships sudo and a sudoers policy that lets the build user become ' +
      'root: the same path is open to anything that runs as that user later. It also has TTY and environment ' +
      'quirks (`secure_path`, `env_reset`) that make builds behave differently from an interactive shell.',
    bad: 'FROM ubuntu:24.04\nUSER app\nRUN sudo apt-get update\n',
    good: 'FROM ubuntu:24.04\nUSER root\nRUN apt-get update\nUSER app\n',
    fix: 'Run the privileged steps under `USER root` and switch back with `USER <uid>`; to drop privileges at run time use `gosu` or `su-exec`.',
    references: ['https://cwe.mitre.org/data/definitions/250.html'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
      { name: 'installing the sudo package and echoing the word', code: 'FROM debian:12\nRUN apt-get install -y sudo && echo "sudo is installed" # sudo\n' },
      { name: 'sudo in CMD is not a build step', code: 'FROM debian:12\nCMD ["sudo", "-u", "app", "run"]\n' },
      { name: 'writing a sudoers entry', code: 'FROM debian:12\nRUN echo "app ALL=(ALL) ALL" > /etc/sudoers.d/app\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN sudo apt-get update\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 9, messageId: 'sudo' }],
      },
      {
        name: 'after another command, with options, and sudo alone',
        code: 'FROM debian:12\nRUN make && sudo -E make install\nRUN sudo -l\n',
        errors: [
          { line: 2, column: 13, endColumn: 17 },
          { line: 3, column: 5, endColumn: 9 },
        ],
      },
      {
        name: 'in a nested shell and an ONBUILD trigger',
        code: 'FROM debian:12\nRUN sh -c "sudo ls"\nONBUILD RUN sudo id\n',
        errors: [
          { line: 2, column: 12, endColumn: 16 },
          { line: 3, column: 13, endColumn: 17 },
        ],
      },
    ],
  },
});
