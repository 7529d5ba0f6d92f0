/**
 * Heredoc detection exactly as BuildKit's parser does it: the instruction line is split into words by BuildKit's
 * shell lexer (raw quotes, raw escapes, unset variables kept, `<<` followed by blanks kept in its word), and every
 * word matching `^(\d*)<<(-?)\s*([^<]*)$` whose remainder lexes to one word is a heredoc opener.
 */
import { isReSpace, isSpace } from './text.js';

export interface LexWord {
  readonly value: string;
  /** [start, end) in the lexed string. */
  readonly start: number;
  readonly end: number;
}

interface LexOptions {
  readonly rawQuotes: boolean;
  rawEscapes: boolean;
}

const EOF = -1;
/**
 * `${…}` substitutions nested deeper than this make the lexer fail (as a lexing error, which heredoc detection treats
 * like BuildKit treats any lexing error: no heredoc words). Go's stacks grow; a JavaScript stack holds ~2,400 levels
 * of this recursion, so the limit keeps a wide margin and no real Dockerfile nests substitutions this deep.
 */
const MAX_SUBSTITUTION_DEPTH = 256;
const letter = /\p{L}/u;
const digit = /\p{Nd}/u;

class LexError {
  constructor(readonly message: string) {}
}

/** BuildKit `shell.Lex` with escape `\`, SkipUnsetEnv and an empty environment, reduced to what word splitting needs. */
class ShellWords {
  pos = 0;
  private depth = 0;
  constructor(
    readonly s: string,
    readonly opt: LexOptions,
  ) {}

  peek(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : EOF;
  }
  next(): number {
    if (this.pos >= this.s.length) return EOF;
    return this.s.charCodeAt(this.pos++);
  }

