/**
 * BuildKit's word processing for Dockerfile instructions (ENV, ARG, FROM, COPY, WORKDIR, LABEL, USER, EXPOSE, ...):
 * quote removal, escapes, `$var` / `${var...}` expansion and (for `processWords`) splitting into words. It follows
 * BuildKit's `frontend/dockerfile/shell` lexer rule for rule, including its quirks (unknown `${v:x}` modifiers are
 * errors, `*`/`?` glob patterns without bracket expressions, `${v//p/r}` replacement templates).
 *
 * It is NOT the shell that runs RUN scripts: that is src/shell.
 *
 * Unknown-aware mode: an environment lookup may answer `UNKNOWN` (typically a build argument declared without a
 * default). Such a variable is unset unless the user passes `--build-arg`, so:
 * - where its value itself would be substituted (`$v`, `${v}`, `${v?msg}`, `${v#p}`, `${v/p/r}`) the output gets an
 *   unknown part (rendered in `value` as the expression's source text, e.g. `${TAG}`);
 * - where it only selects between alternatives (`${v:-x}`, `${v-x}`, `${v:+x}`, `${v+x}`) it is assumed unset, as
 *   BuildKit does when no build argument is passed, and listed in `assumedUnset`.
 *
 * Errors are values (`{ ok: false, message, offset }`); nothing here throws on user input.
 */

/** The answer for a variable whose value cannot be known statically (e.g. `ARG TAG` without a default). */
export const UNKNOWN: UnknownValue = Object.freeze({ unknown: true as const });
/**
 * A value that is not fully known. With `parts`, the variable is set and partly known (`ARG IMG=${REGISTRY}/app`):
 * `$IMG` then expands to those parts. Without, nothing is known (it may even be unset).
 */
export interface UnknownValue {
  readonly unknown: true;
  readonly parts?: readonly ExpandedPart[];
}
export type EnvValue = string | UnknownValue;

/** Where variables come from: a map (absent key = unset), or a lookup function (undefined = unset). */
export type EnvSource =
  | ReadonlyMap<string, EnvValue>
  | Readonly<Record<string, EnvValue>>
  | ((name: string) => EnvValue | undefined);

export interface ExpandOptions {
  /** Escape character (`\` by default, `` ` `` with `# escape=``). */
  readonly escape?: '\\' | '`';
  /** Keep quote characters in the output (BuildKit `RawQuotes`). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the output (BuildKit `RawEscapes`). */
  readonly rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (BuildKit `SkipProcessQuotes`). */
  readonly skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written (BuildKit `SkipUnsetEnv`). */
  readonly skipUnsetEnv?: boolean;
  /** Compare variable names case-insensitively (BuildKit on a Windows builder host). Default false. */
  readonly caseInsensitiveKeys?: boolean;
  /**
   * Characters that variable substitution may still produce, shared by every call that is handed the same object
   * (the model passes one per file). Substituting past it is an error value, so that `ENV A=$B$B` chains cannot
   * make the work grow exponentially. Each call is also limited to MAX_EXPANSION_CHARS on its own.
   */
  readonly budget?: ExpansionBudget;
}

/** A mutable allowance of substituted characters (see `ExpandOptions.budget`). */
export interface ExpansionBudget {
  remaining: number;
}

/** Most characters one `processWord`/`processWords` call may substitute (1 Mi). */
export const MAX_EXPANSION_CHARS = 1 << 20;
/** Deepest `${…${…}…}` nesting processed; deeper is an error value (the recursion would exhaust the JS stack). */
export const MAX_SUBSTITUTION_DEPTH = 256;
/** Longest `#`/`%`/`/` pattern (in characters) matched; the matcher recurses once per pattern token. */
const MAX_PATTERN_TOKENS = 2000;
/** Most steps one pattern match may take (the memoised matcher is O(pattern × value²) at worst). */
const MAX_MATCH_STEPS = 4_000_000;

/** One piece of an expanded word. */
export interface ExpandedPart {
  /** Known text, or for an unknown part the expression's source text (e.g. `${TAG}`). */
  readonly text: string;
  readonly unknown: boolean;
  /** For unknown parts: the unknown variables the part depends on. */
  readonly vars?: readonly string[];
  /** For unknown parts: offsets of the expression in the processed input, `[start, end)` (UTF-16). */
  readonly start?: number;
  readonly end?: number;
}

