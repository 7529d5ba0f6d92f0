/**
 * The shape of a rule. A rule file default-exports `defineRule({...})`: its metadata (the single source of truth
 * for docs, `dockaudit rules`, SARIF descriptors, config and aliases), a pure `check`, and its own test cases and
 * doc text. Adding a rule = adding one file under src/rules/ (the registry is generated).
 */
import type { Range } from '../source.js';
import type { DockerfileModel } from '../model/types.js';
import type { InstructionKind } from '../parser/ast.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher = more severe. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export const CATEGORIES = [
  'syntax',
  'base-image',
  'privileges',
  'secrets',
  'supply-chain',
  'package-manager',
  'shell',
  'runtime',
  'metadata',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Peer tool rule IDs this rule covers (hadolint DL/SC codes, BuildKit check names, Trivy DS-, Checkov CKV_). */
export type Aliases = readonly string[];

export interface TextEdit {
  readonly range: Range;
  readonly text: string;
}

export type FixKind = 'safe' | 'unsafe';

export interface RuleDocs {
  /** Why this matters (markdown paragraphs). */
  readonly why: string;
  /** A Dockerfile that triggers the rule (executed by the docs test). */
  readonly bad: string;
  /** A Dockerfile that does not trigger it (executed by the docs test). */
  readonly good: string;
  /** How to fix (markdown). */
  readonly fix: string;
  /** Links (vendor docs, CWE pages, articles). */
  readonly references?: readonly string[];
  /** Rule options the `bad` and `good` examples are run with (for rules that only act when configured). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Environment facts the `bad` and the `good` example are run with (e.g. `{ bad: { gitTracked: false } }`). */
  readonly env?: { readonly bad?: { readonly gitTracked?: boolean }; readonly good?: { readonly gitTracked?: boolean } };
  /** Build-context files (path → content) the `bad` and `good` examples run with, for context-aware rules; shown in the docs. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface RuleTestError {
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly messageId?: string;
}

export interface RuleTestCase<O = unknown> {
  readonly name?: string;
  /** Dockerfile text. */
  readonly code: string;
  /** Options merged over the rule's defaults. */
  readonly options?: Partial<O>;
  /** Extra files of the build context (path → content), for context-aware rules. */
  readonly files?: Readonly<Record<string, string>>;
  /** `RuleEnvironment.gitTracked` for this case (unknown when absent). */
  readonly gitTracked?: boolean;
}

export interface RuleInvalidCase<O = unknown> extends RuleTestCase<O> {
  readonly errors: readonly RuleTestError[];
  /** Expected text after applying this rule's fixes (required when the rule fixes). */
  readonly output?: string;
}

export interface RuleTests<O = unknown> {
  readonly valid: readonly (string | RuleTestCase<O>)[];
  readonly invalid: readonly RuleInvalidCase<O>[];
}

export type Messages = Readonly<Record<string, (data: any) => string>>;

export interface RuleMeta<M extends Messages, O> {
  /** `DA` + three digits; never reused. 1xx syntax, 2xx base image/stages, 3xx user/permissions, 4xx secrets,
   * 5xx downloads/integrity/TLS/signatures, 6xx package managers, 7xx RUN/shell, 8xx CMD/ENTRYPOINT/EXPOSE/VOLUME/
   * HEALTHCHECK/WORKDIR, 9xx metadata and documentation. */
  readonly id: string;
  /** kebab-case; equals the file name and the docs slug. */
  readonly name: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly cwe?: readonly number[];
  /** One sentence. */
  readonly description: string;
  readonly messages: M;
  readonly aliases?: Aliases;
  readonly fix?: FixKind;
  /** Default options (config may override any key). */
  readonly defaultOptions?: O;
  /** Off unless enabled in config. */
  readonly disabledByDefault?: boolean;
  readonly tags?: readonly string[];
  /** `engine`: the rule's findings are produced by the engine (e.g. DA102 unused-suppression from the suppression
   * pass), not by `check`; rule-test and docs harnesses skip executing its cases. */
  readonly reportedBy?: 'engine';
  /**
   * What the rule looks at, so that the engine can skip `check` on files without any of it (a speed-up only: see
   * `RuleNeeds`). Optional; leave it out when the rule reads anything else.
   */
  readonly needs?: RuleNeeds;
}

/**
 * A promise about a rule: on a file that lacks what is listed here, `check` reports nothing. The engine then does not
 * call `check` for that file (~100 rules run on every file, and entering a check that finds nothing to judge costs
 * more than the one bit test that replaces it). Both kinds of needs may be given: the rule runs when the file has one
 * of the instruction kinds AND one of the commands. `test/rules/needs.test.ts` runs every rule with and without the
 * skipping over the corpus and over the rules' own test cases and compares the findings.
 */
export interface RuleNeeds {
  /** Instruction kinds (ONBUILD triggers count): the rule reads only instructions of these kinds. */
  readonly instructions?: readonly InstructionKind[];
  /**
   * Command names or tool keys (as `ShellCommand.isNamed` matches them), in any script of any instruction: the rule
   * judges only such commands. Pass the very Set the rule queries the command index with (`commandsNamed`,
   * `runsRunning`, `runScriptCommandsNamed`): the index answers per Set object.
   */
  readonly commands?: ReadonlySet<string>;
}

export interface Report<M extends Messages, K extends keyof M = keyof M> {
  readonly messageId: K;
  readonly data?: Parameters<M[K]>[0];
  readonly range: Range;
  /** Severity for this finding when it differs from the rule's default (e.g. `curl | sh` critical). */
  readonly severity?: Severity;
  readonly fix?: readonly TextEdit[];
}

/** Facts about the environment a rule may need (all optional; rules must work without them). */
export interface RuleEnvironment {
  /** Read a file of the build context (relative to the Dockerfile's directory), or undefined. */
  readonly readContextFile?: (relPath: string) => string | undefined;
  /** Whether the Dockerfile is tracked by git: true/false, or undefined when unknown (no git, not a work tree). */
  readonly gitTracked?: boolean;
}

export interface RuleContext<M extends Messages, O> {
  readonly options: O;
  readonly env: RuleEnvironment;
  report<K extends keyof M>(r: Report<M, K>): void;
}

export interface RuleDefinition<M extends Messages, O> {
  readonly meta: RuleMeta<M, O>;
  readonly docs: RuleDocs;
  readonly tests: RuleTests<O>;
  check(model: DockerfileModel, ctx: RuleContext<M, O>): void;
}

export interface Rule<M extends Messages = Messages, O = any> extends RuleDefinition<M, O> {
  /** Relative docs path, derived from the name. */
  readonly docsPath: string;
}

export function defineRule<M extends Messages, O = Record<string, never>>(def: RuleDefinition<M, O>): Rule<M, O> {
  return { ...def, docsPath: `docs/rules/${def.meta.name}.md` };
}

/** A finding: plain, serialisable data. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly message: string;
  readonly messageId: string;
  readonly range: Range;
  readonly fix?: { readonly kind: FixKind; readonly edits: readonly TextEdit[] };
  /** Set when an inline comment or config suppressed it. */
  readonly suppressed?: { readonly kind: 'inSource' | 'external'; readonly justification?: string };
}
