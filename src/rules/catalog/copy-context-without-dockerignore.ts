import { expand } from '../../model/build.js';
import { readDockerignore } from '../helpers/dockerignore.js';
import { finalImageInstructions } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

/** The whole context: `.`, `./`, `/`, `*`. */
function isWholeContext(v: string): boolean {
  return /^(?:\.\/?|\/|\.\/\*|\*)$/.test(v);
}

export default defineRule({
  meta: {
    id: 'DA821',
    name: 'copy-context-without-dockerignore',
    category: 'runtime',
    severity: 'medium',
    cwe: [538],
    description: 'The final image copies the whole build context while no `.dockerignore` keeps `.git`, local secrets and build output out of it.',
    needs: { instructions: ['COPY', 'ADD'] },
    messages: {
      noIgnore: (d: { kind: string }) =>
        `${d.kind} of the whole build context without a .dockerignore: .git, .env files and credentials in the directory end up in the image; add a .dockerignore.`,
    },
  },
  check(model, ctx) {
    const read = ctx.env.readContextFile;
    if (!read) return; // context unknown (stdin): nothing to say
    if (readDockerignore(read, model.source.path)) return;
    for (const f of finalImageInstructions(model)) {
      const i = f.instruction;
      if (i.kind !== 'COPY' && i.kind !== 'ADD') continue;
      if (i.flags.some((fl) => fl.name.toLowerCase() === 'from')) continue;
      for (const s of i.sources) {
        const e = s.value.includes('$') ? expand(model, s.value, i) : null;
        if (e && (!e.ok || e.unknown)) continue;
        const v = e && e.ok ? e.value : s.value;
        if (isWholeContext(v)) {
          ctx.report({ messageId: 'noIgnore', data: { kind: i.keyword }, range: s.range });
          break;
        }
      }
    }
  },
  docs: {
    why:
      '`COPY . .` sends everything in the build directory into the image: the `.git` history (with every secret ever ' +
      'committed), `.env` files, cloud credentials, SSH keys and local build output. A `.dockerignore` is the only ' +
      'thing that keeps them out of the context. This rule runs only when the build context is known (the Dockerfile\'s ' +
      'directory when auditing files; never for standard input).',
    bad: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\n',
    good: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json server.js ./\n',
    fix: 'Add a `.dockerignore` next to the Dockerfile (for example `.git`, `.env*`, `**/*.pem`, `node_modules`, build output), or copy only the files the image needs.',
    references: ['https://docs.docker.com/build/concepts/context/#dockerignore-files', 'https://cwe.mitre.org/data/definitions/538.html'],
  },
  tests: {
    valid: [
      { name: 'ignore file present', code: 'FROM alpine:3.20\nCOPY . /app\n', files: { '.dockerignore': '.git\n' } },
      { name: 'Dockerfile-specific ignore file', code: 'FROM alpine:3.20\nCOPY . /app\n', files: { 'Dockerfile.dockerignore': '.git\n' } },
      { name: 'builder stage only', code: 'FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n' },
      { name: 'COPY . from another stage', code: 'FROM alpine:3.20\nCOPY --from=build . /app\n' },
      { name: 'specific files; dot in a RUN', code: 'FROM alpine:3.20\nCOPY src/ /app/\nRUN cp -r . /tmp\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nWORKDIR /app\nCOPY --chown=app . .\n', errors: [{ line: 3, column: 18, endLine: 3, endColumn: 19 }] },
      { name: 'ADD ./ in a parent stage of the final one', code: 'FROM alpine:3.20 AS base\nADD ./ /srv/\nFROM base\n', errors: [{ line: 2, column: 5, endColumn: 7 }] },
    ],
  },
});
