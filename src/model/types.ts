/**
 * The semantic model rules read. Built once per file by `buildModel` (build.ts), before any rule runs. Plain readonly
 * data: stages refer to each other by index, instructions are looked up through `facts`. Small pure helpers live in
 * build.ts (`instructionsOf`, `stageOf`, `factsOf`, `expand`).
 *
 * Semantics follow BuildKit's dockerfile2llb:
 * - global ARGs (before the first FROM) and the built-in platform ARGs are visible to FROM (image and --platform);
 *   inside a stage a global ARG is visible only after `ARG NAME` re-declares it;
 * - `ARG NAME` without a default and without a global value is UNKNOWN (unset unless `--build-arg` passes it);
 * - ARG (with a value) and ENV both write the build environment used for expansion, the later write wins
 *   (`Scope.vars`); ENV alone goes into the image (`Scope.env`); all pairs of one ENV instruction see the values from
 *   before it;
 * - a stage FROM an earlier stage inherits its build environment (ARGs included, as current BuildKit does), ENV,
 *   USER, WORKDIR, SHELL, LABELs and runs its ONBUILD triggers;
 * - a stage FROM an external image starts with an unknown USER/WORKDIR and an unknown image environment: names not
 *   defined in the Dockerfile then expand as UNKNOWN (they may come from the image) instead of empty.
 */
import type {
  Dockerfile,
  EscapeChar,
  FromInstruction,
  Instruction,
  OnbuildInstruction,
  ShellInstruction,
  SimpleInstruction,
  ArgInstruction,
  EnvInstruction,
  LabelInstruction,
} from '../parser/ast.js';
import type { Range, SourceFile } from '../source.js';
import type { ShellScript, StageShellFacts } from '../shell/index.js';
import type { EnvValue, ExpandedWord } from './expand.js';
import type { ImageRef, ImageRefErrorCode } from './image-ref.js';

/** An expanded word, or the expansion error. */
export type Expansion =
  | ({ readonly ok: true } & ExpandedWord)
  | { readonly ok: false; readonly message: string; readonly offset: number };

export interface VarBinding {
  readonly name: string;
  /** The value: a string, or UNKNOWN (with `parts` when set but only partly known). */
  readonly value: EnvValue;
  /** `builtin`: TARGETPLATFORM & co; `arg`: ARG (global or stage); `env`: ENV (maybe inherited from a parent stage). */
  readonly kind: 'builtin' | 'arg' | 'env';
  /** The ARG/ENV instruction that brought it into scope (null for built-ins in the global scope). */
  readonly definedAt: ArgInstruction | EnvInstruction | null;
  /** True for an ARG whose value is its default from the Dockerfile (a `--build-arg` could change it). */
  readonly overridable: boolean;
  /** The expanded value with its unknown parts (`/opt/bin:${PATH}`), when it came from an expansion. */
  readonly expanded?: ExpandedWord;
}

export interface LabelBinding {
  readonly key: string;
  /** Expanded value, or UNKNOWN. */
  readonly value: EnvValue;
  readonly definedAt: LabelInstruction;
}

/** Variables in effect at a point of the file. */
export interface Scope {
  /** ARG values visible here (global scope: meta args; stage: ARGs declared in the stage). */
  readonly args: ReadonlyMap<string, VarBinding>;
  /** ENV in effect (including inherited from a parent stage): what the image carries. */
  readonly env: ReadonlyMap<string, VarBinding>;
  /** What `$NAME` expands to here: ARG and ENV values, the later write winning (global scope: meta args). */
  readonly vars: ReadonlyMap<string, VarBinding>;
  /** True when the stage's base image may define more variables (external image): unknown names expand as UNKNOWN. */
  readonly baseEnvUnknown: boolean;
  /** Names compare case-insensitively (a Windows stage: BuildKit on a Windows host). */
  readonly caseInsensitive: boolean;
}

export interface UserSetting {
  /** Expanded USER value (`app`, `1000:1000`), or null when no USER is in effect. */
  readonly value: string | null;
  /** The user part (before `:`), or null. */
  readonly user: string | null;
  /** The group part (after `:`), or null. */
  readonly group: string | null;
  /** True when the user cannot be known (external base image and no USER yet, or unknown parts in the value). */
  readonly unknown: boolean;
  /** true: root (`root`, `0`, or no USER on scratch); false: another known user; null: unknown. */
  readonly isRoot: boolean | null;
  /** The USER instruction in effect (possibly in a parent stage), or null. */
  readonly setBy: SimpleInstruction | null;
}

export interface WorkdirSetting {
  /** Absolute, cleaned path in effect, or null when unknown (external image without WORKDIR here). */
  readonly path: string | null;
  readonly unknown: boolean;
  readonly setBy: SimpleInstruction | null;
}

export interface ShellSetting {
  /** The shell prefix for shell-form commands, e.g. `["/bin/sh", "-c"]`. */
  readonly argv: readonly string[];
  /** True when no SHELL instruction is in effect. */
  readonly isDefault: boolean;
  readonly setBy: ShellInstruction | null;
}

export type OsGuess = 'linux' | 'windows';

