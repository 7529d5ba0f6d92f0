import type { Artifact, ArtifactUse, UseKind } from '../../shell/index.js';
import { artifactUrlText, artifactVerified, isLoopbackHost } from '../helpers/shell.js';
import { defineRule } from '../types.js';
import type { Severity } from '../types.js';

const VERB: Readonly<Record<UseKind, string>> = {
  'pipe-to-interpreter': 'run as it downloads',
  'pipe-to-extract': 'extracted as it downloads',
  interpret: 'run by an interpreter',
  execute: 'executed',
  extract: 'extracted',
  install: 'installed',
  path: 'put on the PATH',
};

/** Uses that run the artifact's code (high); extraction alone is medium. */
const RUNS: ReadonlySet<UseKind> = new Set<UseKind>(['interpret', 'execute', 'install', 'path']);

/** Directories on the default PATH. */
const PATH_DIR = /^\/(?:usr\/local\/|usr\/)?s?bin\/[^/]+$/;

/** Signatures, signed messages and checksum lists: not programs, whatever directory they are saved in. */
const NOT_PROGRAM = /\.(?:asc|sig|sign|gpg|pem|sha1|sha256|sha512|sha256sum|sha512sum|md5|txt)$/i;

/** Package URLs that carry their own hash (`pkg.whl#sha256=…`) are checked by pip. */
function selfHashed(a: Artifact): boolean {
  return a.origin === 'package-url' && /#(?:sha256|sha384|sha512)=[0-9a-f]{64,128}$/i.test(a.url?.url ?? '');
}

