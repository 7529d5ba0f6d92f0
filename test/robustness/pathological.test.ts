/**
 * Pathological inputs: huge files, huge continuations, many stages, a 1 MB line, many heredocs, deep nesting. Each
 * must be handled without throwing, in a time bound proportional to its size, and growth from n to 4n must stay
 * linear-ish (ratio well under 16, the quadratic figure). Bounds are generous: the machine is shared.
 */
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import type { DockerfileModel } from '../../src/model/types.js';
import type { Dockerfile } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { clearTreeCache } from '../../src/shell/parse.js';
import { auditAll, preparePipeline } from './pipeline.js';
import type { AuditAnalysis } from './pipeline.js';
import {
  bigFile,
  compareSizes,
  continuation,
  heredocs,
  heredocsOneLine,
  longLine,
  nestedParameterExpansions,
  nestedSubshells,
  nestedSubstitutions,
  onbuildChain,
  stageChain,
  stages,
} from './inputs.js';

const enc = new TextEncoder();

let last: AuditAnalysis | null = null;

/** Bytes → findings → reports, exactly as the CLI runs (the whole analysis is kept in `last`). */
async function parseText(text: string): Promise<Dockerfile> {
  last = await auditAll(enc.encode(text));
  return last.df;
}

/** Runs the pipeline under the time bound and returns the model. */
async function modelWithin(text: string, floorMs = 2000): Promise<DockerfileModel> {
  await parseWithin(text, floorMs);
  return last!.model;
}

/**
 * Runs the whole pipeline once under a bound of `msPerMB` per megabyte (at least `floorMs`) of CPU time: on a shared
 * machine (load averages of 15+ on 2 cores happen here) wall time mostly measures the wait for a core.
 */
async function parseWithin(text: string, floorMs = 1000, msPerMB = 1000): Promise<Dockerfile> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const df = await parseText(text);
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  const wall = performance.now() - t0;
  const bound = Math.max(floorMs, (text.length / 1e6) * msPerMB);
  assert.ok(cpu < bound, `pipeline on ${text.length} chars took ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall (bound ${bound.toFixed(0)} ms CPU)`);
  return df;
}

/** Parser only (decode + parse). The bytes are encoded before timing: the parser takes a few ms per MB, so encoding
 * megabytes inside the timed call (and the collections it triggers) made the 1 MB vs 4 MB ratio noise, up to 9. */
function parseOnly(bytes: Uint8Array): void {
  parse(decodeBytes(bytes, 'Dockerfile').source);
}

async function assertLinear(name: string, gen: (n: number) => string, n: number, stage: 'parser' | 'pipeline' = 'pipeline'): Promise<string> {
  const small = gen(n);
  const large = gen(4 * n);
  const r =
    stage === 'parser'
      ? await compareSizes(enc.encode(small), enc.encode(large), parseOnly, 5)
      : // the shell's tree cache emptied before each run: it keeps scripts up to 64 K characters, so the small input's
        // four runs parsed its script once while the large one's (above the limit) was parsed every time, and the
        // ratio measured the cache (6.3-8.8 once the rest of the pipeline got cheaper), not the pipeline's growth
        await compareSizes(
          small,
          large,
          async (t) => {
            clearTreeCache();
            await parseText(t);
          },
          5,
        );
  const note = `${name} (${stage}): n=${n} ${r.small.toFixed(1)} ms CPU, 4n ${r.large.toFixed(1)} ms CPU, ratio ${r.ratio.toFixed(2)}`;
  assert.ok(r.ratio < 6, `${note} (want < 6)`);
  return note;
}

