/**
 * Read-only access to the build context for context-aware rules (`RuleEnvironment.readContextFile`). The context is
 * assumed to be the Dockerfile's directory. Reads are bounded in size, limited to regular files, and never leave that
 * directory (`..`, absolute paths and symbolic links pointing outside are refused).
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Largest file a rule may read (bytes). */
export const MAX_CONTEXT_FILE = 1024 * 1024;

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
}

/** A `readContextFile` for the Dockerfile at `dockerfilePath`; results are cached per path. */
export function contextReader(dockerfilePath: string): (relPath: string) => string | undefined {
  const root = resolve(dirname(dockerfilePath));
  let realRoot: string | null = null;
  const cache = new Map<string, string | undefined>();
  return (relPath: string) => {
    if (cache.has(relPath)) return cache.get(relPath);
    let out: string | undefined;
    try {
      const target = resolve(root, relPath);
      if (!isAbsolute(relPath) && !relPath.includes('\0') && inside(root, target)) {
        realRoot ??= realpathSync(root);
        const real = realpathSync(target);
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
