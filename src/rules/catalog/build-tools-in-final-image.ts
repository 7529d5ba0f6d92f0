import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { ShellCommand, Word } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { inFinalImage, installOf, listNames, MANAGER_TOOLS, managerOf, packageName } from '../helpers/packages.js';
import { runsRunning } from '../helpers/command-index.js';
import type { Manager, RunCommands } from '../helpers/packages.js';

const TOOLS = new Set(['gcc', 'g++', 'gcc-c++', 'cc', 'c++', 'make', 'cmake', 'build-essential', 'build-base', 'alpine-sdk', 'clang', 'autoconf', 'automake', 'libtool']);

/** Compilers, build systems and development headers. */
export function isBuildTool(name: string): boolean {
  const n = name.toLowerCase();
  if (TOOLS.has(n)) return true;
  // each regex only where it can match (this runs for every package of every install in the final image)
  const c = n.charCodeAt(0);
  if ((c === 0x63 || c === 0x67) && VERSIONED_COMPILER.test(n)) return true; // c, g
  if (n.endsWith('dev') || n.endsWith('devel')) return DEV_PACKAGE.test(n);
  return c === 0x64 && DEVELOPMENT_TOOLS.test(n); // d
}
const VERSIONED_COMPILER = /^(?:gcc|g\+\+|clang|cpp)-[0-9][0-9.]*$/;
const DEV_PACKAGE = /.-dev(?:el)?$/;
const DEVELOPMENT_TOOLS = /^development[ -]tools$/;

const REMOVE: Partial<Record<Manager, readonly string[]>> = {
  apt: ['remove', 'purge', 'autoremove', 'auto-remove'],
  apk: ['del'],
  yum: ['remove', 'erase', 'autoremove', 'groupremove'],
  zypper: ['remove', 'rm'],
};

function words(ws: readonly Word[]): string[] {
  const out: string[] = [];
  for (const w of ws) {
    const v = w.value ?? '';
    // most package words hold one name: split (a regex) only when there is whitespace
    if (!HAS_SPACE.test(v)) {
      if (v !== '') out.push(v);
      continue;
    }
    for (const s of v.split(/\s+/)) if (s !== '') out.push(s);
  }
  return out;
}
const HAS_SPACE = /\s/;

/** `words([w]).some((n) => isBuildTool(packageName(manager, n)))`, without the arrays and closures (this runs for
 * every package of every install in the final image). */
function namesBuildTool(w: Word, manager: Manager): boolean {
  const v = w.value ?? '';
  if (!HAS_SPACE.test(v)) return v !== '' && isBuildTool(packageName(manager, v));
  const parts = v.split(/\s+/);
  for (let k = 0; k < parts.length; k++) if (parts[k] !== '' && isBuildTool(packageName(manager, parts[k]!))) return true;
  return false;
}

/** Package names (and apk virtual names) removed by the commands; `*` when apt-mark auto + autoremove drops everything. */
function removedNames(runs: readonly RunCommands[]): Set<string> {
  const out = new Set<string>();
  for (const r of runs) {
    let marksAuto = false;
    for (const c of r.commands) {
      if (c.name === 'apt-mark' && c.args[0]?.value === 'auto') marksAuto = true;
      const m = managerOf(c);
      if (m === null) continue; // before the subcommand: finding it parses the arguments
      const sub = c.subcommand;
      if (sub === null || !(REMOVE[m] ?? []).includes(sub)) continue;
      for (const n of words(c.operands)) out.add(packageName(m, n).toLowerCase());
      if (m === 'apt' && marksAuto && (sub === 'autoremove' || c.hasFlag('--autoremove'))) out.add('*');
    }
  }
  return out;
}

/** The RUNs of `runs` (the file's RUNs that run a package manager: no other RUN removes a package) at or after `at`
 * in the final image's chain of stages, ONBUILD triggers left out. */
function laterInChain(model: DockerfileModel, runs: readonly RunCommands[], at: InstructionFacts): RunCommands[] {
  const out: RunCommands[] = [];
  for (const r of runs) if (r.facts.index >= at.index && r.facts.onbuild === null && inFinalImage(model, r.facts)) out.push(r);
  return out;
}

function virtualName(c: ShellCommand): string | null {
  return c.flagValue('-t')?.value?.toLowerCase() ?? null;
}

