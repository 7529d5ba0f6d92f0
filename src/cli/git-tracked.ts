/**
 * Whether a file is tracked by git, answered without running git: find the enclosing work tree (a `.git` folder, or
 * a `.git` file `gitdir: <path>` for linked work trees and submodules) and read the paths listed in its index file
 * (format versions 2, 3 and 4). Anything unexpected (no work tree, unreadable or malformed index, an unknown index
 * version, a split index) answers `undefined`: unknown, never a guess.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Index files larger than this are not read (a repository with millions of files). */
const MAX_INDEX_BYTES = 256 * 1024 * 1024;
/** At most this many folders are walked up looking for `.git`. */
const MAX_DEPTH = 64;

export interface GitIndex {
  /** Tracked file paths, `/`-separated, relative to the work tree root. */
  readonly paths: ReadonlySet<string>;
  /** Sparse-index directory entries (`dir/`): every file below them is tracked. */
  readonly sparseDirs: readonly string[];
  /** Signatures of the extensions after the entries (`TREE`, `link` for a split index, ...). */
  readonly extensions: readonly string[];
}

/** Reads the index format (versions 2–4); null when the data is not a well-formed index. */
export function parseGitIndex(data: Uint8Array, hashSize = 20): GitIndex | null {
  if (data.length < 12) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data[0] !== 0x44 || data[1] !== 0x49 || data[2] !== 0x52 || data[3] !== 0x43) return null; // "DIRC"
  const version = view.getUint32(4);
  if (version < 2 || version > 4) return null;
  const count = view.getUint32(8);
  // each entry takes at least 40 + hash + 2 bytes plus a name byte: a count beyond that is corrupt
  const fixed = 40 + hashSize + 2;
  if (count > data.length / (fixed + 1)) return null;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const paths = new Set<string>();
  const sparseDirs: string[] = [];
  let pos = 12;
  let previous: Uint8Array = new Uint8Array(0);
  for (let n = 0; n < count; n++) {
    const start = pos;
    if (pos + fixed > data.length) return null;
    const mode = view.getUint32(pos + 24);
    const flags = view.getUint16(pos + 40 + hashSize);
    pos += fixed;
    if (flags & 0x4000) {
      if (version < 3 || pos + 2 > data.length) return null;
      pos += 2; // extended flags
    }
    let name: Uint8Array;
    if (version === 4) {
      // prefix compression: strip N bytes of the previous name, then a NUL-terminated suffix
      let strip = 0;
      let c: number;
      let guard = 0;
      do {
        if (pos >= data.length || ++guard > 9) return null;
        c = data[pos++]!;
        strip = guard === 1 ? c & 127 : ((strip + 1) << 7) + (c & 127);
      } while (c & 128);
      if (strip > previous.length) return null;
      const end = data.indexOf(0, pos);
      if (end < 0) return null;
      const suffix = data.subarray(pos, end);
      name = new Uint8Array(previous.length - strip + suffix.length);
      name.set(previous.subarray(0, previous.length - strip), 0);
      name.set(suffix, previous.length - strip);
      pos = end + 1;
    } else {
      const end = data.indexOf(0, pos);
      if (end < 0) return null;
      name = data.subarray(pos, end);
      // entries are padded with 1–8 NUL bytes to a multiple of 8
      pos = start + (((end - start) + 8) & ~7);
      if (pos > data.length) return null;
    }
    previous = name;
    const path = decoder.decode(name);
    if ((mode & 0o170000) === 0o040000 && path.endsWith('/')) sparseDirs.push(path);
    else paths.add(path);
  }
  // extensions: 4-byte signature, 4-byte size, data; then the trailing checksum
  const extensions: string[] = [];
  while (pos + 8 <= data.length - hashSize) {
    extensions.push(String.fromCharCode(data[pos]!, data[pos + 1]!, data[pos + 2]!, data[pos + 3]!));
    pos += 8 + view.getUint32(pos + 4);
  }
  return { paths, sparseDirs, extensions };
}

export interface WorkTree {
  /** The work tree root folder. */
  readonly root: string;
  /** The git folder holding its index. */
  readonly gitDir: string;
}

