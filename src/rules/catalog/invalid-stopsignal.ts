import { expand } from '../../model/build.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

/** Linux signal names Docker accepts (without `SIG`), as in moby's signal map. */
const NAMES = new Set(
  ('ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS TERM TRAP ' +
    'TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX').split(' '),
);
const RT = /^RT(MIN\+([1-9]|1[0-5])|MAX-([1-9]|1[0-4]))$/;

function signalOf(v: string): { valid: boolean; number: number | null; name: string | null } {
  if (/^\d{1,10}$/.test(v)) {
    const n = Number(v);
    return { valid: n > 0 && n <= 0xffffffff, number: n, name: null };
  }
  const up = v.toUpperCase().replace(/^SIG/, '');
  return { valid: NAMES.has(up) || RT.test(up), number: null, name: up };
}

export default defineRule({
  meta: {
    id: 'DA822',
    name: 'invalid-stopsignal',
    category: 'runtime',
    severity: 'info',
    description: 'STOPSIGNAL names no valid signal, or SIGKILL, which prevents a graceful shutdown.',
    needs: { instructions: ['STOPSIGNAL'] },
    messages: {
      invalid: (d: { value: string }) => `STOPSIGNAL ${d.value} is not a signal Docker knows: use a name like SIGTERM or SIGQUIT, or a number.`,
      kill: (d: { value: string }) =>
        `STOPSIGNAL ${d.value} kills the process without letting it clean up: use SIGTERM (or the signal the program handles for a graceful stop).`,
    },
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind !== 'STOPSIGNAL') continue;
      const arg = i.args[0];
      if (!arg) continue;
      const e = expand(model, arg.value, i);
      if (!e.ok || e.unknown) continue;
      const s = signalOf(e.value);
      if (!s.valid) ctx.report({ messageId: 'invalid', data: { value: e.value }, range: arg.range, severity: 'medium' });
      else if (s.name === 'KILL' || s.number === 9) ctx.report({ messageId: 'kill', data: { value: e.value }, range: arg.range });
    }
  },
  docs: {
    why:
      'Docker sends the STOPSIGNAL on `docker stop`. An unknown name makes the build fail (BuildKit parses the ' +
      'signal), and SIGKILL cannot be caught: the process never gets to flush data or close connections.',
    bad: 'FROM nginx:1.27\nSTOPSIGNAL SIGKIL\n',
    good: 'FROM nginx:1.27\nSTOPSIGNAL SIGQUIT\n',
    fix: 'Use the signal your program handles for a graceful stop (`SIGTERM` by default, `SIGQUIT` for nginx, `SIGWINCH` for Apache httpd).',
    references: ['https://docs.docker.com/reference/dockerfile/#stopsignal', 'https://man7.org/linux/man-pages/man7/signal.7.html'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nSTOPSIGNAL SIGTERM\n',
      { name: 'short name, number, real-time', code: 'FROM alpine:3.20\nSTOPSIGNAL quit\nSTOPSIGNAL 15\nSTOPSIGNAL SIGRTMIN+3\n' },
      { name: 'unknown variable', code: 'FROM alpine:3.20\nARG SIG\nSTOPSIGNAL $SIG\n' },
      { name: 'kill in a RUN', code: 'FROM alpine:3.20\nRUN echo "STOPSIGNAL SIGKILL"\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nSTOPSIGNAL SIGTERMS\n', errors: [{ line: 2, column: 12, endLine: 2, endColumn: 20, messageId: 'invalid' }] },
      { name: 'SIGKILL, 9, and 0', code: 'FROM alpine:3.20\nSTOPSIGNAL SIGKILL\nSTOPSIGNAL 9\nSTOPSIGNAL 0\n', errors: [
        { line: 2, column: 12, messageId: 'kill' },
        { line: 3, column: 12, messageId: 'kill' },
        { line: 4, column: 12, messageId: 'invalid' },
      ] },
    ],
  },
});