  /** Returns [result, words]; throws LexError (caught by the public entry points). */
  stopOn(stop: number, rawEscapes: boolean): { result: string; words: LexWord[] } {
    const saved = this.opt.rawEscapes;
    this.opt.rawEscapes = rawEscapes;
    this.depth++;
    try {
      if (this.depth > MAX_SUBSTITUTION_DEPTH) throw new LexError('substitutions nested too deeply');
      // The outermost call (no stop character) feeds word splitting; nested calls (inside `${…}`) feed their text
      // back to the enclosing substitution. Each builds only what its caller reads, which halves the allocations.
      const top = stop === EOF;
      let result = '';
      const words: LexWord[] = [];
      let word = '';
      let inWord = false;
      let wordStart = 0;
      let wordEnd = 0;
      const flush = () => {
        if (word.length > 0) words.push({ value: word, start: wordStart, end: wordEnd });
        word = '';
        inWord = false;
      };
      const addRaw = (str: string, at: number) => {
        if (!top) return;
        if (!inWord) wordStart = at;
        word += str;
        inWord = true;
        wordEnd = this.pos;
      };
      const addChar = (c: number, at: number) => {
        if (!top) return;
        if (isSpace(c)) {
          if (inWord && word.length !== 0) flush();
        } else addRaw(String.fromCharCode(c), at);
      };
      while (this.peek() !== EOF) {
        const at = this.pos;
        let ch = this.peek();
        if (stop !== EOF && ch === stop) {
          this.next();
          flush();
          return { result, words };
        }
        if (ch === 0x24 /* $ */) {
          const tmp = this.dollar();
          if (top) for (let k = 0; k < tmp.length; k++) addChar(tmp.charCodeAt(k), at);
          else result += tmp;
          continue;
        }
        if (ch === 0x3c /* < */) {
          const tmp = this.possibleHeredoc();
          if (top) addRaw(tmp, at);
          else result += tmp;
          continue;
        }
        if (ch === 0x27 /* ' */) {
          const tmp = this.singleQuote();
          if (top) addRaw(tmp, at);
          else result += tmp;
          continue;
        }
        if (ch === 0x22 /* " */) {
          const tmp = this.doubleQuote();
          if (top) addRaw(tmp, at);
          else result += tmp;
          continue;
        }
        ch = this.next();
        if (ch === 0x5c /* \ */) {
          if (this.opt.rawEscapes) {
            addRaw('\\', at);
            if (!top) result += '\\';
          }
          ch = this.next();
          if (ch === EOF) break;
          addRaw(String.fromCharCode(ch), at);
        } else addChar(ch, at);
        if (!top) result += String.fromCharCode(ch);
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${String.fromCharCode(stop)}`);
      flush();
      return { result, words };
    } finally {
      this.opt.rawEscapes = saved;
      this.depth--;
    }
  }

  possibleHeredoc(): string {
    this.next();
    if (this.peek() !== 0x3c) return '<';
    this.next();
    // `<<-` and the blanks after it stay in the word (`<<- EOF` is one heredoc word)
    let space = '';
    if (this.peek() === 0x2d) {
      this.next();
      space = '-';
    }
    for (let c = this.peek(); c === 0x20 || c === 0x09 || c === 0x0d; c = this.peek()) {
      space += String.fromCharCode(c);
      this.next();
    }
    return '<<' + space;
  }

  singleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.opt.rawQuotes) result += String.fromCharCode(open);
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === 0x27) {
        if (this.opt.rawQuotes) result += "'";
        return result;
      }
      result += String.fromCharCode(ch);
    }
  }

  doubleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.opt.rawQuotes) result += String.fromCharCode(open);
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (p === 0x22) {
        this.next();
        if (this.opt.rawQuotes) result += '"';
        return result;
      }
      if (p === 0x24) {
        result += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === 0x5c) {
        if (this.opt.rawEscapes) result += '\\';
        const q = this.peek();
        if (q === EOF) continue;
        if (q === 0x22 || q === 0x24 || q === 0x5c) ch = this.next();
      }
      result += String.fromCharCode(ch);
    }
  }

  name(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const c = this.peek();
      const ch = String.fromCharCode(c);
      if (name.length === 0 && digit.test(ch)) {
        while (this.peek() !== EOF && digit.test(String.fromCharCode(this.peek()))) name += String.fromCharCode(this.next());
        return name;
      }
      if (name.length === 0 && '@*#?-$!0'.includes(ch)) {
        this.next();
        return ch;
      }
      if (!letter.test(ch) && !digit.test(ch) && ch !== '_') break;
      name += String.fromCharCode(this.next());
    }
    return name;
  }

  dollar(): string {
    this.next();
    if (this.peek() !== 0x7b /* { */) {
      const name = this.name();
      return name === '' ? '$' : '$' + name;
    }
    this.next();
    const p = this.peek();
    if (p === EOF) throw new LexError("syntax error: missing '}'");
    if (p === 0x7b || p === 0x7d || p === 0x3a) throw new LexError('syntax error: bad substitution');
    const name = this.name();
    let ch = this.next();
    let chs = ch === EOF ? '\ufffd' : String.fromCharCode(ch);
    switch (ch) {
      case 0x7d:
        return '${' + name + '}';
      case 0x3a /* : */:
      case 0x2b /* + */:
      case 0x2d /* - */:
      case 0x3f /* ? */:
      case 0x23 /* # */:
      case 0x25 /* % */: {
        if (ch === 0x3a) {
          ch = this.next();
          chs += ch === EOF ? '\ufffd' : String.fromCharCode(ch);
        }
        const raw = ch === 0x23 || ch === 0x25;
        let word: string;
        try {
          word = this.stopOn(0x7d, raw).result;
        } catch (e) {
          if (e instanceof LexError && this.peek() === EOF) throw new LexError("syntax error: missing '}'");
          throw e;
        }
        return '${' + name + chs + word + '}';
      }
      case 0x2f /* / */: {
        if (this.peek() === 0x2f) this.next();
        const pattern = this.stopOn(0x2f, true).result;
        const replacement = this.stopOn(0x7d, true).result;
        return '${' + name + '/' + pattern + '/' + replacement + '}';
      }
      default:
        throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
  }
}

/** BuildKit `Lex.ProcessWords` (escape `\`, SkipUnsetEnv, no variables); null when the lexer fails. */
export function lexWords(s: string, rawQuotes: boolean, rawEscapes: boolean): LexWord[] | null {
  const sw = new ShellWords(s, { rawQuotes, rawEscapes });
  try {
    return sw.stopOn(EOF, rawEscapes).words;
  } catch (e) {
    if (e instanceof LexError) return null;
    throw e;
  }
}

export interface HeredocOpener {
  readonly name: string;
  readonly expand: boolean;
  readonly chomp: boolean;
  readonly fileDescriptor: number;
}

/** BuildKit `ParseHeredoc`: `null` when the word is not a heredoc opener, `{error}` when it is malformed. */
export function parseHeredocWord(word: string): HeredocOpener | null | { error: string } {
  // ^(\d*)<<(-?)\s*([^<]*)$
  let p = 0;
  while (p < word.length && word.charCodeAt(p) >= 0x30 && word.charCodeAt(p) <= 0x39) p++;
  const fdText = word.slice(0, p);
  if (!word.startsWith('<<', p)) return null;
  p += 2;
  let chomp = false;
  if (word[p] === '-') {
    chomp = true;
    p++;
  }
  while (p < word.length && isReSpace(word.charCodeAt(p))) p++;
  const rest = word.slice(p);
  if (rest.includes('<')) {
    // `-?` could also match nothing and `\s*` nothing; with `<` in the remainder there is no match either way
    return null;
  }
  if (rest.length === 0) return null;
  const words = lexWords(rest, false, false);
  if (words === null) return { error: `failed to process heredoc word ${JSON.stringify(rest)}` };
  if (words.length !== 1) return null;
  const raw = lexWords(rest, true, false);
  if (raw === null) return { error: `failed to process heredoc word ${JSON.stringify(rest)}` };
  if (raw.length !== words.length) return { error: `internal lexing of heredoc produced inconsistent results: ${rest}` };
  const count = (w: string) => {
    let n = 0;
    for (let i = 0; i < w.length; i++) if (w[i] === '"' || w[i] === "'") n++;
    return n;
  };
  const name = words[0]!.value;
  const fd = fdText === '' ? 0 : Number(fdText);
  return {
    name,
    expand: count(name) === count(raw[0]!.value),
    chomp,
    fileDescriptor: Number.isSafeInteger(fd) ? fd : 0,
  };
}

export interface HeredocMarker extends HeredocOpener {
  /** [start, end) of the marker word in the line. */
  readonly start: number;
  readonly end: number;
}

/** BuildKit `heredocsFromLine`: the heredoc openers of one instruction line, in order. */
export function heredocsFromLine(line: string): { heredocs: HeredocMarker[]; error?: string } {
  const words = lexWords(line, true, true) ?? [];
  const heredocs: HeredocMarker[] = [];
  for (const w of words) {
    const h = parseHeredocWord(w.value);
    if (h === null) continue;
    if ('error' in h) return { heredocs, error: h.error };
    heredocs.push({ ...h, start: w.start, end: w.end });
  }
  return { heredocs };
}