/** The nearest enclosing work tree of a folder, or null. */
export function findWorkTree(startDir: string): WorkTree | null {
  let dir = resolve(startDir);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const dotGit = join(dir, '.git');
    try {
      const st = statSync(dotGit);
      if (st.isDirectory()) return { root: dir, gitDir: dotGit };
      if (st.isFile() && st.size < 4096) {
        const target = gitdirOf(readFileSync(dotGit, 'utf8'));
        if (target === null) return null;
        const gitDir = isAbsolute(target) ? target : resolve(dir, target);
        return { root: dir, gitDir };
      }
    } catch {
      // no .git here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return null;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;
const SPACE = /\s/;

/**
 * The path of the first `gitdir: <path>` line of a `.git` file, as `/^gitdir: *(.+?)\s*$/m` captured it (spaces after
 * the colon and white space at the end dropped), or null. A loop: the regex's lazy path and white-space tail backtrack
 * quadratically.
 */
export function gitdirOf(text: string): string | null {
  for (const line of text.split(LINE_BREAK)) {
    if (!line.startsWith('gitdir:') || line.length === 7) continue;
    let s = 7;
    while (s < line.length && line.charCodeAt(s) === 0x20) s++;
    // only spaces: the regex gives one back to the path
    if (s === line.length) return ' ';
    const path = line.slice(s).trimEnd();
    return path === '' ? line.charAt(s) : path;
  }
  return null;
}

const OBJECT_FORMAT = 'objectformat';
const SHA256 = 'sha256';

/** Whether `text` at `i` reads `word` (ASCII case-insensitive: the `i` flag without `u`). */
function wordAt(text: string, i: number, word: string): boolean {
  return text.slice(i, i + word.length).replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32)) === word;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && SPACE.test(text.charAt(i))) i++;
  return i;
}

/**
 * Whether a git config sets `objectformat = sha256`, exactly when `/^\s*objectformat\s*=\s*sha256\s*$/im` matches
 * (white space, line breaks included, may sit around every part). One pass: every line start inside the same run of
 * white space reaches the same word, so a run is skipped once.
 */
export function declaresSha256(text: string): boolean {
  for (let start = 0; start <= text.length; ) {
    const a = skipSpace(text, start);
    if (wordAt(text, a, OBJECT_FORMAT)) {
      const b = skipSpace(text, a + OBJECT_FORMAT.length);
      if (text.charAt(b) === '=') {
        const c = skipSpace(text, b + 1);
        if (wordAt(text, c, SHA256)) {
          const d = c + SHA256.length;
          const e = skipSpace(text, d);
          // `\s*$`: the white space after `sha256` reaches the end or holds a line break
          if (e === text.length || LINE_BREAK.test(text.slice(d, e))) return true;
        }
      }
    }
    // the next line start after `a`
    let next = -1;
    for (let k = a; k < text.length; k++) {
      if (LINE_BREAK.test(text.charAt(k))) {
        next = k + 1;
        break;
      }
    }
    if (next < 0) break;
    start = next;
  }
  return false;
}

function hashSizeOf(gitDir: string): number {
  // sha256 repositories say so in their config (`objectformat = sha256`); linked work trees share the main config
  for (const cfg of [join(gitDir, 'config'), join(gitDir, '..', '..', 'config')]) {
    try {
      if (declaresSha256(readFileSync(cfg, 'utf8'))) return 32;
    } catch {
      // no such file
    }
  }
  return 20;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function readIndex(gitDir: string): GitIndex | null {
  try {
    const file = join(gitDir, 'index');
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_INDEX_BYTES) return null;
    const data = readFileSync(file);
    const index = parseGitIndex(data, hashSizeOf(gitDir));
    // a split index keeps most entries in another file: not supported, so unknown
    return index && !index.extensions.includes('link') ? index : null;
  } catch (e) {
    // a repository with nothing added yet has no index file: every file is untracked
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && isFile(join(gitDir, 'HEAD'))) {
      return { paths: new Set(), sparseDirs: [], extensions: [] };
    }
    return null;
  }
}

/**
 * A lookup `gitTracked(absolutePath)` answering true/false inside a git work tree and undefined elsewhere. Index
 * files are read once per work tree.
 */
export function createGitTracker(): (file: string) => boolean | undefined {
  const cache = new Map<string, GitIndex | null>();
  // the work tree of each folder seen: files of one folder share it, and looking it up stats every folder up to
  // the root (~0.12 s of CPU over the 1,475-file corpus when done per file)
  const workTrees = new Map<string, WorkTree | null>();
  return (file) => {
    const abs = resolve(file);
    const dir = dirname(abs);
    let wt = workTrees.get(dir);
    if (wt === undefined) {
      wt = findWorkTree(dir);
      workTrees.set(dir, wt);
    }
    if (!wt) return undefined;
    let index = cache.get(wt.gitDir);
    if (index === undefined) {
      index = readIndex(wt.gitDir);
      cache.set(wt.gitDir, index);
    }
    if (index === null) return undefined;
    const rel = relative(wt.root, abs).split(sep).join('/');
    if (rel === '' || rel.startsWith('../')) return undefined;
    if (index.paths.has(rel)) return true;
    return index.sparseDirs.some((d) => rel.startsWith(d));
  };
}
