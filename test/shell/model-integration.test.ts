/**
 * How the model feeds the shell layer: per stage, every instruction with its SHELL, variables and WORKDIR.
 * (The model depends on the shell, not the reverse; this test shows the wiring with the real model.)
 */
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildModel, lookupFor } from '../../src/model/build.js';
import { parse } from '../../src/parser/index.js';
import { analyzeStage, envFrom, initShell, shellKindOf } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';

before(async () => {
  await initShell();
});

describe('model → shell wiring', () => {
  it('uses ARG/ENV values, WORKDIR and SHELL in effect for each RUN', () => {
    const text = [
      'FROM debian:12',
      'ARG TOOL_VERSION=1.4.0',
      'ARG NOT_GIVEN',
      'ENV BASE=https://dl.example/tool',
      'WORKDIR /opt/tool',
      'RUN curl -fsSLo tool.tgz "$BASE/v${TOOL_VERSION}/tool.tgz" && tar xzf tool.tgz && curl -o x "https://$NOT_GIVEN/x"',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'RUN wget -qO- https://get.example/i.sh | bash',
      '',
    ].join('\n');
    const source = new SourceFile('Dockerfile', text);
    const model = buildModel(parse(source));
    const stage = model.stages[0]!;
    const facts = analyzeStage(
      source,
      stage.instructions.map((f) => ({
        instruction: f.instruction,
        shell: shellKindOf(f.shellSetting.argv[0] ?? '/bin/sh'),
        env: envFrom(lookupFor(f.scope)),
        workdir: f.workdir.path,
      })),
    );
    const a = facts.dataflow.artifacts;
    assert.equal(a[0]!.url!.url, 'https://dl.example/tool/v1.4.0/tool.tgz');
    assert.equal(a[0]!.path, '/opt/tool/tool.tgz');
    assert.equal(a[1]!.url!.host, null);
    assert.deepEqual(
      facts.dataflow.uses.map((u) => `${u.kind}:${u.artifact.url!.host}`),
      ['extract:dl.example', 'pipe-to-interpreter:get.example'],
    );
    const last = [...facts.scripts.values()].at(-1)![0]!;
    assert.equal(last.kind, 'bash');
  });
});
