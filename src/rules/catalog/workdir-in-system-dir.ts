import { expand, instructionsOf, resolveWorkdir } from '../../model/build.js';
import { defineRule } from '../types.js';

const SYSTEM_DIRS = ['/proc', '/boot', '/dev', '/sys'];

export default defineRule({
  meta: {
    id: 'DA818',
    name: 'workdir-in-system-dir',
    category: 'runtime',
    severity: 'medium',
    description: 'WORKDIR points into a kernel or boot file system (/proc, /sys, /dev, /boot).',
    needs: { instructions: ['WORKDIR'] },
    messages: {
      systemDir: (d: { path: string; root: string }) =>
        `WORKDIR ${d.path} is inside ${d.root}, a kernel or boot file system: use an application directory such as /app.`,
    },
    aliases: ['DS-0030'],
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'WORKDIR')) {
      const arg = f.instruction.args[0];
      if (!arg || f.stage === null) continue;
      const stage = model.stages[f.stage];
      if (!stage || stage.os === 'windows') continue;
      const e = expand(model, arg.value, f.instruction);
      if (!e.ok || e.unknown) continue;
      const path = resolveWorkdir(f.workdir.path, e.value, 'linux');
      if (path === null) continue;
      const root = SYSTEM_DIRS.find((d) => path === d || path.startsWith(d + '/'));
      if (root) ctx.report({ messageId: 'systemDir', data: { path, root }, range: arg.range });
    }
  },
  docs: {
    why:
      '/proc, /sys and /dev are provided by the kernel at run time and /boot belongs to the host\'s boot loader: ' +
      'files written there during the build are hidden or rejected at run time, and a process working there can ' +
      'reach kernel interfaces by relative paths.',
    bad: 'FROM alpine:3.20\nWORKDIR /proc/app\n',
    good: 'FROM alpine:3.20\nWORKDIR /app\n',
    fix: 'Choose an application directory (`/app`, `/srv/<name>`, `/opt/<name>`).',
    references: ['https://avd.aquasec.com/misconfig/dockerfile/general/avd-ds-0030/'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nWORKDIR /process\nWORKDIR /app/dev\nWORKDIR /devices\n',
      { name: 'cd in RUN and a label', code: 'FROM alpine:3.20\nLABEL dir=/proc\nRUN cd /proc && cat cpuinfo\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nWORKDIR /sys/fs\n', errors: [{ line: 2, column: 9, endLine: 2, endColumn: 16 }] },
      { name: 'relative into /dev', code: 'FROM alpine:3.20\nWORKDIR /\nWORKDIR dev\n', errors: [{ line: 3, column: 9, endColumn: 12 }] },
    ],
  },
});
