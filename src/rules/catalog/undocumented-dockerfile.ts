import { instructionsOf } from '../../model/build.js';
import type { Comment } from '../../parser/ast.js';
import { defineRule } from '../types.js';

interface Options {
  /** A file with at least this many instructions and no comment at all is reported. */
  readonly minInstructions: number;
  /** A RUN running at least this many commands without a comment above it is reported. */
  readonly minCommands: number;
}

export default defineRule<
  {
    noComments: (d: { count: number }) => string;
    longRun: (d: { count: number }) => string;
  },
  Options
>({
  meta: {
    id: 'DA903',
    name: 'undocumented-dockerfile',
    category: 'metadata',
    severity: 'info',
    description: 'A long Dockerfile has no comment at all, or a long RUN script has no comment explaining it.',
    messages: {
      noComments: (d: { count: number }) =>
        `This Dockerfile has ${d.count} instructions and not one comment: explain non-obvious choices (versions, downloads, users) for reviewers.`,
      longRun: (d: { count: number }) =>
        `This RUN runs ${d.count} commands with no comment above it: add a comment saying what it sets up and why.`,
    },
    defaultOptions: { minInstructions: 15, minCommands: 20 },
  },
  check(model, ctx) {
    const df = model.dockerfile;
    const minInstructions = Number.isFinite(ctx.options.minInstructions) ? ctx.options.minInstructions : 15;
    const minCommands = Number.isFinite(ctx.options.minCommands) ? ctx.options.minCommands : 20;
    const first = df.instructions[0];
    if (df.comments.length === 0 && first && df.instructions.length >= minInstructions) {
      ctx.report({ messageId: 'noComments', data: { count: df.instructions.length }, range: first.keywordRange });
      return; // one finding per file is enough when nothing is commented
    }
    // comments by start offset, for a binary search per RUN (a scan of every comment per RUN is quadratic)
    // (sorted on first use: most files have no RUN long enough to ask)
    let comments: readonly Comment[] | null = null;
    /** A comment that starts after `start` and ends by `end` (comments do not overlap: the first one after `start` decides). */
    const commentWithin = (start: number, end: number): boolean => {
      comments ??= [...df.comments].sort((a, b) => a.range.start - b.range.start);
      let lo = 0;
      let hi = comments.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (comments[mid]!.range.start > start) hi = mid;
        else lo = mid + 1;
      }
      const c = comments[lo];
      return c !== undefined && c.range.end <= end;
    };
    for (const f of instructionsOf(model, 'RUN', { triggers: false })) {
      if (f.instruction.comments.length > 0 || !f.shell) continue;
      // the command count first: it is the cheapest test and rules out most RUNs
      let count = 0;
      for (const s of f.shell) count += s.all.length;
      if (count < minCommands) continue;
      // comments inside the script (after a continuation, or in a heredoc) count too
      if (commentWithin(f.instruction.range.start, f.instruction.range.end)) continue;
      // a comment block separated from the RUN by one blank line documents it too
      const before = f.instruction.startLine - 2;
      if (before >= 1 && model.source.lineText(before + 1).trim() === '' && /^\s*#/.test(model.source.lineText(before))) continue;
      ctx.report({ messageId: 'longRun', data: { count }, range: f.instruction.keywordRange });
    }
  },
  docs: {
    why:
      'Dockerfiles are security-relevant code: they choose base images, download tools, add users and open ports. ' +
      'A reviewer needs to know why a repository is added or a check is skipped; without comments, intent is ' +
      'lost and risky lines survive because nobody dares to touch them.',
    bad:
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg \\\n' +
      ' && install -d /etc/apt/keyrings && curl -fsSL https://example.com/key.asc -o /etc/apt/keyrings/example.asc \\\n' +
      ' && echo "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.com/apt stable main" > /etc/apt/sources.list.d/example.list \\\n' +
      ' && apt-get update && apt-get install -y --no-install-recommends example-tool && apt-get purge -y curl gnupg \\\n' +
      ' && rm -rf /var/lib/apt/lists/*\n',
    good:
      'FROM debian:12\n# example-tool is only published in the vendor repository: add it with its signing key\n' +
      'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg \\\n' +
      ' && install -d /etc/apt/keyrings && curl -fsSL https://example.com/key.asc -o /etc/apt/keyrings/example.asc \\\n' +
      ' && echo "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.com/apt stable main" > /etc/apt/sources.list.d/example.list \\\n' +
      ' && apt-get update && apt-get install -y --no-install-recommends example-tool && apt-get purge -y curl gnupg \\\n' +
      ' && rm -rf /var/lib/apt/lists/*\n',
    options: { minCommands: 8 },
    fix: 'Add a comment line above long RUN scripts and at the top of the file saying what the image is for.',
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
      {
        name: 'fifteen instructions with one comment',
        code: '# the app image\nFROM alpine:3.20\n' + 'RUN true\n'.repeat(14),
      },
      {
        name: 'long RUN with a comment inside the continuation',
        code: '# x\nFROM alpine:3.20\nRUN a && b && c \\\n# now the rest\n && d && e && f && g && h\n',
      },
      {
        name: 'comment block one blank line above',
        code: 'FROM alpine:3.20\n# set up the tools\n\nRUN a && b && c && d && e && f && g && h\n',
        options: { minCommands: 8 },
      },
      {
        name: 'nineteen commands stay under the default threshold',
        code: '# x\nFROM alpine:3.20\nRUN ' + Array.from({ length: 19 }, (_, i) => `c${i}`).join(' && ') + '\n',
      },
      { name: 'comment-looking text in an echo does not make a file documented; a short RUN is fine', code: 'FROM alpine:3.20\nRUN echo "# not a comment"\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\n' + 'RUN true\n'.repeat(14),
        errors: [{ line: 1, column: 1, endLine: 1, endColumn: 5, messageId: 'noComments' }],
      },
      {
        name: 'long RUN without a comment',
        code: '# base\nFROM alpine:3.20\n\n# the echo below is not a comment of the RUN\nRUN echo "# x"\nRUN a && b && c && d && e && f && g && h\n',
        options: { minCommands: 8 },
        errors: [{ line: 6, column: 1, endLine: 6, endColumn: 4, messageId: 'longRun' }],
      },
      {
        name: 'options',
        code: '# base\nFROM alpine:3.20\nRUN a && b\n',
        options: { minCommands: 2 },
        errors: [{ line: 3, column: 1, endColumn: 4 }],
      },
    ],
  },
});
