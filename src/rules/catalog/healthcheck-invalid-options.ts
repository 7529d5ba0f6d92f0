import type { Flag, HealthcheckInstruction } from '../../parser/ast.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_FLAGS = new Set(['interval', 'timeout', 'start-period', 'start-interval']);

/** Go's time.ParseDuration, in milliseconds; null when it does not parse. */
export function parseGoDuration(s: string): number | null {
  let k = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    k = 1;
  }
  if (s.slice(k) === '0') return 0;
  if (k >= s.length) return null;
  let total = 0;
  while (k < s.length) {
    const numStart = k;
    while (k < s.length && s[k]! >= '0' && s[k]! <= '9') k++;
    const intPart = s.slice(numStart, k);
    let frac = '';
    if (s[k] === '.') {
      k++;
      const fs = k;
      while (k < s.length && s[k]! >= '0' && s[k]! <= '9') k++;
      frac = s.slice(fs, k);
    }
    if (intPart === '' && frac === '') return null;
    const unitStart = k;
    while (k < s.length && !(s[k]! >= '0' && s[k]! <= '9') && s[k] !== '.') k++;
    const unit = UNITS[s.slice(unitStart, k)];
    if (unit === undefined) return null;
    total += Number(`${intPart || '0'}.${frac || '0'}`) * unit;
  }
  return sign * total;
}

type Problem = { id: 'badDuration' | 'tooShort' | 'negative' | 'badRetries' | 'missingCommand' | 'noneWithArgs'; flag?: string; value?: string };

function flagProblems(f: Flag): Problem | null {
  const name = f.name.toLowerCase();
  const v = f.value ?? '';
  if (DURATION_FLAGS.has(name)) {
    if (v === '') return null; // BuildKit: empty means the default
    const ms = parseGoDuration(v);
    if (ms === null) return { id: 'badDuration', flag: name, value: v };
    if (ms < 0) return { id: 'negative', flag: name, value: v };
    if (ms > 0 && ms < 1) return { id: 'tooShort', flag: name, value: v };
  } else if (name === 'retries') {
    if (!/^[-+]?\d{1,18}$/.test(v)) return { id: 'badRetries', value: v };
    if (Number(v) < 0) return { id: 'negative', flag: name, value: v };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'DA817',
    name: 'healthcheck-invalid-options',
    category: 'runtime',
    severity: 'medium',
    description: 'HEALTHCHECK has an invalid duration or retry count, no command after CMD, or arguments after NONE, which fails the build.',
    needs: { instructions: ['HEALTHCHECK'] },
    messages: {
      badDuration: (d: { flag: string; value: string }) => `--${d.flag}=${d.value} is not a duration: write a number with a unit, e.g. 30s, 1m30s.`,
      tooShort: (d: { flag: string; value: string }) => `--${d.flag}=${d.value} is below the 1ms minimum: use 0 for the default or at least 1ms.`,
      negative: (d: { flag: string; value: string }) => `--${d.flag}=${d.value} cannot be negative.`,
      badRetries: (d: { value: string }) => `--retries=${d.value} is not a whole number: write how many failures in a row mark the container unhealthy (e.g. 3).`,
      missingCommand: () => 'HEALTHCHECK CMD has no command: add the command that checks the service, or use HEALTHCHECK NONE.',
      noneWithArgs: () => 'HEALTHCHECK NONE takes no arguments: remove them.',
      missingType: () => 'HEALTHCHECK needs CMD <command> or NONE.',
    },
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'HEALTHCHECK') continue;
      const h: HealthcheckInstruction = i;
      if (h.type === 'NONE') {
        if (h.args.length > 1) ctx.report({ messageId: 'noneWithArgs', range: { start: h.args[1]!.range.start, end: h.args[h.args.length - 1]!.range.end } });
        continue;
      }
      if (h.type === null) {
        // an unknown type (`HEALTHCHECK curl …`) or nothing at all
        ctx.report({ messageId: 'missingType', range: h.args[0]?.range ?? h.keywordRange });
        continue;
      }
      for (const f of h.flags) {
        const p = flagProblems(f);
        if (p) ctx.report({ messageId: p.id, data: { flag: p.flag ?? '', value: p.value ?? '' }, range: f.valueRange ?? f.range });
      }
      const c = h.command;
      const empty = c === null || (c.form === 'shell' ? c.script.text.trim() === '' : c.args.length === 0);
      if (empty) ctx.report({ messageId: 'missingCommand', range: h.typeRange ?? h.keywordRange });
    }
  },
  docs: {
    why:
      'BuildKit validates HEALTHCHECK when building: a duration without a unit (`--interval=30`), a negative or ' +
      'non-numeric retry count, or `CMD` with nothing after it stop the build. The values also matter at run time: ' +
      'they decide when an orchestrator restarts the container.',
    bad: 'FROM nginx:1.27\nHEALTHCHECK --interval=30 --retries=three CMD curl -f http://localhost/ || exit 1\n',
    good: 'FROM nginx:1.27\nHEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD curl -f http://localhost/ || exit 1\n',
    fix: 'Write durations with a unit (`30s`, `1m30s`), retries as a whole number, and a command after `CMD`.',
    references: ['https://docs.docker.com/reference/dockerfile/#healthcheck', 'https://pkg.go.dev/time#ParseDuration'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nHEALTHCHECK --interval=1m30s --timeout=2.5s --start-period=0 --start-interval=500ms --retries=0 CMD ["/app", "health"]\n',
      { name: 'NONE', code: 'FROM alpine:3.20\nHEALTHCHECK NONE\n' },
      { name: 'durations in a comment', code: 'FROM alpine:3.20\n# HEALTHCHECK --interval=30\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/ || exit 1\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nHEALTHCHECK --interval=30 --timeout=-1s --retries=3x CMD true\n',
        errors: [
          { line: 2, column: 24, endLine: 2, endColumn: 26, messageId: 'badDuration' },
          { line: 2, column: 37, endColumn: 40, messageId: 'negative' },
          { line: 2, column: 51, endColumn: 53, messageId: 'badRetries' },
        ],
      },
      { name: 'empty CMD', code: 'FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD\n', errors: [{ line: 2, column: 27, endColumn: 30, messageId: 'missingCommand' }] },
      { name: 'NONE with args, below 1ms', code: 'FROM alpine:3.20\nHEALTHCHECK NONE x\nHEALTHCHECK --timeout=10us CMD true\n', errors: [
        { line: 2, column: 18, endColumn: 19, messageId: 'noneWithArgs' },
        { line: 3, column: 23, endColumn: 27, messageId: 'tooShort' },
      ] },
    ],
  },
});
