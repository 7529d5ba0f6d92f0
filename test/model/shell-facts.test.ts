import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { SourceFile } from '../../src/source.js';
import { parse } from '../../src/parser/index.js';
import { buildModel } from '../../src/model/build.js';
import { scriptsOf } from '../../src/model/shell-facts.js';
import { initShell } from '../../src/shell/index.js';

test('buildModel attaches parsed scripts and stage dataflow once the shell layer is loaded', async () => {
  await initShell();
  const text = [
    'FROM alpine:3.20',
    'ARG V=1.2',
    'WORKDIR /opt',
    'RUN curl -fsSLo tool.tgz https://example.org/tool-${V}.tgz && tar xzf tool.tgz',
    'ONBUILD RUN wget -qO- https://example.org/x.sh | sh',
    'CMD echo done',
    '',
  ].join('\n');
  const model = buildModel(parse(new SourceFile('Dockerfile', text)));
  const run = model.dockerfile.instructions[3]!;
  const scripts = scriptsOf(model, run);
  assert.equal(scripts.length, 1);
  const curl = scripts[0]!.commands('curl')[0]!;
  assert.equal(curl.urls[0]!.url, 'https://example.org/tool-1.2.tgz');
  const flow = model.stages[0]!.shell!.dataflow;
  assert.equal(flow.artifacts.length, 1);
  assert.equal(flow.artifacts[0]!.path, '/opt/tool.tgz');
  assert.ok(flow.uses.some((u) => u.kind === 'extract' && !u.verified));
  // the ONBUILD trigger is parsed but stays out of this stage's dataflow
  const trigger = model.instructions.find((f) => f.onbuild !== null)!;
  assert.equal(trigger.shell?.[0]?.commands('wget').length, 1);
  assert.ok(!flow.uses.some((u) => u.kind === 'pipe-to-interpreter'));
  const cmd = model.dockerfile.instructions[5]!;
  assert.equal(scriptsOf(model, cmd)[0]!.commands('echo').length, 1);
});
