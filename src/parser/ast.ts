/**
 * The Dockerfile syntax tree. It mirrors BuildKit's parser (moby/buildkit frontend/dockerfile/parser) exactly in
 * what it decides (instruction boundaries, flags, JSON vs shell form, heredocs, argument strings) and adds exact
 * source ranges to every piece. Values are BuildKit's: nothing here is variable-expanded (that is the model's job).
 */
import type { MappedText, Range, SourceFile } from '../source.js';

export type EscapeChar = '\\' | '`';

export interface Comment {
  /** Text after `#` with leading whitespace kept as written (e.g. ` hadolint ignore=DL3008`). */
  readonly text: string;
  readonly range: Range;
}

export interface Directive {
  /** Lower-cased directive name: `syntax`, `escape`, `check`, or any other accepted name. */
  readonly name: string;
  readonly value: string;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range;
}

export interface Flag {
  /** Name without dashes, as written (`mount`, `from`, `chmod`). */
  readonly name: string;
  /** Value after `=`, or null for a bare `--link`. */
  readonly value: string | null;
  /** The flag exactly as BuildKit lists it, e.g. `--mount=type=cache,target=/root/.cache`. */
  readonly raw: string;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range | null;
}

/** One argument string as BuildKit hands it on (a `Next` node value), with where it came from. */
export interface Arg {
  readonly value: string;
  /** Covers the argument's source text (for a JSON string: the quoted string including quotes). */
  readonly range: Range;
}

export interface Heredoc {
  /** Delimiter word without quotes and without `<<`/`<<-` (`EOF`). */
  readonly name: string;
  /**
   * BuildKit's `Heredoc.Content`: the body lines exactly as written (line terminators included, `<<-` tabs NOT
   * stripped: BuildKit strips them later, when building). The text the build uses is `body.text`.
   */
  readonly content: string;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no expansion. */
  readonly expand: boolean;
  /** True for `<<-`. */
  readonly chomp: boolean;
  /** `3<<EOF` → 3; 0 when absent. */
  readonly fileDescriptor: number;
  /** The `<<EOF` word in the instruction line. */
  readonly markerRange: Range;
  /** The body lines in the source (without the terminator line). */
  readonly bodyRange: Range;
  /** The text the build uses (`content`, with leading tabs stripped for `<<-`), mapped back to the source. */
  readonly body: MappedText;
  /** The terminator line. */
  readonly terminatorRange: Range;
}

/** Exec (JSON) form: decoded array elements. Shell form: the text handed to the shell. */
export type CommandLine =
  | { readonly form: 'exec'; readonly args: readonly Arg[]; readonly range: Range }
  | { readonly form: 'shell'; readonly script: MappedText; readonly range: Range };

interface InstructionBase {
  /** Upper-cased keyword (`RUN`, or the unknown word upper-cased). */
  readonly keyword: string;
  /** The keyword as written (BuildKit's `Node.Value`, e.g. `Run`); `Node.Dump()` prints it lower-cased. */
  readonly rawKeyword: string;
  readonly keywordRange: Range;
  /** From the first keyword character to the end of the last line of the instruction (heredoc terminators included), without the final newline. */
  readonly range: Range;
  readonly startLine: number;
  readonly endLine: number;
  readonly flags: readonly Flag[];
  /** BuildKit's argument strings (`Next` values), as in `Node.Dump()`. */
  readonly args: readonly Arg[];
  /** True when BuildKit parsed the arguments as a JSON array. */
  readonly json: boolean;
  readonly heredocs: readonly Heredoc[];
  /** BuildKit's `Original`: continuation lines joined, comment lines dropped. */
  readonly original: string;
  /** Everything after the keyword (flags included), continuations joined, mapped to the source. */
  readonly rest: MappedText;
  /** Comment lines directly above the instruction (no blank line between), in order. */
  readonly comments: readonly Comment[];
}

export interface FromInstruction extends InstructionBase {
  readonly kind: 'FROM';
  readonly image: Arg | null;
  /** The `AS` word, if present. */
  readonly asKeyword: Arg | null;
  readonly stageName: Arg | null;
}
export interface RunInstruction extends InstructionBase {
  readonly kind: 'RUN';
  readonly command: CommandLine;
}
export interface CmdInstruction extends InstructionBase {
  readonly kind: 'CMD';
  readonly command: CommandLine;
}
export interface EntrypointInstruction extends InstructionBase {
  readonly kind: 'ENTRYPOINT';
  readonly command: CommandLine;
}
export interface ShellInstruction extends InstructionBase {
  readonly kind: 'SHELL';
}
export interface KeyValue {
  readonly key: Arg;
  /** Raw value as BuildKit keeps it (quotes and escapes verbatim). */
  readonly value: Arg;
  /** `=` for `key=value`, `` for the legacy `KEY value` form. */
  readonly separator: '=' | '';
  readonly range: Range;
}
export interface EnvInstruction extends InstructionBase {
  readonly kind: 'ENV';
  readonly pairs: readonly KeyValue[];
}
export interface LabelInstruction extends InstructionBase {
  readonly kind: 'LABEL';
  readonly pairs: readonly KeyValue[];
}
export interface ArgDefinition {
  readonly name: string;
  /** Raw default value (quotes kept), or null when none. */
  readonly value: string | null;
  readonly nameRange: Range;
  readonly valueRange: Range | null;
  readonly range: Range;
}
export interface ArgInstruction extends InstructionBase {
  readonly kind: 'ARG';
  readonly definitions: readonly ArgDefinition[];
}
export interface CopyInstruction extends InstructionBase {
  readonly kind: 'COPY' | 'ADD';
  /** All but the last argument (heredoc markers included as written). */
  readonly sources: readonly Arg[];
  readonly destination: Arg | null;
}
export interface HealthcheckInstruction extends InstructionBase {
  readonly kind: 'HEALTHCHECK';
  /** `NONE`, `CMD`, or null for a bare HEALTHCHECK. */
  readonly type: 'NONE' | 'CMD' | null;
  readonly typeRange: Range | null;
  readonly command: CommandLine | null;
}
export interface OnbuildInstruction extends InstructionBase {
  readonly kind: 'ONBUILD';
  /** The wrapped instruction, or null when missing. */
  readonly trigger: Instruction | null;
}
/** EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, MAINTAINER: just their argument strings. */
export interface SimpleInstruction extends InstructionBase {
  readonly kind: 'EXPOSE' | 'VOLUME' | 'USER' | 'WORKDIR' | 'STOPSIGNAL' | 'MAINTAINER';
}
export interface UnknownInstruction extends InstructionBase {
  readonly kind: 'UNKNOWN';
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | ShellInstruction
  | EnvInstruction
  | LabelInstruction
  | ArgInstruction
  | CopyInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | SimpleInstruction
  | UnknownInstruction;

export type InstructionKind = Instruction['kind'];

export type DiagnosticSeverity = 'error' | 'warning';

/** A problem found while parsing. `error` = BuildKit would refuse the file; `warning` = BuildKit warns. */
export interface ParseDiagnostic {
  /** Stable code, e.g. `unterminated-heredoc`, `empty-continuation`, `unknown-instruction`. */
  readonly code: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly range: Range;
}

export interface Dockerfile {
  readonly source: SourceFile;
  readonly escape: EscapeChar;
  readonly directives: readonly Directive[];
  readonly instructions: readonly Instruction[];
  /** Every comment line (directives excluded), in order. */
  readonly comments: readonly Comment[];
  readonly diagnostics: readonly ParseDiagnostic[];
}