export default defineRule({
  meta: {
    id: 'DA502',
    name: 'unverified-download',
    category: 'supply-chain',
    severity: 'medium',
    cwe: [494, 353],
    description: 'A downloaded file is executed, installed, extracted or put on the PATH without its checksum or signature being verified first.',
    messages: {
      unverified: (d: { url: string; verb: string }) =>
        `${d.url} is ${d.verb} without a checksum or signature check: verify it first (sha256sum -c with a recorded digest, gpg --verify with a pinned key, or ADD --checksum).`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const df = stage.shell?.dataflow;
      if (df === undefined) continue;
      const byArtifact = new Map<Artifact, ArtifactUse[]>();
      for (const u of df.uses) {
        // piping straight into an interpreter is remote-code-piped-to-interpreter (critical)
        if (u.verified || u.kind === 'pipe-to-interpreter') continue;
        const a = u.artifact;
        if (a.pinned || selfHashed(a) || isLoopbackHost(a.url?.host ?? null)) continue;
        const list = byArtifact.get(a) ?? [];
        list.push(u);
        byArtifact.set(a, list);
      }
      for (const [a, uses] of byArtifact) {
        const first = uses[0]!;
        const severity: Severity = uses.some((u) => RUNS.has(u.kind)) ? 'high' : 'medium';
        const worst = uses.find((u) => RUNS.has(u.kind)) ?? first;
        ctx.report({
          messageId: 'unverified',
          data: { url: artifactUrlText(model, a), verb: VERB[worst.kind] },
          range: first.range,
          ...(severity === 'medium' ? {} : { severity }),
        });
      }
      // downloaded straight into a PATH directory (`curl -o /usr/local/bin/tool`): on the PATH without any check
      for (const a of df.artifacts) {
        if (a.path === null || byArtifact.has(a) || !PATH_DIR.test(a.path) || NOT_PROGRAM.test(a.path)) continue;
        if (artifactVerified(df, a) || isLoopbackHost(a.url?.host ?? null)) continue;
        if (df.uses.some((u) => u.artifact === a)) continue;
        ctx.report({ messageId: 'unverified', data: { url: artifactUrlText(model, a), verb: VERB.path }, range: a.range, severity: 'high' });
      }
    }
  },
  docs: {
    why:
      'A download is only as trustworthy as the server, the DNS name and every network hop that delivered it, ' +
      'at that moment. When the build executes, installs or unpacks it without comparing it to a checksum ' +
      'recorded in the Dockerfile (or checking a signature from a pinned key), a compromised mirror, a replaced ' +
      'release asset or a truncated transfer ends up in the image unnoticed, and the next build may get ' +
      'something else again. Running or installing the file is reported as high; extracting it as medium.\n\n' +
      'Verification is tracked through the script and across RUN instructions of the stage: `sha256sum -c`, ' +
      '`gpg --verify`/`gpgv`, `cosign verify-blob`, a checksum compared in `[ … ]`, `ADD --checksum`, and git ' +
      'checkouts at a full commit id all count when they run before the use and stop the build on failure.',
    bad: 'FROM debian:12\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.3.tgz && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n',
    good:
      'FROM debian:12\n' +
      'RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.3.tgz \\\n' +
      ' && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/tool.tgz" | sha256sum -c - \\\n' +
      ' && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n',
    fix:
      'Record the expected digest next to the version (`ARG TOOL_SHA256=…`) and check it before use: ' +
      '`echo "$TOOL_SHA256  /tmp/tool.tgz" | sha256sum -c -`. When the publisher signs releases, import the ' +
      'key by full fingerprint and run `gpg --verify`. For `ADD <url>`, add `--checksum=sha256:…`.',
    references: [
      'https://cwe.mitre.org/data/definitions/494.html',
      'https://cwe.mitre.org/data/definitions/353.html',
      'https://docs.docker.com/reference/dockerfile/#add---checksum',
    ],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/a.tgz" | sha256sum -c - && tar -xzf /tmp/a.tgz\n',
      { name: 'signature checked in an earlier RUN', code: 'FROM debian:12\nRUN wget -O /tmp/a.tgz https://example.com/a.tgz && wget -O /tmp/a.tgz.asc https://example.com/a.tgz.asc\nRUN gpg --batch --verify /tmp/a.tgz.asc /tmp/a.tgz\nRUN tar -xzf /tmp/a.tgz -C /opt\n' },
      { name: 'ADD with --checksum then extract', code: 'FROM debian:12\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /tmp/a.tgz\nRUN tar -xzf /tmp/a.tgz\n' },
      { name: 'downloaded but not used, and echoed', code: 'FROM debian:12\nRUN curl -fsSLo /srv/data.json https://example.com/data.json && echo "tar -xzf a.tgz"\n' },
      { name: 'downloaded into /usr/local/bin and verified', code: 'FROM debian:12\nRUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/v1.30.0/bin/linux/amd64/kubectl && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /usr/local/bin/kubectl" | sha256sum -c -\n' },
      { name: 'detached signature saved next to the program', code: 'FROM debian:12\nRUN wget -O /usr/local/bin/gosu.asc https://example.com/gosu.asc && wget -O /usr/local/bin/gosu https://example.com/gosu && gpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu\n' },
      { name: 'loopback', code: 'FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz http://localhost:8000/a.tgz && tar -xzf /tmp/a.tgz\n' },
      { name: 'copied over by COPY before use', code: 'FROM debian:12\nRUN curl -fsSLo /tmp/a.sh https://example.com/a.sh\nCOPY a.sh /tmp/a.sh\nRUN sh /tmp/a.sh\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.3.tgz && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n',
        errors: [{ line: 2, column: 69, endLine: 2, endColumn: 109, messageId: 'unverified' }],
      },
      {
        name: 'executed in a later RUN (high)',
        code: 'FROM debian:12\nRUN wget -O /usr/local/bin/tool https://example.com/tool && chmod +x /usr/local/bin/tool\nRUN /usr/local/bin/tool --init\n',
        errors: [{ line: 3, column: 5, endColumn: 31, messageId: 'unverified' }],
      },
      {
        name: 'downloaded straight into /usr/local/bin',
        code: 'FROM debian:12\nRUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/v1.30.0/bin/linux/amd64/kubectl && chmod +x /usr/local/bin/kubectl\n',
        errors: [{ line: 2, column: 40, endColumn: 89, messageId: 'unverified' }],
      },
      {
        name: 'package URL installed, pipe to tar',
        code: 'FROM debian:12\nRUN curl -fsSL https://example.com/a.tgz | tar -xz -C /opt\nRUN pip install https://example.com/pkg-1.0.tar.gz\n',
        errors: [
          { line: 2, column: 44, endColumn: 59 },
          { line: 3, column: 5, endColumn: 51 },
        ],
      },
    ],
  },
});
