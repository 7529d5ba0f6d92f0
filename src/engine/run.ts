/**
 * Runs rules over one file's model. Each rule's `check` is called once with a context that turns its reports into
 * findings (message text from `meta.messages[messageId](data)`, severity from the report, else the override, else the
 * rule's default). A rule that throws, or reports an unknown message id or an invalid range, is contained: its
 * findings are dropped and one `internal-error` finding names the rule; the other rules still run.
 */
import type { DockerfileModel } from '../model/types.js';
import type { Finding, Rule, RuleEnvironment, Severity, TextEdit } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import type { Range } from '../source.js';
import { createRuleIndex } from './rule-index.js';
import { rulesMemo } from '../rules/rule-ref.js';
import { frozenRan, INTERNAL_ERROR } from './result.js';
import { kindBits, kindMask } from '../rules/helpers/instructions.js';
import { commandsNamed } from '../rules/helpers/command-index.js';

/** `off` disables a rule, `on` enables it (also a rule that is disabled by default) at its default severity. */
export type RuleSetting = Severity | 'off' | 'on';

export interface RunOptions {
  /** The rules to run (usually `ruleList` from the generated registry). */
  readonly rules: readonly Rule[];
  /** Keyed by rule ID, name or alias (case-insensitive). */
  readonly severityOverrides?: Readonly<Record<string, RuleSetting>>;
  /** Keyed by rule ID, name or alias; merged over the rule's `defaultOptions`. */
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
  readonly env?: RuleEnvironment;
  /** Benchmark hook: milliseconds per rule ID are added here (no clock reads when absent). */
  readonly ruleMs?: Map<string, number>;
  /** Call every rule's `check`, also on files that lack what its `meta.needs` lists (for tests: same findings). */
  readonly ignoreNeeds?: boolean;
}

export { INTERNAL_ERROR } from './result.js';

/** Rules by exact ID (IDs are unique and win over names and aliases in `createRuleIndex`, so this agrees with it). */
const byId = rulesMemo((rules) => new Map(rules.map((r) => [r.meta.id, r] as const)));

/** A rule that will run, with its severity after overrides. */
export interface EffectiveRule {
  readonly rule: Rule;
  readonly severity: Severity;
  readonly overridden: boolean;
}

/** What one rule runs with on every file of a run: its effective severity and its merged options. */
interface RuleStep extends EffectiveRule {
  readonly options: unknown;
  /** `meta.needs.instructions` as kind bits (0: none listed). */
  readonly needKinds: number;
  /** `meta.needs.commands`, or null. */
  readonly needCommands: ReadonlySet<string> | null;
}

/** Everything `runRules` derives from (rules, severity overrides, rule options) alone. */
interface RunPlan {
  readonly ran: readonly EffectiveRule[];
  readonly steps: readonly RuleStep[];
}

/** A plan with the settings it was made from, copied as [key, value] lists in enumeration order. */
interface CachedPlan {
  readonly overrides: readonly (readonly [string, unknown])[];
  readonly ruleOptions: readonly (readonly [string, unknown])[];
  /** The caller's settings objects themselves when they were frozen all the way down (see `deeplyFrozen`). */
  readonly frozenOverrides: object | undefined;
  readonly frozenRuleOptions: object | undefined;
  plan: RunPlan | undefined;
  ran: readonly EffectiveRule[] | undefined;
}

const NO_SETTINGS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * True when `o` has exactly the own enumerable entries of `entries`, in the same order (order matters: when two keys
 * name the same rule, the later one wins). Values compare as `sameValue`. No allocation on the common path.
 */
function sameEntries(o: Readonly<Record<string, unknown>>, entries: readonly (readonly [string, unknown])[]): boolean {
  // Object.keys, not for-in: an object given ~100 keys one by one is in dictionary mode, where for-in is ~2x slower
  const keys = Object.keys(o);
  if (keys.length !== entries.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const e = entries[i]!;
    if (e[0] !== k) return false;
    const v = o[k];
    // most values are severities: strings compare without a call
    if (typeof v === 'string' ? v !== e[1] : !sameValue(e[1], v, 0)) return false;
  }
  return true;
}

