/**
 * Plain data the shell layer hands to rules. Nothing here references tree-sitter: a parsed script is converted into
 * these records once, with every range mapped back to Dockerfile offsets.
 */
import type { Range } from '../source.js';

/** POSIX shells are parsed with tree-sitter-bash; `powershell` and `cmd` are only tokenised. */
export type ShellKind = 'sh' | 'bash' | 'ash' | 'dash' | 'zsh' | 'powershell' | 'cmd';

/** Returned by an env lookup when a variable's value cannot be known statically (build arg without default, …). */
export const UNKNOWN: unique symbol = Symbol('dockaudit.shell.unknown');
export type Unknown = typeof UNKNOWN;

/**
 * Variable lookup: a string is the value; `undefined` means the variable is not set (expands to the empty string);
 * `UNKNOWN` means it may be set to anything. Without a lookup every variable is `UNKNOWN`.
 */
export type EnvLookup = (name: string) => string | undefined | Unknown;

export interface ParseOptions {
  readonly shell: ShellKind;
  readonly env?: EnvLookup;
}

/** One shell word after quote removal. */
export interface Word {
  /** Literal value after quote removal and known-variable substitution; null when any part is dynamic. */
  readonly value: string | null;
  /** True when the value depends on something unknown (`$(…)`, unknown variables, `$1`, arithmetic). */
  readonly dynamic: boolean;
  /** The static text before the first dynamic part (equals `value` when static). */
  readonly prefix: string;
  /** The word as written in the script. */
  readonly raw: string;
  /** Dockerfile range of the word. */
  readonly range: Range;
  /** True when some part of the word was quoted. */
  readonly quoted: boolean;
}

export type Connector = '&&' | '||' | ';' | '&' | '|' | '|&' | ';;';

export type ConstructKind =
  | 'if'
  | 'for'
  | 'while'
  | 'until'
  | 'case'
  | 'subshell'
  | 'group'
  | 'function'
  | 'command-substitution'
  | 'process-substitution'
  | 'negation';

export interface Construct {
  readonly kind: ConstructKind;
  readonly range: Range;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `&>`, `&>>`, `>&`, `<&`, `>|`, `<>`, `<<`, `<<-`, `<<<`. */
  readonly op: string;
  /** Explicit file descriptor (`2>`), or null. */
  readonly fd: number | null;
  /** Target word (file, `&1` style descriptor as written, here-string word); null for a here-document. */
  readonly target: Word | null;
  /** Here-document body text (as written), or null. */
  readonly heredoc: string | null;
  readonly range: Range;
}

export interface Wrapper {
  /** Basename of the wrapper command (`sudo`, `env`, `xargs`, `python -m` is reported as `python`). */
  readonly name: string;
  readonly word: Word;
}

/** A parsed option occurrence. */
export interface OptionUse {
  /** As written, without value: `-o`, `--output`, `-y` (from a bundle `-yq`). */
  readonly name: string;
  /** The canonical name of its alias group (first spelling in the spec), or `name` when it has no aliases. */
  readonly canonical: string;
  /** Option value (attached `-ofile` / `--out=file` / following word), or null for a flag. */
  readonly value: Word | null;
  /** The word that holds the option. */
  readonly word: Word;
}

export interface Url {
  readonly url: string;
  /** Lower-cased scheme without `://` (`https`, `http`, `ftp`, `git+ssh`, …). */
  readonly scheme: string;
  /** Lower-cased host (no port), or null when not statically known. */
  readonly host: string | null;
  /** False when part of the URL is dynamic (scheme and host may still be known from the static prefix). */
  readonly complete: boolean;
  readonly word: Word;
}

export interface ShellError {
  readonly message: string;
  readonly range: Range;
}