export interface ExpandedWord {
  /** The processed text; unknown parts appear as their source expression. */
  readonly value: string;
  /** True when some part is unknown. */
  readonly unknown: boolean;
  readonly parts: readonly ExpandedPart[];
}

export interface ExpandFacts {
  /** Variables that were looked up and found (set, or unknown). */
  readonly used: readonly string[];
  /** Variables that were looked up and are unset. */
  readonly unset: readonly string[];
  /** Variables that were looked up and answered UNKNOWN. */
  readonly unknownVars: readonly string[];
  /** Unknown variables that only chose between alternatives and were assumed unset (`${TAG:-latest}`). */
  readonly assumedUnset: readonly string[];
}

export interface ExpandError {
  readonly ok: false;
  readonly message: string;
  /** Offset in the input (UTF-16) where processing stopped. */
  readonly offset: number;
  /** True when dockaudit's own safety limits stopped the expansion (size, budget, nesting, pattern work), not a
   * problem BuildKit would report. */
  readonly limit?: true;
}

export type ExpandResult = ({ readonly ok: true } & ExpandedWord & ExpandFacts) | ExpandError;
export type WordsResult = ({ readonly ok: true; readonly words: readonly ExpandedWord[] } & ExpandFacts) | ExpandError;

/** The empty list of variable names, shared by the results that looked up no variable (most words). */
const NO_NAMES: readonly string[] = Object.freeze([]);

function names(set: ReadonlySet<string> | null): readonly string[] {
  return set === null || set.size === 0 ? NO_NAMES : [...set];
}

/** Adds `name` to a name set made on first use (most words look up no variable, or one kind of variable only). */
function addName(set: Set<string> | null, name: string): Set<string> {
  const s = set ?? new Set<string>();
  s.add(name);
  return s;
}

/** A UTF-16 surrogate: the text has code points the lexer must step over as one. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** Processes one word (ENV/ARG/LABEL values, WORKDIR, USER, FROM, COPY paths ...). */
export function processWord(word: string, env: EnvSource, opts: ExpandOptions = {}): ExpandResult {
  if (isPlainWord(word, opts)) {
    // nothing to substitute, unquote or unescape: the lexer would hand back the word as it is (most words)
    return { ok: true, value: word, unknown: false, parts: word === '' ? [] : [{ text: word, unknown: false }], used: NO_NAMES, unset: NO_NAMES, unknownVars: NO_NAMES, assumedUnset: NO_NAMES };
  }
  const lx = new Lexer(word, env, opts);
  const r = lx.run(false);
  if (!r.ok) return r;
  const w = toWord(r.result);
  const f = lx.facts();
  return { ok: true, value: w.value, unknown: w.unknown, parts: w.parts, used: f.used, unset: f.unset, unknownVars: f.unknownVars, assumedUnset: f.assumedUnset };
}

/** True when the lexer would copy the word unchanged: no `$`, no escape character, and no quote it processes. */
function isPlainWord(word: string, opts: ExpandOptions): boolean {
  if (word.includes('$') || word.includes(opts.escape ?? '\\')) return false;
  return opts.skipProcessQuotes === true || (!word.includes("'") && !word.includes('"'));
}

/** Processes a text and splits it into words after expansion (EXPOSE, VOLUME, and flag values BuildKit splits). */
export function processWords(text: string, env: EnvSource, opts: ExpandOptions = {}): WordsResult {
  const lx = new Lexer(text, env, opts);
  const r = lx.run(true);
  if (!r.ok) return r;
  return { ok: true, words: r.words.map(toWord), ...lx.facts() };
}

/** Builds an environment map from `NAME=value` strings (later entries win; `NAME` alone = empty), like BuildKit. */
export function envFromList(list: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of list) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------------------

type Piece = string | UnknownPiece;
interface UnknownPiece {
  readonly text: string;
  readonly vars: readonly string[];
  readonly start: number;
  readonly end: number;
}
type Pieces = Piece[];