export interface InstructionFacts {
  readonly instruction: Instruction;
  /** Position in `DockerfileModel.instructions`. */
  readonly index: number;
  /** Stage index, or null for instructions before the first FROM. */
  readonly stage: number | null;
  /** For an ONBUILD trigger: the ONBUILD instruction wrapping it (the trigger runs in a downstream build). */
  readonly onbuild: OnbuildInstruction | null;
  /** Variables in effect for this instruction (before its own ARG/ENV changes). */
  readonly scope: Scope;
  /** USER in effect when this instruction runs. */
  readonly user: UserSetting;
  /** WORKDIR in effect when this instruction runs (before its own WORKDIR change). */
  readonly workdir: WorkdirSetting;
  /** SHELL in effect for shell-form commands. */
  readonly shellSetting: ShellSetting;
  /**
   * The scripts this instruction runs (shell form, heredoc scripts, exec-form `sh -c`), parsed by the shell layer.
   * Absent when it runs none or when the shell layer was not loaded (`initShell()` not awaited before `buildModel`).
   */
  readonly shell?: readonly ShellScript[];
}

export interface BaseImage {
  /** The image word as written (`${REGISTRY}/app:${TAG:-latest}`), or '' when FROM has no argument. */
  readonly raw: string;
  readonly range: Range | null;
  /** Expanded with the global ARGs and built-ins. */
  readonly expanded: Expansion;
  /** `stage` when it names an earlier stage, `scratch`, `image` otherwise (`invalid` when it does not parse). */
  readonly kind: 'stage' | 'scratch' | 'image' | 'invalid';
  /** Parsed reference (kind `image` or `scratch`). */
  readonly ref: ImageRef | null;
  /** Why the reference is invalid (kind `invalid`). */
  readonly refError: { readonly code: ImageRefErrorCode | 'expansion'; readonly message: string } | null;
}

export interface Stage {
  readonly index: number;
  /** Lower-cased `AS` name, or null. */
  readonly name: string | null;
  readonly nameRange: Range | null;
  readonly from: FromInstruction;
  readonly base: BaseImage;
  /** Index of the earlier stage this one is built FROM, or null. */
  readonly parentStage: number | null;
  /** `--platform` value, expanded (null when absent). */
  readonly platform: Expansion | null;
  readonly platformRaw: string | null;
  /** Best guess of the target OS (see build.ts `guessOs`). */
  readonly os: OsGuess;
  /** FROM first, then the stage's instructions in order, ONBUILD triggers right after their ONBUILD. */
  readonly instructions: readonly InstructionFacts[];
  /** ONBUILD triggers inherited from the parent stage chain: they run at the start of this stage. */
  readonly inheritedTriggers: readonly Instruction[];
  /** Scripts and the download → verify → use dataflow of this stage (absent when the shell layer was not loaded). */
  readonly shell?: StageShellFacts;
  /** State at the end of the stage (what the image would carry). */
  readonly finalScope: Scope;
  readonly finalUser: UserSetting;
  readonly finalWorkdir: WorkdirSetting;
  readonly finalShell: ShellSetting;
  /** LABELs at the end of the stage (inherited from a parent stage; an external image's labels are not known). */
  readonly labels: ReadonlyMap<string, LabelBinding>;
  /** Stages this one uses: parent, `COPY --from`, `RUN --mount=from=` (indices, sorted). */
  readonly dependsOn: readonly number[];
  /** External images used through `COPY --from` / `--mount from=` (raw names). */
  readonly externalFrom: readonly string[];
  /** The last stage (the default build target). */
  readonly isFinal: boolean;
  /** The final stage depends on this one (directly or not), or it is the final stage. */
  readonly reachable: boolean;
}

export interface ModelDiagnostic {
  /** `expansion-error`, `invalid-image-ref`, `invalid-stage-name`, `duplicate-stage-name` (warning),
   * `reserved-stage-name` (warning), `instruction-before-from`, `no-from`, `shell-not-json`. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly range: Range;
}

export interface DockerfileModel {
  readonly source: SourceFile;
  readonly dockerfile: Dockerfile;
  readonly escape: EscapeChar;
  /** ARG instructions before the first FROM. */
  readonly globalArgs: readonly ArgInstruction[];
  /** What FROM lines see: built-ins plus global ARGs. */
  readonly globalScope: Scope;
  readonly stages: readonly Stage[];
  /** The last stage, or null when there is no FROM. */
  readonly finalStage: Stage | null;
  /** Every instruction in file order, ONBUILD triggers right after their ONBUILD. */
  readonly instructions: readonly InstructionFacts[];
  /** Facts by instruction node (triggers included). */
  readonly facts: ReadonlyMap<Instruction, InstructionFacts>;
  readonly diagnostics: readonly ModelDiagnostic[];
}

export interface BuildModelOptions {
  /** `--build-arg` values: override ARG defaults (and make ARGs without default known). */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Target platform (`linux/amd64`) for TARGETPLATFORM/TARGETOS/TARGETARCH/TARGETVARIANT; unknown when absent. */
  readonly targetPlatform?: string;
  /** Build platform for BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT; unknown when absent. */
  readonly buildPlatform?: string;
  /** Benchmark hook: when given, the shell layer's milliseconds are added to `shell` (no clock reads otherwise). */
  readonly timings?: { shell: number };
}
