import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { ShellCommand } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { commandHeadRange, MANAGER_TOOLS, managerOf } from '../helpers/packages.js';
import { commandsNamed, runsRunning } from '../helpers/command-index.js';

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
  // add-apt-repository is no package manager; for other commands without a family nothing below applies (and the
  // subcommand, which parses the arguments, is not needed)
  if (f === null) return (c.name === 'add-apt-repository' || c.name === 'apt-add-repository') && !c.args.some((w) => w.value === '-n' || w.value === '--no-update') ? 'apt' : null;
  const sub = c.subcommand;
  if (f === 'apt' && sub === 'update' && c.name !== 'apt-cache') return f;
  // apt ≥ 3.0: `apt-get install --update` refreshes first
  if (f === 'apt' && sub !== null && APT_USES.has(sub) && c.hasFlag('--update')) return f;
  // add-apt-repository refreshes the index unless told not to
  if ((c.name === 'add-apt-repository' || c.name === 'apt-add-repository') && !c.args.some((w) => w.value === '-n' || w.value === '--no-update')) return 'apt';
  if (f === 'apk' && (sub === 'update' || (c.hasFlag('-U', '--update') && sub !== null && APK_USES.has(sub)))) return f;
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
  if (f === null) return null;
  const sub = c.subcommand;
  if (f === 'apt' && c.name !== 'apt-cache' && sub === 'install') return f;
  if (f === 'apk' && sub === 'add' && !c.hasFlag('--no-cache', '-U', '--update')) return f;
  return null;
}