/**
 * Identity, or equal JSON-like content (arrays and plain objects, up to a small depth): the CLI's rule options are
 * fresh copies of the same values for every file, and a rule cannot tell an equal copy from the original.
 */
function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (typeof a !== 'object' || a === null) return a === b;
  // deeper than the copy goes (`structuredCopy`): never assume equal (no real option is nested this deep)
  if (depth >= 4) return false;
  if (a === b) return true;
  if (typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  // Object.keys rather than for-in with hasOwnProperty: about twice as fast on the CLI's option objects
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(rb, k) || !sameValue(ra[k], rb[k], depth + 1)) return false;
  return true;
}

/**
 * Plans per distinct list of rules, reused while the settings are equal in content. The CLI passes a new overrides
 * object with one entry per rule (and a new rules array) for every file: rebuilding the effective rules and the
 * merged options per file, and twice per file (run and score), was ~0.3 s of CPU over the 1,475-file corpus;
 * comparing ~100 entries against the last settings seen costs a few microseconds warm, but ~40 us per file in a CLI
 * run (~60 ms of CPU over the corpus, profiled), where every file's model and rules run in between. Settings objects
 * may be mutated by callers between runs, so the cache keeps its own copy of the entries and trusts object identity
 * only for objects frozen all the way down, which cannot change.
 */
const plansOf = rulesMemo((): CachedPlan[] => []);

/** The cached entry for these settings (created empty when new). Keeps the last 8 distinct settings per rule list. */
function cachedPlan(
  rules: readonly Rule[],
  overrides: Readonly<Record<string, unknown>>,
  ruleOptions: Readonly<Record<string, unknown>>,
): CachedPlan {
  const cache = plansOf(rules);
  for (let i = 0; i < cache.length; i++) {
    const c = cache[i]!;
    if (
      (overrides === c.frozenOverrides || sameEntries(overrides, c.overrides)) &&
      (ruleOptions === c.frozenRuleOptions || sameEntries(ruleOptions, c.ruleOptions))
    ) {
      if (i > 0) {
        cache.splice(i, 1);
        cache.unshift(c);
      }
      return c;
    }
  }
  // copies, so that later changes to the caller's objects cannot alter what the plan was made from
  const c: CachedPlan = {
    overrides: Object.entries(overrides),
    ruleOptions: Object.entries(structuredCopy(ruleOptions, 0) as object),
    frozenOverrides: deeplyFrozen(overrides, 0) ? overrides : undefined,
    frozenRuleOptions: deeplyFrozen(ruleOptions, 0) ? ruleOptions : undefined,
    plan: undefined,
    ran: undefined,
  };
  cache.unshift(c);
  if (cache.length > 8) cache.pop();
  return c;
}

/**
 * True when nothing reachable from `v` can ever change: primitives, and frozen arrays and plain objects whose own
 * properties are all data properties holding such values (up to the depth `sameValue` compares). A frozen `Map` can
 * still be changed, and a getter can return anything, so neither counts.
 */
function deeplyFrozen(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return typeof v !== 'function';
  if (depth >= 4 || !Object.isFrozen(v)) return false;
  if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const d of Object.values(Object.getOwnPropertyDescriptors(v))) {
    if (!('value' in d) || !deeplyFrozen(d.value, depth + 1)) return false;
  }
  return true;
}

/**
 * Freezes `v` and everything reachable from it (returns it). Settings frozen this way are known to the run-plan cache
 * by identity (see `deeplyFrozen`).
 */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** A copy of arrays and plain objects (to the depth `sameValue` compares); anything else as is. */
