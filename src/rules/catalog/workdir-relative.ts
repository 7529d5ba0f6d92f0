import { expand } from '../../model/build.js';
import { instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';

function isAbsolute(p: string, windows: boolean): boolean {
  // a drive letter is absolute whatever the OS guess says (no Linux path starts with `C:\`)
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return true;
  return windows && p.startsWith('\\');
}

export default defineRule({
  meta: {
    id: 'DA813',
    name: 'workdir-relative',
    category: 'runtime',
    severity: 'low',
    description: 'WORKDIR is a relative path while no earlier WORKDIR fixes the directory it is relative to.',
    needs: { instructions: ['WORKDIR'] },
    messages: {
      relative: (d: { path: string }) =>
        `WORKDIR ${d.path} is relative to the base image's working directory, which this Dockerfile does not set: use an absolute path.`,
    },
    aliases: ['DL3000', 'WorkdirRelativePath', 'DS-0009', 'CKV_DOCKER_10'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'WORKDIR')) {
      const arg = f.instruction.args[0];
      if (!arg || f.workdir.setBy !== null) continue; // relative to a WORKDIR of this file: well defined
      const e = expand(model, arg.value, f.instruction);
      if (!e.ok) continue;
      const windows = f.stage !== null && model.stages[f.stage]?.os === 'windows';
      // an unknown leading part (`$HOME/app`) may be absolute
      const known = e.unknown ? (e.parts[0] && !e.parts[0].unknown ? e.parts[0].text : '') : e.value;
      if (e.unknown && known === '') continue;
      if (isAbsolute(known, windows)) continue;
      ctx.report({ messageId: 'relative', data: { path: arg.value }, range: arg.range });
    }
  },
  docs: {
    why:
      'A relative WORKDIR is resolved against the working directory of the base image. That directory is not ' +
      'visible in the Dockerfile and can change with a new base image version, so files end up in an unexpected ' +
      'place and relative COPY destinations and commands follow them.',
    bad: 'FROM node:22-slim\nWORKDIR app\n',
    good: 'FROM node:22-slim\nWORKDIR /app\nWORKDIR src\n',
    fix: 'Use an absolute path (`WORKDIR /app`). A relative WORKDIR after an absolute one is fine.',
    references: ['https://docs.docker.com/reference/build-checks/workdir-relative-path/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nWORKDIR /app\nWORKDIR sub\n',
      { name: 'variable holding an absolute path', code: 'FROM alpine:3.20\nARG DIR=/srv\nWORKDIR $DIR/app\n' },
      { name: 'unknown variable', code: 'FROM alpine:3.20\nWORKDIR $HOME/app\n' },
      { name: 'scratch, then parent stage WORKDIR', code: 'FROM alpine:3.20 AS a\nWORKDIR /a\nFROM a\nWORKDIR b\n' },
      { name: 'Windows drive path', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n' },
      { name: 'drive path in a stage not recognised as Windows', code: 'FROM example.com/custom-image:1\nWORKDIR "c:\\\\inetpub\\\\wwwroot"\nWORKDIR C:/ProgramData/app\n' },
      { name: 'relative path in a RUN', code: 'FROM alpine:3.20\nRUN mkdir app && cd app\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nWORKDIR app\n', errors: [{ line: 2, column: 9, endLine: 2, endColumn: 12 }] },
      { name: 'ARG default relative', code: 'FROM alpine:3.20\nARG D=srv\nWORKDIR ${D}/x\n', errors: [{ line: 3, column: 9, endColumn: 15 }] },
    ],
  },
});