function toWord(pieces: Pieces): ExpandedWord {
  // The lexer hands over known text one character per piece: each run of them becomes one part, its text joined once
  // (merging character after character into new part objects, or even into strings, made garbage proportional to
  // the word's length).
  const parts: ExpandedPart[] = [];
  let unknown = false;
  let run = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (typeof p === 'string') continue;
    if (i > run) knownPart(parts, pieces, run, i);
    unknown = true;
    parts.push({ text: p.text, unknown: true, vars: p.vars, start: p.start, end: p.end });
    run = i + 1;
  }
  if (pieces.length > run) knownPart(parts, pieces, run, pieces.length);
  let value = '';
  if (parts.length === 1) value = parts[0]!.text;
  else for (const p of parts) value += p.text;
  // an exact-size copy: the array grown by `push` keeps room for 16 more parts, and expanded words stay in the model
  return { value, unknown, parts: parts.slice() };
}

/** Adds the known text of `pieces[from..to)` (all strings) as a part, unless it is empty. */
function knownPart(parts: ExpandedPart[], pieces: Pieces, from: number, to: number): void {
  const run = (from === 0 && to === pieces.length ? pieces : pieces.slice(from, to)) as string[];
  const text = run.length === 1 ? run[0]! : run.join('');
  if (text !== '') parts.push({ text, unknown: false });
}

function piecesText(p: Pieces): string {
  let s = '';
  for (const x of p) s += typeof x === 'string' ? x : x.text;
  return s;
}

function piecesKnown(p: Pieces): boolean {
  return p.every((x) => typeof x === 'string');
}

function piecesVars(p: Pieces): string[] {
  const out: string[] = [];
  for (const x of p) if (typeof x !== 'string') for (const v of x.vars) if (!out.includes(v)) out.push(v);
  return out;
}

const EOF = '';
/** The word split when none was asked for (never modified). */
const NO_WORDS: Pieces[] = [];

class Failure {
  constructor(
    readonly message: string,
    readonly offset: number,
    /** One of dockaudit's own safety limits, not a BuildKit error. */
    readonly limit = false,
  ) {}
}

/** Words collector: BuildKit's `wordsStruct`. */
class Words {
  words: Pieces[] = [];
  word: Pieces = [];
  inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length !== 0) {
        this.words.push(this.word);
        this.word = [];
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(p: Piece): void {
    if (p === '') {
      this.inWord = true;
      return;
    }
    this.word.push(p);
    this.inWord = true;
  }
  addPieces(ps: Pieces): void {
    for (const p of ps) {
      if (typeof p === 'string') this.addChars(p);
      else this.addRaw(p);
    }
  }
  /** `addChar` for each character of `p`, adding each run of non-blank characters as one piece (same words). */
  addChars(p: string): void {
    let runStart = 0;
    for (let i = 0; i < p.length; i++) {
      if (!isSpace(p[i]!)) continue;
      if (i > runStart) this.addRaw(p.slice(runStart, i));
      this.addChar(p[i]!);
      runStart = i + 1;
    }
    if (p.length > runStart) this.addRaw(runStart === 0 ? p : p.slice(runStart));
  }
  addRawPieces(ps: Pieces): void {
    for (const p of ps) this.addRaw(p);
    this.inWord = true;
  }
  get(): Pieces[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = [];
      this.inWord = false;
    }
    return this.words;
  }
}

function isSpace(ch: string): boolean {
  // Go's unicode.IsSpace
  switch (ch) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case '\u0085':
    case '\u00a0':
      return true;
  }
  return ch.length > 0 && ch.charCodeAt(0) > 0xff && /^\p{Zs}$|^[\u2028\u2029]$/u.test(ch);
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
function isLetter(ch: string): boolean {
  if (ch.length === 1) {
    const c = ch.charCodeAt(0);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
    if (c < 0x80) return false;
  }
  return ch !== EOF && LETTER.test(ch);
}
function isDigit(ch: string): boolean {
  if (ch.length === 1) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) return true;
    if (c < 0x80) return false;
  }
  return ch !== EOF && DIGIT.test(ch);
}
function isSpecialParam(ch: string): boolean {
  return ch.length === 1 && '@*#?-$!0'.includes(ch);
}

