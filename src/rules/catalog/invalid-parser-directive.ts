import { KNOWN_DIRECTIVES, matchDirective } from '../../parser/directives.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA106',
    name: 'invalid-parser-directive',
    category: 'syntax',
    severity: 'low',
    description: 'A parser directive (`syntax`, `escape`, `check`) is ignored because it comes after the top of the file, or is not written in lower case.',
    messages: {
      ignored: (d: { name: string }) =>
        `This "# ${d.name}=" line is an ordinary comment: parser directives count only at the very top of the file, before any other comment, blank line or instruction. Move it to the first line.`,
      casing: (d: { written: string; name: string }) => `Write the directive name "${d.written}" in lower case ("${d.name}"), as BuildKit's documentation does.`,
    },
  },
  check(model, ctx) {
    const df = model.dockerfile;
    const text = model.source.text;
    for (const d of df.directives) {
      const written = text.slice(d.nameRange.start, d.nameRange.end);
      if (written !== d.name) ctx.report({ messageId: 'casing', data: { written, name: d.name }, range: d.nameRange });
    }
    for (const c of df.comments) {
      let p = 0;
      while (p < c.text.length && (c.text[p] === ' ' || c.text[p] === '\t')) p++;
      const m = matchDirective(c.text, p);
      if (m === null || !KNOWN_DIRECTIVES.has(m.name)) continue;
      if (df.diagnostics.some((x) => x.severity === 'error' && x.range.start >= c.range.start && x.range.start < c.range.end)) continue;
      ctx.report({ messageId: 'ignored', data: { name: m.name }, range: c.range });
    }
  },
  docs: {
    why:
      'Parser directives change how the whole file is read: `# syntax=` picks the frontend version, `# escape=` the ' +
      'line-continuation character (Windows files), `# check=` the build checks. They are honoured only at the very ' +
      'top, before any other comment, blank line or instruction; anywhere else they are plain comments, so the file ' +
      'is silently parsed with the defaults (a Windows path ending in `\\` then continues the line).',
    bad: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\n# escape=`\nRUN dir C:\\\n',
    good: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n# a comment that mentions escape = here is fine\nRUN dir C:\\\n',
    fix: 'Move the directive to the first lines of the file (before any comment or blank line) and write its name in lower case.',
    references: ['https://docs.docker.com/reference/dockerfile/#parser-directives'],
  },
  tests: {
    valid: [
      '# syntax=docker/dockerfile:1\n# escape=\\\nFROM alpine:3.20\n',
      { name: 'words that are not directives', code: 'FROM alpine:3.20\n# set syntax = later\nRUN echo "# syntax=x"\n' },
    ],
    invalid: [
      {
        code: '# a comment first\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
        errors: [{ line: 2, column: 1, endLine: 2, endColumn: 29, messageId: 'ignored' }],
      },
      {
        name: 'upper-case name',
        code: '# Syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
        errors: [{ line: 1, column: 3, endColumn: 9, messageId: 'casing' }],
      },
    ],
  },
});
