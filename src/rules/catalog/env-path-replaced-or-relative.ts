import { expand, instructionsOf } from '../../model/build.js';
import { defineRule } from '../types.js';
import { trimTrailingSlashes } from '../../shell/dataflow.js';

/** Splits a PATH value on `:` outside `${…}`. */
function splitPath(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let k = 0; k < v.length; k++) {
    const c = v[k]!;
    if (c === '$' && v[k + 1] === '{') {
      depth++;
      cur += '${';
      k++;
      continue;
    }
    if (c === '}' && depth > 0) depth--;
    if (c === ':' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function stripQuotes(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

const REFERS_TO_PATH = /\$(?:PATH\b|\{PATH[}:])/;
const SYSTEM_DIRS = new Set(['/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin']);

export default defineRule({
  meta: {
    id: 'DA823',
    name: 'env-path-replaced-or-relative',
    category: 'runtime',
    severity: 'medium',
    cwe: [427],
    description: 'ENV PATH drops the system directories without keeping `$PATH`, or contains a relative or empty entry that searches the working directory.',
    needs: { instructions: ['ENV'] },
    messages: {
      replaced: (d: { value: string }) =>
        `PATH=${d.value} replaces the image's PATH and drops the system directories: append to it (\`PATH=/opt/bin:$PATH\`).`,
      relative: (d: { entry: string }) =>
        `PATH entry ${d.entry === '' ? '"" (empty)' : `"${d.entry}"`} is relative: commands are then looked up in whatever the current directory is; use absolute directories.`,
    },
  },
  check(model, ctx) {
    for (const f of instructionsOf(model, 'ENV')) {
      if (f.stage === null || model.stages[f.stage]?.os === 'windows') continue;
      for (const p of f.instruction.pairs) {
        if (p.key.value !== 'PATH') continue;
        const raw = p.value.value;
        const entries: string[] = [];
        let bad: string | undefined;
        for (const entry of splitPath(stripQuotes(raw))) {
          if (!entry.includes('$')) {
            entries.push(entry);
            if (!entry.startsWith('/')) bad ??= entry;
            continue;
          }
          const e = expand(model, entry, f.instruction);
          if (!e.ok) continue;
          if (e.unknown) {
            const first = e.parts[0];
            if (first && !first.unknown && first.text !== '' && !first.text.startsWith('/')) bad ??= entry;
            continue;
          }
          // a known value (an earlier ENV PATH): its own entries were checked where it was set; an unset variable
          // gives nothing (BuildKit gives every image a default PATH, so `$PATH` is never really empty)
          for (const x of e.value.split(':')) if (x !== '') entries.push(x);
          const lead = e.value.split(':')[0] ?? '';
          if (lead !== '' && !lead.startsWith('/')) bad ??= entry;
        }
        if (bad !== undefined) {
          ctx.report({ messageId: 'relative', data: { entry: bad }, range: p.value.range });
          continue;
        }
        if (!REFERS_TO_PATH.test(raw) && !entries.some((x) => SYSTEM_DIRS.has(trimTrailingSlashes(x)))) {
          ctx.report({ messageId: 'replaced', data: { value: raw }, range: p.value.range });
        }
      }
    }
  },
  docs: {
    why:
      'PATH decides which program runs for every command name. Replacing it with a few directories breaks the ' +
      'base image\'s tools or makes commands resolve to something else; a relative or empty entry (`.`, `bin`, a ' +
      'leading or trailing `:`) makes the shell search the current directory, so a file planted in a working ' +
      'directory can hijack a command name.',
    bad: 'FROM python:3.12-slim\nENV PATH=/opt/venv/bin:\n',
    good: 'FROM python:3.12-slim\nENV PATH=/opt/venv/bin:$PATH\n',
    fix: 'Prepend or append absolute directories to the existing value: `ENV PATH=/opt/app/bin:$PATH`.',
    references: ['https://cwe.mitre.org/data/definitions/427.html', 'https://docs.docker.com/reference/dockerfile/#env'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENV PATH=/opt/bin:$PATH\nENV PATH="${PATH}:/usr/local/go/bin"\n',
      { name: 'full system path written out', code: 'FROM alpine:3.20\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' },
      { name: 'other variable names', code: 'FROM alpine:3.20\nENV PYTHONPATH=src LD_LIBRARY_PATH=lib GOPATH=/go\n' },
      { name: 'PATH in a RUN', code: 'FROM alpine:3.20\nRUN PATH=bin ./configure\n' },
      { name: 'unknown variable entry', code: 'FROM alpine:3.20\nARG HOME_BIN\nENV PATH=${HOME_BIN}:$PATH\n' },
      { name: 'earlier ENV PATH kept via expansion', code: 'FROM scratch\nENV PATH=/bin\nENV PATH=/app:$PATH\n' },
      { name: 'scratch: $PATH is the default PATH, not empty', code: 'FROM scratch\nENV PATH "$PATH:/bin"\n' },
      { name: 'variable holding an absolute directory', code: 'FROM alpine:3.20\nENV APP=/opt/app\nENV PATH=$APP/bin:$PATH\n' },
    ],
    invalid: [
      { code: 'FROM alpine:3.20\nENV PATH=/opt/app/bin\n', errors: [{ line: 2, column: 10, endLine: 2, endColumn: 22, messageId: 'replaced' }] },
      { name: 'trailing colon, relative entry', code: 'FROM alpine:3.20\nENV PATH=$PATH:\nENV PATH=./node_modules/.bin:$PATH\n', errors: [
        { line: 2, column: 10, endColumn: 16, messageId: 'relative' },
        { line: 3, column: 10, endColumn: 35, messageId: 'relative' },
      ] },
      { name: 'tilde is not expanded in PATH by exec', code: 'FROM alpine:3.20\nENV PATH="~/.local/bin:$PATH"\n', errors: [{ line: 2, column: 10, endColumn: 30, messageId: 'relative' }] },
    ],
  },
});