function lookupIn(env: EnvSource, name: string, ci: boolean): EnvValue | undefined {
  if (typeof env === 'function') {
    const direct = env(name);
    return direct;
  }
  if (env instanceof Map) {
    const m = env as ReadonlyMap<string, EnvValue>;
    if (m.has(name)) return m.get(name);
    if (ci) {
      const up = name.toUpperCase();
      for (const [k, v] of m) if (k.toUpperCase() === up) return v;
    }
    return undefined;
  }
  const rec = env as Readonly<Record<string, EnvValue>>;
  if (Object.prototype.hasOwnProperty.call(rec, name)) return rec[name];
  if (ci) {
    const up = name.toUpperCase();
    for (const k of Object.keys(rec)) if (k.toUpperCase() === up) return rec[k];
  }
  return undefined;
}

class Lexer {
  /**
   * The input's code points: the input itself when it has no surrogate pair (nearly always: each character is then a
   * code point, and an array of one-character strings per word was most of the lexer's garbage), else an array.
   */
  private readonly cps: string | readonly string[];
  /** UTF-16 offset of each code point, plus the end; null when `cps` is the input (offset = index). */
  private readonly offs: readonly number[] | null;
  private pos = 0;
  private readonly escape: string;
  private rawEscapes: boolean;
  // the variables looked up, by outcome (made on first use)
  private used: Set<string> | null = null;
  private unset: Set<string> | null = null;
  private unknownVars: Set<string> | null = null;
  private assumed: Set<string> | null = null;
  private depth = 0;
  private produced = 0;

