/**
 * `meta.needs` lets the engine skip a rule's `check` on files without what the rule looks at. It is a promise the
 * engine cannot verify, so these tests do: every rule, over every corpus file and every rule's own test cases and doc
 * examples, reports exactly the same findings with the skipping on and off.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runRules } from '../../src/engine/run.js';
import type { RunOptions } from '../../src/engine/run.js';
import { buildModel } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import { defineRule } from '../../src/rules/types.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { initShell } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';
import { sharedDir } from '../helpers/paths.js';

const corpus = join(sharedDir, 'corpus', 'files');

/** Every rule on, disabled-by-default ones included. */
const ALL_ON: Readonly<Record<string, 'on'>> = Object.freeze(Object.fromEntries(ruleList.map((r) => [r.meta.id, 'on' as const])));

function modelOf(source: SourceFile): DockerfileModel {
  return buildModel(parse(source));
}

function key(f: Finding): string {
  return `${f.ruleId} ${f.range.start}-${f.range.end} ${f.severity} ${f.messageId} ${f.message}${f.fix ? ' fix ' + JSON.stringify(f.fix) : ''}`;
}

/** The findings with and without needs-skipping (on the same model: helper caches are shared, results must not be). */
function both(model: DockerfileModel, opts: Omit<RunOptions, 'ignoreNeeds'>): { on: string[]; off: string[] } {
  const off = runRules(model, { ...opts, ignoreNeeds: true }).map(key);
  const on = runRules(model, opts).map(key);
  return { on, off };
}

before(async () => {
  await initShell();
});

describe('rule needs', () => {
  it('are well formed: known instruction kinds, and command name sets', () => {
    const kinds = new Set(['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ENV', 'LABEL', 'ARG', 'COPY', 'ADD', 'HEALTHCHECK', 'ONBUILD', 'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'STOPSIGNAL', 'MAINTAINER', 'UNKNOWN']);
    let declared = 0;
    for (const r of ruleList) {
      const n = r.meta.needs;
      if (n === undefined) continue;
      declared++;
      assert.ok(n.instructions !== undefined || n.commands !== undefined, `${r.meta.id}: needs lists nothing`);
      for (const k of n.instructions ?? []) assert.ok(kinds.has(k), `${r.meta.id}: unknown instruction kind ${k}`);
      if (n.instructions) assert.ok(n.instructions.length > 0, `${r.meta.id}: empty instruction list`);
      if (n.commands) {
        assert.ok(n.commands instanceof Set && n.commands.size > 0, `${r.meta.id}: commands must be a non-empty Set`);
      }
    }
    // the engine gains only when rules declare them: a change that drops them all should be noticed
    assert.ok(declared >= 40, `only ${declared} rules declare needs`);
  });

  it('skips a check on files without what it needs, and runs it on files with it', () => {
    let calls = 0;
    const probe = defineRule({
      meta: { id: 'DA999', name: 'probe', category: 'metadata', severity: 'info', description: 'Test probe.', messages: { m: () => 'm' }, needs: { instructions: ['HEALTHCHECK'] } },
      docs: { why: '', bad: '', good: '', fix: '' },
      tests: { valid: [], invalid: [] },
      check(_model, ctx) {
        calls++;
        ctx.report({ messageId: 'm', range: { start: 0, end: 0 } });
      },
    }) as unknown as Rule;
    const without = modelOf(new SourceFile('Dockerfile', 'FROM alpine\nRUN true\n'));
    const withIt = modelOf(new SourceFile('Dockerfile', 'FROM alpine\nONBUILD HEALTHCHECK CMD true\n'));
    assert.equal(runRules(without, { rules: [probe] }).length, 0);
    assert.equal(calls, 0);
    assert.equal(runRules(without, { rules: [probe], ignoreNeeds: true }).length, 1);
    assert.equal(calls, 1);
    // an ONBUILD trigger counts
    assert.equal(runRules(withIt, { rules: [probe] }).length, 1);
    assert.equal(calls, 2);
  });

  it('skips by command name, in any script of the file', () => {
    let calls = 0;
    const names: ReadonlySet<string> = new Set(['apk']);
    const probe = defineRule({
      meta: { id: 'DA998', name: 'probe-commands', category: 'metadata', severity: 'info', description: 'Test probe.', messages: { m: () => 'm' }, needs: { commands: names } },
      docs: { why: '', bad: '', good: '', fix: '' },
      tests: { valid: [], invalid: [] },
      check() {
        calls++;
      },
    }) as unknown as Rule;
    runRules(modelOf(new SourceFile('Dockerfile', 'FROM alpine\nRUN apt-get update\nCMD ["apk"]\n')), { rules: [probe] });
    assert.equal(calls, 0);
    runRules(modelOf(new SourceFile('Dockerfile', 'FROM alpine\nRUN echo x && apk add curl\n')), { rules: [probe] });
    assert.equal(calls, 1);
    runRules(modelOf(new SourceFile('Dockerfile', 'FROM alpine\nCMD apk info\n')), { rules: [probe] });
    assert.equal(calls, 2);
  });

  it("change no finding on the rules' own test cases and doc examples", () => {
    let compared = 0;
    for (const rule of ruleList) {
      if (rule.meta.needs === undefined) continue;
      const cases: { code: string; options?: unknown; files?: Readonly<Record<string, string>> }[] = [
        ...rule.tests.valid.map((c) => (typeof c === 'string' ? { code: c } : c)),
        ...rule.tests.invalid,
        { code: rule.docs.bad, options: rule.docs.options, files: rule.docs.files },
        { code: rule.docs.good, options: rule.docs.options, files: rule.docs.files },
      ];
      for (const c of cases) {
        const files = c.files;
        const { on, off } = both(modelOf(new SourceFile('Dockerfile', c.code)), {
          rules: [rule],
          severityOverrides: { [rule.meta.id]: 'on' },
          ...(c.options !== undefined ? { ruleOptions: { [rule.meta.id]: c.options } } : {}),
          env: { readContextFile: (p: string) => files?.[p] },
        });
        assert.deepEqual(on, off, `${rule.meta.id} on ${JSON.stringify(c.code)}`);
        compared++;
      }
    }
    assert.ok(compared > 100);
  });

  it('change no finding over the shared corpus (every rule, every file)', { skip: !existsSync(corpus) && 'shared corpus not present' }, () => {
    let files = 0;
    let findings = 0;
    // a build context where every file is missing but the Dockerfile's folder is known, as for a real run
    const env = { readContextFile: (_p: string) => undefined };
    for (const name of readdirSync(corpus).sort()) {
      const { source } = decodeBytes(readFileSync(join(corpus, name)), name);
      const { on, off } = both(modelOf(source), { rules: ruleList, severityOverrides: ALL_ON, env });
      assert.deepEqual(on, off, name);
      files++;
      findings += on.length;
    }
    assert.ok(files > 1000 && findings > 1000, `${files} files, ${findings} findings`);
  });
});