describe('the whole pipeline (audit + reports) on pathological inputs', () => {
  before(preparePipeline);

  it('a 5 MB file of real Dockerfiles', async () => {
    const text = bigFile(5e6);
    const df = await parseWithin(text, 15_000); // parse + model + shell + rules + reports
    assert.ok(text.length >= 5e6);
    // every corpus file contributes instructions: thousands of them
    assert.ok(df.instructions.length > 20_000, `only ${df.instructions.length} instructions`);
    assert.equal(df.instructions.at(-1)!.range.end <= text.length, true);
    // the rules ran and every reporter wrote its report
    assert.ok(last!.result.findings.length > 100, `only ${last!.result.findings.length} findings`);
    assert.ok(last!.reportChars > 100_000);
  });

  it('a RUN continued over 100,000 lines: one instruction, last line number right', async () => {
    const df = await parseWithin(continuation(100_000), 10_000); // 100,000 commands for the shell and the rules
    assert.equal(df.instructions.length, 2);
    const run = df.instructions[1]!;
    assert.equal(run.kind, 'RUN');
    assert.equal(run.startLine, 2);
    assert.equal(run.endLine, 100_003);
    assert.ok(run.original.endsWith('&& echo end'));
  });

  it('continuation lines scale linearly: parser 200,000 vs 800,000, whole pipeline 2,500 vs 10,000', async (t) => {
    // parser: both sizes past the step where the parse's working set outgrows the CPU caches (~190 ns per line up
    // to ~100,000 lines, ~450-540 ns from ~200,000 on: 25,000 vs 100,000 measured ratios of 2.8 to 6.5)
    t.diagnostic(await assertLinear('continuation', continuation, 200_000, 'parser'));
    t.diagnostic(await assertLinear('continuation', continuation, 2_500));
  });

  it('10,000 stages', async () => {
    const df = await parseWithin(stages(10_000), 3000);
    const froms = df.instructions.filter((i) => i.kind === 'FROM');
    assert.equal(froms.length, 10_000);
    const last = froms.at(-1)!;
    assert.equal(last.kind === 'FROM' ? last.stageName?.value : null, 's9999');
  });

  it('stages scale linearly (1,000 vs 4,000)', async (t) => {
    t.diagnostic(await assertLinear('stages', stages, 1_000));
  });

  it('5,000 stages each built FROM the previous one', async () => {
    await parseWithin(stageChain(5_000), 8000);
    const s = last!.model.stages;
    assert.equal(s.length, 5_000);
    assert.equal(s.at(-1)!.parentStage, 4_998);
    // the rules still see the chain: the root image is debian, so apt's recommends are flagged in every stage
    assert.equal(last!.result.findings.filter((f) => f.ruleName === 'apt-install-recommends').length, 4_999);
  });

  it('stage chains scale linearly (1,000 vs 4,000)', async (t) => {
    t.diagnostic(await assertLinear('stage chain', stageChain, 1_000));
  });

  it('a 1 MB single line: parsed, and over BuildKit\'s line limit', async () => {
    const df = await parseWithin(longLine(1e6), 5000);
    assert.equal(df.instructions.length, 2);
    assert.ok(df.diagnostics.some((d) => d.code === 'line-too-long'));
    const run = df.instructions[1]!;
    assert.ok(run.kind === 'RUN' && run.command.form === 'shell' && run.command.script.text.length > 1e6);
  });

  it('long lines scale linearly: parser 2 MB vs 8 MB, whole pipeline 25 KB vs 100 KB', async (t) => {
    // the parser takes ~2.5 ms per MB: at 1 MB the young generation absorbs a run's garbage and at 4 MB it does not,
    // which alone gave ratios up to 6.2 under load (direct runs: 2.5, 6.4, 10.5, 21.3 ms for 1, 2, 4, 8 MB)
    t.diagnostic(await assertLinear('long line', longLine, 2_000_000, 'parser'));
    t.diagnostic(await assertLinear('long line', longLine, 25_000));
  });

  it('10,000 heredocs (one per RUN)', async () => {
    const df = await parseWithin(heredocs(10_000), 3000);
    const runs = df.instructions.filter((i) => i.kind === 'RUN');
    assert.equal(runs.length, 10_000);
    assert.ok(runs.every((r) => r.heredocs.length === 1));
    assert.equal(runs.at(-1)!.heredocs[0]!.content, 'echo 9999\nset -e; ls /tmp/9999\n');
  });

  it('heredocs scale linearly (1,000 vs 4,000)', async (t) => {
    t.diagnostic(await assertLinear('heredocs', heredocs, 1_000));
  });

  it('10,000 heredocs opened on one COPY line', async () => {
    const df = await parseWithin(heredocsOneLine(10_000), 3000);
    const copy = df.instructions[1]!;
    assert.equal(copy.heredocs.length, 10_000);
    assert.equal(copy.heredocs[9_999]!.name, 'E9999');
    // the marker line is over 64 KiB: BuildKit's only complaint
    assert.deepEqual([...new Set(df.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))], ['line-too-long']);
  });

  it('heredocs on one line scale linearly (2,500 vs 10,000)', async (t) => {
    t.diagnostic(await assertLinear('heredocs on one line', heredocsOneLine, 2_500));
  });

  it('ONBUILD chained 100,000 times: no stack overflow, an error diagnostic', async () => {
    const df = await parseWithin(onbuildChain(100_000), 3000);
    assert.equal(df.instructions.length, 2);
    assert.ok(df.diagnostics.some((d) => d.code === 'onbuild-too-deep'));
    let depth = 0;
    for (let i = df.instructions[1] ?? null; i && i.kind === 'ONBUILD'; i = i.trigger) depth++;
    assert.ok(depth >= 2 && depth < 100, `descended ${depth} levels`);
  });

  it('${a:-…} nested 100,000 deep in a heredoc line: no stack overflow', async () => {
    const df = await parseWithin(nestedParameterExpansions(100_000), 3000);
    assert.equal(df.instructions[1]!.kind, 'RUN');
    // a shallow nesting still finds its heredoc
    const shallow = await parseText(nestedParameterExpansions(50));
    assert.equal(shallow.instructions[1]!.heredocs.length, 1);
  });

  it('a 100,000-deep JSON array in exec form', async () => {
    const df = await parseWithin('FROM a\nCMD ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n', 3000);
    assert.equal(df.instructions.length, 2);
  });

  it('a 100,000-deep ${a:-${a:-…}} in ENV, ARG and FROM: an error value, no stack overflow', async () => {
    const deep = '${a:-'.repeat(100_000) + 'x' + '}'.repeat(100_000);
    for (const text of [`FROM a\nENV X=${deep}\n`, `ARG X=${deep}\nFROM a\n`, `FROM ${deep}\n`]) {
      const m = await modelWithin(text);
      assert.ok(
        m.diagnostics.some((d) => /nested more than/.test(d.message)),
        `no nesting diagnostic: ${m.diagnostics.map((d) => d.message).join('; ').slice(0, 300)}`,
      );
    }
    // a realistic nesting still expands
    const ok = await modelWithin('FROM a\nENV X=' + '${a:-'.repeat(20) + 'x' + '}'.repeat(20) + '\n');
    assert.equal(ok.diagnostics.filter((d) => /nested/.test(d.message)).length, 0);
  });

  it('ENV V=$V$V repeated 20,000 times (exponential expansion) is cut off, not computed', async () => {
    const m = await modelWithin('FROM a\nENV V=x\n' + 'ENV V=${V}${V}\n'.repeat(20_000), 5000);
    assert.ok(m.diagnostics.some((d) => /expansion (larger|budget)/.test(d.message)));
  });

  it('distinct names doubling (ENV A1=$A0$A0 …) and ARG doubling are cut off too', async () => {
    const env = ['FROM a', 'ENV A0=xxxxxxxx'];
    for (let i = 1; i < 20_000; i++) env.push(`ENV A${i}=\${A${i - 1}}\${A${i - 1}}`);
    const m = await modelWithin(env.join('\n') + '\n', 5000);
    assert.ok(m.diagnostics.some((d) => /expansion (larger|budget)/.test(d.message)));
    const a = await modelWithin('FROM a\nARG V\n' + 'ARG V=${V}${V}\n'.repeat(2_000), 5000);
    assert.ok(a.diagnostics.some((d) => /expansion (larger|budget)/.test(d.message)));
  });

  it('a 1 MiB value re-used by 20,000 ENVs stays within the file budget', async () => {
    const lines = ['FROM a', 'ENV A0=' + 'x'.repeat(60_000)];
    for (let i = 1; i < 20_000; i++) lines.push(`ENV B${i}=\${A0}\${A0}\${A0}\${A0}\${A0}\${A0}\${A0}\${A0}`);
    const m = await modelWithin(lines.join('\n') + '\n', 5000);
    assert.ok(m.diagnostics.some((d) => /expansion budget/.test(d.message)));
  });

  it('huge and complex #/%/ patterns: bounded, no stack overflow', async () => {
    const long = 'FROM a\nENV V=' + 'a'.repeat(50_000) + '\nENV W=${V#' + 'a'.repeat(100_000) + '}\n';
    assert.ok((await modelWithin(long)).diagnostics.some((d) => /pattern longer/.test(d.message)));
    const stars = 'FROM a\nENV V=' + 'a'.repeat(20_000) + '\nENV W=${V##' + '*a'.repeat(500) + 'b}\n';
    assert.ok((await modelWithin(stars)).diagnostics.some((d) => /too complex/.test(d.message)));
    const replace = 'FROM a\nENV V=' + 'ab'.repeat(20_000) + '\nENV W=${V//' + '*a'.repeat(50) + 'c/x}\n';
    await modelWithin(replace);
  });

  it('1,000 nested subshells in a RUN: analysed or an error value, no stack overflow', async () => {
    await parseWithin(nestedSubshells(1_000), 3000);
    const a = last!;
    assert.equal(a.df.instructions.length, 2);
    // a moderate nesting still yields the innermost command
    await parseText(nestedSubshells(50));
    assert.ok(last!.commands >= 1, 'no command found in 50 nested subshells');
  });

  it('1,000 nested $( ) in a RUN: no stack overflow', async () => {
    await parseWithin(nestedSubstitutions(1_000), 3000);
    assert.equal(last!.df.instructions.length, 2);
  });

  it('10,000 nested subshells: no stack overflow', async () => {
    await parseWithin(nestedSubshells(10_000), 5000);
  });

  it('a RUN of 10,000 commands joined by && over continuation lines: every command found', async () => {
    const lines = ['FROM alpine:3.20', 'RUN true \\'];
    for (let i = 0; i < 10_000; i++) lines.push(`  && echo ${i} \\`);
    lines.push('  && true', '');
    await parseWithin(lines.join('\n'), 5000);
    assert.equal(last!.commands, 10_002);
  });

  it('8,000 heredocs in one RUN (tree-sitter-bash is superlinear there): bounded by the parse deadline', async (t) => {
    const n = 8_000;
    const text = ['FROM alpine:3.20', 'RUN cat ' + Array.from({ length: n }, (_, i) => `<<E${i}`).join(' ')];
    for (let i = 0; i < n; i++) text.push('x', `E${i}`);
    const c0 = process.cpuUsage();
    await parseText(text.join('\n') + '\n');
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    // unbounded, this takes ~17 s here; the deadline is 2 s + 20 ms per KB of script (~4.3 s for this one)
    assert.ok(ms < 10_000, `took ${ms.toFixed(0)} ms`);
    const gaveUp = last!.scripts.some((s) => s.errors.some((e) => /gave up/.test(e.message)));
    t.diagnostic(`${ms.toFixed(0)} ms; shell parse ${gaveUp ? 'gave up at the deadline' : 'finished'}`);
  });

  it('10,000 findings each under a suppression pragma, and 10,000 ADD findings: bounded', async () => {
    const pragmas = ['FROM alpine:3.20'];
    for (let i = 0; i < 10_000; i++) pragmas.push(`# hadolint ignore=DL3008,DL4000`, `MAINTAINER m${i}`);
    await parseWithin(pragmas.join('\n') + '\n', 5000);
    assert.ok(last!.result.findings.length >= 10_000, `${last!.result.findings.length} findings`);
    const adds = ['FROM alpine:3.20'];
    for (let i = 0; i < 10_000; i++) adds.push(`ADD f${i} /x/`);
    await parseWithin(adds.join('\n') + '\n', 5000);
    assert.ok(last!.result.findings.length >= 10_000, `${last!.result.findings.length} findings`);
  });
});
