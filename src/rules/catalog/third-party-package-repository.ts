import type { ShellCommand, Word } from '../../shell/index.js';
import { fileWrites, locateInWrite } from '../helpers/shell.js';
import { commandsNamed } from '../helpers/command-index.js';
import { allInstructions } from '../helpers/instructions.js';
import { defineRule } from '../types.js';

/** Hosts of the distributions' own repositories and their official mirror networks. */
const DISTRO_HOST = /(?:^|\.)(?:debian\.org|ubuntu\.com|canonical\.com|alpinelinux\.org|centos\.org|fedoraproject\.org|rockylinux\.org|almalinux\.org|opensuse\.org|archlinux\.org|redhat\.com|oracle\.com|amazonaws\.com|debian\.net)$/i;

/** Directories and files that define package sources. */
/**
 * A package repository definition path, exactly as
 * `/^\/etc\/apt\/sources\.list(?:\.d\/[^/]+)?$|^\/etc\/apt\/sources\.list\.d\/?$|^\/etc\/yum\.repos\.d\/|^\/etc\/zypp\/repos\.d\/|^\/etc\/apk\/repositories$/`
 * tested it (string comparisons: recheck could not decide that alternation in its time budget).
 */
export function isRepoPath(p: string): boolean {
  const listD = '/etc/apt/sources.list.d/';
  if (p.startsWith(listD)) return p.length === listD.length || !p.slice(listD.length).includes('/');
  return (
    p === '/etc/apt/sources.list' ||
    p === '/etc/apt/sources.list.d' ||
    p.startsWith('/etc/yum.repos.d/') ||
    p.startsWith('/etc/zypp/repos.d/') ||
    p === '/etc/apk/repositories'
  );
}

const URL_IN_TEXT = /(?:https?|ftp):\/\/([^/\s"'$]+)[^\s"']*/gi;

function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)/i.exec(url);
  return m === null ? null : m[1]!.replace(/^[^@]*@/, '').replace(/:[0-9]*$/, '').toLowerCase();
}

function isThirdParty(url: string): boolean {
  const h = hostOf(url);
  return h !== null && h !== '' && !DISTRO_HOST.test(h);
}

/** The first third-party URL in a text (repository definition), or null. */
function thirdPartyUrl(text: string): string | null {
  for (const m of text.matchAll(URL_IN_TEXT)) if (isThirdParty(m[0])) return m[0];
  return null;
}

/** Repository-adding commands: the word naming the repository. */
/** The tools `addedRepos` knows (it finds nothing in any other command). */
const REPO_TOOLS: ReadonlySet<string> = new Set(['add-apt-repository', 'apt-add-repository', 'yum-config-manager', 'dnf', 'dnf5', 'zypper', 'apk']);

