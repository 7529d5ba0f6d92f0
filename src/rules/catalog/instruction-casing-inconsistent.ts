import type { Instruction } from '../../parser/ast.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

type Casing = 'upper' | 'lower' | 'mixed';

function casingOf(word: string): Casing {
  if (word === word.toUpperCase()) return 'upper';
  if (word === word.toLowerCase()) return 'lower';
  return 'mixed';
}

export default defineRule({
  meta: {
    id: 'DA104',
    name: 'instruction-casing-inconsistent',
    category: 'syntax',
    severity: 'info',
    description: 'An instruction keyword is not written in the casing most instructions of the file use.',
    messages: {
      casing: (d: { keyword: string; majority: string }) =>
        `Write "${d.keyword}" as ${d.majority === 'upper' ? d.keyword.toUpperCase() : d.keyword.toLowerCase()} to match the ${d.majority}-case keywords of this file.`,
    },
    aliases: ['ConsistentInstructionCasing'],
    fix: 'safe',
  },
  check(model, ctx) {
    const list: Instruction[] = allInstructions(model.dockerfile).filter((i) => i.kind !== 'UNKNOWN');
    let upper = 0;
    let lower = 0;
    for (const i of list) {
      const c = casingOf(i.rawKeyword);
      if (c === 'upper') upper++;
      else if (c === 'lower') lower++;
    }
    const majority: 'upper' | 'lower' = lower > upper ? 'lower' : 'upper';
    for (const i of list) {
      if (casingOf(i.rawKeyword) === majority) continue;
      const text = majority === 'upper' ? i.rawKeyword.toUpperCase() : i.rawKeyword.toLowerCase();
      ctx.report({ messageId: 'casing', data: { keyword: i.rawKeyword, majority }, range: i.keywordRange, fix: [{ range: i.keywordRange, text }] });
    }
  },
  docs: {
    why:
      'Instruction keywords are case-insensitive, but a file that mixes `RUN` and `run` is harder to scan, and ' +
      'mixed casing often comes from pasted snippets that deserve a second look. BuildKit reports the same check.',
    bad: 'FROM alpine:3.20\nRUN echo one\nrun echo two\nCOPY a /a\n',
    good: 'FROM alpine:3.20\nRUN echo run\nCOPY a /a\n',
    fix: 'Write every keyword in the casing most of the file uses (upper case by convention). `dockaudit --fix` does it.',
    references: ['https://docs.docker.com/reference/build-checks/consistent-instruction-casing/'],
  },
  tests: {
    valid: [
      'from alpine:3.20\nrun echo RUN\ncopy a /a\n',
      { name: 'words in arguments do not count', code: 'FROM alpine:3.20\nRUN echo from run copy\nLABEL run=1\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nRUN echo one\nrun echo two\n',
        errors: [{ line: 3, column: 1, endLine: 3, endColumn: 4, messageId: 'casing' }],
        output: 'FROM alpine:3.20\nRUN echo one\nRUN echo two\n',
      },
      {
        name: 'mixed-case keyword and ONBUILD trigger, lower-case majority',
        code: 'from alpine:3.20\nrun a\nRun b\nonbuild RUN c\n',
        errors: [
          { line: 3, column: 1, endColumn: 4 },
          { line: 4, column: 9, endColumn: 12 },
        ],
        output: 'from alpine:3.20\nrun a\nrun b\nonbuild run c\n',
      },
    ],
  },
});
