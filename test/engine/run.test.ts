import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRules, INTERNAL_ERROR, effectiveRules } from '../../src/engine/run.js';
import { createRuleIndex } from '../../src/engine/rule-index.js';
import { hardeningScore, SCORE_WEIGHTS } from '../../src/engine/result.js';
import { applyFixes } from '../../src/engine/fix.js';
import { defineRule } from '../../src/rules/types.js';
import type { Finding, Rule, Severity } from '../../src/rules/types.js';
import { fakeModel, needleRule } from '../helpers/fake.js';

const curl = needleRule('DA701', 'find-curl', 'curl', 'high', { aliases: ['DL4001', 'CurlCheck'] });
const wget = needleRule('DA702', 'find-wget', 'wget', 'low');

test('findings are sorted by position then rule id, messages built from templates', () => {
  const model = fakeModel('RUN wget x && curl y\nRUN curl z');
  const a = needleRule('DA710', 'find-run-b', 'RUN');
  const b = needleRule('DA705', 'find-run-a', 'RUN');
  const f = runRules(model, { rules: [curl, wget, a, b] });
  assert.deepEqual(
    f.map((x) => [x.range.start, x.ruleId]),
    [[0, 'DA705'], [0, 'DA710'], [4, 'DA702'], [14, 'DA701'], [21, 'DA705'], [21, 'DA710'], [25, 'DA701']],
  );
  assert.equal(f.find((x) => x.ruleId === 'DA701')!.message, 'Found curl.');
  assert.equal(f.find((x) => x.ruleId === 'DA701')!.severity, 'high');
  assert.equal(f.find((x) => x.ruleId === 'DA701')!.messageId, 'found');
});

test('severity overrides by id, name or alias; off disables; on enables a disabled-by-default rule', () => {
  const model = fakeModel('curl wget');
  const optIn = needleRule('DA703', 'opt-in', 'wget', 'medium', { disabledByDefault: true });
  assert.deepEqual(runRules(model, { rules: [curl, wget, optIn] }).map((x) => x.ruleId), ['DA701', 'DA702']);
  const f = runRules(model, { rules: [curl, wget, optIn], severityOverrides: { curlcheck: 'info', 'find-wget': 'off', da703: 'on' } });
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity]), [['DA701', 'info'], ['DA703', 'medium']]);
  assert.deepEqual(effectiveRules([curl], { DL4001: 'critical' }).map((x) => x.severity), ['critical']);
});

