/**
 * "Did you mean" support (rules, CLI): the closest candidate, case-insensitively, within an edit distance of
 * max(`minLimit`, length / 3).
 */
export function closestWord(word: string, candidates: Iterable<string>, minLimit = 1): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(minLimit, Math.floor(w.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Levenshtein distance, capped at `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    if (Math.min(...cur) >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length]!, limit);
}

export const INSTRUCTION_KEYWORDS: readonly string[] = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
];

/** A candidate that looks like a typo of `word`: at most two edits (a swap of two letters) and about the same length. */
export function nearMiss(word: string, candidates: readonly string[]): string | undefined {
  if (word.length < 4) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > 1) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
