import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import { stageChain } from '../../model/build.js';
import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { commandHeadRange, managerOf, runCommands } from '../helpers/packages.js';
import type { RunCommands } from '../helpers/packages.js';

type Family = 'apt' | 'apk' | 'yum';

const APT_USES = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source', 'download', 'reinstall', 'satisfy', 'safe-upgrade']);
const APK_USES = new Set(['add', 'upgrade', 'fetch', 'fix', 'search', 'info', 'policy']);
const YUM_USES = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'group', 'module', 'distro-sync', 'downgrade', 'builddep', 'download', 'info', 'search', 'list', 'repoquery']);

function family(c: ShellCommand): Family | null {
  const m = managerOf(c);
  return m === 'apt' || m === 'apk' || m === 'yum' ? m : c.name === 'apt-cache' ? 'apt' : null;
}

/** `apt-get update`, `apk update`, `yum makecache`. */
function updates(c: ShellCommand): Family | null {
  const f = family(c);
  const sub = c.subcommand;
  if (f === 'apt' && sub === 'update' && c.name !== 'apt-cache') return f;
  if (f === 'apk' && (sub === 'update' || (c.hasFlag('-U') && sub !== null && APK_USES.has(sub)))) return f;
  if (f === 'yum' && sub === 'makecache') return f;
  return null;
}

/** A command that reads the package indexes (installs, upgrades, queries). */
function uses(c: ShellCommand): Family | null {
  const f = family(c);
  if (f === null) return null;
  if (c.name === 'apt-cache') return 'apt';
  const sub = c.subcommand;
  if (sub === null) return null;
  if (f === 'apt' && APT_USES.has(sub)) return f;
  if (f === 'apk' && APK_USES.has(sub)) return f;
  if (f === 'yum' && YUM_USES.has(sub)) return f;
  return null;
}

/** Installs that take their indexes from the layer (not `apk add --no-cache`, which fetches them). */
function installsFromLayer(c: ShellCommand): Family | null {
  const f = family(c);
  const sub = c.subcommand;
  if (f === 'apt' && c.name !== 'apt-cache' && sub === 'install') return f;
  if (f === 'apk' && sub === 'add' && !c.hasFlag('--no-cache', '-U')) return f;
  return null;
}

/** RUNs after `r` whose stage sees `r`'s files (same stage or one built FROM it). */
function laterRuns(model: DockerfileModel, runs: readonly RunCommands[], r: RunCommands): RunCommands[] {
  return runs.filter((o) => {
    if (o.facts.index <= r.facts.index || o.facts.stage === null || r.facts.stage === null || o.facts.onbuild !== null) return false;
    const st = model.stages[o.facts.stage];
    return st !== undefined && stageChain(model, st).some((s) => s.index === r.facts.stage);
  });
}

function lineOf(model: DockerfileModel, f: InstructionFacts): number {
  return model.source.positionAt(f.instruction.range.start).line;
}

