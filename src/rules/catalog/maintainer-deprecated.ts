import type { Instruction } from '../../parser/ast.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

/** `"…"` in Dockerfile double-quote syntax (backslash escape). */
function dockerQuote(s: string): string {
  return '"' + s.replace(/[\\"$]/g, (c) => '\\' + c) + '"';
}

function maintainerText(i: Instruction): string {
  return i.args.map((a) => a.value).join(' ');
}

export default defineRule({
  meta: {
    id: 'DA901',
    name: 'maintainer-deprecated',
    category: 'metadata',
    severity: 'info',
    description: 'The MAINTAINER instruction is deprecated; record the author in an OCI label instead.',
    needs: { instructions: ['MAINTAINER'] },
    messages: {
      deprecated: (d: { maintainer: string }) =>
        `MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=${dockerQuote(d.maintainer)} instead.`,
    },
    aliases: ['DL4000', 'MaintainerDeprecated', 'DS-0022', 'CKV_DOCKER_6'],
    fix: 'safe',
  },
  check(model, ctx) {
    const df = model.dockerfile;
    for (const i of allInstructions(df)) {
      if (i.kind !== 'MAINTAINER') continue;
      const maintainer = maintainerText(i);
      // only a one-line instruction with the default escape is rewritten: the replacement must mean the same value
      const fixable = df.escape === '\\' && i.startLine === i.endLine && maintainer !== '';
      ctx.report({
        messageId: 'deprecated',
        data: { maintainer },
        range: i.keywordRange,
        ...(fixable
          ? { fix: [{ range: i.range, text: `LABEL org.opencontainers.image.authors=${dockerQuote(maintainer)}` }] }
          : {}),
      });
    }
  },
  docs: {
    why:
      'Docker deprecated `MAINTAINER` long ago. The value it records is only a free-text field of the image ' +
      'configuration that registries, scanners and SBOM tools do not read, so nobody can find who is responsible for ' +
      'an image when a vulnerability is reported. The OCI annotation `org.opencontainers.image.authors` is the ' +
      'standard place for that contact and is read by the whole tool chain.',
    bad: 'FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n',
    good: 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n',
    fix:
      'Replace `MAINTAINER <name>` by `LABEL org.opencontainers.image.authors="<name>"`. `dockaudit --fix` does it ' +
      'for one-line instructions.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#maintainer-deprecated',
      'https://github.com/opencontainers/image-spec/blob/main/annotations.md',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="a@example.com"\n',
      { name: 'word in a RUN is not the instruction', code: 'FROM alpine:3.20\nRUN echo MAINTAINER me\n' },
      { name: 'comment', code: '# MAINTAINER me\nFROM alpine:3.20\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n',
        errors: [{ line: 2, column: 1, endLine: 2, endColumn: 11, messageId: 'deprecated' }],
        output: 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n',
      },
      {
        name: 'lower-case keyword, indented, quotes and dollar escaped in the fix',
        code: 'FROM alpine:3.20\n  maintainer "J" $HOME\n',
        errors: [{ line: 2, column: 3, endColumn: 13 }],
        output: 'FROM alpine:3.20\n  LABEL org.opencontainers.image.authors="\\"J\\" \\$HOME"\n',
      },
      {
        name: 'continued over two lines: reported, not rewritten',
        code: 'FROM alpine:3.20\nMAINTAINER Jane \\\n  Doe\n',
        errors: [{ line: 2, column: 1, endColumn: 11 }],
        output: 'FROM alpine:3.20\nMAINTAINER Jane \\\n  Doe\n',
      },
    ],
  },
});
