import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parse } from '../../src/parser/parse.js';
import { SourceFile } from '../../src/source.js';
import { buildModel, effectiveInstruction, expand, instructionsOf, rootImageOf } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';

function model(text: string): DockerfileModel {
  return buildModel(parse(new SourceFile('Dockerfile', text)));
}

const TEXT = 'FROM alpine AS base\nRUN echo hi\nFROM base\nCMD ["sh"]\nENV A=$B\n';

describe('per-model helper caches', () => {
  it('are invisible: no enumerable key, equal models stay deep-equal after helpers ran on one', () => {
    const a = model(TEXT);
    const b = model(TEXT);
    const keys = Object.keys(a);
    instructionsOf(a, 'RUN');
    rootImageOf(a, a.stages[1]!);
    effectiveInstruction(a, a.stages[1]!, 'CMD');
    expand(a, '$B', a.dockerfile.instructions[4]!);
    assert.deepEqual(Object.keys(a), keys);
    assert.equal(JSON.stringify(Object.keys(a)), JSON.stringify(Object.keys(b)));
    assert.deepStrictEqual(a.stages, b.stages);
    assert.deepStrictEqual(a.instructions, b.instructions);
  });

  it('answer each question of a model once (the same array), separately per model', () => {
    const a = model(TEXT);
    const b = model(TEXT);
    const runs = instructionsOf(a, 'RUN');
    assert.equal(instructionsOf(a, 'RUN'), runs);
    assert.equal(runs.length, 1);
    assert.notEqual(instructionsOf(b, 'RUN'), runs);
    assert.equal(effectiveInstruction(a, a.stages[1]!, 'CMD'), effectiveInstruction(a, a.stages[1]!, 'CMD'));
    assert.equal(rootImageOf(a, a.stages[1]!)?.raw, 'alpine');
  });

  it('work for models not made by buildModel (a frozen copy)', () => {
    const a = model(TEXT);
    const frozen: DockerfileModel = Object.freeze({ ...a });
    const runs = instructionsOf(frozen, 'RUN');
    assert.equal(runs.length, 1);
    assert.equal(instructionsOf(frozen, 'RUN'), runs);
    assert.equal(effectiveInstruction(frozen, frozen.stages[1]!, 'CMD')?.instruction.kind, 'CMD');
    assert.equal(rootImageOf(frozen, frozen.stages[1]!)?.raw, 'alpine');
    const e = expand(frozen, '${B:-x}', frozen.dockerfile.instructions[4]!);
    assert.ok(e.ok);
  });

  it('keep one expansion budget per model (the rules of one file share it)', () => {
    // 2^20 characters per expansion at most; a file's helper expansions share MAX_MODEL_EXPANSION_CHARS (32 Mi)
    const big = 'x'.repeat(1 << 19);
    const a = model(`FROM alpine\nENV A=${big}\nENV B=$A\n`);
    const at = a.dockerfile.instructions[2]!;
    let failures = 0;
    for (let i = 0; i < 200; i++) if (!expand(a, '$A$A', at).ok) failures++;
    assert.ok(failures > 0, 'the budget ran out');
    const fresh = model(`FROM alpine\nENV A=${big}\nENV B=$A\n`);
    assert.ok(expand(fresh, '$A$A', fresh.dockerfile.instructions[2]!).ok, 'another model has its own budget');
  });
});