function structuredCopy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null || depth > 4) return v;
  if (Array.isArray(v)) return v.map((x) => structuredCopy(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = structuredCopy(x, depth + 1);
  return out;
}

/** The effective rules, frozen (they are shared by every run with these settings). */
function computeEffectiveRules(rules: readonly Rule[], overrides: Readonly<Record<string, RuleSetting>>): readonly EffectiveRule[] {
  const setting = new Map<Rule, RuleSetting>();
  const entries = Object.entries(overrides);
  if (entries.length > 0) {
    // keys are usually exact rule IDs (the CLI passes one per rule): look those up without case folding
    const ids = byId(rules);
    let index: ReturnType<typeof createRuleIndex> | undefined;
    for (const [key, value] of entries) {
      const r = ids.get(key) ?? (index ??= createRuleIndex(rules)).get(key);
      if (r) setting.set(r, value);
    }
  }
  const out: EffectiveRule[] = [];
  for (const rule of rules) {
    const s = setting.get(rule);
    if (s === 'off') continue;
    if (s === undefined && rule.meta.disabledByDefault) continue;
    const overridden = s !== undefined && s !== 'on';
    out.push({ rule, severity: overridden ? (s as Severity) : rule.meta.severity, overridden });
  }
  return frozenRan(out);
}

/** The rules that will run and the severity each one has after overrides (shared and cached: frozen). */
export function effectiveRules(rules: readonly Rule[], overrides: Readonly<Record<string, RuleSetting>> = NO_SETTINGS): readonly EffectiveRule[] {
  const c = cachedPlan(rules, overrides, NO_SETTINGS);
  return (c.ran ??= computeEffectiveRules(rules, overrides));
}

function planFor(
  rules: readonly Rule[],
  overrides: Readonly<Record<string, RuleSetting>>,
  ruleOptions: Readonly<Record<string, unknown>>,
): RunPlan {
  const c = cachedPlan(rules, overrides, ruleOptions);
  if (c.plan !== undefined) return c.plan;
  const ran = (c.ran ??= computeEffectiveRules(rules, overrides));
  // from the cache's own copy of the options, so the plan depends on nothing the caller may change later
  const merged = optionsByRule(rules, Object.fromEntries(c.ruleOptions));
  const steps = ran.map((e): RuleStep => {
    const needs = e.rule.meta.needs;
    return {
      ...e,
      options: merged.has(e.rule) ? merged.get(e.rule) : (e.rule.meta.defaultOptions ?? {}),
      needKinds: needs?.instructions ? kindBits(needs.instructions) : 0,
      needCommands: needs?.commands ?? null,
    };
  });
  c.plan = { ran, steps };
  return c.plan;
}

function isSeverity(x: unknown): x is Severity {
  return typeof x === 'string' && (SEVERITIES as readonly string[]).includes(x);
}

function validRange(r: unknown, length: number): r is Range {
  if (typeof r !== 'object' || r === null) return false;
  const { start, end } = r as Range;
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length;
}

/** Each rule's options: `ruleOptions` entries (keyed by ID, name or alias) merged in order over its defaults. */
function optionsByRule(rules: readonly Rule[], ruleOptions: Readonly<Record<string, unknown>>): Map<Rule, unknown> {
  const merged = new Map<Rule, unknown>();
  const entries = Object.entries(ruleOptions);
  if (entries.length === 0) return merged;
  const index = createRuleIndex(rules);
  for (const [key, value] of entries) {
    const rule = index.get(key);
    if (rule && typeof value === 'object' && value !== null) {
      merged.set(rule, { ...((merged.get(rule) ?? rule.meta.defaultOptions ?? {}) as object), ...(value as object) });
    }
  }
  return merged;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start - b.range.start ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    a.range.end - b.range.end ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

interface RawReport {
  readonly messageId: PropertyKey;
  readonly data?: unknown;
  readonly range: Range;
  readonly severity?: Severity;
  readonly fix?: readonly TextEdit[];
}

/**
 * The context every rule of one file gets: one object per file whose `options` is switched per rule (a fresh object
 * with its own `report` closure per rule and file was ~150,000 allocations over the corpus). `report` is bound, so a
 * rule may also pass it around: a bound method rather than an arrow function stored on the object (V8 keeps an object
 * that holds an arrow function closing over the object itself through young-generation collections after it died,
 * until the next full collection; measured with --trace-gc-nvp, a bound function has no such effect).
 */
class FileRun {
  options: unknown = undefined;
  readonly report: (r: RawReport) => void;
  /** The rule running, and where its findings start in `findings` (dropped when it fails). */
  private step: RuleStep | undefined;
  failure: string | undefined;
  constructor(
    readonly env: RuleEnvironment,
    private readonly textLength: number,
    readonly findings: Finding[],
  ) {
    this.report = this.add.bind(this);
  }

  begin(step: RuleStep): void {
    this.step = step;
    this.options = step.options;
    this.failure = undefined;
  }

  private add(r: RawReport): void {
    const step = this.step;
    if (this.failure !== undefined || step === undefined) return;
    const meta = step.rule.meta;
    const messageId = String(r.messageId);
    const template = Object.prototype.hasOwnProperty.call(meta.messages, messageId) ? meta.messages[messageId] : undefined;
    if (typeof template !== 'function') {
      this.failure = `reported unknown message id "${messageId}"`;
      return;
    }
    if (!validRange(r.range, this.textLength)) {
      this.failure = `reported an invalid range ${JSON.stringify(r.range)}`;
      return;
    }
    const severity = step.overridden ? step.severity : isSeverity(r.severity) ? r.severity : step.severity;
    const message = String(template(r.data));
    const range = { start: r.range.start, end: r.range.end };
    // two literals rather than a conditional spread: same key order, no object cloning
    this.findings.push(
      r.fix && r.fix.length > 0 && meta.fix
        ? { ruleId: meta.id, ruleName: meta.name, severity, category: meta.category, message, messageId, range, fix: { kind: meta.fix, edits: r.fix } }
        : { ruleId: meta.id, ruleName: meta.name, severity, category: meta.category, message, messageId, range },
    );
  }
}

const NO_ENV: RuleEnvironment = Object.freeze({});

export function runRules(model: DockerfileModel, options: RunOptions): Finding[] {
  return runRulesDetailed(model, options).findings;
}

/** `runRules`, also returning the rules that ran with their effective severities (what `effectiveRules` returns for
 * the same settings, without looking the settings up a second time). */
export function runRulesDetailed(model: DockerfileModel, options: RunOptions): { findings: Finding[]; ran: readonly EffectiveRule[] } {
  const findings: Finding[] = [];
  const plan = planFor(options.rules, options.severityOverrides ?? NO_SETTINGS, options.ruleOptions ?? NO_SETTINGS);
  const ctx = new FileRun(options.env ?? NO_ENV, model.source.text.length, findings);
  const ruleMs = options.ruleMs;
  const useNeeds = options.ignoreNeeds !== true;
  /** The file's instruction kinds (`kindMask`), read when the first rule with such needs comes (-1: not yet). */
  let kinds = -1;
  for (const step of plan.steps) {
    // a rule promises to report nothing on a file without what it needs (`meta.needs`): over the corpus this skips
    // ~33 of the 103 default rules per file, 70 checks called instead of 103 (each call a few property reads and
    // helper lookups in code that is seldom optimised; rules phase -7 to -9 %, cold and warm)
    if (useNeeds) {
      if (step.needKinds !== 0) {
        if (kinds === -1) kinds = kindMask(model.dockerfile);
        if ((kinds & step.needKinds) === 0) continue;
      }
      if (step.needCommands !== null && commandsNamed(model, step.needCommands, 'all').length === 0) continue;
    }
    const rule = step.rule;
    const first = findings.length;
    ctx.begin(step);
    const t0 = ruleMs ? performance.now() : 0;
    try {
      rule.check(model, ctx as never);
    } catch (e) {
      ctx.failure = `crashed: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (ruleMs) ruleMs.set(rule.meta.id, (ruleMs.get(rule.meta.id) ?? 0) + performance.now() - t0);
    if (ctx.failure !== undefined) {
      findings.length = first;
      findings.push({
        ruleId: rule.meta.id,
        ruleName: rule.meta.name,
        severity: 'high',
        category: rule.meta.category,
        message: `Rule ${rule.meta.id} (${rule.meta.name}) ${ctx.failure}; its results for this file are missing. Please report this bug.`,
        messageId: INTERNAL_ERROR,
        range: { start: 0, end: 0 },
      });
    }
  }
  return { findings: findings.sort(compareFindings), ran: plan.ran };
}
