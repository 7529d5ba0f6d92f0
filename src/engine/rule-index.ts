/**
 * Looking rules up by what users type: the dockaudit ID (`DA503`), the rule name (`add-instead-of-copy`) or any
 * peer alias (`DL3020`, `CKV_DOCKER_4`, `MaintainerDeprecated`). Keys are compared case-insensitively: IDs are
 * written in every case in configs and pragmas, and no two rules may share a key in any case (the rule harness
 * checks that).
 */
import type { Rule } from '../rules/types.js';
import { rulesMemo } from '../rules/rule-ref.js';

export interface RuleIndex {
  readonly rules: readonly Rule[];
  /** The rule with this ID, name or alias (case-insensitive), or undefined. */
  get(key: string): Rule | undefined;
  /** Every key (ID, name, aliases) that resolves to a rule, lower-cased, for did-you-mean suggestions. */
  keys(): readonly string[];
}

/** The index of these rules (shared: built once per distinct list of rules). */
export const createRuleIndex: (rules: readonly Rule[]) => RuleIndex = rulesMemo(buildRuleIndex);

function buildRuleIndex(rules: readonly Rule[]): RuleIndex {
  const byKey = new Map<string, Rule>();
  const add = (key: string, rule: Rule): void => {
    const k = key.trim().toLowerCase();
    if (k !== '' && !byKey.has(k)) byKey.set(k, rule);
  };
  // IDs and names first so an alias can never shadow them
  for (const r of rules) add(r.meta.id, r);
  for (const r of rules) add(r.meta.name, r);
  for (const r of rules) for (const a of r.meta.aliases ?? []) add(a, r);
  return {
    rules,
    get: (key) => byKey.get(key.trim().toLowerCase()),
    keys: () => [...byKey.keys()],
  };
}
