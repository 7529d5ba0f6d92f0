/**
 * Read-only access to the build context for context-aware rules (`RuleEnvironment.readContextFile`). The context is
 * assumed to be the Dockerfile's directory. Reads are bounded in size, limited to regular files, and never leave that
 * directory (`..`, absolute paths and symbolic links pointing outside are refused).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Largest file a rule may read (bytes). */
export const MAX_CONTEXT_FILE = 1024 * 1024;

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
}

/**
 * Readers of the most recently used build contexts, by context folder. Dockerfiles of one folder share a context, and
 * discovery lists a folder's files together, so a few entries catch nearly every repeat: without this, every
 * Dockerfile of a folder re-read its `.dockerignore` (~0.14 s of CPU over the 1,475-file corpus, most of it in one
 * folder). Bounded so that 10,000 files in 10,000 folders do not keep 10,000 caches alive.
 */
const recentContexts = new Map<string, (relPath: string) => string | undefined>();
const MAX_RECENT_CONTEXTS = 16;

/** A `readContextFile` for the Dockerfile at `dockerfilePath`; results are cached per path, readers per folder. */
export function contextReader(dockerfilePath: string): (relPath: string) => string | undefined {
  const root = resolve(dirname(dockerfilePath));
  const known = recentContexts.get(root);
  if (known !== undefined) return known;
  const reader = newContextReader(root);
  if (recentContexts.size >= MAX_RECENT_CONTEXTS) recentContexts.delete(recentContexts.keys().next().value!);
  recentContexts.set(root, reader);
  return reader;
}

/** ASCII letters lower-cased: names that differ only so may be the same file on a case-insensitive file system. */
function foldAscii(name: string): string {
  return name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * True for a name of a file directly in the context folder, in printable ASCII (`api.Dockerfile.dockerignore`,
 * `.dockerignore`): no separator, no `:` (a Windows drive), not `.` or `..`. Such a name needs no path resolution.
 */
function isPlainName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2f /* / */ || c === 0x5c /* \ */ || c === 0x3a /* : */) return false;
  }
  return true;
}

function newContextReader(root: string): (relPath: string) => string | undefined {
  let realRoot: string | null = null;
  const cache = new Map<string, string | undefined>();
  // Names in the context folder itself (ASCII case folded), listed once: rules mostly ask for files there that do not
  // exist (`<Dockerfile name>.dockerignore` for every Dockerfile), and a failed realpath (an exception) per question
  // cost ~0.25 s of CPU over the corpus, whose 1,475 Dockerfiles share one folder. null: not listed (unreadable).
  let names: Set<string> | null | undefined;
  const listed = (): Set<string> | null => {
    if (names === undefined) {
      try {
        names = new Set(readdirSync(root).map(foldAscii));
      } catch {
        names = null;
      }
    }
    return names;
  };
  const surelyMissing = (target: string): boolean => {
    if (dirname(target) !== root) return false;
    const name = basename(target);
    // non-ASCII names may be normalised by the file system (NFD on macOS): no shortcut for them
    if (!/^[\x20-\x7e]*$/.test(name)) return false;
    const all = listed();
    return all !== null && !all.has(foldAscii(name));
  };
  return (relPath: string) => {
    // A plain name missing from the folder listing (the question asked for nearly every Dockerfile: its own
    // `<name>.dockerignore`) is answered without resolving paths, and not cached: a cache entry per Dockerfile would
    // grow with the number of files in the folder. (Printable ASCII: lower-casing is exactly `foldAscii`.)
    if (isPlainName(relPath)) {
      const all = listed();
      if (all !== null && !all.has(relPath.toLowerCase())) return undefined;
    }
    if (cache.has(relPath)) return cache.get(relPath);
    let out: string | undefined;
    try {
      const target = resolve(root, relPath);
      if (!isAbsolute(relPath) && !relPath.includes('\0') && inside(root, target) && !surelyMissing(target)) {
        // the native realpath: one system call, where the JS one stats every folder of the path
        realRoot ??= realpathSync.native(root);
        const real = realpathSync.native(target);
        if (inside(realRoot, real)) {
          const fd = openSync(real, 'r');
          try {
            const st = fstatSync(fd);
            if (st.isFile() && st.size <= MAX_CONTEXT_FILE) {
              const buf = Buffer.alloc(st.size);
              let n = 0;
              while (n < st.size) {
                const k = readSync(fd, buf, n, st.size - n, n);
                if (k === 0) break;
                n += k;
              }
              out = buf.subarray(0, n).toString('utf8');
            }
          } finally {
            closeSync(fd);
          }
        }
      }
    } catch {
      out = undefined; // missing or unreadable: the rule treats it as absent
    }
    cache.set(relPath, out);
    return out;
  };
}
