/**
 * PowerShell and cmd are not parsed as bash. A small tokenizer still recognises the commands rules care about
 * (download-and-execute shapes: `Invoke-WebRequest`/`iwr`/`curl`/`wget`, `.DownloadString(…)`/`.DownloadFile(…)`,
 * `iex`/`Invoke-Expression`), with pipelines and ranges, as ShellCommands.
 */
import { toSourceRange } from '../source.js';
import type { MappedText } from '../source.js';
import { ShellCommand } from './commands.js';
import type { ShellScript } from './commands.js';
import type { Connector, Word } from './types.js';

/** PowerShell aliases → canonical lower-case cmdlet names. */
export const POWERSHELL_ALIASES: Readonly<Record<string, string>> = {
  iwr: 'invoke-webrequest',
  curl: 'invoke-webrequest',
  wget: 'invoke-webrequest',
  irm: 'invoke-restmethod',
  iex: 'invoke-expression',
  saps: 'start-process',
  start: 'start-process',
  sbt: 'start-bitstransfer',
};

interface Tok {
  kind: 'word' | 'op';
  text: string;
  value: string | null;
  start: number;
  end: number;
  quoted: boolean;
}

function tokenize(text: string, shell: 'powershell' | 'cmd'): Tok[] {
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
    // a word: runs of quoted and unquoted text
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

function word(m: MappedText, t: Tok, lower: boolean): Word {
  const v = t.value === null ? null : lower && t.value.startsWith('-') ? t.value.toLowerCase() : t.value;
  return { value: v, dynamic: v === null, prefix: v ?? '', raw: t.text, range: toSourceRange(m, t.start, t.end), quoted: t.quoted };
}

/** Fills `script.all` with the commands recognised in a PowerShell or cmd script. */
export function tokenizeNonPosix(script: ShellScript, m: MappedText, shell: 'powershell' | 'cmd'): void {
  const toks = tokenize(m.text, shell);
  const ps = shell === 'powershell';
  let depth = 0;
  let cur: Tok[] = [];
  let pendingOp: Connector | null = null;
  let prev: ShellCommand | null = null;
  const flush = (op: string | null): void => {
    const words = cur;
    cur = [];
    let k = 0;
    while (k < words.length && (words[k]!.text === '&' || words[k]!.text === '.')) k++;
    const first = words[k];
    if (first === undefined) {
      if (op === null || op === '(' || op === ')') prev = null;
      return;
    }
    const c = new ShellCommand();
    c.words = words.slice(k).map((t) => word(m, t, ps));
    c.argv = c.words;
    c.nameWord = c.words[0]!;
    const raw0 = first.value;
    let name: string | null = raw0 === null ? null : raw0.replace(/\\/g, '/').replace(/^.*\//, '').toLowerCase().replace(/\.exe$/, '');
    if (name !== null && ps) name = POWERSHELL_ALIASES[name] ?? name;
    c.name = name;
    c.tool = name;
    c.raw = m.text.slice(first.start, words[words.length - 1]!.end);
    c.range = toSourceRange(m, first.start, words[words.length - 1]!.end);
    c.inSubstitution = depth > 0;
    if (prev !== null && pendingOp !== null) {
      c.connectorBefore = pendingOp;
      prev.connectorAfter = pendingOp;
      if (pendingOp === '|') {
        c.stdinFrom = prev;
        prev.stdoutTo = c;
        c.pipelineIndex = prev.pipelineIndex + 1;
      }
    }
    script.all.push(c);
    prev = c;
    pendingOp = null;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'word') {
      // .DownloadString( … ) / .DownloadFile( … ) method calls become commands of their own
      const mm = /\.(DownloadString|DownloadFile|DownloadData|OpenRead)$/i.exec(t.value ?? t.text);
      if (mm !== null && toks[i + 1]?.text === '(') {
        flush(null);
        let j = i + 2;
        const args: Tok[] = [];
        let level = 1;
        for (; j < toks.length; j++) {
          const a = toks[j]!;
          if (a.text === '(') level++;
          else if (a.text === ')' && --level === 0) break;
          else if (a.kind === 'word' && level === 1) args.push(a);
        }
        const nameTok: Tok = { ...t, value: mm[1]!, start: t.end - mm[1]!.length, text: mm[1]! };
        cur = [nameTok, ...args];
        depth++;
        flush(null);
        depth--;
        i = j;
        continue;
      }
      cur.push(t);
      continue;
    }
    switch (t.text) {
      case '(':
      case '{':
        flush('(');
        depth++;
        break;
      case ')':
      case '}':
        flush(')');
        depth = Math.max(0, depth - 1);
        break;
      case ',':
        cur.push(t);
        break;
      default:
        flush(t.text);
        pendingOp = t.text === '\n' ? ';' : (t.text as Connector);
    }
  }
  flush(null);
  script.all.forEach((c, i) => (c.id = i));
  // a pipeline length for every member
  for (const c of script.all) {
    let last = c;
    while (last.stdoutTo !== null) last = last.stdoutTo;
    c.pipelineLength = last.pipelineIndex + 1;
  }
}
