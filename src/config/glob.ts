/**
 * Minimal glob matching for `ignorePaths` and `overrides[].files`, without regular expressions (so no backtracking):
 * `**` matches any number of path segments, `*` any run of characters within a segment, `?` one character, `[abc]`
 * / `[a-z]` / `[!a-z]` one character from a set. A pattern without `/` matches the base name at any depth
 * (like .gitignore); a pattern with `/` is anchored at the base directory. A trailing `/` or `/**` matches everything
 * under a directory. Matching is dynamic programming: O(pattern × path).
 */

/** Converts backslashes to slashes and drops `./` prefixes. */
export function normalizePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

function matchClass(pat: string, i: number, c: string): { ok: boolean; next: number } | null {
  // pat[i] === '['; returns null when the class is not closed (then '[' is literal)
  let j = i + 1;
  let negate = false;
  if (pat[j] === '!' || pat[j] === '^') {
    negate = true;
    j++;
  }
  let ok = false;
  let first = true;
  while (j < pat.length && (pat[j] !== ']' || first)) {
    first = false;
    const lo = pat[j]!;
    if (pat[j + 1] === '-' && j + 2 < pat.length && pat[j + 2] !== ']') {
      const hi = pat[j + 2]!;
      if (c >= lo && c <= hi) ok = true;
      j += 3;
    } else {
      if (c === lo) ok = true;
      j++;
    }
  }
  if (j >= pat.length) return null;
  return { ok: ok !== negate, next: j + 1 };
}

/** Matches one path segment against one pattern segment (no `/` in either). */
export function matchSegment(pat: string, s: string): boolean {
  // dp over (pattern index, string index) with memo
  const memo = new Map<number, boolean>();
  const w = s.length + 1;
  const go = (pi: number, si: number): boolean => {
    const key = pi * w + si;
    const m = memo.get(key);
    if (m !== undefined) return m;
    let r: boolean;
    if (pi === pat.length) r = si === s.length;
    else {
      const pc = pat[pi]!;
      if (pc === '*') r = go(pi + 1, si) || (si < s.length && go(pi, si + 1));
      else if (si === s.length) r = false;
      else if (pc === '?') r = go(pi + 1, si + 1);
      else if (pc === '[') {
        const cls = matchClass(pat, pi, s[si]!);
        if (cls === null) r = s[si] === '[' && go(pi + 1, si + 1);
        else r = cls.ok && go(cls.next, si + 1);
      } else if (pc === '\\' && pi + 1 < pat.length) r = s[si] === pat[pi + 1] && go(pi + 2, si + 1);
      else r = pc === s[si] && go(pi + 1, si + 1);
    }
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** True when `path` (relative, `/`-separated) matches `pattern`. */
export function globMatch(pattern: string, path: string): boolean {
  let pat = normalizePath(pattern.trim());
  const p = normalizePath(path);
  if (pat === '') return false;
  if (pat.endsWith('/')) pat += '**';
  if (pat.startsWith('/')) pat = pat.slice(1);
  else if (!pat.includes('/')) pat = '**/' + pat;
  const ps = pat.split('/');
  const ss = p.split('/').filter((x) => x !== '');
  // a pattern naming a directory also matches everything below it
  const dirMatch = ps[ps.length - 1] !== '**';
  const memo = new Map<number, boolean>();
  const w = ss.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * w + j;
    const m = memo.get(key);
    if (m !== undefined) return m;
    let r: boolean;
    if (i === ps.length) r = j === ss.length || (dirMatch && j > 0);
    else if (ps[i] === '**') r = go(i + 1, j) || (j < ss.length && go(i, j + 1));
    else r = j < ss.length && matchSegment(ps[i]!, ss[j]!) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