function addedRepos(c: ShellCommand): Word[] {
  switch (c.tool) {
    case 'add-apt-repository':
    case 'apt-add-repository': {
      if (c.args.some((w) => w.value === '-r' || w.value === '--remove')) return [];
      return c.operands.filter((w) => {
        const v = w.value ?? w.prefix;
        if (/^ppa:/i.test(v)) return true;
        const u = /(?:https?|ftp):\/\/\S+/i.exec(v);
        return u !== null ? isThirdParty(u[0]) : v.includes(':') || w.value === null;
      });
    }
    case 'yum-config-manager':
      return c.flagValues('--add-repo').concat(c.args.filter((w) => /^--add-repo=/.test(w.value ?? '')));
    case 'dnf':
    case 'dnf5':
      if (c.subcommand !== 'config-manager') return [];
      return c.args.filter((w, k) => /^(?:https?|ftp):\/\//i.test(w.value ?? '') && /^--add-repo(?:=|$)|^addrepo$|^--from-repofile/.test(c.args[k - 1]?.value ?? '')).concat(
        c.args.filter((w) => /^--(?:add-repo|from-repofile)=(?:https?|ftp):\/\//i.test(w.value ?? '')),
      );
    case 'zypper':
      if (c.subcommand !== 'ar' && c.subcommand !== 'addrepo') return [];
      return c.operands.filter((w) => isThirdParty(w.value ?? w.prefix));
    case 'apk':
      return c.flagValues('-X').filter((w) => isThirdParty(w.value ?? w.prefix));
    default:
      return [];
  }
}

export default defineRule({
  meta: {
    id: 'DA509',
    name: 'third-party-package-repository',
    category: 'supply-chain',
    severity: 'info',
    description: 'The build adds a package repository that is not the distribution\'s own; review who controls it and how its signing key is pinned.',
    messages: {
      command: (d: { tool: string; repo: string }) =>
        `${d.tool} adds the package repository ${d.repo}: make sure you trust its owner and that its key is pinned by fingerprint (signed-by / gpgkey).`,
      written: (d: { url: string; path: string }) =>
        `${d.path} now lists the package repository ${d.url}: make sure you trust its owner and that its key is pinned by fingerprint (signed-by / gpgkey).`,
      copied: (d: { path: string }) =>
        `A repository definition is copied into ${d.path}: review which repositories it adds and how their keys are pinned.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    for (const { cmd } of commandsNamed(model, REPO_TOOLS, 'RUN')) {
      for (const w of addedRepos(cmd)) {
        ctx.report({ messageId: 'command', data: { tool: cmd.name ?? cmd.tool ?? '', repo: (w.value ?? w.raw).replace(/^--[a-z-]+=/, '') }, range: w.range });
      }
    }
    for (const w of fileWrites(model)) {
      if (w.path === null || !isRepoPath(w.path)) continue;
      const url = thirdPartyUrl(w.text);
      if (url === null) continue;
      // regex-safety: every metacharacter of the text is escaped, so the pattern is a plain literal (no quantifier)
      const re = new RegExp(url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      ctx.report({ messageId: 'written', data: { url, path: w.path }, range: locateInWrite(model, w, re) });
    }
    for (const stage of model.stages) {
      for (const a of stage.shell?.dataflow.artifacts ?? []) {
        if (a.path === null || !isRepoPath(a.path) || a.url === null) continue;
        ctx.report({ messageId: 'written', data: { url: a.url.url, path: a.path }, range: a.range });
      }
    }
    for (const i of allInstructions(model.dockerfile)) {
      if ((i.kind !== 'COPY' && i.kind !== 'ADD') || i.destination === null || i.heredocs.length > 0) continue;
      const dest = i.destination.value;
      if (!isRepoPath(dest) && !/^\/etc\/(?:yum\.repos\.d|apt\/sources\.list\.d|zypp\/repos\.d)$/.test(dest)) continue;
      ctx.report({ messageId: 'copied', data: { path: dest }, range: i.destination.range });
    }
  },
  docs: {
    why:
      'Every package repository you add can ship any package, under any name, as root, into the image, and ' +
      'usually keeps doing so for every rebuild. That is often intended (a vendor\'s official repository), but it ' +
      'should be a reviewed decision: who runs the repository, whether its key is pinned by fingerprint and limited ' +
      'to that repository (`signed-by=`), and whether the repository is still maintained. Personal PPAs and ' +
      'unofficial mirrors deserve extra scrutiny. This rule is informational: it lists the places to review.',
    bad: 'FROM ubuntu:24.04\nRUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get update\n',
    good:
      'FROM debian:12\n' +
      'RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list\n' +
      'RUN add-apt-repository universe && echo "ppa:someone/ppa is not added"\n',
    fix:
      'Keep third-party repositories to the ones you need, pin each one\'s key by fingerprint in ' +
      '`/etc/apt/keyrings/` with `signed-by=` (apt) or `gpgkey=` with `gpgcheck=1` (yum/dnf), prefer the vendor\'s ' +
      'official repository over personal PPAs, and consider copying the needed binaries from a dedicated build ' +
      'stage instead.',
    references: ['https://wiki.debian.org/DebianRepository/UseThirdParty', 'https://wiki.debian.org/DontBreakDebian'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      { name: 'official backports and components', code: 'FROM ubuntu:24.04\nRUN add-apt-repository universe && echo "deb http://archive.ubuntu.com/ubuntu noble-backports main" >> /etc/apt/sources.list\n' },
      { name: 'echoed repository not written to a source list', code: 'FROM debian:12\nRUN echo "deb https://apt.example.com stable main" && echo "deb https://apt.example.com stable main" > /tmp/notes.txt\n' },
      { name: 'comment and label', code: 'FROM debian:12\n# add-apt-repository ppa:x/y\nLABEL repo="https://apt.example.com"\n' },
    ],
    invalid: [
      {
        code: 'FROM ubuntu:24.04\nRUN add-apt-repository -y ppa:deadsnakes/ppa && apt-get update\n',
        errors: [{ line: 2, column: 27, endLine: 2, endColumn: 45, messageId: 'command' }],
      },
      {
        name: 'source list written, repo file downloaded, apk repository',
        code: 'FROM debian:12\nRUN echo "deb [signed-by=/etc/apt/keyrings/x.gpg] https://apt.example.com stable main" | tee /etc/apt/sources.list.d/x.list\nRUN curl -fsSLo /etc/yum.repos.d/x.repo https://rpm.example.com/x.repo\nRUN echo "https://apk.example.com/v3.20/main" >> /etc/apk/repositories\n',
        errors: [
          { line: 2, column: 51, endColumn: 74, messageId: 'written' },
          { line: 3, column: 41, endColumn: 71, messageId: 'written' },
          { line: 4, column: 11, endColumn: 45, messageId: 'written' },
        ],
      },
      {
        name: 'COPY of a repo file and dnf config-manager',
        code: 'FROM fedora:40\nCOPY vendor.repo /etc/yum.repos.d/\nRUN dnf config-manager --add-repo https://rpm.example.com/vendor.repo\n',
        errors: [
          { line: 2, column: 18, endColumn: 35, messageId: 'copied' },
          { line: 3, column: 35, endColumn: 70, messageId: 'command' },
        ],
      },
    ],
  },
});
