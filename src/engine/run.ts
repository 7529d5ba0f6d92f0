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
}

/** The message id of the finding that stands for a rule that crashed. */
export const INTERNAL_ERROR = 'internal-error';

/** Rules by exact ID (IDs are unique and win over names and aliases in `createRuleIndex`, so this agrees with it). */
const byId = rulesMemo((rules) => new Map(rules.map((r) => [r.meta.id, r] as const)));

/** The rules that will run and the severity each one has after overrides. */
export function effectiveRules(
  rules: readonly Rule[],
  overrides: Readonly<Record<string, RuleSetting>> = {},
): { rule: Rule; severity: Severity; overridden: boolean }[] {
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
  const out: { rule: Rule; severity: Severity; overridden: boolean }[] = [];
  for (const rule of rules) {
    const s = setting.get(rule);
    if (s === 'off') continue;
    if (s === undefined && rule.meta.disabledByDefault) continue;
    const overridden = s !== undefined && s !== 'on';
    out.push({ rule, severity: overridden ? (s as Severity) : rule.meta.severity, overridden });
  }
  return out;
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

export function runRules(model: DockerfileModel, options: RunOptions): Finding[] {
  const findings: Finding[] = [];
  const env = options.env ?? {};
  const mergedOptions = optionsByRule(options.rules, options.ruleOptions ?? {});
  const textLength = model.source.text.length;
  for (const { rule, severity, overridden } of effectiveRules(options.rules, options.severityOverrides)) {
    const own: Finding[] = [];
    let failure: string | undefined;
    const ctx = {
      options: mergedOptions.has(rule) ? mergedOptions.get(rule) : (rule.meta.defaultOptions ?? {}),
      env,
      report(r: { messageId: PropertyKey; data?: unknown; range: Range; severity?: Severity; fix?: readonly TextEdit[] }) {
        if (failure !== undefined) return;
        const messageId = String(r.messageId);
        const template = Object.prototype.hasOwnProperty.call(rule.meta.messages, messageId)
          ? rule.meta.messages[messageId]
          : undefined;
        if (typeof template !== 'function') {
          failure = `reported unknown message id "${messageId}"`;
          return;
        }
        if (!validRange(r.range, textLength)) {
          failure = `reported an invalid range ${JSON.stringify(r.range)}`;
          return;
        }
        const findingSeverity = overridden ? severity : isSeverity(r.severity) ? r.severity : severity;
        own.push({
          ruleId: rule.meta.id,
          ruleName: rule.meta.name,
          severity: findingSeverity,
          category: rule.meta.category,
          message: String(template(r.data)),
          messageId,
          range: { start: r.range.start, end: r.range.end },
          ...(r.fix && r.fix.length > 0 && rule.meta.fix ? { fix: { kind: rule.meta.fix, edits: r.fix } } : {}),
        });
      },
    };
    const t0 = options.ruleMs ? performance.now() : 0;
    try {
      rule.check(model, ctx as never);
    } catch (e) {
      failure = `crashed: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (options.ruleMs) options.ruleMs.set(rule.meta.id, (options.ruleMs.get(rule.meta.id) ?? 0) + performance.now() - t0);
    if (failure === undefined) {
      findings.push(...own);
    } else {
      findings.push({
        ruleId: rule.meta.id,
        ruleName: rule.meta.name,
        severity: 'high',
        category: rule.meta.category,
        message: `Rule ${rule.meta.id} (${rule.meta.name}) ${failure}; its results for this file are missing. Please report this bug.`,
        messageId: INTERNAL_ERROR,
        range: { start: 0, end: 0 },
      });
    }
  }
  return findings.sort(compareFindings);
}
