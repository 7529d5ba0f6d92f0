/**
 * How BuildKit reads an ADD source: a git repository (`git@host:…`, `git://`, `ssh://`, or an http(s) URL whose path
 * ends in `.git`), an http(s) URL, or a local path. Sources are expanded with the build variables first.
 */
import { expand } from '../../model/build.js';
import type { DockerfileModel } from '../../model/types.js';
import type { Arg, CopyInstruction } from '../../parser/ast.js';

export type AddSourceKind = 'git' | 'http' | 'local';

export interface AddSource {
  readonly arg: Arg;
  /** Expanded value (the raw text when the expansion is not fully known). */
  readonly value: string;
  readonly kind: AddSourceKind;
}

/** The kind of an ADD source value. */
export function addSourceKind(v: string): AddSourceKind {
  if (/^git@[^:/]+:/.test(v) || /^(?:git|ssh|git\+ssh|git\+https?):\/\//i.test(v)) return 'git';
  const m = /^https?:\/\/[^/?#]*([^?#]*)/i.exec(v);
  if (m === null) return 'local';
  return /\.git\/?$/.test(m[1]!) ? 'git' : 'http';
}

/** The sources of an ADD instruction (not `--from` copies, not heredocs), classified. */
export function addSources(model: DockerfileModel, i: CopyInstruction): AddSource[] {
  if (i.kind !== 'ADD' || i.flags.some((f) => f.name.toLowerCase() === 'from')) return [];
  const out: AddSource[] = [];
  for (const arg of i.sources) {
    if (arg.value.startsWith('<<')) continue;
    let value = arg.value;
    if (value.includes('$')) {
      const e = expand(model, value, i);
      if (e.ok) value = e.value; // unknown parts stay as written (`${VERSION}`)
    }
    out.push({ arg, value, kind: addSourceKind(value) });
  }
  return out;
}

/** The value of a flag given with a non-empty value (`--checksum=sha256:…`), or null. */
export function flagValue(i: CopyInstruction, name: string): string | null {
  const f = i.flags.find((x) => x.name.toLowerCase() === name && x.value !== null && x.value !== '');
  return f?.value ?? null;
}
