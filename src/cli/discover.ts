/**
 * Finding Dockerfiles under the paths given on the command line.
 *
 * - A file named explicitly is audited whatever its name.
 * - A directory is walked recursively; a file is a Dockerfile when its name is `Dockerfile`, `Containerfile`,
 *   `*.Dockerfile`, `*.dockerfile`, `*.containerfile` or `Dockerfile.*` (but not BuildKit's `Dockerfile.dockerignore`).
 * - `.git` and `node_modules` are skipped; every `.gitignore` inside the walked tree applies to its folder and below
 *   (gitignore semantics from the `ignore` package), and so do those of the folders above it up to the root of its git
 *   work tree (the nearest folder holding `.git`), as git itself would apply them.
 * - Symbolic links: a linked file is audited only when its target lies inside the walked tree; linked folders are
 *   never entered (no cycles, no escaping the tree, no duplicates).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';

export interface Discovery {
  /** Paths to audit, as they should be displayed (joined onto the argument as written), in a stable order. */
  readonly files: string[];
  /** `files` resolved against the working directory (same order). */
  readonly absolute: string[];
  /** The absolute paths of the files named as arguments themselves (not found in a folder). */
  readonly named: ReadonlySet<string>;
  readonly errors: { readonly path: string; readonly message: string }[];
  /** Sizes of the files found, from the stat calls discovery makes anyway (the CLI sizes its worker pool by them). */
  readonly bytes: { total: number; largest: number };
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return (
    name === 'Dockerfile' ||
    name === 'Containerfile' ||
    name.endsWith('.Dockerfile') ||
    name.endsWith('.dockerfile') ||
    name.endsWith('.containerfile') ||
    name.startsWith('Dockerfile.')
  );
}

interface IgnoreScope {
  /** Absolute folder the .gitignore lives in. */
  readonly base: string;
  readonly ig: Ignore;
}

function isIgnored(scopes: readonly IgnoreScope[], abs: string, dir: boolean): boolean {
  for (const s of scopes) {
    const rel = relative(s.base, abs).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    if (s.ig.ignores(dir ? rel + '/' : rel)) return true;
  }
  return false;
}

function errorMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

export function discover(paths: readonly string[], cwd: string): Discovery {
  const files: string[] = [];
  const absolute: string[] = [];
  const named = new Set<string>();
  const errors: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const bytes = { total: 0, largest: 0 };
  const add = (display: string, abs: string): void => {
    if (!seen.has(abs)) {
      seen.add(abs);
      files.push(display);
      absolute.push(abs);
    }
  };
  for (const arg of paths) {
    const abs = resolve(cwd, arg);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      errors.push({ path: arg, message: errorMessage(e) });
      continue;
    }
    if (!st.isDirectory()) {
      sized(bytes, st.size);
      add(arg, abs);
      named.add(abs);
      continue;
    }
    let rootReal: string;
    try {
      rootReal = realpathSync(abs);
    } catch (e) {
      errors.push({ path: arg, message: errorMessage(e) });
      continue;
    }
    const found: string[] = [];
    walk(abs, arg, rootReal, ancestorScopes(abs), found, errors, bytes);
    found.sort();
    for (const f of found) add(f, resolve(cwd, f));
  }
  return { files, absolute, named, errors, bytes };
}

function sized(bytes: { total: number; largest: number }, size: number): void {
  bytes.total += size;
  if (size > bytes.largest) bytes.largest = size;
}

function loadScope(dir: string): IgnoreScope | undefined {
  try {
    return { base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined; // none, or unreadable: ignores nothing
  }
}

/** `.gitignore` scopes of the folders above `dir` up to its git work-tree root (none when not in a work tree). */
function ancestorScopes(dir: string): IgnoreScope[] {
  const chain: string[] = [];
  let cur = dirname(dir);
  let isRepo = existsSync(join(dir, '.git'));
  while (!isRepo) {
    chain.push(cur);
    if (existsSync(join(cur, '.git'))) {
      isRepo = true;
      break;
    }
    const up = dirname(cur);
    if (up === cur) return [];
    cur = up;
  }
  const scopes: IgnoreScope[] = [];
  for (const d of chain.reverse()) {
    const s = loadScope(d);
    if (s) scopes.push(s);
  }
  return scopes;
}

function walk(
  dirAbs: string,
  dirDisplay: string,
  rootReal: string,
  scopes: readonly IgnoreScope[],
  out: string[],
  errors: { path: string; message: string }[],
  bytes: { total: number; largest: number },
): void {
  let entries: string[];
  try {
    entries = readdirSync(dirAbs).sort();
  } catch (e) {
    errors.push({ path: dirDisplay, message: errorMessage(e) });
    return;
  }
  let here = scopes;
  if (entries.includes('.gitignore')) {
    const scope = loadScope(dirAbs);
    if (scope) here = [...scopes, scope];
  }
  for (const name of entries) {
    const abs = join(dirAbs, name);
    const display = join(dirDisplay, name);
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      errors.push({ path: display, message: errorMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      if (SKIP_DIRS.has(name) || isIgnored(here, abs, true)) continue;
      walk(abs, display, rootReal, here, out, errors, bytes);
    } else if (isDockerfileName(name) && !isIgnored(here, abs, false)) {
      if (st.isSymbolicLink()) {
        let target: string;
        let size: number;
        try {
          target = realpathSync(abs);
          const ts = statSync(target);
          if (!ts.isFile()) continue;
          size = ts.size;
        } catch {
          continue; // dangling link
        }
        const rel = relative(rootReal, target);
        if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) continue;
        sized(bytes, size);
      } else if (!st.isFile()) continue;
      else sized(bytes, st.size);
      out.push(display);
    }
  }
}
