import { allInstructions } from '../helpers/instructions.js';
import { addSources, flagValue } from '../helpers/add-sources.js';
import { defineRule } from '../types.js';
import { stripQueryAndFragment } from '../../shell/dataflow.js';

const COMMIT = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i;

/** The ref a git source asks for: `#ref[:subdir]`, or the `ref=`/`commit=` query parameters of newer BuildKit. */
function gitRef(url: string): { ref: string | null; commit: string | null } {
  let ref: string | null = null;
  let commit: string | null = null;
  const hash = url.indexOf('#');
  if (hash >= 0) {
    const r = url.slice(hash + 1).split(':')[0]!;
    if (r !== '') ref = r;
  }
  const q = url.indexOf('?');
  if (q >= 0) {
    for (const kv of url.slice(q + 1, hash > q ? hash : undefined).split('&')) {
      const [k, v] = kv.split('=');
      if (k === 'ref' && v) ref = v;
      if ((k === 'commit' || k === 'checksum') && v) commit = v;
    }
  }
  return { ref, commit };
}

export default defineRule({
  meta: {
    id: 'DA505',
    name: 'add-git-unpinned',
    category: 'supply-chain',
    severity: 'medium',
    cwe: [494],
    description: 'ADD clones a git repository at a branch or tag instead of a pinned commit, so the content can change between builds.',
    needs: { instructions: ['ADD'] },
    messages: {
      noRef: (d: { url: string }) =>
        `ADD clones ${d.url} at its default branch: pin a full commit id (${d.url}#<commit>) or add --checksum=<commit>.`,
      movableRef: (d: { url: string; ref: string }) =>
        `ADD clones ${d.url} at "${d.ref}", a branch or tag that can move: pin the full commit id (#<commit>) or add --checksum=<commit>.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'ADD') continue;
      const checksum = flagValue(i, 'checksum');
      if (checksum !== null && COMMIT.test(checksum)) continue;
      for (const s of addSources(model, i)) {
        if (s.kind !== 'git') continue;
        const { ref, commit } = gitRef(s.value);
        if ((commit !== null && COMMIT.test(commit)) || (ref !== null && COMMIT.test(ref))) continue;
        const url = stripQueryAndFragment(s.value);
        if (ref === null) ctx.report({ messageId: 'noRef', data: { url }, range: s.arg.range });
        else ctx.report({ messageId: 'movableRef', data: { url, ref }, range: s.arg.range });
      }
    }
  },
  docs: {
    why:
      '`ADD <git url>` checks out the repository at build time. Without a ref it takes the default branch; with a ' +
      'branch or tag it takes whatever commit that name points to today. Branches move with every push and tags can ' +
      'be re-pointed by anyone with write access (or an attacker holding their credentials), so two builds of the ' +
      'same Dockerfile can contain different code. A full commit id names exactly one tree.',
    bad: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#master /src\n',
    good:
      'FROM alpine:3.20\n' +
      'ADD https://github.com/moby/buildkit.git#2f9fc4f2b0b4c7d8e5a6b1c3d9e0f1a2b3c4d5e6 /src\n' +
      'ADD --checksum=2f9fc4f2b0b4c7d8e5a6b1c3d9e0f1a2b3c4d5e6 https://github.com/moby/buildkit.git#v0.14.0 /src2\n',
    fix:
      'Use the full 40-character commit id as the ref (`repo.git#<commit>`), or keep a readable tag and add ' +
      '`--checksum=<commit>` so BuildKit fails when the tag no longer points to that commit.',
    references: ['https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#2f9fc4f2b0b4c7d8e5a6b1c3d9e0f1a2b3c4d5e6:frontend /src\n',
      { name: 'tag with a commit checksum', code: 'FROM alpine:3.20\nADD --checksum=2f9fc4f2b0b4c7d8e5a6b1c3d9e0f1a2b3c4d5e6 git@github.com:moby/buildkit.git#v0.14.0 /src\n' },
      { name: 'plain https download, not a repository', code: 'FROM alpine:3.20\nADD https://example.com/archive.git.tar.gz /tmp/\n' },
      { name: 'query form with a commit', code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git?ref=v0.14.0&commit=2f9fc4f2b0b4c7d8e5a6b1c3d9e0f1a2b3c4d5e6 /src\n' },
      { name: 'RUN git clone is not ADD', code: 'FROM alpine:3.20\nRUN git clone https://github.com/moby/buildkit.git\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#master /src\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 48, messageId: 'movableRef' }],
      },
      {
        name: 'no ref, ssh form',
        code: 'FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n',
        errors: [{ line: 2, column: 5, endColumn: 37, messageId: 'noRef' }],
      },
      {
        name: 'short commit id is a ref name',
        code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#2f9fc4f /src\n',
        errors: [{ line: 2, column: 5, endColumn: 49, messageId: 'movableRef' }],
      },
    ],
  },
});
