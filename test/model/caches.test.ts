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
    // distinct texts: a repeated one is answered from the model's memo without expanding (or charging) again
    for (let i = 0; i < 200; i++) if (!expand(a, `$A$A-${i}`, at).ok) failures++;
    assert.ok(failures > 0, 'the budget ran out');
    const fresh = model(`FROM alpine\nENV A=${big}\nENV B=$A\n`);
    assert.ok(expand(fresh, '$A$A', fresh.dockerfile.instructions[2]!).ok, 'another model has its own budget');
  });

  it('answer a repeated expansion from the model (same text and scope: the same result)', () => {
    const a = model('ARG V=1\nFROM alpine:$V\nENV B=${V:-x}/$HOME\nCOPY $B /dst/\nENV C=2\nCOPY $B /dst/\n');
    const [, , env, copy1, , copy2] = a.dockerfile.instructions;
    // the model expanded the ENV value while it was built; a rule asking again gets that result
    const first = expand(a, '${V:-x}/$HOME', env!);
    assert.ok(first.ok);
    assert.equal(expand(a, '${V:-x}/$HOME', env!), first);
    // the same text in another scope (after ENV C) is its own expansion, with the same value here
    const c1 = expand(a, '$B', copy1!);
    const c2 = expand(a, '$B', copy2!);
    assert.ok(c1.ok && c2.ok);
    assert.notEqual(c1, c2);
    assert.equal(c1.value, c2.value);
    assert.equal(expand(a, '$B', copy1!), c1);
    assert.equal(expand(a, '$B', copy2!), c2);
  });
});
