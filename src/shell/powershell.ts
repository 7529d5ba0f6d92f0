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

export interface Tok {
  kind: 'word' | 'op';
  text: string;
  value: string | null;
  start: number;
  end: number;
  quoted: boolean;
}

/** Characters that end a word: space, tab, CR, LF, `;`, `|`, `(`, `)`, `{`, `}`, `,`. */
function endsWord(c: number): boolean {
  switch (c) {
    case 0x20:
    case 0x09:
    case 0x0d:
    case 0x0a:
    case 0x3b:
    case 0x7c:
    case 0x28:
    case 0x29:
    case 0x7b:
    case 0x7d:
    case 0x2c:
      return true;
    default:
      return false;
  }
}

/** A run of characters that have no role inside a word, in PowerShell or cmd (quotes, word ends, `&`, the escapes
 * and `$`/`%` excluded). */
const ORDINARY = /[^ \t\r\n;|(){},'"&`^$%]+/y;

/**
 * The tokens of a PowerShell or cmd script (exported for the test that compares it with the tokenizer it replaced).
 * Words are built from slices between quotes and escapes rather than one character at a time: appending each
 * character was ~10 ms and 4.4 MB of garbage per pass over the corpus's ~370 PowerShell and cmd scripts (which the
 * tree cache does not hold: they are tokenized at every occurrence).
 */
export function tokenize(text: string, shell: 'powershell' | 'cmd'): Tok[] {
  const toks: Tok[] = [];
  const ps = shell === 'powershell';
  const esc = ps ? '`' : '^';
  const escCode = esc.charCodeAt(0);
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === esc && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (ps && c === '#') {
      while (i < length && text[i] !== '\n') i++;
      continue;
    }
    if ((c === '&' || c === '|') && text[i + 1] === c) {
      const two = c === '&' ? '&&' : '||';
      toks.push({ kind: 'op', text: two, value: two, start: i, end: i + 2, quoted: false });
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '(' || c === ')' || c === '{' || c === '}' || c === ',' || (c === '&' && !ps)) {
      toks.push({ kind: 'op', text: c, value: c, start: i, end: i + 1, quoted: false });
      i++;
      continue;
    }
    // a word: runs of quoted and unquoted text
    const start = i;
    let value = '';
    let dynamic = false;
    let quoted = false;
    /** Start of the unquoted text not yet added to `value`. */
    let from = i;
    while (i < length) {
      // skip the characters the checks below only step over, with one regex search instead of a pass through those
      // checks per character (this code mostly runs before V8 optimises it: PowerShell scripts are few)
      ORDINARY.lastIndex = i;
      if (ORDINARY.test(text)) {
        i = ORDINARY.lastIndex;
        if (i >= length) break;
      }
      const d = text.charCodeAt(i);
      if (d === 0x27 || d === 0x22) {
        value += text.slice(from, i);
        quoted = true;
        const close = text.indexOf(d === 0x27 ? "'" : '"', i + 1);
        const inside = text.slice(i + 1, close < 0 ? length : close);
        if (ps ? d === 0x22 && (inside.includes('$') || inside.includes('`')) : inside.includes('%')) dynamic = true;
        value += inside;
        i = close < 0 ? length : close + 1;
        from = i;
        continue;
      }
      if (endsWord(d) || (d === 0x26 && (!ps || text.charCodeAt(i + 1) === 0x26))) break;
      if (d === escCode && i + 1 < length) {
        value += text.slice(from, i) + text[i + 1]!;
        i += 2;
        from = i;
        continue;
      }
      if (d === 0x24 || (!ps && d === 0x25)) dynamic = true;
      i++;
    }
    value += text.slice(from, i);
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
      // (the name is looked for only before a `(`: most words are not method calls)
      const mm = toks[i + 1]?.text === '(' ? /\.(DownloadString|DownloadFile|DownloadData|OpenRead)$/i.exec(t.value ?? t.text) : null;
      if (mm !== null) {
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
