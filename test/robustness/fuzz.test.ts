/**
 * Full-pipeline fuzzing, bounded for CI: mutated real corpus files and grammar-generated Dockerfiles go through
 * the whole pipeline (see fuzz-core.ts), which must never throw and must return within a size-proportional bound.
 * Long mode: `npm run fuzz -- --runs 1000000`.
 */
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkInput, corpusTexts, grammarDockerfile, mutatedCorpusFile, runPipeline } from './fuzz-core.js';
import { preparePipeline } from './pipeline.js';

const corpus = corpusTexts(5);

describe('full-pipeline fuzzing (bounded)', () => {
  before(preparePipeline);

  it('the harness reports a crash: a property over a throwing pipeline fails', async () => {
    // guards against a property that can never fail (e.g. a swallowed exception)
    const r = await fc.check(
      fc.asyncProperty(grammarDockerfile, async (b) => {
        await runPipeline(b);
        if (b.length > 0) throw new Error('boom');
      }),
      { numRuns: 5, seed: 1 },
    );
    assert.equal(r.failed, true);
  });

  it('mutated corpus files: never throws, bounded time, valid reports', async () => {
    await fc.assert(fc.asyncProperty(mutatedCorpusFile(corpus), checkInput), { numRuns: 1000, seed: 20261129 });
  });

  it('grammar-generated Dockerfiles: never throws, bounded time, valid reports', async () => {
    await fc.assert(fc.asyncProperty(grammarDockerfile, checkInput), { numRuns: 1000, seed: 8 });
  });

  it('the generators produce what they claim (instructions, findings, heredocs, broken encodings)', async () => {
    const samples = await Promise.all(fc.sample(grammarDockerfile, { numRuns: 200, seed: 3 }).map((b) => runPipeline(b)));
    assert.ok(samples.filter((s) => s.instructions >= 5).length > 50, 'grammar produces few instructions');
    assert.ok(samples.some((s) => s.findings > 0), 'no finding on any generated Dockerfile: the rules never ran');
    const text = fc.sample(grammarDockerfile, { numRuns: 200, seed: 3 }).map((b) => new TextDecoder().decode(b)).join('\n');
    for (const needle of ['<<EOF', 'FROM ', 'RUN ', '--mount=', 'ONBUILD', '${']) assert.ok(text.includes(needle), `no ${needle} generated`);
    const muts = fc.sample(mutatedCorpusFile(corpus), { numRuns: 300, seed: 4 });
    assert.ok(muts.some((b) => b.includes(0)), 'no NUL generated');
    assert.ok(muts.some((b) => b[0] === 0xef && b[1] === 0xbb), 'no BOM generated');
    assert.ok(muts.some((b) => b.includes(0xff)), 'no invalid UTF-8 generated');
  });
});