  constructor(
    input: string,
    private readonly env: EnvSource,
    private readonly opts: ExpandOptions,
  ) {
    if (SURROGATE.test(input)) {
      const cps = Array.from(input);
      const offs: number[] = [];
      let o = 0;
      for (const c of cps) {
        offs.push(o);
        o += c.length;
      }
      offs.push(o);
      this.cps = cps;
      this.offs = offs;
    } else {
      this.cps = input;
      this.offs = null;
    }
    this.escape = opts.escape ?? '\\';
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  /** The code points [from, to) as one string. */
  private text(from: number, to: number): string {
    return typeof this.cps === 'string' ? this.cps.slice(from, to) : this.cps.slice(from, to).join('');
  }

  facts(): ExpandFacts {
    return {
      used: names(this.used),
      unset: names(this.unset),
      unknownVars: names(this.unknownVars),
      assumedUnset: names(this.assumed),
    };
  }

  /** `splitWords`: also split the result into words (`processWords`); `words` is empty otherwise. */
  run(splitWords: boolean): { ok: true; result: Pieces; words: Pieces[] } | ExpandError {
    try {
      const r = this.processStopOn(EOF, this.rawEscapes, splitWords);
      return { ok: true, result: r.result, words: r.words };
    } catch (e) {
      if (e instanceof Failure) return e.limit ? { ok: false, message: e.message, offset: e.offset, limit: true } : { ok: false, message: e.message, offset: e.offset };
      throw e;
    }
  }

  private peek(): string {
    return this.cps[this.pos] ?? EOF;
  }
  private next(): string {
    const c = this.cps[this.pos];
    if (c === undefined) return EOF;
    this.pos++;
    return c;
  }
  private offset(): number {
    const i = Math.min(this.pos, this.cps.length);
    return this.offs === null ? i : this.offs[i]!;
  }
  private fail(message: string): never {
    throw new Failure(message, this.offset());
  }
  private failLimit(message: string): never {
    throw new Failure(message, this.offset(), true);
  }

  /** Counts `n` substituted characters against this call's limit and the shared budget. */
  private charge(n: number): void {
    this.produced += n;
    if (this.produced > MAX_EXPANSION_CHARS) this.failLimit(`expansion larger than ${MAX_EXPANSION_CHARS} characters`);
    const b = this.opts.budget;
    if (b) {
      b.remaining -= n;
      if (b.remaining < 0) this.failLimit('expansion budget exhausted: variables expand to too much text in this file');
    }
  }
  private chargePieces(p: Pieces): Pieces {
    let n = 0;
    for (const x of p) n += typeof x === 'string' ? x.length : x.text.length + 32; // an unknown part also costs an object
    this.charge(n);
    return p;
  }

  private getEnv(name: string): EnvValue | undefined {
    const v = lookupIn(this.env, name, this.opts.caseInsensitiveKeys ?? false);
    if (v === undefined) this.unset = addName(this.unset, name);
    else {
      this.used = addName(this.used, name);
      if (typeof v !== 'string') this.unknownVars = addName(this.unknownVars, name);
    }
    return v;
  }

  /**
   * `splitWords`: also collect BuildKit's word split of the result (only `processWords` uses it, and only at the top
   * level; splitting tested every character for blanks in every expanded word, ~15 ms of a cold corpus run).
   */
  private processStopOn(stopChar: string, rawEscapes: boolean, splitWords: boolean): { result: Pieces; words: Pieces[] } {
    const result: Pieces = [];
    const words = splitWords ? new Words() : null;
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    this.depth++;
    try {
      if (this.depth > MAX_SUBSTITUTION_DEPTH) this.failLimit(`substitutions nested more than ${MAX_SUBSTITUTION_DEPTH} deep`);
      const quotes = !this.opts.skipProcessQuotes;
      while (this.peek() !== EOF) {
        const ch = this.peek();
        if (stopChar !== EOF && ch === stopChar) {
          this.next();
          return { result, words: words === null ? NO_WORDS : words.get() };
        }
        if (ch === '$') {
          const tmp = this.processDollar();
          for (const x of tmp) result.push(x); // no push(...tmp): a huge spread overflows the stack
          words?.addPieces(tmp);
        } else if (quotes && (ch === "'" || ch === '"')) {
          const tmp = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          for (const x of tmp) result.push(x);
          words?.addRawPieces(tmp);
        } else if (ch === this.escape) {
          this.next();
          if (this.rawEscapes) {
            words?.addRaw(ch);
            result.push(ch);
          }
          const c = this.next();
          if (c === EOF) break;
          words?.addRaw(c);
          result.push(c);
        } else {
          // a run of ordinary characters as one piece (one piece per character was most of the lexer's garbage;
          // `toWord` joins adjacent known pieces, so the result is the same)
          const from = this.pos;
          this.next();
          const cps = this.cps;
          if (typeof cps === 'string') {
            // the same scan over character codes (no one-character string and two calls per character)
            const stop = stopChar === EOF ? -1 : stopChar.charCodeAt(0);
            const esc = this.escape.charCodeAt(0);
            let p = this.pos;
            for (const n = cps.length; p < n; p++) {
              const c = cps.charCodeAt(p);
              if (c === stop || c === 0x24 || c === esc || (quotes && (c === 0x27 || c === 0x22))) break;
            }
            this.pos = p;
          } else {
            for (let p = this.peek(); p !== EOF && p !== stopChar && p !== '$' && p !== this.escape && !(quotes && (p === "'" || p === '"')); p = this.peek()) this.next();
          }
          const run = this.text(from, this.pos);
          words?.addChars(run);
          result.push(run);
        }
      }
      if (stopChar !== EOF) this.fail(`unexpected end of statement while looking for matching ${stopChar}`);
      return { result, words: words === null ? NO_WORDS : words.get() };
    } finally {
      this.rawEscapes = saved;
      this.depth--;
    }
  }

  private processSingleQuote(): Pieces {
    const open = this.next();
    const from = this.pos;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) this.fail('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        const body = this.text(from, this.pos - 1);
        return [this.opts.rawQuotes ? open + body + ch : body];
      }
    }
  }

  private processDoubleQuote(): Pieces {
    const out: Pieces = [];
    const open = this.next();
    if (this.opts.rawQuotes) out.push(open);
    for (;;) {
      const p = this.peek();
      if (p === EOF) this.fail('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        const ch = this.next();
        if (this.opts.rawQuotes) out.push(ch);
        return out;
      }
      if (p === '$') {
        for (const x of this.processDollar()) out.push(x);
        continue;
      }
      if (p !== this.escape) {
        // a run of ordinary characters as one piece (see processStopOn)
        const from = this.pos;
        this.next();
        const cps = this.cps;
        if (typeof cps === 'string') {
          const esc = this.escape.charCodeAt(0);
          let q = this.pos;
          for (const n = cps.length; q < n; q++) {
            const c = cps.charCodeAt(q);
            if (c === 0x22 || c === 0x24 || c === esc) break;
          }
          this.pos = q;
        } else {
          for (let q = this.peek(); q !== EOF && q !== '"' && q !== '$' && q !== this.escape; q = this.peek()) this.next();
        }
        out.push(this.text(from, this.pos));
        continue;
      }
      let ch = this.next();
      if (this.rawEscapes) out.push(ch);
      const n = this.peek();
      if (n === EOF) continue;
      if (n === '"' || n === '$' || n === this.escape) ch = this.next();
      out.push(ch);
    }
  }

  private processName(): string {
    const cps = this.cps;
    if (typeof cps === 'string') {
      // a name of ASCII letters, digits and `_` that starts with a letter or `_` (nearly all) is cut in one slice
      // instead of growing one character at a time; anything else takes the general loop below from the start
      const from = this.pos;
      const n = cps.length;
      let p = from;
      let c = p < n ? cps.charCodeAt(p) : -1;
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) {
        for (p++; p < n; p++) {
          c = cps.charCodeAt(p);
          if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) break;
        }
        if (p >= n || c < 0x80) {
          this.pos = p;
          return cps.slice(from, p);
        }
      }
    }
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return this.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  private unknownPiece(name: string | readonly string[], start: number): UnknownPiece {
    const end = this.offset();
    const text = this.text(this.offsToIndex(start), this.pos);
    return { text, vars: typeof name === 'string' ? [name] : name, start, end };
  }
  /** Pieces for `$name` whose value is UNKNOWN: one unknown piece, or the known/unknown parts of a partial value. */
  private unknownValuePieces(v: UnknownValue, name: string, start: number): Pieces {
    if (!v.parts) return [this.unknownPiece(name, start)];
    const end = this.offset();
    return v.parts.map((p) => (p.unknown ? { text: p.text, vars: p.vars ?? [name], start, end } : p.text));
  }

  private offsToIndex(off: number): number {
    const offs = this.offs;
    if (offs === null) return off;
    // offsets come from this.offs, so an exact index exists
    let lo = 0;
    let hi = offs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offs[mid]! < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private processDollar(): Pieces {
    const start = this.offset();
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return ['$'];
      const v = this.getEnv(name);
      if (v === undefined) return this.opts.skipUnsetEnv ? ['$' + name] : [''];
      if (typeof v !== 'string') return this.chargePieces(this.unknownValuePieces(v, name, start));
      this.charge(v.length);
      return [v];
    }
    this.next();
    const first = this.peek();
    if (first === EOF) this.fail("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') this.fail('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    let chs = ch;
    switch (ch) {
      case '}': {
        const v = this.getEnv(name);
        if (v === undefined) return this.opts.skipUnsetEnv ? ['${' + name + '}'] : [''];
        if (typeof v !== 'string') return this.chargePieces(this.unknownValuePieces(v, name, start));
        this.charge(v.length);
        return [v];
      }
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        let nullIsUnset = false;
        if (ch === ':') {
          nullIsUnset = true;
          ch = this.next();
          chs += ch;
        }
        const word = this.stopOnOrMissing('}', ch === '#' || ch === '%', "syntax error: missing '}'");
        const v = this.getEnv(name);
        if (this.opts.skipUnsetEnv && v === undefined) return ['${' + name + chs, ...word, '}'];
        if (v !== undefined && typeof v !== 'string' && v.parts) {
          // set and partly known: `-` and `?` give the value, `+` the word
          switch (ch) {
            case '-':
            case '?':
              return this.chargePieces(this.unknownValuePieces(v, name, start));
            case '+':
              return word;
            case '#':
            case '%':
              return [this.unknownPiece([name, ...piecesVars(word)], start)];
            default:
              this.fail(`unsupported modifier (${chs}) in substitution`);
          }
        }
        if (v !== undefined && typeof v !== 'string') {
          // unknown value (see the module comment)
          switch (ch) {
            case '-':
            case '+':
              this.assumed = addName(this.assumed, name);
              return ch === '-' ? word : [''];
            case '?':
            case '#':
            case '%':
              return [this.unknownPiece([name, ...piecesVars(word)], start)];
            default:
              this.fail(`unsupported modifier (${chs}) in substitution`);
          }
        }
        const set = v !== undefined;
        const value = v ?? '';
        switch (ch) {
          case '-':
            return !set || (nullIsUnset && value === '') ? word : this.chargePieces([value]);
          case '+':
            return !set || (nullIsUnset && value === '') ? [''] : word;
          case '?': {
            if (!set || (nullIsUnset && value === '')) {
              const w = piecesText(word);
              const message = w !== '' ? w : !set ? 'is not allowed to be unset' : 'is not allowed to be empty';
              this.fail(`${name}: ${message}`);
            }
            return this.chargePieces([value]);
          }
          case '%':
          case '#': {
            if (!piecesKnown(word)) return [this.unknownPiece(piecesVars(word), start)];
            let pat = piecesText(word);
            let greedy = false;
            if (pat.length > 0 && pat[0] === ch) {
              greedy = true;
              pat = pat.slice(1);
            }
            const r = ch === '%' ? trimSuffix(pat, value, greedy) : trimPrefix(pat, value, greedy);
            if (typeof r !== 'string') this.fail(`invalid pattern (${pat}) in substitution: ${r.error}`);
            return this.chargePieces([r]);
          }
          default:
            this.fail(`unsupported modifier (${chs}) in substitution`);
        }
      }
      // falls through (unreachable: every branch above returns or fails)
      case '/': {
        const replaceAll = this.peek() === '/';
        if (replaceAll) this.next();
        const pattern = this.stopOnOrMissing('/', true, "syntax error: missing '/' in ${}");
        const replacement = this.stopOnOrMissing('}', true, "syntax error: missing '}'");
        const v = this.getEnv(name);
        if (this.opts.skipUnsetEnv && v === undefined)
          return ['${' + name + '/', ...pattern, '/', ...replacement, '}'];
        if (v !== undefined && typeof v !== 'string') return [this.unknownPiece([name, ...piecesVars(pattern)], start)];
        if (!piecesKnown(pattern)) return [this.unknownPiece(piecesVars(pattern), start)];
        const pat = compileGlob(piecesText(pattern));
        if (!Array.isArray(pat)) this.fail(`invalid pattern (${piecesText(pattern)}) in substitution: ${pat.error}`);
        const value = v ?? '';
        const chars = Array.from(value);
        if (!replaceAll) {
          const m = findMatch(pat, chars, 0, true, false);
          if (!m) return this.chargePieces([value]);
          return this.chargePieces([chars.slice(0, m[0]).join(''), ...replacement, chars.slice(m[1]).join('')]);
        }
        if (!piecesKnown(replacement)) {
          if (!findMatch(pat, chars, 0, true, false)) return this.chargePieces([value]);
          return [this.unknownPiece(piecesVars(replacement), start)];
        }
        return this.chargePieces([replaceAllGo(pat, chars, piecesText(replacement))]);
      }
      default:
        this.fail(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private stopOnOrMissing(stop: string, rawEscapes: boolean, missing: string): Pieces {
    try {
      return this.processStopOn(stop, rawEscapes, false).result;
    } catch (e) {
      if (e instanceof Failure && !e.limit && this.peek() === EOF) throw new Failure(missing, e.offset);
      throw e;
    }
  }
}

// --- glob patterns (`*`, `?`, `\` escapes; no bracket expressions), matched like BuildKit's generated regexp -----

type GlobTok = { readonly t: 'star' } | { readonly t: 'any' } | { readonly t: 'lit'; readonly c: string };

/** Compiles a BuildKit shell pattern; `{ error }` for an invalid escape. */
function compileGlob(pattern: string): GlobTok[] | { error: string } {
  const cps = Array.from(pattern);
  const out: GlobTok[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '*') out.push({ t: 'star' });
    else if (c === '?') out.push({ t: 'any' });
    else if (c === '\\') {
      const n = cps[i + 1];
      if (n === '}' || n === '/') continue;
      if (n !== '*' && n !== '?' && n !== '\\') return { error: `invalid escape '\\${n ?? ''}'` };
      out.push({ t: 'lit', c: n });
      i++;
    } else out.push({ t: 'lit', c });
  }
  return out;
}

/**
 * First match in regexp preference order (Go/Perl leftmost-first): returns [start, end] in code points or null.
 * `greedy` stars try the longest text first, lazy ones the shortest. `.` (and so `*`/`?`) never match a newline,
 * as in Go's regexp. Memoised: O(pattern × text²) at worst.
 */
function findMatch(
  pat: readonly GlobTok[],
  s: readonly string[],
  from: number,
  greedy: boolean,
  anchored: boolean,
  /** Steps taken so far; share one object across the calls of one substitution so their total stays bounded. */
  work: { steps: number } = { steps: 0 },
): [number, number] | null {
  // Errors thrown here are Failures: every caller runs inside Lexer.run, which turns them into error values.
  if (pat.length > MAX_PATTERN_TOKENS) throw new Failure(`pattern longer than ${MAX_PATTERN_TOKENS} characters`, 0, true);
  const memo = new Map<number, number>();
  const n = s.length;
  const at = (pi: number, si: number): number => {
    if (++work.steps > MAX_MATCH_STEPS) throw new Failure('pattern too complex to match against this value', 0, true);
    if (pi === pat.length) return si;
    const key = pi * (n + 1) + si;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const tok = pat[pi]!;
    let r = -1;
    if (tok.t === 'lit') {
      if (si < n && s[si] === tok.c) r = at(pi + 1, si + 1);
    } else if (tok.t === 'any') {
      if (si < n && s[si] !== '\n') r = at(pi + 1, si + 1);
    } else {
      let max = si;
      while (max < n && s[max] !== '\n') max++;
      if (greedy) {
        for (let k = max; k >= si && r < 0; k--) r = at(pi + 1, k);
      } else {
        for (let k = si; k <= max && r < 0; k++) r = at(pi + 1, k);
      }
    }
    memo.set(key, r);
    return r;
  };
  const last = anchored ? from : n;
  for (let st = from; st <= last; st++) {
    const e = at(0, st);
    if (e >= 0) return [st, e];
  }
  return null;
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string | { error: string } {
  const pat = compileGlob(pattern);
  if (!Array.isArray(pat)) return pat;
  const chars = Array.from(value);
  const m = findMatch(pat, chars, 0, greedy, true);
  return m ? chars.slice(m[1]).join('') : value;
}

/** Reverses a pattern keeping `\x` escapes in order (BuildKit's reversePattern). */
function reversePattern(pattern: string): string {
  const cps = Array.from(pattern);
  const out: string[] = new Array<string>(cps.length);
  const last = cps.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = cps[i]!;
    const o = last - i;
    if (tok === '\\' && i !== last) {
      out[o - 1] = tok;
      out[o] = cps[i + 1]!;
      i += 2;
    } else {
      out[o] = tok;
      i++;
    }
  }
  return out.join('');
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string | { error: string } {
  const r = trimPrefix(reversePattern(pattern), Array.from(value).reverse().join(''), greedy);
  return typeof r === 'string' ? Array.from(r).reverse().join('') : r;
}

/** Go's `Regexp.ReplaceAllString` over a compiled glob (greedy stars), with `$` template expansion. */
function replaceAllGo(pat: readonly GlobTok[], s: readonly string[], repl: string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  const work = { steps: 0 };
  while (searchPos <= s.length) {
    const m = findMatch(pat, s, searchPos, true, false, work);
    if (!m) break;
    out += s.slice(lastEnd, m[0]).join('');
    if (m[1] > lastEnd || m[0] === 0) out += expandTemplate(repl, s.slice(m[0], m[1]).join(''));
    lastEnd = m[1];
    searchPos = searchPos + 1 > m[1] ? searchPos + 1 : m[1];
  }
  return out + s.slice(lastEnd).join('');
}

/** Go's `Regexp.Expand` for a regexp without groups: `$0`/`${0}` = the match, `$$` = `$`, other names empty. */
function expandTemplate(template: string, match: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) break;
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let j = i;
    const brace = template[j] === '{';
    if (brace) j++;
    while (j < template.length && /[A-Za-z0-9_]/.test(template[j]!)) name += template[j++];
    if (name === '' || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    if (brace) j++;
    i = j;
    if (/^[0-9]+$/.test(name) && Number(name) === 0 && name.length < 9) out += match;
  }
  return out + template.slice(i);
}
