import type { Instruction } from '../../parser/ast.js';
import { defineRule } from '../types.js';

function flagKey(i: Instruction): string {
  return i.flags.map((f) => f.raw).sort().join(' ');
}

export default defineRule({
  meta: {
    id: 'DA706',
    name: 'consecutive-run',
    category: 'shell',
    severity: 'info',
    description: 'Consecutive RUN instructions with the same flags could be one RUN (one layer).',
    messages: {
      merge: () => 'This RUN directly follows another RUN with the same flags: join them with `&&` to make one layer (add a comment above it if they are split on purpose).',
    },
    aliases: ['DL3059'],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      let prev: Instruction | null = null;
      for (const f of stage.instructions) {
        const i = f.instruction;
        if (f.onbuild !== null) continue;
        if (i.kind === 'RUN' && prev !== null && prev.kind === 'RUN') {
          // a comment above the RUN (the author explains the split) or a heredoc script keeps them apart
          const split = i.comments.length > 0 || i.heredocs.length > 0 || prev.heredocs.length > 0;
          if (!split && flagKey(i) === flagKey(prev)) ctx.report({ messageId: 'merge', range: i.keywordRange });
        }
        prev = i;
      }
    }
  },
  docs: {
    why:
      'Each RUN creates a layer. Files created by one RUN and deleted by the next still ship in the earlier layer, ' +
      'and package-manager caches cleaned in a later RUN are not cleaned at all. Joining related steps keeps the ' +
      'image small and makes cleanup effective. Two RUNs with different flags (mounts, network) cannot be merged, ' +
      'and a comment above the second RUN marks a deliberate split (e.g. for caching): both are not reported.',
    bad: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
    good:
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n# separate layer: changes often\nRUN echo RUN\n' +
      'RUN --mount=type=cache,target=/root/.cache pip install x\n',
    fix: 'Join the commands with `&&` (and `\\` line continuations) in one RUN.',
    references: ['https://docs.docker.com/build/building/best-practices/#run', 'https://github.com/hadolint/hadolint/wiki/DL3059'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN a\nCOPY x /x\nRUN b\n',
      { name: 'different mounts', code: 'FROM debian:12\nRUN a\nRUN --mount=type=secret,id=t b\n' },
      { name: 'stage boundary', code: 'FROM debian:12 AS a\nRUN a\nFROM debian:12\nRUN b\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nrun x\n',
        errors: [
          { line: 3, column: 1, endLine: 3, endColumn: 4, messageId: 'merge' },
          { line: 4, column: 1, endColumn: 4 },
        ],
      },
    ],
  },
});
