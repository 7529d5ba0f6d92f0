/**
 * `.dockerignore` semantics as Docker applies them (moby/patternmatcher and its ignorefile reader), written from the
 * documented behaviour:
 * - one pattern per line; a line whose first character is `#` is a comment; surrounding whitespace is trimmed;
 * - `!` in front makes an exception; patterns are cleaned like Go's `filepath.Clean` and a leading `/` is dropped;
 * - `*` matches any run of characters except `/`, `?` one character except `/`, `[...]` a class (`^`/`!` negates,
 *   ranges allowed), `\` escapes the next character, `**` matches any number of directories (also none);
 * - a path is excluded when a pattern matches it or one of its parent directories; the last matching pattern wins.
 * (gitignore semantics differ: there a pattern without `/` matches at any depth, here it is anchored at the root.)
 * The matcher is iterative with memoisation: no regular expressions, linear in pattern × path size.
 */

export interface IgnorePattern {
  /** Cleaned pattern without the leading `!`. */
  readonly pattern: string;
  readonly exclusion: boolean;
  /** 1-based line in the ignore file. */
  readonly line: number;
}

/** Go's `path.Clean` for a relative or absolute slash path (`''` → `.`). */
export function cleanSlashPath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(seg);
  }
  const s = (abs ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** Parses the text of a `.dockerignore` file. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, idx) => {
    if (raw.startsWith('#')) return;
    let p = raw.trim();
    if (p === '') return;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1).trim();
    if (p !== '') {
      p = cleanSlashPath(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    out.push({ pattern: p, exclusion, line: idx + 1 });
  });
  return out;
}

type Tok =
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'any' } // ?
  | { readonly t: 'star' } // *
  | { readonly t: 'globstar' } // `**` (a following `/` eaten) not at the end: nothing, or anything ending with `/`
  | { readonly t: 'rest' } // `**` at the end: anything
  | { readonly t: 'class'; readonly negate: boolean; readonly items: readonly (readonly [string, string])[] };

function tokenize(p: string): Tok[] | null {
  const toks: Tok[] = [];
  for (let k = 0; k < p.length; k++) {
    const c = p[k]!;
    if (c === '*') {
      if (p[k + 1] === '*') {
        k++;
        if (p[k + 1] === '/') k++;
        toks.push({ t: k + 1 >= p.length ? 'rest' : 'globstar' });
      } else toks.push({ t: 'star' });
    } else if (c === '?') toks.push({ t: 'any' });
    else if (c === '\\') {
      k++;
      if (k >= p.length) return null; // trailing escape: a bad pattern, matches nothing
      toks.push({ t: 'lit', c: p[k]! });
    } else if (c === '[') {
      let j = k + 1;
      let negate = false;
      if (p[j] === '^' || p[j] === '!') {
        negate = true;
        j++;
      }
      const items: [string, string][] = [];
      let first = true;
      while (j < p.length && (p[j] !== ']' || first)) {
        first = false;
        let lo = p[j]!;
        if (lo === '\\' && j + 1 < p.length) lo = p[++j]!;
        let hi = lo;
        if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          hi = p[j + 2]!;
          if (hi === '\\' && j + 3 < p.length) {
            hi = p[j + 3]!;
            j++;
          }
          j += 2;
        }
        items.push([lo, hi]);
        j++;
      }
      if (j >= p.length) return null; // unterminated class
      toks.push({ t: 'class', negate, items });
      k = j;
    } else toks.push({ t: 'lit', c });
  }
  return toks;
}

function classMatches(tok: Extract<Tok, { t: 'class' }>, ch: string): boolean {
  if (ch === '/') return false;
  const hit = tok.items.some(([lo, hi]) => lo <= ch && ch <= hi);
  return tok.negate ? !hit : hit;
}

/**
 * Whether the tokens match `path` or one of its parent directories (a prefix ending before a `/`): one dynamic
 * programming pass, since whether a prefix matches does not depend on what follows it.
 */
function matchesOrParent(toks: readonly Tok[], path: string): boolean {
  // reach[s] = the tokens consumed so far match path[0, s)
  let reach = new Uint8Array(path.length + 1);
  reach[0] = 1;
  for (const tok of toks) {
    const next = new Uint8Array(path.length + 1);
    if (tok.t === 'star' || tok.t === 'rest') {
      let on = false;
      for (let s = 0; s <= path.length; s++) {
        if (reach[s]) on = true;
        if (on) next[s] = 1;
        // `*` cannot cross a `/`
        if (tok.t === 'star' && path[s] === '/') on = false;
      }
    } else if (tok.t === 'globstar') {
      // `(.*/)?`: stay, or move to just after any later `/`
      let on = false;
      for (let s = 0; s <= path.length; s++) {
        if (reach[s] || (on && s > 0 && path[s - 1] === '/')) next[s] = 1;
        if (reach[s]) on = true;
      }
    } else {
      for (let s = 0; s < path.length; s++) {
        if (!reach[s]) continue;
        const ch = path[s]!;
        const ok = tok.t === 'lit' ? ch === tok.c : tok.t === 'any' ? ch !== '/' : classMatches(tok, ch);
        if (ok) next[s + 1] = 1;
      }
    }
    reach = next;
  }
  if (reach[path.length]) return true;
  for (let s = 1; s < path.length; s++) if (path[s] === '/' && reach[s]) return true;
  return false;
}

export class DockerignoreMatcher {
  private readonly compiled: { readonly p: IgnorePattern; readonly toks: Tok[] | null }[];
  constructor(readonly patterns: readonly IgnorePattern[]) {
    this.compiled = patterns.map((p) => ({ p, toks: tokenize(p.pattern) }));
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(parseDockerignore(text));
  }

  /**
   * The pattern that decides `path` (relative to the context, `/`-separated): the last one matching the path or a
   * parent directory; `excluded` is true when that pattern is not an exception.
   */
  decide(path: string): { readonly excluded: boolean; readonly pattern: IgnorePattern | null } {
    const file = cleanSlashPath(path.replace(/^\/+/, ''));
    let excluded = false;
    let pattern: IgnorePattern | null = null;
    for (const { p, toks } of this.compiled) {
      if (toks === null) continue;
      if (matchesOrParent(toks, file)) {
        excluded = !p.exclusion;
        pattern = p;
      }
    }
    return { excluded, pattern };
  }

  /** True when some pattern is an exception (`!`). */
  get hasExclusions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  excludes(path: string): boolean {
    return this.decide(path).excluded;
  }
}

/** The ignore file BuildKit uses for a Dockerfile named `dockerfileName`: `<name>.dockerignore` first, then `.dockerignore`. */
export function readDockerignore(
  read: (relPath: string) => string | undefined,
  dockerfileName: string,
): { readonly file: string; readonly text: string } | null {
  const base = dockerfileName.slice(dockerfileName.replace(/\\/g, '/').lastIndexOf('/') + 1);
  for (const file of [`${base}.dockerignore`, '.dockerignore']) {
    if (base === '' && file !== '.dockerignore') continue;
    const text = read(file);
    if (text !== undefined) return { file, text };
  }
  return null;
}
