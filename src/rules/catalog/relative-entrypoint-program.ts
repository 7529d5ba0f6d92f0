import { effectiveInstruction } from '../../model/build.js';
import { commandArgvs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

/** `./x`, `../x`, `bin/x`: resolved against the working directory. Not `$VAR/x`, not Windows drive paths. */
function isRelativePath(p: string): boolean {
  if (p.startsWith('./') || p.startsWith('../')) return true;
  return p.includes('/') && !p.startsWith('/') && !p.startsWith('$') && !p.startsWith('~') && !/^[A-Za-z]:/.test(p);
}

export default defineRule({
  meta: {
    id: 'DA808',
    name: 'relative-entrypoint-program',
    category: 'runtime',
    severity: 'low',
    description: 'CMD or ENTRYPOINT starts a program by a relative path while the Dockerfile never sets WORKDIR.',
    messages: {
      relative: (d: { program: string; kind: string }) =>
        `${d.kind} runs \`${d.program}\` relative to a working directory this Dockerfile never sets: add WORKDIR or use an absolute path.`,
    },
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      // a WORKDIR in the file (even with an unknown value), or scratch (`/`): the directory is chosen by the author
      if (!stage.finalWorkdir.unknown || stage.finalWorkdir.setBy !== null) continue;
      const entrypoint = effectiveInstruction(model, stage, 'ENTRYPOINT');
      const cmd = effectiveInstruction(model, stage, 'CMD');
      for (const f of [entrypoint, entrypoint ? null : cmd]) {
        if (!f || f.stage !== stage.index) continue;
        const argvs = commandArgvs(f, f.instruction.command);
        const first = argvs[0]?.[0];
        if (first && first.value !== null && isRelativePath(first.value)) {
          ctx.report({ messageId: 'relative', data: { program: first.value, kind: f.instruction.keyword }, range: first.range });
        }
      }
    }
  },
  docs: {
    why:
      'A relative program path is resolved against the working directory at run time. Without a WORKDIR in the ' +
      'Dockerfile that directory comes from the base image and changes when the base image does (or is `/`), so the ' +
      'container may fail to start, or start a different file than intended.',
    bad: 'FROM python:3.12-slim\nCOPY run.sh /srv/run.sh\nCMD ["./run.sh"]\n',
    good: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY run.sh ./run.sh\nCMD ["./run.sh"]\n',
    fix: 'Set `WORKDIR` to the application directory, or start the program by its absolute path.',
    references: ['https://docs.docker.com/reference/dockerfile/#workdir'],
  },
  tests: {
    valid: [
      { name: 'bare name from PATH, absolute path', code: 'FROM alpine:3.20\nENTRYPOINT ["/usr/local/bin/app"]\nCMD ["nginx"]\n' },
      { name: 'WORKDIR set after CMD still applies at run time', code: 'FROM alpine:3.20\nCMD ["./app"]\nWORKDIR /srv\n' },
      { name: 'WORKDIR in a parent stage', code: 'FROM alpine:3.20 AS base\nWORKDIR /app\nFROM base\nCMD ./start.sh\n' },
      { name: 'CMD arguments of an ENTRYPOINT', code: 'FROM alpine:3.20\nENTRYPOINT ["/entry.sh"]\nCMD ["./config/app.yml"]\n' },
      { name: 'scratch starts in /', code: 'FROM scratch\nCOPY app /app\nCMD ["./app"]\n' },
      { name: 'relative path as an argument only', code: 'FROM alpine:3.20\nCMD ["sh", "./run.sh"]\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nCMD ["./app", "--port", "80"]\n', errors: [{ line: 2, column: 6, endLine: 2, endColumn: 13 }] },
      { name: 'shell form', code: 'FROM alpine:3.20\nENTRYPOINT bin/start.sh run\n', errors: [{ line: 2, column: 12, endColumn: 24 }] },
    ],
  },
});
