import { expand } from '../../model/build.js';
import type { DockerfileModel } from '../../model/types.js';
import type { CopyInstruction } from '../../parser/ast.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

/** Tar archives (optionally compressed) that ADD extracts, and the compressions BuildKit detects. Zip is not extracted. */
const ARCHIVE = /\.(?:tar|tgz|taz|tbz|tbz2|tb2|txz|tzst|tar\.(?:gz|bz2|xz|zst|lz4)|gz|bz2|xz|zst|lz4)$/i;
/** Remote sources: URLs and git references. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
/** Flags that only ADD has: with them, COPY cannot replace it. */
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

function isLocalPlainSource(model: DockerfileModel, i: CopyInstruction, raw: string): boolean {
  if (raw.startsWith('<<')) return true; // heredoc content: COPY takes it too
  let value = raw;
  if (raw.includes('$')) {
    // BuildKit expands ADD sources: decide on the value when the build variables make it known
    const e = expand(model, raw, i);
    if (!e.ok || e.unknown) return false;
    value = e.value;
  }
  if (REMOTE.test(value)) return false;
  return !ARCHIVE.test(value);
}

export function addCouldBeCopy(model: DockerfileModel, i: CopyInstruction): boolean {
  if (i.kind !== 'ADD' || i.sources.length === 0) return false;
  if (i.flags.some((f) => ADD_ONLY_FLAGS.has(f.name.toLowerCase()))) return false;
  return i.sources.every((s) => isLocalPlainSource(model, i, s.value));
}

export default defineRule({
  meta: {
    id: 'DA503',
    name: 'add-instead-of-copy',
    category: 'supply-chain',
    severity: 'low',
    description: 'ADD is used for local files or folders, where COPY does the same without ADD\'s implicit download and extraction.',
    needs: { instructions: ['ADD', 'COPY'] },
    messages: {
      useCopy: () => 'Use COPY instead of ADD to copy local files and folders.',
    },
    aliases: ['DL3020', 'DS-0005', 'CKV_DOCKER_4'],
    fix: 'safe',
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if ((i.kind === 'ADD' || i.kind === 'COPY') && addCouldBeCopy(model, i)) {
        const written = model.source.slice(i.keywordRange);
        const text = written === written.toLowerCase() ? 'copy' : 'COPY';
        ctx.report({ messageId: 'useCopy', range: i.keywordRange, fix: [{ range: i.keywordRange, text }] });
      }
    }
  },
  docs: {
    why:
      '`ADD` does more than copy: it fetches URLs and git repositories and unpacks local tar archives. Using it for ' +
      'plain local files hides that power in a place where nobody expects it: renaming a file to `.tar.gz`, or a ' +
      'build argument turning into a URL, silently changes what ends up in the image. `COPY` only copies, so a ' +
      'reader and a reviewer know exactly what enters the image.',
    bad: 'FROM alpine:3.20\nADD app.py /srv/app.py\n',
    good: 'FROM alpine:3.20\nCOPY app.py /srv/app.py\nADD rootfs.tar.gz /\n',
    fix:
      'Replace `ADD` by `COPY` (the flags `--chown`, `--chmod`, `--link` and `--exclude` work the same). Keep `ADD` ' +
      'only to extract a local tar archive or to fetch a remote source pinned with `--checksum`. `dockaudit --fix` ' +
      'rewrites the keyword.',
    references: ['https://docs.docker.com/build/building/best-practices/#add-or-copy'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nCOPY app.py /srv/\n',
      { name: 'archive extraction', code: 'FROM alpine:3.20\nADD rootfs.tar.gz /\nADD data.tar.XZ /data/\nADD x.tgz /x/\n' },
      { name: 'URL', code: 'FROM alpine:3.20\nADD https://example.com/a.txt /a.txt\n' },
      { name: 'git', code: 'FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n' },
      { name: 'checksum flag', code: 'FROM alpine:3.20\nADD --checksum=sha256:0123 https://example.com/a /a\n' },
      { name: 'one remote source among several', code: 'FROM alpine:3.20\nADD a.txt https://example.com/b /d/\n' },
      { name: 'source from a build argument without default', code: 'FROM alpine:3.20\nARG SRC\nADD ${SRC} /d/\n' },
      { name: 'build argument holding a URL', code: 'ARG SRC=https://example.com/a.txt\nFROM alpine:3.20\nARG SRC\nADD $SRC /d/\n' },
      { name: 'ENV holding an archive name', code: 'FROM alpine:3.20\nENV PKG=app-1.0.tar.gz\nADD ${PKG} /opt/\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nADD app.py /srv/app.py\n',
        errors: [{ line: 2, column: 1, endLine: 2, endColumn: 4, messageId: 'useCopy' }],
        output: 'FROM alpine:3.20\nCOPY app.py /srv/app.py\n',
      },
      {
        name: 'build argument with a local default',
        code: 'FROM alpine:3.20\nARG SRC=app.py\nADD ${SRC} /srv/\n',
        errors: [{ line: 3, column: 1, endColumn: 4 }],
        output: 'FROM alpine:3.20\nARG SRC=app.py\nCOPY ${SRC} /srv/\n',
      },
      {
        name: 'zip files are not extracted by ADD',
        code: 'FROM alpine:3.20\nadd --chown=1000 site.zip dir/ /srv/\n',
        errors: [{ line: 2, column: 1, endColumn: 4 }],
        output: 'FROM alpine:3.20\ncopy --chown=1000 site.zip dir/ /srv/\n',
      },
      {
        name: 'JSON form and ONBUILD trigger',
        code: 'FROM alpine:3.20\nADD ["a b.txt", "/srv/"]\nONBUILD ADD . /app\n',
        errors: [
          { line: 2, column: 1, endColumn: 4 },
          { line: 3, column: 9, endColumn: 12 },
        ],
        output: 'FROM alpine:3.20\nCOPY ["a b.txt", "/srv/"]\nONBUILD COPY . /app\n',
      },
    ],
  },
});
