import { expandedSites, sourceOffset } from '../helpers/expansions.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA113',
    name: 'unsupported-substitution-modifier',
    category: 'syntax',
    severity: 'medium',
    description: 'A variable substitution outside RUN uses a form BuildKit does not support (`${v:0:2}`, `${v^^}`, an unclosed `${`), so the build fails.',
    messages: {
      unsupported: (d: { detail: string }) =>
        `BuildKit cannot expand this: ${d.detail}. Outside RUN only $v, \${v}, \${v:-x}, \${v:+x}, \${v:?x} (and #, %, / patterns) are supported; compute the value in a RUN instead.`,
    },
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const site of expandedSites(model)) {
      const r = site.result;
      // dockaudit's own safety limits (huge or deeply nested expansions) are not BuildKit errors: say nothing here
      if (r.ok || r.limit) continue;
      const at = sourceOffset(text, site, r.offset);
      const dollar = text.lastIndexOf('${', at);
      const start = dollar >= site.range.start ? dollar : site.range.start;
      const close = text.indexOf('}', at);
      const end = close >= 0 && close < site.range.end ? close + 1 : site.range.end;
      ctx.report({ messageId: 'unsupported', data: { detail: r.message }, range: { start, end } });
    }
  },
  docs: {
    why:
      'BuildKit expands variables in ENV, LABEL, COPY, WORKDIR and the other non-RUN instructions with its own small ' +
      'expander, not with a shell. Bash forms such as substrings `${v:0:2}`, case changes `${v^^}` or `${v,,}` stop ' +
      'the build with "unsupported modifier" or "bad substitution".',
    bad: 'FROM alpine:3.20\nARG VERSION=1.2.3\nENV MAJOR=${VERSION:0:1}\n',
    good: 'FROM alpine:3.20\nARG VERSION=1.2.3\nENV MAJOR=${VERSION%%.*}\nRUN echo "${VERSION:0:1}"\n',
    fix: 'Use a supported form, or compute the value inside RUN (where the shell expands it) and write it to a file.',
    references: ['https://docs.docker.com/reference/dockerfile/#environment-replacement'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nARG V=1\nENV A=${V:-0} B=${V:+x} C=${V#1}\n',
      { name: 'RUN is expanded by the shell', code: 'FROM alpine:3.20\nARG V=abc\nRUN echo ${V^^} ${V:0:1}\n' },
      { name: 'single quotes', code: 'FROM alpine:3.20\nLABEL a=\'${V^^}\'\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nARG VERSION=1.2.3\nENV MAJOR=${VERSION:0:1}\n',
        errors: [{ line: 3, column: 11, endLine: 3, endColumn: 25, messageId: 'unsupported' }],
      },
      {
        name: 'case modification in WORKDIR',
        code: 'FROM alpine:3.20\nARG NAME=app\nWORKDIR /srv/${NAME^^}\n',
        errors: [{ line: 3, column: 14, endColumn: 23 }],
      },
    ],
  },
});
