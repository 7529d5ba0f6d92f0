import { findTokens, maskSecret } from '../helpers/secrets.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA402',
    name: 'hardcoded-secret-value',
    category: 'secrets',
    severity: 'critical',
    cwe: [798],
    description: 'A credential with a known format (cloud key, access token, webhook, private key, JWT) is written in the Dockerfile.',
    messages: {
      token: (d: { kind: string; masked: string }) =>
        `Hard-coded ${d.kind} (${d.masked}): it is exposed to everyone who can read the Dockerfile or the image; revoke it now and pass it with \`RUN --mount=type=secret\` or at run time.`,
      inComment: (d: { kind: string; masked: string }) =>
        `${d.kind} (${d.masked}) in a comment: it is not in the image, but it is published with the Dockerfile and its history; revoke it and delete the comment.`,
    },
  },
  check(model, ctx) {
    // the whole file: a token in a comment is not in the image, but it is published with the source
    const comments = model.dockerfile.comments.map((c) => c.range);
    for (const m of findTokens(model.source.text)) {
      const inComment = comments.some((c) => c.start <= m.start && m.end <= c.end);
      ctx.report({
        messageId: inComment ? 'inComment' : 'token',
        data: { kind: m.kind, masked: maskSecret(m.text) },
        range: { start: m.start, end: m.end },
        ...(inComment ? { severity: 'high' as const } : {}),
      });
    }
  },
  docs: {
    why:
      'Anything written in a Dockerfile ends up in source control, in build logs and, for ENV, ARG, LABEL and RUN ' +
      'text, in the image configuration and history that every puller can read. Automated scanners harvest ' +
      'public registries and repositories for exactly these token formats within minutes. A leaked key has to be ' +
      'revoked: deleting the line does not remove it from git history or from images already pushed.',
    bad: 'FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n',
    good: 'FROM alpine:3.20\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/app /app\n',
    fix:
      'Revoke the credential first. Then pass it without writing it into the image: `RUN --mount=type=secret,id=<id>` ' +
      'at build time, orchestrator secrets or environment at run time. Documentation placeholders (values containing ' +
      '`EXAMPLE` or `XXXXXXXX`) are not reported. A token in a comment is reported as high: it is not in the image, ' +
      'but it is published with the source.',
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://cwe.mitre.org/data/definitions/798.html',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENV AWS_REGION=eu-west-1\n',
      {
        name: 'documentation example key, public key markers, secret names',
        code:
          'FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' +
          'RUN echo "-----BEGIN PUBLIC KEY-----" && grep -q -- "-----BEGIN RSA PRIVATE KEY-----" /k || true\nENV GITHUB_TOKEN=$GITHUB_TOKEN\n',
      },
      { name: 'prefix without a token body', code: 'FROM alpine:3.20\nRUN echo sk_live_ && echo AIza\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n',
        errors: [{ line: 2, column: 23, endLine: 2, endColumn: 43, messageId: 'token' }],
      },
      {
        name: 'GitHub token in a RUN and a Slack webhook in a LABEL',
        code:
          'FROM alpine:3.20\nRUN git clone https://x-access-token:ghp_Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4eFg7h@github.com/o/r\n' +
          'LABEL hook="https://hooks.slack.com/services/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"\n',
        errors: [
          { line: 2, column: 38, endColumn: 78 },
          { line: 3, column: 13, endColumn: 90 },
        ],
      },
      {
        name: 'token in a comment: lower severity, other message',
        code: 'FROM alpine:3.20\n# RUN git clone https://me:ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r\n',
        errors: [{ line: 2, column: 28, endColumn: 68, messageId: 'inComment' }],
      },
      {
        name: 'private key in a COPY heredoc',
        code:
          'FROM alpine:3.20\nCOPY <<EOF /root/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n' +
          'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\nEOF\n',
        errors: [{ line: 3, column: 1, endLine: 4, endColumn: 41 }],
      },
    ],
  },
});
