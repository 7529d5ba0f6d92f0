import type { Word } from '../../shell/index.js';
import { defineRule } from '../types.js';
import { installOf, isLocalOrUrl, MANAGER_TOOLS } from '../helpers/packages.js';
import { commandsNamed } from '../helpers/command-index.js';

const MIN_PACKAGES = 4;

/** Case-insensitive byte order (`sort -f`). */
function foldKey(s: string): string {
  return s.toLowerCase();
}
/** Byte order (`LC_ALL=C sort`): upper case first. */
function cKey(s: string): string {
  return s;
}
/** Locale-like order that ignores punctuation (`sort` with en_US.UTF-8): `python3-dev` ~ `python3dev`. */
function alnumKey(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Index of the first word that sorts before its predecessor under `key`, or -1. A name right after a longer name it
 * starts (`dpkg-dev dpkg`, `postgresql-server postgresql`) is a family kept together, not a mistake.
 */
function firstUnsorted(words: readonly Word[], key: (s: string) => string): number {
  for (let i = 1; i < words.length; i++) {
    const a = words[i - 1]!.value!;
    const b = words[i]!.value!;
    if (key(b) < key(a) && !a.toLowerCase().startsWith(b.toLowerCase())) return i;
  }
  return -1;
}

const KEYS = [foldKey, cKey, alnumKey];

export default defineRule({
  meta: {
    id: 'DA608',
    name: 'packages-not-sorted',
    category: 'package-manager',
    severity: 'info',
    description: `A list of ${MIN_PACKAGES} or more packages to install is not sorted alphabetically.`,
    needs: { commands: MANAGER_TOOLS },
    messages: {
      unsorted: (d: { word: string; prev: string; cmd: string }) =>
        `The packages of \`${d.cmd}\` are not sorted: \`${d.word}\` comes after \`${d.prev}\`. A sorted list (one per line) makes duplicates and changes easy to spot in review.`,
    },
    tags: ['style'],
  },
  check(model, ctx) {
    // installOf is null for every command but a package manager's: the index lists just those (not every command of
    // their RUNs), in the same order
    for (const { cmd: c } of commandsNamed(model, MANAGER_TOOLS, 'RUN')) {
      const inst = installOf(c);
      // too few operands for a list (most installs): the names are a subset of them
      if (inst === null || inst.manager === 'go' || inst.groups || inst.packages.length < MIN_PACKAGES) continue;
      // names only: files, paths and URLs are not part of the list a reader scans
      const words = inst.packages.filter((w) => w.value !== null && w.value !== '' && !/\s/.test(w.value) && !isLocalOrUrl(w.value));
      if (words.length < MIN_PACKAGES) continue;
      // sorted under any usual order is sorted; otherwise report where the most lenient order breaks
      const breaks = KEYS.map((k) => firstUnsorted(words, k));
      if (breaks.some((b) => b < 0)) continue;
      const at = Math.max(...breaks);
      const w = words[at]!;
      ctx.report({
        messageId: 'unsorted',
        data: { word: w.value!, prev: words[at - 1]!.value!, cmd: `${c.name} ${c.subcommand ?? ''}`.trim() },
        range: w.range,
      });
    }
  },
  docs: {
    why:
      'Long install lists grow by copy and paste. Sorted alphabetically, one package per line, they show a ' +
      'duplicate or a stray package at a glance, merge cleanly, and make a review of "what did this change add to ' +
      'the image" quick. This is a style rule (Docker\'s best-practice guide recommends it); it does not change ' +
      'what gets built.',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    git \\\n    curl \\\n    wget \\\n    ca-certificates\n',
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    ca-certificates \\\n    curl \\\n    git \\\n    wget\n',
    fix: 'Sort the package names alphabetically, one per line (`sort` in an editor does it).',
    references: ['https://docs.docker.com/build/building/best-practices/#sort-multi-line-arguments'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y ca-certificates curl git wget\n',
      { name: 'fewer than four packages', code: 'FROM debian:12\nRUN apt-get install -y wget curl git\n' },
      { name: 'sorted ignoring punctuation (locale order)', code: 'FROM debian:12\nRUN apt-get install -y python3.11 python3-dev python3-pip zlib1g\n' },
      { name: 'upper case first (C order), and a family kept together', code: 'FROM fedora:40\nRUN dnf install -y ImageMagick asciidoc bzip2 dpkg-dev dpkg gcc\n' },
      { name: 'echoed list and comment', code: 'FROM debian:12\n# apt-get install z y x w\nRUN echo apt-get install z y x w\n' },
      { name: 'URLs and files are not part of the list', code: 'FROM python:3.12\nRUN pip install aiohttp flask git+https://example.com/z.git ./pkg gunicorn requests\n' },
      { name: 'versions do not matter; dynamic words are skipped', code: 'FROM alpine:3.20\nRUN apk add bash=5.2 curl=8.9 $EXTRA git make\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get install -y wget curl git vim\n',
        errors: [{ line: 2, column: 29, endLine: 2, endColumn: 33, messageId: 'unsorted' }],
      },
      {
        name: 'multi-line pip list',
        code: 'FROM python:3.12\nRUN pip install --no-cache-dir \\\n    flask==3.0.3 \\\n    requests==2.32.3 \\\n    gunicorn==22.0.0 \\\n    zope==5.0\n',
        errors: [{ line: 5, column: 5, endLine: 5, endColumn: 21 }],
      },
    ],
  },
});
