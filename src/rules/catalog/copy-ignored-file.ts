import { expand, instructionsOf } from '../../model/build.js';
import { DockerignoreMatcher, readDockerignore } from '../helpers/dockerignore.js';
import { defineRule } from '../types.js';

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

export default defineRule({
  meta: {
    id: 'DA820',
    name: 'copy-ignored-file',
    category: 'runtime',
    severity: 'low',
    description: 'COPY or ADD names a source that the `.dockerignore` file excludes from the build context.',
    needs: { instructions: ['COPY', 'ADD'] },
    messages: {
      ignored: (d: { kind: string; src: string; file: string; line: number; pattern: string }) =>
        `${d.kind} ${d.src}: the path is excluded by "${d.pattern}" (${d.file} line ${d.line}), so the build fails or copies nothing; fix the path or the ignore file.`,
    },
    aliases: ['CopyIgnoredFile'],
  },
  check(model, ctx) {
    const read = ctx.env.readContextFile;
    if (!read) return;
    const ignore = readDockerignore(read, model.source.path);
    if (!ignore) return;
    const matcher = DockerignoreMatcher.fromText(ignore.text);
    // as BuildKit: exceptions make the outcome for a directory undecidable without listing the context
    if (matcher.hasExclusions) return;
    for (const f of instructionsOf(model, ['COPY', 'ADD'])) {
      const i = f.instruction;
      if (i.flags.some((fl) => fl.name.toLowerCase() === 'from')) continue;
      for (const s of i.sources) {
        if (s.value.startsWith('<<')) continue;
        let v = s.value;
        if (v.includes('$')) {
          const e = expand(model, v, i);
          if (!e.ok || e.unknown) continue;
          v = e.value;
        }
        if (REMOTE.test(v)) continue;
        const d = matcher.decide(v);
        if (d.excluded && d.pattern) {
          ctx.report({ messageId: 'ignored', data: { kind: i.keyword, src: v, file: ignore.file, line: d.pattern.line, pattern: d.pattern.pattern }, range: s.range });
        }
      }
    }
  },
  docs: {
    why:
      'Files excluded by `.dockerignore` are not sent to the builder. A COPY of such a path fails with "not found", ' +
      'or, with a wildcard, silently copies nothing, and the image lacks what the Dockerfile promises.',
    bad: 'FROM alpine:3.20\nCOPY config/app.yml /etc/app/\n',
    files: { '.dockerignore': '.git\nconfig\n' },
    good: 'FROM alpine:3.20\nCOPY src/ /app/\n',
    fix: 'Copy a path the context contains, or remove the pattern from `.dockerignore` (or from `<Dockerfile>.dockerignore`).',
    references: ['https://docs.docker.com/reference/build-checks/copy-ignored-file/', 'https://docs.docker.com/build/concepts/context/#dockerignore-files'],
  },
  tests: {
    valid: [
      { name: 'no ignore file', code: 'FROM alpine:3.20\nCOPY dist /app\n' },
      { name: 'not excluded, --from and URL sources', code: 'FROM alpine:3.20\nCOPY src /app\nCOPY --from=build /dist /app\nADD https://example.com/dist /x\n', files: { '.dockerignore': 'dist\n*.md\n' } },
      { name: 'nested .md is not matched by an anchored pattern', code: 'FROM alpine:3.20\nCOPY docs/README.md /doc/\n', files: { '.dockerignore': '*.md\n' } },
      { name: 'exceptions make BuildKit skip the check', code: 'FROM alpine:3.20\nCOPY dist /app\n', files: { '.dockerignore': 'dist\n!dist/keep\n' } },
      { name: 'path in a RUN', code: 'FROM alpine:3.20\nRUN cp -r dist /app\n', files: { '.dockerignore': 'dist\n' } },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nCOPY package.json node_modules/x/ /app/\n',
        files: { '.dockerignore': '# deps\nnode_modules\n' },
        errors: [{ line: 2, column: 19, endLine: 2, endColumn: 34 }],
      },
      {
        name: 'the Dockerfile-specific ignore file wins, ARG expanded',
        code: 'FROM alpine:3.20\nARG CFG=secrets/app.env\nCOPY ${CFG} /app/\n',
        files: { '.dockerignore': '', 'Dockerfile.dockerignore': '**/*.env\n' },
        errors: [{ line: 3, column: 6, endColumn: 12 }],
      },
    ],
  },
});