/** The commands `family` or `updates` can be non-null for. */
const FAMILY_TOOLS: ReadonlySet<string> = new Set([...MANAGER_TOOLS, 'apt-cache', 'add-apt-repository', 'apt-add-repository']);

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
    needs: { commands: FAMILY_TOOLS },
    messages: {
      updateAlone: (d: { cmd: string; line: number }) =>
        `\`${d.cmd}\` runs in a RUN that installs nothing, while the install on line ${d.line} reuses this cached layer and its outdated index (builds fail with "404 Not Found" or install old versions): update and install in the same RUN.`,
      staleIndex: (d: { cmd: string; line: number; update: string }) =>
        `\`${d.cmd}\` uses the package index fetched on line ${d.line}, which the layer cache can keep for months: run \`${d.update} && ${d.cmd} …\` in this RUN.`,
    },
    aliases: ['DS-0017', 'CKV_DOCKER_5'],
  },
  check(model, ctx) {
    // RUNs without a package manager, apt-cache or add-apt-repository would add entries with nothing in them
    const runs = runsRunning(model, FAMILY_TOOLS);
    // both findings below need an update somewhere in the file (most files have none): look for one before building
    // any table (the tables cost maps and sets per RUN)
    // (only the FAMILY_TOOLS commands themselves can update: the index lists them without the other commands of
    // their RUNs, which this test visited one by one)
    if (!commandsNamed(model, FAMILY_TOOLS, 'RUN').some((x) => updates(x.cmd) !== null)) return;
    // per RUN: the first update per family, whether the RUN also uses the index, and installs before any own update
    const info = runs.map((r) => {
      const updated = new Map<Family, ShellCommand>();
      const stale = new Map<Family, ShellCommand>();
      const used = new Set<Family>();
      for (const c of r.commands) {
        const up = updates(c);
        const use = uses(c);
        if (use !== null) used.add(use);
        const fam = installsFromLayer(c) ?? (use === 'yum' ? 'yum' : null);
        if (fam !== null && up !== fam && !updated.has(fam) && !stale.has(fam)) stale.set(fam, c);
        if (up !== null && !updated.has(up)) updated.set(up, c);
      }
      return { r, updated, stale, used };
    });
    // "o is later than r" means: o comes after r in the file, is not an ONBUILD trigger, and o's stage is r's stage or
    // one built FROM it (stage chains point to earlier stages, so a stage's descendants all come after it). Both
    // lookups below are answered from per-stage tables built in one pass each, not by scanning every pair of RUNs.
    type Info = (typeof info)[number];
    const stageCount = model.stages.length;
    const parentIndex = (s: number): number | null => {
      const p = model.stages[s]?.parentStage ?? null;
      return p !== null && p < s ? p : null;
    };
    const byStage: Info[][] = Array.from({ length: stageCount }, () => []);
    for (const it of info) if (it.r.facts.stage !== null) byStage[it.r.facts.stage]?.push(it);

    // 1. an update alone in its RUN: the first later RUN (own stage first, else any descendant stage) that installs
    //    from the layer without its own update. `subtreeFirst[s]` is the earliest such RUN in stage s or below.
    const subtreeFirst: Map<Family, Info>[] = Array.from({ length: stageCount }, () => new Map());
    const childFirst: Map<Family, Info>[] = Array.from({ length: stageCount }, () => new Map());
    const earlier = (a: Info | undefined, b: Info): Info => (a === undefined || b.r.facts.index < a.r.facts.index ? b : a);
    for (let s = stageCount - 1; s >= 0; s--) {
      const first = subtreeFirst[s]!;
      for (const [fam, o] of childFirst[s]!) first.set(fam, o);
      const runsHere = byStage[s]!;
      for (let k = runsHere.length - 1; k >= 0; k--) {
        const o = runsHere[k]!;
        if (o.r.facts.onbuild !== null) continue;
        for (const fam of o.stale.keys()) first.set(fam, o); // own-stage RUNs precede every descendant's
      }
      const p = parentIndex(s);
      if (p !== null) for (const [fam, o] of first) childFirst[p]!.set(fam, earlier(childFirst[p]!.get(fam), o));
    }
    for (let s = 0; s < stageCount; s++) {
      const runsHere = byStage[s]!;
      // walking backwards: `next` holds the next own-stage RUN with a stale install per family
      const next = new Map<Family, Info>(childFirst[s]!);
      const found: { it: Info; fam: Family; c: ShellCommand; victim: Info }[] = [];
      for (let k = runsHere.length - 1; k >= 0; k--) {
        const it = runsHere[k]!;
        if (it.r.facts.onbuild === null) {
          for (const [fam, c] of it.updated) {
            // adding a repository in its own RUN is normal; its implicit refresh only matters for the checks below
            if (it.used.has(fam) || c.subcommand === null) continue;
            const victim = next.get(fam);
            if (victim !== undefined) found.push({ it, fam, c, victim });
          }
          for (const fam of it.stale.keys()) next.set(fam, it);
        }
      }
      for (let k = found.length - 1; k >= 0; k--) {
        const { c, victim } = found[k]!;
        ctx.report({
          messageId: 'updateAlone',
          data: { cmd: `${c.name} ${c.subcommand}`, line: lineOf(model, victim.r.facts) },
          range: commandHeadRange(c),
        });
      }
    }

    // 2. installs without their own update, after an earlier RUN refreshed and used the index (an earlier RUN that
    //    only refreshed it is reported above): the last earlier update in the stage or its parent chain.
    //    `endUpdate[s]` is the last update per family seen at the end of stage s (its own, else its parent's).
    const endUpdate: Map<Family, Info>[] = Array.from({ length: stageCount }, () => new Map());
    for (let s = 0; s < stageCount; s++) {
      const p = parentIndex(s);
      const last = new Map<Family, Info>(p !== null ? endUpdate[p]! : []);
      for (const it of byStage[s]!) {
        if (it.r.facts.onbuild === null) {
          for (const [fam, c] of it.stale) {
            if (fam === 'yum') continue; // dnf/yum refresh expired metadata themselves
            const o = last.get(fam);
            if (o === undefined || !o.used.has(fam)) continue;
            ctx.report({
              messageId: 'staleIndex',
              data: { cmd: `${c.name} ${c.subcommand}`, line: lineOf(model, o.r.facts), update: fam === 'apt' ? `${c.name === 'apt' ? 'apt' : 'apt-get'} update` : 'apk update' },
              range: commandHeadRange(c),
            });
          }
        }
        for (const fam of it.updated.keys()) last.set(fam, it);
      }
      endUpdate[s] = last;
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
      { name: 'each RUN updates before it installs; apk --no-cache', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\nRUN apk update && apk add x\nRUN apk add --no-cache y\nRUN apk add --update z\n' },
      { name: 'echo and comment', code: 'FROM debian:12\n# RUN apt-get update\nRUN echo "apt-get update"\nRUN apt-get update && apt-get install -y curl\n' },
      { name: 'add-apt-repository refreshes the index', code: 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y software-properties-common\nRUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get install -y python3.12\nRUN add-apt-repository -y ppa:x/y\nRUN apt-get update && apt-get install -y z\nRUN apt-get install --update -y w\n' },
      { name: 'another stage', code: 'FROM debian:12 AS a\nRUN apt-get update && apt-get install -y curl\nFROM debian:12\nRUN apt-get install -y ./local.deb\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 19, messageId: 'updateAlone' }],
      },
      {
        name: 'an install after an update-only RUN is reported once, at the update',
        code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update\nRUN apt-get install -y git\nRUN apt-get update && apt-get install -y vim\n',
        errors: [{ line: 3, column: 5, endColumn: 19, messageId: 'updateAlone' }],
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
