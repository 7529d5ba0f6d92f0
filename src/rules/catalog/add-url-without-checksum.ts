import { allInstructions } from '../helpers/instructions.js';
import { addSources, flagValue } from '../helpers/add-sources.js';
import { artifactVerified, isSignatureFile } from '../helpers/shell.js';
import { stageOf } from '../../model/build.js';
import type { DockerfileModel } from '../../model/types.js';
import type { Arg, Instruction } from '../../parser/ast.js';
import { defineRule } from '../types.js';

/** True when the stage verifies the downloaded file (gpg/sha256sum in a later RUN) before every use. */
function verifiedLater(model: DockerfileModel, i: Instruction, arg: Arg): boolean {
  const df = stageOf(model, i)?.shell?.dataflow;
  const a = df?.artifacts.find((x) => x.origin === 'add' && x.range.start === arg.range.start);
  return df !== undefined && a !== undefined && (artifactVerified(df, a) || isSignatureFile(df, a));
}

export default defineRule({
  meta: {
    id: 'DA504',
    name: 'add-url-without-checksum',
    category: 'supply-chain',
    severity: 'medium',
    cwe: [494],
    description: 'ADD downloads a file over HTTP(S) without `--checksum`, so the build accepts whatever the server returns.',
    needs: { instructions: ['ADD'] },
    messages: {
      noChecksum: (d: { url: string }) =>
        `ADD fetches ${d.url} without --checksum: add --checksum=sha256:<digest> so the build fails if the file changes.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'ADD' || flagValue(i, 'checksum') !== null) continue;
      for (const s of addSources(model, i)) {
        if (s.kind === 'http' && !verifiedLater(model, i, s.arg)) ctx.report({ messageId: 'noChecksum', data: { url: s.value }, range: s.arg.range });
      }
    }
  },
  docs: {
    why:
      '`ADD <url>` downloads the file at build time and trusts it as is. If the server, the DNS name or anything on ' +
      'the path is compromised, or the publisher simply replaces the file, the next build silently ships a ' +
      'different file. BuildKit can check the download itself: with `--checksum=sha256:<digest>` the build fails ' +
      'unless the bytes match the digest you recorded when you reviewed the file.',
    bad: 'FROM alpine:3.20\nADD https://example.com/tool-1.2.3.tar.gz /tmp/\n',
    good:
      'FROM alpine:3.20\n' +
      'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.2.3.tar.gz /tmp/\n' +
      'LABEL source="https://example.com/tool-1.2.3.tar.gz"\n',
    fix:
      'Compute the digest of the file you reviewed (`sha256sum tool-1.2.3.tar.gz`) and add ' +
      '`--checksum=sha256:<digest>` to the ADD instruction (Dockerfile syntax 1.6 or later). Download a ' +
      'versioned URL, not a "latest" one, so the digest stays valid.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#add---checksum',
      'https://cwe.mitre.org/data/definitions/494.html',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /tmp/\n',
      { name: 'git repository (add-git-unpinned)', code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\n' },
      { name: 'local archive and COPY', code: 'FROM alpine:3.20\nADD rootfs.tar.gz /\nCOPY https.txt /srv/\n' },
      { name: 'label and comment', code: 'FROM alpine:3.20\n# ADD https://example.com/a /a\nLABEL url="https://example.com/a"\n' },
      { name: 'signature verified before use', code: 'FROM debian:12\nADD https://example.com/tini /tini\nADD https://example.com/tini.asc /tini.asc\nRUN gpg --batch --verify /tini.asc /tini && chmod +x /tini\n' },
      { name: 'copy from a stage named like a URL part', code: 'FROM alpine:3.20 AS http\nFROM alpine:3.20\nADD --from=http /a /a\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nADD https://example.com/tool-1.2.3.tar.gz /tmp/\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 42, messageId: 'noChecksum' }],
      },
      {
        name: 'URL from a build argument, JSON form, empty checksum',
        code: 'FROM alpine:3.20\nARG VERSION=1.2.3\nADD ["http://example.com/t-${VERSION}.zip", "/opt/"]\nADD --checksum= https://example.com/b /b\n',
        errors: [
          { line: 3, column: 6, endColumn: 43 },
          { line: 4, column: 17, endColumn: 38 },
        ],
      },
    ],
  },
});