export default defineRule({
  meta: {
    id: 'DA610',
    name: 'build-tools-in-final-image',
    category: 'package-manager',
    severity: 'low',
    description: 'Compilers, build tools or development headers are installed in the final image and never removed.',
    needs: { commands: MANAGER_TOOLS },
    messages: {
      buildTools: (d: { names: string; count: number }) =>
        `${d.count === 1 ? 'This build tool stays' : 'These build tools stay'} in the final image (${d.names}): ${d.count === 1 ? 'it lets' : 'they let'} an attacker build exploits in a running container and ${d.count === 1 ? 'adds' : 'add'} code to patch. Build in a separate stage and copy only the result, or remove ${d.count === 1 ? 'it' : 'them'} in the same RUN.`,
    },
  },
  check(model, ctx) {
    const runs = runsRunning(model, MANAGER_TOOLS);
    for (const r of runs) {
      if (!inFinalImage(model, r.facts)) continue;
      let removed: Set<string> | null = null;
      for (const c of r.commands) {
        const inst = installOf(c);
        if (inst === null || !(inst.manager === 'apt' || inst.manager === 'apk' || inst.manager === 'yum' || inst.manager === 'zypper')) continue;
        let tools: Word[] | null = null;
        for (const w of inst.packages) if (w.value !== null && namesBuildTool(w, inst.manager)) (tools ??= []).push(w);
        if (tools === null) continue;
        removed ??= removedNames(r.facts.onbuild === null ? laterInChain(model, runs, r.facts) : [r]);
        if (removed.has('*')) continue;
        const virt = inst.manager === 'apk' ? virtualName(c) : null;
        if (virt !== null && removed.has(virt)) continue;
        // the package names that stay, and the first and last words naming one (whether a name stays depends on the
        // name alone, so a word names a kept package exactly when one of its own names stays)
        const kept: string[] = [];
        let first: Word | null = null;
        let last: Word | null = null;
        for (const w of tools) {
          let keeps = false;
          for (const n of words([w])) {
            const name = packageName(inst.manager, n);
            if (isBuildTool(name) && !removed.has(name.toLowerCase())) {
              kept.push(name);
              keeps = true;
            }
          }
          if (keeps) {
            first ??= w;
            last = w;
          }
        }
        if (first === null || last === null) continue;
        ctx.report({
          messageId: 'buildTools',
          data: { names: listNames(kept), count: kept.length },
          range: { start: first.range.start, end: last.range.end },
        });
      }
    }
  },
  docs: {
    why:
      'A compiler, `make` and development headers in a production image are tools for an attacker: with a shell ' +
      'in the container they can build an exploit or a backdoor on the spot. They also add hundreds of ' +
      'megabytes and many packages that scanners report and that need patching. Multi-stage builds keep them in a ' +
      'builder stage; only stages whose files end up in the final image are checked, and tools removed again ' +
      '(`apt-get purge`, `apk del` of the `--virtual` group, `dnf remove`) in the same or a later RUN are fine.',
    bad: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\\n    && pip install --no-cache-dir psycopg2==2.9.9 && rm -rf /var/lib/apt/lists/*\n',
    good:
      'FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev\n' +
      'RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9\n' +
      'FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir /wheels/*.whl\n',
    fix:
      'Move the build into a builder stage and `COPY --from` only the artifacts. When that is not possible, install ' +
      'the tools as a removable group and remove them in the same RUN: `apk add --virtual .build-deps gcc musl-dev ' +
      '&& … && apk del .build-deps`, or `apt-get purge -y --auto-remove gcc libpq-dev`.',
    references: ['https://docs.docker.com/build/building/multi-stage/'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y curl libpq5\n',
      { name: 'builder stage', code: 'FROM golang:1.22 AS build\nRUN apt-get install -y make gcc\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n' },
      { name: 'apk virtual group removed', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n' },
      { name: 'purged in the same RUN, removed in a later RUN', code: 'FROM debian:12\nRUN apt-get install -y gcc make && make && apt-get purge -y --auto-remove gcc make\nRUN dnf install -y gcc\nRUN dnf remove -y gcc\n' },
      { name: 'apt-mark auto then autoremove', code: 'FROM debian:12\nRUN saved="$(apt-mark showmanual)"; apt-get install -y gcc; apt-mark auto ".*"; apt-mark manual $saved; apt-get purge -y --auto-remove\n' },
      { name: 'echo, comment, runtime libraries with dev in their name', code: 'FROM debian:12\n# apt-get install gcc\nRUN echo "apt-get install -y gcc" && apt-get install -y devscripts libdevmapper1.02.1\n' },
    ],
    invalid: [
      {
        code: 'FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev curl\n',
        errors: [{ line: 2, column: 24, endLine: 2, endColumn: 37, messageId: 'buildTools' }],
      },
      {
        name: 'final stage built FROM a stage that installed them; partial removal',
        code: 'FROM alpine:3.20 AS base\nRUN apk add --no-cache build-base openssl-dev && apk del openssl-dev\nFROM base\nCMD ["app"]\n',
        errors: [{ line: 2, column: 24, endColumn: 34 }],
      },
    ],
  },
});
