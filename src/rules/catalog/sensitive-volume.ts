import { cleanPath, expandWords } from '../../model/build.js';
import { finalImageInstructions } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

const SENSITIVE = new Set(['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/bin', '/sbin', '/lib', '/lib64', '/usr', '/usr/bin', '/usr/lib']);
// not /var/lib/docker: docker-in-docker images must declare it (overlayfs cannot nest), as the official docker:dind does

export default defineRule({
  meta: {
    id: 'DA806',
    name: 'sensitive-volume',
    category: 'runtime',
    severity: 'high',
    cwe: [668],
    description: 'VOLUME declares a system directory (/, /etc, /proc, /sys, /dev, /boot, /usr…), inviting a host mount over it.',
    needs: { instructions: ['VOLUME'] },
    messages: {
      sensitive: (d: { path: string }) =>
        `VOLUME ${d.path} turns a system directory into a mount point: mounting a host directory there exposes or replaces system files; declare only data directories.`,
    },
    aliases: ['DKL-DI-0002'],
  },
  check(model, ctx) {
    for (const f of finalImageInstructions(model)) {
      const i = f.instruction;
      if (i.kind !== 'VOLUME') continue;
      const stage = f.stage === null ? null : model.stages[f.stage];
      if (!stage || stage.os === 'windows') continue;
      for (const a of i.args) {
        const values: string[] = [];
        if (!a.value.includes('$')) values.push(a.value);
        else {
          const w = expandWords(model, a.value, i);
          if (w.ok) for (const x of w.words) if (!x.unknown) values.push(x.value);
        }
        for (const v of values) {
          if (!v.startsWith('/')) continue;
          const p = cleanPath(v);
          if (SENSITIVE.has(p)) ctx.report({ messageId: 'sensitive', data: { path: p }, range: a.range });
        }
      }
    }
  },
  docs: {
    why:
      'A VOLUME tells users and orchestrators that the directory holds data meant to live outside the image. For a ' +
      'system directory that means a host path (often the host\'s own `/etc` or `/dev`) gets mounted over the ' +
      'container\'s, exposing host files to the container or letting the container change them, and any later ' +
      'build step writing there is discarded.',
    bad: 'FROM debian:12\nVOLUME /etc\n',
    good: 'FROM debian:12\nVOLUME /var/lib/app\n',
    fix: 'Declare only data directories as volumes; mount configuration files one by one, read-only, at run time.',
    references: ['https://github.com/goodwithtech/dockle', 'https://docs.docker.com/reference/dockerfile/#volume'],
  },
  tests: {
    valid: [
      'FROM debian:12\nVOLUME /data /var/lib/postgresql/data ["/etc/app-config"]\n',
      { name: 'builder stage', code: 'FROM debian:12 AS b\nVOLUME /etc\nFROM debian:12\n' },
      { name: 'in a comment and a RUN', code: 'FROM debian:12\n# VOLUME /etc\nRUN mkdir -p /etc/app\n' },
    ],
    invalid: [
      { code: 'FROM debian:12\nVOLUME /data /proc/\n', errors: [{ line: 2, column: 14, endLine: 2, endColumn: 20 }] },
      { name: 'JSON form root', code: 'FROM debian:12\nVOLUME ["/"]\n', errors: [{ line: 2, column: 9, endColumn: 12 }] },
    ],
  },
});
