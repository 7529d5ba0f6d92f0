import type { Instruction } from '../../parser/ast.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA809',
    name: 'multiple-cmd-entrypoint-healthcheck',
    category: 'runtime',
    severity: 'low',
    description: 'A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK, and only the last one takes effect.',
    messages: {
      overridden: (d: { kind: string; line: number }) =>
        `This ${d.kind} has no effect: the ${d.kind} on line ${d.line} replaces it; remove one of them.`,
    },
    aliases: ['DL4003', 'DL4004', 'DL3012', 'MultipleInstructionsDisallowed', 'DS-0016', 'DS-0007', 'DS-0023'],
  },
  check(model, ctx) {
    for (const stage of model.stages) {
      const last = new Map<string, Instruction>();
      const seen: Instruction[] = [];
      for (const f of stage.instructions) {
        const k = f.instruction.kind;
        if (f.onbuild !== null || (k !== 'CMD' && k !== 'ENTRYPOINT' && k !== 'HEALTHCHECK')) continue;
        seen.push(f.instruction);
        last.set(k, f.instruction);
      }
      for (const i of seen) {
        const l = last.get(i.kind)!;
        if (l !== i) ctx.report({ messageId: 'overridden', data: { kind: i.keyword, line: l.startLine }, range: i.keywordRange });
      }
    }
  },
  docs: {
    why:
      'Each of CMD, ENTRYPOINT and HEALTHCHECK sets one value in the image configuration: a later one silently ' +
      'replaces an earlier one in the same stage. Two of them usually mean a leftover, and a reader may believe the ' +
      'first one runs (for example a health check that is never used).',
    bad: 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\nCMD ["nginx-debug", "-g", "daemon off;"]\n',
    good: 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n',
    fix: 'Keep only the instruction that should take effect.',
    references: ['https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["--help"]\nHEALTHCHECK CMD ["/app", "ping"]\n',
      { name: 'one per stage', code: 'FROM alpine:3.20 AS a\nCMD ["a"]\nFROM alpine:3.20\nCMD ["b"]\n' },
      { name: 'ONBUILD trigger', code: 'FROM alpine:3.20\nONBUILD CMD ["x"]\nCMD ["y"]\n' },
      { name: 'in a comment', code: 'FROM alpine:3.20\n# CMD ["x"]\nCMD ["y"]\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nCMD ["a"]\nHEALTHCHECK NONE\nCMD ["b"]\nhealthcheck CMD true\n',
        errors: [
          { line: 2, column: 1, endLine: 2, endColumn: 4 },
          { line: 3, column: 1, endColumn: 12 },
        ],
      },
    ],
  },
});
