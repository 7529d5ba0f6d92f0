/**
 * Whether a file is tracked by git, answered by reading the repository's index file (`.git/index`) directly: no
 * `git` process is started, so auditing never executes anything. Understands index versions 2, 3 and 4 (path prefix
 * compression), SHA-1 and SHA-256 repositories, linked work trees and submodules (`.git` files pointing elsewhere)
 * and sparse indexes. Anything it cannot be sure about (a split index, an unreadable or malformed index) answers
 * `undefined`, "unknown", which rules treat as "say nothing".
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface GitIndex {
  /** Work-tree-relative paths with `/` separators, as git stores them. */
  readonly paths: ReadonlySet<string>;
  /** Sparse-index directory entries (`dir/`): everything under them is tracked. */
  readonly sparseDirs: readonly string[];
}

/** Parses index bytes; null when the format is not understood (the caller then knows nothing). */
export function parseGitIndex(buf: Uint8Array, hashSize: 20 | 32 = 20): GitIndex | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 12 || view.getUint32(0) !== 0x44495243 /* DIRC */) return null;
  const version = view.getUint32(4);
  if (version < 2 || version > 4) return null;
  const count = view.getUint32(8);
  const paths = new Set<string>();
  const sparseDirs: string[] = [];
  const dec = new TextDecoder('utf-8', { fatal: false });
  let pos = 12;
  let prev: Uint8Array = new Uint8Array(0);
  const fixed = 40 + hashSize + 2; // ctime, mtime, dev, ino, mode, uid, gid, size, object id, flags
  for (let i = 0; i < count; i++) {
    const start = pos;
    if (pos + fixed > buf.length) return null;
    const mode = view.getUint32(pos + 24);
    const flags = view.getUint16(pos + 40 + hashSize);
    pos += fixed;
    if (flags & 0x4000) {
      if (version < 3) return null;
      pos += 2; // extended flags (skip-worktree, intent-to-add)
    }
    let name: Uint8Array;
    if (version === 4) {
      // varint: bytes to drop from the end of the previous path, then the NUL-terminated rest
      if (pos >= buf.length) return null;
      let b = buf[pos++]!;
      let drop = b & 0x7f;
      while (b & 0x80) {
        if (pos >= buf.length || drop > 0xffffff) return null;
        b = buf[pos++]!;
        drop = ((drop + 1) << 7) | (b & 0x7f);
      }
      if (drop > prev.length) return null;
      const nul = buf.indexOf(0, pos);
      if (nul < 0) return null;
      const rest = buf.subarray(pos, nul);
      name = new Uint8Array(prev.length - drop + rest.length);
      name.set(prev.subarray(0, prev.length - drop), 0);
      name.set(rest, prev.length - drop);
      pos = nul + 1;
    } else {
      const nul = buf.indexOf(0, pos);
      if (nul < 0) return null;
      name = buf.subarray(pos, nul);
      // entries are NUL-padded to a multiple of 8 bytes (at least one NUL)
      pos = start + Math.ceil((nul - start + 1) / 8) * 8;
      if (pos > buf.length) return null;
    }
    prev = name;
    const path = dec.decode(name);
    if ((mode & 0o170000) === 0o040000) sparseDirs.push(path.endsWith('/') ? path : path + '/');
    else paths.add(path);
  }
  // a split index keeps most entries in another file: this one alone cannot tell
  for (let p = pos; p + 8 <= buf.length - hashSize; ) {
    const sig = String.fromCharCode(buf[p]!, buf[p + 1]!, buf[p + 2]!, buf[p + 3]!);
    const size = view.getUint32(p + 4);
    if (sig === 'link') return null;
    p += 8 + size;
  }
  return { paths, sparseDirs };
}

/** The git directory of a work tree root (`.git` folder, or the target of a `.git` file), or null. */
function gitDirOf(root: string): string | null {
  const dotGit = join(root, '.git');
  try {
    const st = statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    if (!st.isFile()) return null;
    const line = readFileSync(dotGit, 'utf8').split('\n').find((l) => l.startsWith('gitdir:'));
    const target = line === undefined ? '' : line.slice('gitdir:'.length).trim();
    if (target === '') return null;
    return isAbsolute(target) ? target : resolve(root, target);
  } catch {
    return null;
  }
}

/** SHA-256 repositories store 32-byte object ids in the index. */
function hashSizeOf(gitDir: string): 20 | 32 {
  for (const dir of [gitDir, join(gitDir, '..', '..')]) {
    // a linked work tree's config lives in the main git dir (two levels up from .git/worktrees/<name>)
    try {
      const lines = readFileSync(join(dir, 'config'), 'utf8').split('\n').map((l) => l.replace(/\s/g, '').toLowerCase());
      if (lines.includes('objectformat=sha256')) return 32;
      if (dir === gitDir && lines.includes('[core]')) return 20;
    } catch {
      // no config here
    }
  }
  return 20;
}

/**
 * Whether `file` is tracked by the git work tree it lies in: true/false, or undefined when unknown (not in a work
 * tree, no readable index, a format this reader does not handle). Never throws, never starts a process.
 */
export function gitTrackedStatus(file: string): boolean | undefined {
  let abs: string;
  try {
    abs = realpathSync(file);
  } catch {
    return undefined;
  }
  for (let dir = dirname(abs); ; ) {
    const gitDir = gitDirOf(dir);
    if (gitDir !== null) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(join(gitDir, 'index'));
      } catch (e) {
        // a repository before its first `git add` has no index: nothing is tracked
        return (e as { code?: unknown }).code === 'ENOENT' ? false : undefined;
      }
      const index = parseGitIndex(bytes, hashSizeOf(gitDir));
      if (index === null) return undefined;
      const rel = relative(dir, abs).split(sep).join('/');
      return index.paths.has(rel) || index.sparseDirs.some((d) => rel.startsWith(d));
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