export default defineRule({
  meta: {
    id: 'DA601',
    name: 'package-update-without-install',
    category: 'package-manager',
    severity: 'medium',
    description: 'The package index is refreshed in one RUN and used by an install in another, so the layer cache can serve outdated indexes.',
    messages: {
      updateAlone: (d: { cmd: string; line: number }) =>
        `\`${d.cmd}\` runs in a RUN that installs nothing, while the install on line ${d.line} reuses this cached layer and its outdated index (builds fail with "404 Not Found" or install old versions): update and install in the same RUN.`,
      staleIndex: (d: { cmd: string; line: number; update: string }) =>
        `\`${d.cmd}\` uses the package index fetched on line ${d.line}, which the layer cache can keep for months: run \`${d.update} && ${d.cmd} …\` in this RUN.`,
    },
    aliases: ['DS-0017', 'CKV_DOCKER_5'],
  },
  check(model, ctx) {
    const runs = runCommands(model);
    // RUNs that refresh an index and also use it (for the stale-index check of later RUNs)
    const fresh: { r: RunCommands; fam: Family }[] = [];
    for (const r of runs) {
      const own = new Map<Family, ShellCommand>();
      for (const c of r.commands) {
        const f = updates(c);
        if (f !== null && !own.has(f)) own.set(f, c);
      }
      const used = new Set(r.commands.map(uses).filter((f): f is Family => f !== null));
      for (const [fam, c] of own) {
        if (used.has(fam)) {
          fresh.push({ r, fam });
          continue;
        }
        if (r.facts.onbuild !== null) continue;
        const later = laterRuns(model, runs, r).find((o) => o.commands.some((x) => uses(x) === fam && (fam === 'yum' || installsFromLayer(x) === fam)));
        if (later === undefined) continue;
        ctx.report({
          messageId: 'updateAlone',
          data: { cmd: `${c.name} ${c.subcommand}`, line: lineOf(model, later.facts) },
          range: commandHeadRange(c),
        });
      }
    }
    // installs without their own update, after an earlier RUN refreshed and used the index
    for (const r of runs) {
      if (r.facts.onbuild !== null) continue;
      const seen = new Set<Family>();
      for (const c of r.commands) {
        const up = updates(c);
        if (up !== null) seen.add(up);
        const fam = installsFromLayer(c);
        if (fam === null || seen.has(fam)) continue;
        seen.add(fam);
        const earlier = fresh.find((e) => e.fam === fam && laterRuns(model, runs, e.r).includes(r));
        if (earlier === undefined) continue;
        ctx.report({
          messageId: 'staleIndex',
          data: { cmd: `${c.name} ${c.subcommand}`, line: lineOf(model, earlier.r.facts), update: fam === 'apt' ? `${c.name === 'apt' ? 'apt' : 'apt-get'} update` : 'apk update' },
          range: commandHeadRange(c),
        });
      }
    }
  },
  docs: {
    why:
      'Docker caches each RUN as a layer keyed by its text. When `apt-get update` sits in its own RUN, that layer ' +
      'is reused for as long as the line does not change, and the next RUN installs from an index that may be ' +
      'months old: the build then fails with "404 Not Found" once the mirror drops the old packages, or quietly ' +
      'installs versions without the latest security fixes. The same happens when an install in a later RUN ' +
      'relies on the index fetched by an earlier one.',
    bad: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    fix:
      'Refresh the index and install in the same RUN (`apt-get update && apt-get install -y …`, ' +
      '`apk add --no-cache …`, `dnf install -y …` without a separate `makecache`), and clean up in that RUN too.',
    references: ['https://docs.docker.com/build/building/best-practices/#apt-get'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'update alone, nothing installed later', code: 'FROM debian:12\nRUN apt-get update\nCMD ["bash"]\n' },
      { name: 'each RUN updates before it installs; apk --no-cache', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\nRUN apk update && apk add x\nRUN apk add --no-cache y\n' },
      { name: 'echo and comment', code: 'FROM debian:12\n# RUN apt-get update\nRUN echo "apt-get update"\nRUN apt-get update && apt-get install -y curl\n' },
      { name: 'another stage', code: 'FROM debian:12 AS a\nRUN apt-get update && apt-get install -y curl\nFROM debian:12\nRUN apt-get install -y ./local.deb\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 19, messageId: 'updateAlone' }],
      },
      {
        name: 'install relying on an earlier RUN; child stage',
        code: 'FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN apt-get install -y git\n',
        errors: [{ line: 4, column: 5, endLine: 4, endColumn: 20, messageId: 'staleIndex' }],
      },
      {
        name: 'apk and yum',
        code: 'FROM alpine:3.20\nRUN apk update\nRUN apk add curl\nRUN yum makecache\nRUN yum install -y git\n',
        errors: [
          { line: 2, column: 5, endColumn: 15, messageId: 'updateAlone' },
          { line: 4, column: 5, endColumn: 18, messageId: 'updateAlone' },
        ],
      },
    ],
  },
});