test('per-report severity wins over the default, but a user override wins over both', () => {
  const r = defineRule({
    meta: { id: 'DA704', name: 'sev', category: 'shell', severity: 'low', description: 'x.', messages: { m: () => 'm' } },
    check(_m, ctx) {
      ctx.report({ messageId: 'm', range: { start: 0, end: 1 }, severity: 'critical' });
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  const model = fakeModel('abc');
  assert.equal(runRules(model, { rules: [r] })[0]!.severity, 'critical');
  assert.equal(runRules(model, { rules: [r], severityOverrides: { DA704: 'medium' } })[0]!.severity, 'medium');
});

function crashing(id: string, how: 'throw' | 'messageId' | 'range'): Rule {
  return defineRule({
    meta: { id, name: `crash-${how}`, category: 'runtime', severity: 'low', description: 'x.', messages: { m: () => 'm' } },
    check(_m, ctx) {
      ctx.report({ messageId: 'm', range: { start: 0, end: 1 } });
      if (how === 'throw') throw new TypeError('boom');
      if (how === 'messageId') ctx.report({ messageId: 'nope' as 'm', range: { start: 0, end: 1 } });
      if (how === 'range') ctx.report({ messageId: 'm', range: { start: 2, end: 999 } });
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
}

test('a crashing rule is contained: one internal-error finding with its id, others still run', () => {
  const model = fakeModel('curl');
  for (const how of ['throw', 'messageId', 'range'] as const) {
    const f = runRules(model, { rules: [crashing('DA801', how), curl] });
    assert.deepEqual(f.map((x) => [x.ruleId, x.messageId]), [['DA701', 'found'], ['DA801', INTERNAL_ERROR]], how);
    assert.match(f[1]!.message, /DA801/);
  }
  assert.match(runRules(model, { rules: [crashing('DA801', 'throw')] })[0]!.message, /boom/);
});

test('rule options are merged over defaults, keyed by any name of the rule', () => {
  const seen: unknown[] = [];
  const r = defineRule<{ m: () => string }, { ports: number[]; strict: boolean }>({
    meta: {
      id: 'DA802', name: 'opts', category: 'runtime', severity: 'low', description: 'x.', messages: { m: () => 'm' },
      defaultOptions: { ports: [22], strict: false }, aliases: ['OPT1'],
    },
    check(_m, ctx) {
      seen.push(ctx.options);
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  runRules(fakeModel(''), { rules: [r] });
  runRules(fakeModel(''), { rules: [r], ruleOptions: { opt1: { strict: true } } });
  assert.deepEqual(seen, [{ ports: [22], strict: false }, { ports: [22], strict: true }]);
});

test('rule index: id (any case), name, alias; unknown → undefined', () => {
  const idx = createRuleIndex([curl, wget]);
  assert.equal(idx.get('da701'), curl);
  assert.equal(idx.get('find-wget'), wget);
  assert.equal(idx.get('dl4001'), curl);
  assert.equal(idx.get('CURLCHECK'), curl);
  assert.equal(idx.get('DA799'), undefined);
  assert.ok(idx.keys().includes('dl4001'));
});

test('hardening score: earned / possible by severity weight; errors → 0', () => {
  const ran = effectiveRules([curl, wget]); // high (6) + low (1)
  const model = fakeModel('curl');
  const f = runRules(model, { rules: [curl, wget] });
  assert.equal(hardeningScore(ran, [], false), 100);
  assert.equal(hardeningScore(ran, f, false), Math.round((100 * 1) / 7));
  assert.equal(hardeningScore(ran, [{ ...f[0]!, suppressed: { kind: 'inSource' } }], false), 100);
  assert.equal(hardeningScore(ran, [{ ...f[0]!, severity: 'critical' }], false), Math.round((100 * 1) / 11));
  assert.equal(hardeningScore(ran, [], true), 0);
  assert.equal(hardeningScore([], [], false), 100);
});

test('hardening score from remembered weights equals the per-check sum, with repeated rules, crashes and suppressions', () => {
  // the definition, check by check
  const reference = (ran: readonly { rule: Rule; severity: Severity }[], findings: readonly Finding[]): number => {
    const worst = new Map<string, Severity>();
    const crashed = new Set<string>();
    for (const f of findings) {
      if (f.messageId === INTERNAL_ERROR) crashed.add(f.ruleId);
      else if (!f.suppressed && (!worst.has(f.ruleId) || SCORE_WEIGHTS[f.severity] > SCORE_WEIGHTS[worst.get(f.ruleId)!])) worst.set(f.ruleId, f.severity);
    }
    let possible = 0;
    let earned = 0;
    for (const { rule, severity } of ran) {
      if (crashed.has(rule.meta.id)) continue;
      const failed = worst.get(rule.meta.id);
      possible += SCORE_WEIGHTS[failed ?? severity];
      if (failed === undefined) earned += SCORE_WEIGHTS[severity];
    }
    return possible === 0 ? 100 : Math.round((100 * earned) / possible);
  };
  const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  const rules = severities.map((s, i) => needleRule(`DA71${i}`, `score-${i}`, 'x', s));
  const ran = effectiveRules(rules, { DA713: 'critical' });
  assert.ok(Object.isFrozen(ran) && ran.every((e) => Object.isFrozen(e)), 'the shared list cannot be changed under its weights');
  // a plain (unfrozen) list with a rule twice, at two severities
  const repeated = [...ran, { rule: rules[1]!, severity: 'low' as Severity }];
  let seed = 7;
  // xorshift32: every value of each draw comes up
  const next = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let compared = 0;
  for (let round = 0; round < 300; round++) {
    const findings: Finding[] = [];
    for (let k = next(6); k > 0; k--) {
      const id = `DA71${next(6)}`; // DA715 did not run
      findings.push({
        ruleId: id, ruleName: 'x', severity: severities[next(5)]!, category: 'shell', message: 'm',
        messageId: next(8) === 0 ? INTERNAL_ERROR : 'found', range: { start: 0, end: 0 },
        ...(next(5) === 0 ? { suppressed: { kind: 'inSource' as const } } : {}),
      });
    }
    for (const list of [ran, repeated]) {
      assert.equal(hardeningScore(list, findings, false), reference(list, findings), JSON.stringify(findings));
      compared++;
    }
    assert.equal(hardeningScore(ran, findings, true), 0);
  }
  assert.equal(compared, 600);
});

test('applyFixes applies non-overlapping fixes and skips overlapping ones', () => {
  const text = 'ADD a b\nADD c d\n';
  const base = { ruleId: 'DA503', ruleName: 'x', severity: 'low', category: 'supply-chain', message: '', messageId: 'm' } as const;
  const f1 = { ...base, range: { start: 0, end: 3 }, fix: { kind: 'safe' as const, edits: [{ range: { start: 0, end: 3 }, text: 'COPY' }] } };
  const f2 = { ...base, range: { start: 8, end: 11 }, fix: { kind: 'safe' as const, edits: [{ range: { start: 8, end: 11 }, text: 'COPY' }] } };
  const f3 = { ...base, range: { start: 0, end: 7 }, fix: { kind: 'safe' as const, edits: [{ range: { start: 0, end: 7 }, text: '' }] } };
  const r = applyFixes(text, [f1, f2, f3]);
  assert.equal(r.output, 'COPY a b\nCOPY c d\n');
  assert.equal(r.applied.length, 2);
  assert.deepEqual(r.skipped, [f3]);
  assert.equal(applyFixes(text, [{ ...f1, fix: { kind: 'unsafe', edits: f1.fix.edits } }]).output, text);
});

test('settings are cached by content: a mutated overrides object, key order and new objects are all honoured', () => {
  const model = fakeModel('curl wget');
  const rules = [curl, wget];
  const overrides: Record<string, 'off' | 'on' | 'info' | 'critical'> = { DA701: 'on', DA702: 'on' };
  assert.deepEqual(runRules(model, { rules, severityOverrides: overrides }).map((x) => x.ruleId), ['DA701', 'DA702']);
  // the same object changed in place must not reuse the earlier plan
  overrides.DA702 = 'off';
  assert.deepEqual(runRules(model, { rules, severityOverrides: overrides }).map((x) => x.ruleId), ['DA701']);
  // equal content in a fresh object (as the CLI passes per file), then a fresh rules array
  assert.deepEqual(runRules(model, { rules: [...rules], severityOverrides: { DA701: 'on', DA702: 'off' } }).map((x) => x.ruleId), ['DA701']);
  // two keys naming the same rule: the later one wins, so order is part of the cache key
  const sev = (o: Record<string, 'info' | 'critical'>): string[] => runRules(model, { rules, severityOverrides: o }).filter((x) => x.ruleId === 'DA701').map((x) => x.severity);
  assert.deepEqual(sev({ DA701: 'info', curlcheck: 'critical' }), ['critical']);
  assert.deepEqual(sev({ curlcheck: 'critical', DA701: 'info' }), ['info']);
  // rule options: a changed value object gives the rule the new options
  const seen: unknown[] = [];
  const r = defineRule<{ m: () => string }, { n: number }>({
    meta: { id: 'DA706', name: 'opt-cache', category: 'runtime', severity: 'low', description: 'x.', messages: { m: () => 'm' }, defaultOptions: { n: 0 } },
    check(_m, ctx) {
      seen.push(ctx.options.n);
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  const ruleOptions: Record<string, unknown> = { DA706: { n: 1 } };
  runRules(model, { rules: [r], ruleOptions });
  ruleOptions.DA706 = { n: 2 };
  runRules(model, { rules: [r], ruleOptions });
  runRules(model, { rules: [r], ruleOptions: {} });
  assert.deepEqual(seen, [1, 2, 0]);
  // a nested value changed in place is seen too; fresh copies of equal options reuse the plan (same options object)
  const objs: unknown[] = [];
  const r2 = defineRule<{ m: () => string }, { list: string[] }>({
    meta: { id: 'DA708', name: 'opt-nested', category: 'runtime', severity: 'low', description: 'x.', messages: { m: () => 'm' }, defaultOptions: { list: [] } },
    check(_m, ctx) {
      objs.push(ctx.options);
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  const nested = { DA708: { list: ['a'] } };
  runRules(model, { rules: [r2], ruleOptions: nested });
  nested.DA708.list.push('b');
  runRules(model, { rules: [r2], ruleOptions: nested });
  runRules(model, { rules: [r2], ruleOptions: { DA708: { list: ['a', 'b'] } } });
  assert.deepEqual(objs.map((o) => (o as { list: string[] }).list), [['a'], ['a', 'b'], ['a', 'b']]);
  assert.equal(objs[2], objs[1]);
  assert.notEqual(objs[1], objs[0]);
});

test('settings frozen all the way down are found again by identity; anything that can still change is compared', () => {
  const model = fakeModel('curl wget');
  const seen: unknown[] = [];
  const r = defineRule<{ m: () => string }, { list: string[] }>({
    meta: { id: 'DA709', name: 'opt-frozen', category: 'runtime', severity: 'low', description: 'x.', messages: { m: () => 'm' }, defaultOptions: { list: [] } },
    check(_m, ctx) {
      seen.push(ctx.options.list.join(','));
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  const rules = [curl, wget, r];
  // enumerations of a settings object are what comparing its content costs: count them through a proxy
  let listed = 0;
  const counted = <T extends object>(o: T): T =>
    new Proxy(o, {
      ownKeys(t) {
        listed++;
        return Reflect.ownKeys(t);
      },
    });
  const overrides = counted(Object.freeze({ DA701: 'on', DA702: 'critical', DA709: 'on' } as const));
  const ruleOptions = counted(Object.freeze({ DA709: Object.freeze({ list: Object.freeze(['a']) }) }));
  const run = (o: object, ro: object): string[] => runRules(model, { rules, severityOverrides: o as never, ruleOptions: ro as never }).map((x) => `${x.ruleId}:${x.severity}`);
  assert.deepEqual(run(overrides, ruleOptions), ['DA701:high', 'DA702:critical']);
  const afterFirst = listed;
  for (let i = 0; i < 3; i++) assert.deepEqual(run(overrides, ruleOptions), ['DA701:high', 'DA702:critical']);
  assert.equal(listed, afterFirst, 'frozen settings were not enumerated again');
  assert.deepEqual(seen, ['a', 'a', 'a', 'a']);
  // frozen outside but with a mutable option inside: compared every time, and an in-place change is seen
  const inner = { list: ['b'] };
  const halfFrozen = counted(Object.freeze({ DA709: inner }));
  run(overrides, halfFrozen);
  const before = listed;
  inner.list.push('c');
  run(overrides, halfFrozen);
  assert.ok(listed > before, 'a settings object that can change is compared');
  assert.deepEqual(seen.slice(-2), ['b', 'b,c']);
  // a frozen object with a getter can answer differently each time
  let severity = 'info';
  const withGetter = Object.freeze({
    DA701: 'on',
    get DA702() {
      return severity;
    },
  });
  assert.deepEqual(run(withGetter, {}), ['DA701:high', 'DA702:info']);
  severity = 'medium';
  assert.deepEqual(run(withGetter, {}), ['DA701:high', 'DA702:medium']);
});

test('report may be called unbound, and a failing rule drops only its own findings', () => {
  const model = fakeModel('curl wget');
  const r = defineRule({
    meta: { id: 'DA707', name: 'unbound', category: 'shell', severity: 'low', description: 'x.', messages: { m: () => 'm' } },
    check(_m, ctx) {
      const { report } = ctx;
      report({ messageId: 'm', range: { start: 0, end: 4 } });
      report({ messageId: 'nope' as 'm', range: { start: 0, end: 4 } });
    },
    docs: { why: '', bad: '', good: '', fix: '' },
    tests: { valid: [], invalid: [] },
  }) as unknown as Rule;
  const f = runRules(model, { rules: [curl, r, wget] });
  assert.deepEqual(f.map((x) => [x.ruleId, x.messageId]), [['DA701', 'found'], ['DA707', INTERNAL_ERROR], ['DA702', 'found']]);
});
